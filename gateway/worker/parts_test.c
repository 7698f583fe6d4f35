/* SPDX-License-Identifier: ISC */
/*
 * The worker's standalone parts: the send queue, the inner-address map,
 * SHA-1 (FIPS 180 answers and the profile hash ocserv advertised in the
 * lab), the webvpn cookie reader and the User-Agent classes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/worker/client_class.h"
#include "gateway/worker/cookie.h"
#include "gateway/worker/inner_map.h"
#include "gateway/worker/outq.h"
#include "lib/tls/digest.h"
#include "lib/base/err.h"

static void test_outq_splits_and_orders(void **state)
{
	struct outq_pool pool;
	struct outq q;
	static uint8_t data[20000];
	struct outq_rec *a, *b;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	outq_pool_init(&pool);
	outq_init(&q);
	assert_int_equal(outq_push_bytes(&q, &pool, data, sizeof(data), false), 0);
	assert_int_equal(q.count, 2);
	assert_int_equal(q.bytes, sizeof(data));
	a = outq_pop(&q);
	b = outq_pop(&q);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(outq_pop(&q));
	assert_int_equal(a->len, OUTQ_REC_MAX);
	assert_int_equal(b->len, sizeof(data) - OUTQ_REC_MAX);
	assert_memory_equal(a->data, data, a->len);
	assert_memory_equal(b->data, data + OUTQ_REC_MAX, b->len);
	outq_rec_put(&pool, a);
	outq_rec_put(&pool, b);
	outq_pool_cleanup(&pool);
}

static void test_outq_wipes_secrets(void **state)
{
	struct outq_pool pool;
	struct outq q;
	struct outq_rec *rec;
	uint8_t *mem;

	(void)state;
	outq_pool_init(&pool);
	outq_init(&q);
	assert_int_equal(outq_push_bytes(&q, &pool, "webvpn=secret", 13, true), 0);
	rec = outq_pop(&q);
	mem = rec->data;
	outq_rec_put(&pool, rec);
	/* Pooled, not freed: the bytes are still ours to look at. */
	assert_int_equal(pool.free_count, 1);
	for (size_t i = 0; i < 13; i++)
		assert_int_equal(mem[i], 0);
	outq_pool_cleanup(&pool);
}

static struct net_addr v4(uint32_t host)
{
	struct net_addr a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.bytes[0] = 198;
	a.bytes[1] = 19;
	a.bytes[2] = (uint8_t)(host >> 8);
	a.bytes[3] = (uint8_t)host;
	return a;
}

/* Inserts and deletes under churn, checking every key against a plain array. */
static void test_inner_map_churn(void **state)
{
	enum { N = 3000 };
	struct session *ref[N];
	struct inner_map m;
	unsigned seed = 12345;

	(void)state;
	memset(ref, 0, sizeof(ref));
	inner_map_init(&m);
	for (int step = 0; step < 20000; step++) {
		uint32_t k;
		struct net_addr a;

		seed = seed * 1103515245u + 12345u;
		k = (seed >> 8) % N;
		a = v4(k);
		if (ref[k] && (seed & 1)) {
			inner_map_del(&m, &a, ref[k]);
			ref[k] = NULL;
		} else {
			ref[k] = (struct session *)(uintptr_t)(0x1000 + k * 8 + (step & 7));
			assert_int_equal(inner_map_put(&m, &a, ref[k]), 0);
		}
		if (step % 997 == 0) {
			size_t count = 0;

			for (uint32_t i = 0; i < N; i++) {
				struct net_addr b = v4(i);

				assert_ptr_equal(inner_map_get(&m, &b), ref[i]);
				count += ref[i] != NULL;
			}
			assert_int_equal(m.count, count);
		}
	}
	inner_map_cleanup(&m);
}

static void test_inner_map_owner_and_v6(void **state)
{
	struct session *s1 = (struct session *)(uintptr_t)0x10, *s2 = (struct session *)(uintptr_t)0x20;
	struct inner_map m;
	struct net_addr a6, a4 = v4(50);

	(void)state;
	memset(&a6, 0, sizeof(a6));
	a6.family = AF_INET6;
	a6.bytes[0] = 0x20;
	a6.bytes[1] = 0x01;
	a6.bytes[15] = 0x50;
	inner_map_init(&m);
	assert_int_equal(inner_map_put(&m, &a4, s1), 0);
	assert_int_equal(inner_map_put(&m, &a6, s1), 0);
	/* A reconnect on this worker took the address over: the old owner's delete is a no-op. */
	assert_int_equal(inner_map_put(&m, &a4, s2), 0);
	inner_map_del(&m, &a4, s1);
	assert_ptr_equal(inner_map_get(&m, &a4), s2);
	assert_ptr_equal(inner_map_get(&m, &a6), s1);
	inner_map_del(&m, &a6, s1);
	assert_null(inner_map_get(&m, &a6));
	inner_map_cleanup(&m);
}

static void test_packet_addresses(void **state)
{
	/* An ICMP echo from the lab client's tunnel address to the LAN host. */
	static const uint8_t pkt[28] = {
		0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x00, 0x00,
		198, 19, 10, 50, 198, 18, 2, 2,
		0x08, 0x00, 0xf7, 0xff, 0x00, 0x00, 0x00, 0x00,
	};
	struct net_addr src, dst;

	(void)state;
	assert_int_equal(inner_map_packet_src(pkt, sizeof(pkt), &src), 0);
	assert_int_equal(inner_map_packet_dst(pkt, sizeof(pkt), &dst), 0);
	assert_int_equal(src.family, AF_INET);
	assert_memory_equal(src.bytes, ((const uint8_t[]){ 198, 19, 10, 50 }), 4);
	assert_memory_equal(dst.bytes, ((const uint8_t[]){ 198, 18, 2, 2 }), 4);
	assert_int_equal(inner_map_packet_dst(pkt, 19, &dst), VPN_ERR_INVALID);
	assert_int_equal(inner_map_packet_dst((const uint8_t *)"\x60", 1, &dst), VPN_ERR_INVALID);
}

static void check_sha1(const void *data, size_t len, const char *hex)
{
	char out[TLS_DIGEST_SHA1_HEX_LEN];

	assert_int_equal(tls_digest_sha1_hex(data, len, out), 0);
	assert_string_equal(out, hex);
}

static void test_sha1_fips_answers(void **state)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	(void)state;
	check_sha1("abc", 3, "A9993E364706816ABA3E25717850C26C9CD0D89D");
	check_sha1("", 0, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
	check_sha1(two_blocks, strlen(two_blocks), "84983E441C3BD26EBAAE4AA1F95129E5E54670F1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	check_sha1(million, 1000000, "34AA973CD4C4DAA4F61EEB2BDBAD27316534016F");
	free(million);
}

/* The lab's profile.xml; ocserv 1.1.6 advertised this hash for it (vector 06). */
static const char lab_profile[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<AnyConnectProfile xmlns=\"http://schemas.xmlsoap.org/encoding/\" "
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	"xsi:schemaLocation=\"http://schemas.xmlsoap.org/encoding/ AnyConnectProfile.xsd\">\n"
	"  <ServerList>\n"
	"    <HostEntry><HostName>vpnlab engineering</HostName><HostAddress>gw.vpnlab.test"
	"</HostAddress><UserGroup>engineering</UserGroup></HostEntry>\n"
	"    <HostEntry><HostName>vpnlab sales</HostName><HostAddress>gw.vpnlab.test"
	"</HostAddress><UserGroup>sales</UserGroup></HostEntry>\n"
	"  </ServerList>\n"
	"</AnyConnectProfile>\n";

static void test_sha1_lab_profile(void **state)
{
	(void)state;
	check_sha1(lab_profile, sizeof(lab_profile) - 1, "C54090310389BE94B95DD234707D5E2B0FDD71F9");
}

static int cookie_of(const char *value, uint8_t out[MSG_COOKIE_LEN])
{
	struct http_headers h;

	memset(&h, 0, sizeof(h));
	h.items[0].name = str_view_of("Host");
	h.items[0].value = str_view_of("gw.vpnlab.test");
	h.items[1].name = str_view_of("Cookie");
	h.items[1].value = str_view_of(value);
	h.count = value ? 2 : 1;
	return cookie_from_request(out, &h);
}

static void test_cookie_reader(void **state)
{
	static const char hex[] = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
	uint8_t out[MSG_COOKIE_LEN];
	char line[256];

	(void)state;
	snprintf(line, sizeof(line), "webvpn=%s", hex);
	assert_int_equal(cookie_of(line, out), 0);
	assert_int_equal(out[0], 0x00);
	assert_int_equal(out[1], 0x11);
	assert_int_equal(out[15], 0xff);
	assert_int_equal(out[31], 0xff);
	snprintf(line, sizeof(line), "webvpncontext=abc; webvpn=%s; sdesktop=x", hex);
	assert_int_equal(cookie_of(line, out), 0);
	assert_int_equal(out[26], 0xaa);
	assert_int_equal(cookie_of(NULL, out), VPN_ERR_NOT_FOUND);
	assert_int_equal(cookie_of("webvpncontext=abc", out), VPN_ERR_NOT_FOUND);
	assert_int_equal(cookie_of("webvpn=0011", out), VPN_ERR_INVALID);
	snprintf(line, sizeof(line), "webvpn=%.63sg", hex);
	assert_int_equal(cookie_of(line, out), VPN_ERR_INVALID);
	/* ocserv's base64 cookies are not ours: refused, not misread. */
	assert_int_equal(cookie_of("webvpn=q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8=", out),
			 VPN_ERR_INVALID);
}

static void test_client_classes(void **state)
{
	(void)state;
	/* User-Agents seen in the lab and in the sources of PROTOCOL.md §2.3. */
	assert_int_equal(client_class_of(str_view_of("Open AnyConnect VPN Agent v9.01-3")),
			 SESSION_CLIENT_OPENCONNECT);
	assert_int_equal(client_class_of(str_view_of("Open AnyConnect VPN Agent v3.02")),
			 SESSION_CLIENT_LEGACY);
	assert_int_equal(client_class_of(str_view_of(
				 "AnyConnect-compatible OpenConnect VPN Agent v9.12")),
			 SESSION_CLIENT_OPENCONNECT);
	assert_int_equal(client_class_of(str_view_of("AnyConnect Linux_64 4.10.07061")),
			 SESSION_CLIENT_ANYCONNECT);
	assert_int_equal(client_class_of(str_view_of("AnyConnect Windows 4.10.01075")),
			 SESSION_CLIENT_ANYCONNECT);
	assert_int_equal(client_class_of(str_view_of(
				 "Cisco AnyConnect VPN Agent for Apple iPhone 4.10")),
			 SESSION_CLIENT_ANYCONNECT);
	assert_int_equal(client_class_of(str_view_of("curl/7.88.1")), SESSION_CLIENT_OPENCONNECT);
	assert_int_equal(client_class_of(str_view_of("")), SESSION_CLIENT_OPENCONNECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outq_splits_and_orders),
		cmocka_unit_test(test_outq_wipes_secrets),
		cmocka_unit_test(test_inner_map_churn),
		cmocka_unit_test(test_inner_map_owner_and_v6),
		cmocka_unit_test(test_packet_addresses),
		cmocka_unit_test(test_sha1_fips_answers),
		cmocka_unit_test(test_sha1_lab_profile),
		cmocka_unit_test(test_cookie_reader),
		cmocka_unit_test(test_client_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
