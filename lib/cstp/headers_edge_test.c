/* SPDX-License-Identifier: ISC */
/*
 * CONNECT header sets off the captured path: IPv6 in both of ocserv's forms,
 * Cisco-style split routes, name case, bounds, and errors that name the
 * header. Values come from PROTOCOL.md §6 and the lab logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/cstp/headers.h"

#define MAX_LINES 600

struct lines {
	struct header_view h[MAX_LINES];
	size_t n;
};

static void add(struct lines *l, const char *name, const char *value)
{
	assert_true(l->n < MAX_LINES);
	l->h[l->n].name = str_view_of(name);
	l->h[l->n].value = str_view_of(value);
	l->n++;
}

static void expect_addr(const struct net_addr *a, int family, const char *text)
{
	uint8_t want[16];

	assert_int_equal(a->family, family);
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(a->bytes, want, family == AF_INET ? 4 : 16);
}

static void expect_response_error(struct lines *l, int rc_want, const char *header)
{
	static struct cstp_response r;
	struct cstp_header_err err = { { NULL, 0 }, NULL };

	assert_int_equal(cstp_response_parse(&r, l->h, l->n, &err), rc_want);
	assert_true(str_view_eq(err.header, header));
	assert_non_null(err.reason);
}

static void expect_request_error(struct lines *l, int rc_want, const char *header)
{
	struct cstp_request r;
	struct cstp_header_err err = { { NULL, 0 }, NULL };

	assert_int_equal(cstp_request_parse(&r, l->h, l->n, &err), rc_want);
	assert_true(str_view_eq(err.header, header));
	assert_non_null(err.reason);
	cstp_request_cleanup(&r);
}

static void write_response(const struct cstp_response *r, char *out, size_t cap)
{
	struct buf_writer w;

	buf_writer_init(&w, out, cap - 1);
	assert_int_equal(cstp_response_write(&w, r, NULL), 0);
	out[w.len] = '\0';
}

/* What an AnyConnect-class client got with Full-IPv6-Capability: the
 * address with its length, and IPv6 resolvers in their own header. */
static void ipv6_full_form(void **state)
{
	static struct cstp_response r;
	static char out[1024];
	struct lines l = { .n = 0 };

	(void)state;
	add(&l, "X-CSTP-Address", "198.19.10.50");
	add(&l, "X-CSTP-Netmask", "255.255.255.0");
	add(&l, "X-CSTP-Address-IP6", "2001:db8:1::10/64");
	add(&l, "X-CSTP-DNS", "198.18.2.53");
	add(&l, "X-CSTP-DNS-IP6", "2001:2::53");
	add(&l, "X-CSTP-Split-Include-IP6", "2001:db8::/32");
	add(&l, "X-CSTP-Split-Exclude", "0.0.0.0/255.255.255.255");
	assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
	assert_true(r.has_address6);
	assert_false(r.is_address6_legacy);
	expect_addr(&r.address6.addr, AF_INET6, "2001:db8:1::10");
	assert_int_equal(r.address6.len, 64);
	assert_int_equal(r.dns.count, 1);
	assert_int_equal(r.dns6.count, 1);
	expect_addr(&r.dns6.items[0], AF_INET6, "2001:2::53");
	assert_int_equal(r.routes.count, 2);
	assert_int_equal(r.routes.items[0].prefix.len, 32);
	assert_false(r.routes.items[0].is_exclude);
	/* Cisco's "allow local LAN" idiom: a host route of 0.0.0.0. */
	assert_true(r.routes.items[1].is_exclude);
	assert_int_equal(r.routes.items[1].prefix.len, 32);
	write_response(&r, out, sizeof(out));
	assert_string_equal(out,
			    "X-CSTP-Address: 198.19.10.50\r\n"
			    "X-CSTP-Netmask: 255.255.255.0\r\n"
			    "X-CSTP-Address-IP6: 2001:db8:1::10/64\r\n"
			    "X-CSTP-DNS: 198.18.2.53\r\n"
			    "X-CSTP-DNS-IP6: 2001:2::53\r\n"
			    "X-CSTP-Split-Include-IP6: 2001:db8::/32\r\n"
			    "X-CSTP-Split-Exclude: 0.0.0.0/255.255.255.255\r\n");
}

/* ocserv 1.1.6 without Full-IPv6-Capability: a second X-CSTP-Address and
 * an X-CSTP-Netmask "addr/128". */
static void ipv6_legacy_form(void **state)
{
	static struct cstp_response r;
	static char out[1024];
	struct lines l = { .n = 0 };

	(void)state;
	add(&l, "X-CSTP-Address", "198.19.10.50");
	add(&l, "X-CSTP-Netmask", "255.255.255.0");
	add(&l, "X-CSTP-Address", "2001:2:0:10::32");
	add(&l, "X-CSTP-Netmask", "2001:2:0:10::32/128");
	assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
	expect_addr(&r.address, AF_INET, "198.19.10.50");
	assert_true(r.has_address6);
	assert_true(r.is_address6_legacy);
	expect_addr(&r.address6.addr, AF_INET6, "2001:2:0:10::32");
	assert_true(r.has_netmask6);
	assert_int_equal(r.netmask6.len, 128);
	write_response(&r, out, sizeof(out));
	assert_string_equal(out,
			    "X-CSTP-Address: 198.19.10.50\r\n"
			    "X-CSTP-Netmask: 255.255.255.0\r\n"
			    "X-CSTP-Address: 2001:2:0:10::32\r\n"
			    "X-CSTP-Netmask: 2001:2:0:10::32/128\r\n");
}

/* The "sales" group of the lab: a /32 route; and /len accepted on input
 * (openconnect does too) but written with a dotted mask. */
static void split_routes(void **state)
{
	static struct cstp_response r;
	static char out[1024];
	struct lines l = { .n = 0 };

	(void)state;
	add(&l, "X-CSTP-Split-Include", "198.18.2.2/255.255.255.255");
	add(&l, "X-CSTP-Split-Include", "10.0.0.0/8");
	add(&l, "X-CSTP-Split-Exclude-IP6", "2001:db8:30::/48");
	add(&l, "X-CSTP-Split-DNS", "vpnlab.test");
	assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
	assert_int_equal(r.routes.count, 3);
	assert_int_equal(r.routes.items[0].prefix.len, 32);
	assert_int_equal(r.routes.items[1].prefix.len, 8);
	assert_true(r.routes.items[2].is_exclude);
	assert_int_equal(r.split_dns.count, 1);
	write_response(&r, out, sizeof(out));
	assert_string_equal(out,
			    "X-CSTP-Split-DNS: vpnlab.test\r\n"
			    "X-CSTP-Split-Include: 198.18.2.2/255.255.255.255\r\n"
			    "X-CSTP-Split-Include: 10.0.0.0/255.0.0.0\r\n"
			    "X-CSTP-Split-Exclude-IP6: 2001:db8:30::/48\r\n");
}

/* Names match in any case, unknown ones are skipped, and the writer uses
 * the exact spelling (openconnect compares case-sensitively). */
static void name_case_and_unknowns(void **state)
{
	static struct cstp_response r;
	static char out[512];
	struct lines l = { .n = 0 };

	(void)state;
	add(&l, "x-cstp-mtu", "1434");
	add(&l, "X-Cstp-Dpd", "30");
	add(&l, "X-CSTP-MSIE-Proxy-Pac-URL", "http://198.18.2.1/proxy.pac");
	add(&l, "X-CSTP-Routing-Filtering-Ignore", "false");
	add(&l, "Set-Cookie", "webvpn=x");
	add(&l, "X-CSTP-Content-Encoding", "lzs");
	assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
	assert_int_equal(r.mtu.value, 1434);
	assert_int_equal(r.dpd.value, 30);
	assert_int_equal(r.content_encoding, CSTP_ENCODING_LZS);
	write_response(&r, out, sizeof(out));
	assert_string_equal(out,
			    "X-CSTP-DPD: 30\r\n"
			    "X-CSTP-MSIE-Proxy-PAC-URL: http://198.18.2.1/proxy.pac\r\n"
			    "X-CSTP-MTU: 1434\r\n"
			    "X-CSTP-Content-Encoding: lzs\r\n");
}

static void request_variants(void **state)
{
	struct cstp_request req;
	char out[512];
	struct buf_writer w;
	struct lines l = { .n = 0 };

	(void)state;
	/* Old openconnect's parameterised token; AnyConnect's mobile license. */
	add(&l, "X-CSTP-Accept-Encoding", "deflate;q=1.0");
	add(&l, "X-CSTP-Address-Type", "IPv4");
	add(&l, "X-CSTP-Address", "198.19.10.50");
	add(&l, "X-CSTP-Address", "2001:2:0:10::32");
	add(&l, "X-CSTP-License", "mobile");
	add(&l, "X-CSTP-Protocol", "Copyright (c) 2004 Cisco Systems, Inc.");
	assert_int_equal(cstp_request_parse(&req, l.h, l.n, NULL), 0);
	assert_int_equal(req.accept_encoding, CSTP_ENCODING_DEFLATE);
	assert_int_equal(req.address_type, CSTP_FAMILY_IPV4);
	assert_int_equal(req.prev_address.count, 2);
	expect_addr(&req.prev_address.items[1], AF_INET6, "2001:2:0:10::32");
	buf_writer_init(&w, out, sizeof(out) - 1);
	assert_int_equal(cstp_request_write(&w, &req, NULL), 0);
	out[w.len] = '\0';
	assert_string_equal(out,
			    "X-CSTP-Protocol: Copyright (c) 2004 Cisco Systems, Inc.\r\n"
			    "X-CSTP-Accept-Encoding: deflate\r\n"
			    "X-CSTP-Address-Type: IPv4\r\n"
			    "X-CSTP-Address: 198.19.10.50\r\n"
			    "X-CSTP-Address: 2001:2:0:10::32\r\n"
			    "X-CSTP-License: mobile\r\n");
	/* One more previous address than a client has families. */
	add(&l, "X-CSTP-Address", "198.19.10.51");
	expect_request_error(&l, VPN_ERR_TOO_BIG, "X-CSTP-Address");
}

struct bad_value {
	const char *name;
	const char *value;
	int rc;
};

static const struct bad_value bad_responses[] = {
	/* 63 digits: openconnect aborts the CONNECT on it. */
	{ "X-DTLS-Session-ID", "b89eaf66174e4aef16cc1643219d6c60667a6fe88c8b8d31693ebda524a4d93",
	  VPN_ERR_INVALID },
	{ "X-DTLS-Session-ID", "z89eaf66174e4aef16cc1643219d6c60667a6fe88c8b8d31693ebda524a4d932",
	  VPN_ERR_INVALID },
	{ "X-DTLS-App-ID", "", VPN_ERR_INVALID },
	{ "X-CSTP-MTU", "14a4", VPN_ERR_INVALID },
	{ "X-CSTP-MTU", "70000", VPN_ERR_INVALID },
	{ "X-CSTP-MTU", "-1", VPN_ERR_INVALID },
	{ "X-CSTP-DPD", "none", VPN_ERR_INVALID },
	{ "X-CSTP-Rekey-Time", "99999999999", VPN_ERR_INVALID },
	{ "X-DTLS-Port", "0", VPN_ERR_INVALID },
	{ "X-CSTP-Keep", "yes", VPN_ERR_INVALID },
	{ "X-CSTP-Rekey-Method", "sometimes", VPN_ERR_INVALID },
	{ "X-CSTP-Content-Encoding", "gzip", VPN_ERR_INVALID },
	{ "X-DTLS-Content-Encoding", "deflate", VPN_ERR_INVALID },
	{ "X-CSTP-Netmask", "255.0.255.0", VPN_ERR_INVALID },
	{ "X-CSTP-Address", "198.19.10", VPN_ERR_INVALID },
	{ "X-CSTP-Address-IP6", "198.19.10.50/32", VPN_ERR_INVALID },
	{ "X-CSTP-Split-Include", "198.18.2.0/33", VPN_ERR_INVALID },
	{ "X-CSTP-Split-Include-IP6", "198.18.2.0/24", VPN_ERR_INVALID },
	{ "X-DTLS12-CipherSuite", "AES256-GCM-SHA384 x", VPN_ERR_INVALID },
	{ "X-CSTP-Banner", "Welcome\x01", VPN_ERR_INVALID },
};

static void errors_name_the_header(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_responses) / sizeof(bad_responses[0]); i++) {
		struct lines l = { .n = 0 };

		add(&l, "X-CSTP-Version", "1");
		add(&l, bad_responses[i].name, bad_responses[i].value);
		add(&l, "X-CSTP-MTU", "1434");
		expect_response_error(&l, bad_responses[i].rc, bad_responses[i].name);
	}
}

static void bounds(void **state)
{
	static struct lines l;
	static char text[CSTP_MAX_ROUTES + 1][24];
	char secret[98];
	char ciphers[40 * 12];

	(void)state;
	l.n = 0;
	for (int i = 0; i <= CSTP_MAX_DNS; i++)
		add(&l, "X-CSTP-DNS", "198.18.2.53");
	expect_response_error(&l, VPN_ERR_TOO_BIG, "X-CSTP-DNS");

	l.n = 0;
	for (int i = 0; i <= CSTP_MAX_ROUTES; i++) {
		snprintf(text[i], sizeof(text[i]), "10.%d.%d.0/24", i / 256, i % 256);
		add(&l, i % 2 ? "X-CSTP-Split-Exclude" : "X-CSTP-Split-Include", text[i]);
	}
	/* Route number 513 is an include (even index). */
	expect_response_error(&l, VPN_ERR_TOO_BIG, "X-CSTP-Split-Include");
	l.n--; /* exactly 512 fit */
	{
		static struct cstp_response r;

		assert_int_equal(cstp_response_parse(&r, l.h, l.n, NULL), 0);
		assert_int_equal(r.routes.count, CSTP_MAX_ROUTES);
	}

	l.n = 0;
	ciphers[0] = '\0';
	for (int i = 0; i <= CSTP_MAX_CIPHERS; i++)
		strcat(ciphers, i ? ":AES128-SHA" : "AES128-SHA");
	add(&l, "X-DTLS-CipherSuite", ciphers);
	expect_request_error(&l, VPN_ERR_TOO_BIG, "X-DTLS-CipherSuite");

	l.n = 0;
	add(&l, "X-DTLS-CipherSuite", "PSK-NEGOTIATE::AES128-SHA");
	expect_request_error(&l, VPN_ERR_INVALID, "X-DTLS-CipherSuite");

	/* ocserv takes 96 or more digits; exactly 96 here. */
	l.n = 0;
	memset(secret, 'A', 97);
	secret[97] = '\0';
	add(&l, "X-DTLS-Master-Secret", secret);
	expect_request_error(&l, VPN_ERR_INVALID, "X-DTLS-Master-Secret");
	secret[95] = '\0';
	l.h[0].value = str_view_of(secret);
	expect_request_error(&l, VPN_ERR_INVALID, "X-DTLS-Master-Secret");
}

/* The writer refuses what the parser would: no value can add a line. */
static void writer_refuses_injection(void **state)
{
	struct cstp_request req;
	static struct cstp_response resp;
	struct cstp_header_err err;
	char out[256];
	struct buf_writer w;

	(void)state;
	cstp_request_init(&req);
	req.hostname = str_view_of("vm\r\nX-CSTP-Evil: 1");
	buf_writer_init(&w, out, sizeof(out));
	assert_int_equal(cstp_request_write(&w, &req, &err), VPN_ERR_INVALID);
	assert_true(str_view_eq(err.header, "X-CSTP-Hostname"));

	cstp_response_init(&resp);
	resp.dtls_cipher = str_view_of("AES256-SHA\r\n");
	buf_writer_init(&w, out, sizeof(out));
	assert_int_equal(cstp_response_write(&w, &resp, &err), VPN_ERR_INVALID);
	assert_true(str_view_eq(err.header, "X-DTLS-CipherSuite"));

	cstp_response_init(&resp);
	resp.session_id.len = 16; /* openconnect needs all 32 bytes */
	buf_writer_init(&w, out, sizeof(out));
	assert_int_equal(cstp_response_write(&w, &resp, &err), VPN_ERR_INVALID);
	assert_true(str_view_eq(err.header, "X-DTLS-Session-ID"));

	cstp_response_init(&resp);
	resp.mtu.is_set = true;
	resp.mtu.value = 1434;
	buf_writer_init(&w, out, 10);
	assert_int_equal(cstp_response_write(&w, &resp, &err), VPN_ERR_TOO_BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_full_form),
		cmocka_unit_test(ipv6_legacy_form),
		cmocka_unit_test(split_routes),
		cmocka_unit_test(name_case_and_unknowns),
		cmocka_unit_test(request_variants),
		cmocka_unit_test(errors_name_the_header),
		cmocka_unit_test(bounds),
		cmocka_unit_test(writer_refuses_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
