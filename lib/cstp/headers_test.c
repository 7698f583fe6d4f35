/* SPDX-License-Identifier: ISC */
/*
 * CONNECT header sets against the exchanges captured between openconnect
 * 9.01 and ocserv 1.1.6 (PROTOCOL.md vectors 07, 08, 09): parsed values,
 * and the writers reproducing the captured lines byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/cstp/headers.h"
#include "tests/vectors/vectors.h"

/*
 * vectors/07, from X-CSTP-Version on (Host, User-Agent and Cookie belong to
 * the HTTP layer). The capture's secrets were replaced by placeholders; the
 * master secret below is a stand-in of the same shape (96 upper-case hex
 * digits) and the STRAP values are the capture's placeholder text.
 */
#define SECRET_HEX \
	"00112233445566778899AABBCCDDEEFF0123456789ABCDEFFEDCBA9876543210" \
	"A5A5A5A55A5A5A5A0F1E2D3C4B5A6978"
static const char request_07[] = V07_CSTP_LINES(V07_STRAP_LINES, SECRET_HEX);

/* vectors/08 (dtls-psk = true) and 09 (legacy, X-DTLS12 chosen), without
 * the status line. */
static const char response_08[] = V08_LINES;
static const char response_09[] = V09_LINES;

#define MAX_LINES 64

/* Header views over a text block, split as openconnect does: at the first
 * colon, then one space skipped. */
struct lines {
	struct header_view h[MAX_LINES];
	size_t n;
};

static void split_lines(struct lines *out, const char *text)
{
	out->n = 0;
	while (*text) {
		const char *eol = strstr(text, "\r\n");
		const char *colon = memchr(text, ':', (size_t)(eol - text));

		assert_non_null(eol);
		assert_non_null(colon);
		assert_true(out->n < MAX_LINES);
		out->h[out->n].name.ptr = text;
		out->h[out->n].name.len = (size_t)(colon - text);
		out->h[out->n].value.ptr = colon + 2;
		out->h[out->n].value.len = (size_t)(eol - colon - 2);
		out->n++;
		text = eol + 2;
	}
}

static void expect_written(const char *want, int (*write)(struct buf_writer *, const void *),
			   const void *obj)
{
	char out[4096];
	struct buf_writer w;

	buf_writer_init(&w, out, sizeof(out));
	assert_int_equal(write(&w, obj), 0);
	assert_int_equal(w.len, strlen(want));
	assert_memory_equal(out, want, w.len);
}

static int write_request(struct buf_writer *w, const void *obj)
{
	return cstp_request_write(w, obj, NULL);
}

static int write_response(struct buf_writer *w, const void *obj)
{
	return cstp_response_write(w, obj, NULL);
}

static void expect_addr(const struct net_addr *a, int family, const char *text)
{
	uint8_t want[16];

	assert_int_equal(a->family, family);
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(a->bytes, want, family == AF_INET ? 4 : 16);
}

static void expect_view(struct str_view v, const char *s)
{
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.ptr, s, v.len);
}

static void request_07_parses(void **state)
{
	static const uint8_t secret_head[] = { 0x00, 0x11, 0x22, 0x33 };
	struct cstp_request req;
	struct lines l;

	(void)state;
	split_lines(&l, request_07);
	assert_int_equal(cstp_request_parse(&req, l.h, l.n, NULL), 0);
	assert_true(req.version.is_set);
	assert_int_equal(req.version.value, 1);
	expect_view(req.hostname, "vm");
	assert_int_equal(req.accept_encoding, CSTP_ENCODING_OC_LZ4 | CSTP_ENCODING_LZS);
	assert_int_equal(req.base_mtu.value, 1500);
	assert_int_equal(req.mtu.value, 1390);
	assert_int_equal(req.address_type, CSTP_FAMILY_IPV4 | CSTP_FAMILY_IPV6);
	assert_int_equal(req.full_ipv6, CSTP_FLAG_TRUE);
	assert_int_equal(req.master_secret.len, 48);
	assert_memory_equal(req.master_secret.bytes, secret_head, sizeof(secret_head));
	assert_int_equal(req.master_secret.bytes[47], 0x78);
	assert_int_equal(req.dtls_ciphers.count, 8);
	expect_view(req.dtls_ciphers.items[0], "PSK-NEGOTIATE");
	expect_view(req.dtls_ciphers.items[2], "OC2-DTLS1_2-CHACHA20-POLY1305");
	expect_view(req.dtls_ciphers.items[7], "AES128-SHA");
	assert_int_equal(req.dtls12_ciphers.count, 8);
	expect_view(req.dtls12_ciphers.items[2], "AES256-GCM-SHA384");
	assert_int_equal(req.dtls_accept_encoding, CSTP_ENCODING_OC_LZ4 | CSTP_ENCODING_LZS);
	assert_int_equal(req.protocol.len, 0);
	assert_int_equal(req.prev_address.count, 0);
	expect_written(request_07, write_request, &req);
	cstp_request_cleanup(&req);
	for (size_t i = 0; i < sizeof(req.master_secret); i++)
		assert_int_equal(((uint8_t *)&req.master_secret)[i], 0);
}

static void check_response_common(const struct cstp_response *r)
{
	assert_int_equal(r->version.value, 1);
	expect_view(r->server_name, "ocserv 1.1.6");
	expect_view(r->hostname, "vm");
	assert_int_equal(r->dpd.value, 30);
	expect_view(r->default_domain, "vpnlab.test");
	assert_true(r->has_address);
	expect_addr(&r->address, AF_INET, "198.19.10.50");
	assert_true(r->has_netmask);
	expect_addr(&r->netmask, AF_INET, "255.255.255.0");
	assert_false(r->has_address6);
	assert_int_equal(r->routes.count, 1);
	assert_false(r->routes.items[0].is_exclude);
	expect_addr(&r->routes.items[0].prefix.addr, AF_INET, "198.18.2.0");
	assert_int_equal(r->routes.items[0].prefix.len, 24);
	assert_int_equal(r->tunnel_all_dns, CSTP_FLAG_FALSE);
	assert_int_equal(r->client_bypass_protocol, CSTP_FLAG_FALSE);
	assert_int_equal(r->keepalive.value, 32400);
	assert_true(r->idle_timeout.is_set && r->idle_timeout.is_none);
	assert_int_equal(r->smartcard_removal_disconnect, CSTP_FLAG_TRUE);
	assert_int_equal(r->rekey_method, CSTP_REKEY_SSL);
	/* ocserv 1.1.6 writes 0, not none, when there is no session limit. */
	assert_true(r->session_timeout.is_set);
	assert_false(r->session_timeout.is_none);
	assert_int_equal(r->session_timeout.value, 0);
	assert_true(r->session_timeout_remaining.is_set);
	assert_true(r->disconnected_timeout.is_none);
	assert_int_equal(r->keep, CSTP_FLAG_TRUE);
	assert_int_equal(r->tcp_keepalive, CSTP_FLAG_TRUE);
	expect_view(r->license, "accept");
	assert_int_equal(r->dtls_dpd.value, 30);
	assert_int_equal(r->dtls_port.value, 443);
	assert_int_equal(r->dtls_rekey_method, CSTP_REKEY_SSL);
	assert_int_equal(r->dtls_keepalive.value, 32400);
	assert_int_equal(r->base_mtu.value, 1500);
	assert_int_equal(r->mtu.value, 1434);
	assert_false(r->lease_duration.is_set);
	assert_int_equal(r->content_encoding, CSTP_ENCODING_NONE);
}

static void response_08_psk(void **state)
{
	static const uint8_t app_id_head[] = { 0x76, 0x92, 0x34, 0xbc };
	static struct cstp_response r;
	struct lines l;

	(void)state;
	split_lines(&l, response_08);
	assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
	check_response_common(&r);
	assert_int_equal(r.rekey_time.value, 172801);
	assert_int_equal(r.dtls_rekey_time.value, 172811);
	assert_int_equal(r.app_id.len, 32);
	assert_memory_equal(r.app_id.bytes, app_id_head, sizeof(app_id_head));
	assert_int_equal(r.app_id.bytes[31], 0xbe);
	assert_int_equal(r.session_id.len, 0);
	expect_view(r.dtls_cipher, "PSK-NEGOTIATE");
	assert_null(r.dtls12_cipher.ptr);
	assert_false(r.dtls_mtu.is_set);
	expect_written(response_08, write_response, &r);
}

static void response_09_legacy(void **state)
{
	static struct cstp_response r;
	struct lines l;

	(void)state;
	split_lines(&l, response_09);
	assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
	check_response_common(&r);
	assert_int_equal(r.rekey_time.value, 172813);
	assert_int_equal(r.session_id.len, 32);
	assert_int_equal(r.session_id.bytes[0], 0xb8);
	assert_int_equal(r.session_id.bytes[31], 0x32);
	assert_int_equal(r.app_id.len, 0);
	assert_null(r.dtls_cipher.ptr);
	expect_view(r.dtls12_cipher, "AES256-GCM-SHA384");
	assert_int_equal(r.dtls_mtu.value, 1434);
	expect_written(response_09, write_response, &r);
}

/*
 * Each value cut at every length, the cut copy ending at a guard page: no
 * codec may read past a value, and what a cut leaves must still be judged
 * (a shorter number parses, a short session id never does).
 */
static void cut_values(const char *text, bool is_request)
{
	static struct cstp_response resp;
	struct cstp_request req;
	struct lines l;

	split_lines(&l, text);
	for (size_t i = 0; i < l.n; i++) {
		struct str_view whole = l.h[i].value;

		for (size_t cut = 0; cut < whole.len; cut++) {
			struct guarded g;
			int rc;

			assert_int_equal(guarded_init(&g, whole.ptr, cut), 0);
			l.h[i].value.ptr = (const char *)g.data;
			l.h[i].value.len = cut;
			if (is_request) {
				rc = cstp_request_parse(&req, l.h, l.n, NULL);
				cstp_request_cleanup(&req);
			} else {
				rc = cstp_response_parse(&resp, l.h, l.n, NULL);
			}
			if (str_view_eq(l.h[i].name, "X-DTLS-Session-ID") ||
			    str_view_eq(l.h[i].name, "X-DTLS-Master-Secret") ||
			    (str_view_eq(l.h[i].name, "X-CSTP-MTU") && cut == 0))
				assert_int_not_equal(rc, 0);
			if (str_view_eq(l.h[i].name, "X-CSTP-MTU") && cut > 0) {
				char prefix[8] = { 0 };

				memcpy(prefix, whole.ptr, cut);
				assert_int_equal(rc, 0);
				assert_int_equal(is_request ? req.mtu.value : resp.mtu.value,
						 (uint32_t)atoi(prefix));
			}
			guarded_cleanup(&g);
		}
		l.h[i].value = whole;
	}
}

static void values_cut_anywhere(void **state)
{
	(void)state;
	cut_values(request_07, true);
	cut_values(response_08, false);
	cut_values(response_09, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_07_parses),
		cmocka_unit_test(response_08_psk),
		cmocka_unit_test(response_09_legacy),
		cmocka_unit_test(values_cut_anywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
