/* SPDX-License-Identifier: ISC */
/*
 * What CONNECT offers for DTLS and what the client takes from the answer,
 * against the real exchanges of ocserv 1.1.6 and openconnect 9.01
 * (PROTOCOL.md §6.2, §6.4, §6.5 and §8.2-8.5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "client/dtls_link.h"
#include "client/settings.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "tests/vectors/vectors.h"

/* ocserv's answer with dtls-psk = false (vector 09), up to the DTLS lines;
 * the tests below end it with the DTLS choices they need. */
#define ANSWER_HEAD V08_09_STATUS_LINE V09_TUNNEL_LINES
#define SESSION_ID V09_SESSION_ID

static const char legacy12_answer[] = ANSWER_HEAD V09_DTLS_LINES V09_MTU_LINES "\r\n";

/* V09_SESSION_ID as bytes. */
static const uint8_t session_id[32] = {
	0xb8, 0x9e, 0xaf, 0x66, 0x17, 0x4e, 0x4a, 0xef, 0x16, 0xcc, 0x16, 0x43, 0x21, 0x9d, 0x6c, 0x60,
	0x66, 0x7a, 0x6f, 0xe8, 0x8c, 0x8b, 0x8d, 0x31, 0x69, 0x3e, 0xbd, 0xa5, 0x24, 0xa4, 0xd9, 0x32,
};

static struct net_addr gateway(void)
{
	struct net_addr a = { .family = AF_INET, .bytes = { 198, 18, 1, 1 } };

	return a;
}

/* The DTLS header lines of a request carrying our offer. */
static void write_offer(struct dtls_link *d, const char *names, char *out, size_t out_len)
{
	struct cstp_request req;
	struct cstp_header_err err;
	struct buf_writer w;

	cstp_request_init(&req);
	assert_int_equal(dtls_link_offer(d, &req, names), 0);
	buf_writer_init(&w, out, out_len - 1);
	assert_int_equal(cstp_request_write(&w, &req, &err), 0);
	out[w.len] = '\0';
	cstp_request_cleanup(&req);
}

static const char *line_of(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	assert_non_null(p);
	return p + strlen(name);
}

static void test_offer_default(void **state)
{
	struct dtls_link d;
	char text[4096];
	const char *legacy, *dtls12, *secret;
	uint8_t first[DTLS_MASTER_SECRET_LEN];

	(void)state;
	dtls_link_init(&d);
	write_offer(&d, NULL, text, sizeof(text));
	assert_true(d.is_offered);
	/* GnuTLS openconnect's order: PSK-NEGOTIATE first, then the Cisco names. */
	legacy = line_of(text, "X-DTLS-CipherSuite: ");
	assert_int_equal(strncmp(legacy, "PSK-NEGOTIATE:", 14), 0);
	assert_non_null(strstr(legacy, ":AES256-SHA"));
	assert_non_null(strstr(legacy, ":AES128-SHA"));
	dtls12 = line_of(text, "X-DTLS12-CipherSuite: ");
	assert_non_null(strstr(dtls12, "AES256-GCM-SHA384"));
	assert_null(strstr(text, "DES-CBC3-SHA"));
	/* 48 bytes as 96 hex digits, kept for a legacy answer. */
	secret = line_of(text, "X-DTLS-Master-Secret: ");
	assert_int_equal(strspn(secret, "0123456789ABCDEFabcdef"), 96);
	memcpy(first, d.params.master_secret, sizeof(first));
	write_offer(&d, NULL, text, sizeof(text));
	assert_memory_not_equal(first, d.params.master_secret, sizeof(first));
	dtls_link_cleanup(&d);
	buf_wipe(first, sizeof(first));
}

static void test_offer_narrowed(void **state)
{
	struct dtls_link d;
	struct cstp_request req;
	char text[4096];

	(void)state;
	dtls_link_init(&d);
	/* --dtls-ciphers: the user's list alone, and no X-DTLS12-CipherSuite (openconnect). */
	write_offer(&d, "AES128-SHA:AES256-SHA", text, sizeof(text));
	assert_non_null(strstr(text, "X-DTLS-CipherSuite: AES128-SHA:AES256-SHA\r\n"));
	assert_null(strstr(text, "X-DTLS12-CipherSuite"));
	/* An unknown name: nothing at all is offered. */
	cstp_request_init(&req);
	assert_int_not_equal(dtls_link_offer(&d, &req, "NO-SUCH-CIPHER"), 0);
	assert_false(d.is_offered);
	assert_int_equal(req.dtls_ciphers.count, 0);
	assert_int_equal(req.master_secret.len, 0);
	cstp_request_cleanup(&req);
	dtls_link_cleanup(&d);
}

/* Offers (names), then reads answer; returns dtls_link_answer's result. */
static int answer(struct dtls_link *d, const char *names, const char *text, const char **why)
{
	struct settings st;
	struct cstp_request req;
	struct net_addr gw = gateway();
	const char *bad = NULL;
	int ret;

	dtls_link_init(d);
	cstp_request_init(&req);
	if (dtls_link_offer(d, &req, names) != 0)
		fail();
	cstp_request_cleanup(&req);
	settings_init(&st);
	assert_int_equal(settings_take(&st, text, strlen(text), &bad), 0);
	ret = dtls_link_answer(d, &st.cstp, NULL, &gw, 1500, why);
	settings_cleanup(&st);
	return ret;
}

static void test_answer_legacy_dtls12(void **state)
{
	struct dtls_link d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(answer(&d, NULL, legacy12_answer, &why), 0);
	assert_int_equal(d.params.mode, DTLS_MODE_RESUME);
	assert_string_equal(dtls_suite_name(d.params.suite), "AES256-GCM-SHA384");
	assert_true(dtls_suite_is_dtls12(d.params.suite));
	assert_int_equal(d.params.id_len, 32);
	assert_memory_equal(d.params.id, session_id, 32);
	assert_int_equal(d.port, 443);
	assert_int_equal(d.dpd_ms, 30000);
	assert_int_equal(d.keepalive_ms, 32400000);
	assert_int_equal(d.mtu, 1434);
	/* AnyConnect's schedule: hellos at 0, 1, 3, 7, 15, 31 s. */
	assert_int_equal(d.params.retrans_ms, 1000);
	assert_int_equal(d.params.total_ms, 32000);
	dtls_link_cleanup(&d);
}

/* Without X-DTLS-MTU the figure comes from the suite as ocserv works it out (§6.5 table). */
static void test_answer_mtu_from_suite(void **state)
{
	static const char gcm[] = ANSWER_HEAD
		"X-DTLS-Session-ID: " SESSION_ID "\r\n"
		"X-DTLS12-CipherSuite: AES256-GCM-SHA384\r\n"
		"X-CSTP-MTU: 1390\r\n\r\n";
	static const char cbc[] = ANSWER_HEAD
		"X-DTLS-Session-ID: " SESSION_ID "\r\n"
		"X-DTLS-CipherSuite: AES256-SHA\r\n"
		"X-CSTP-MTU: 1390\r\n\r\n";
	struct dtls_link d;
	const char *why = NULL;

	(void)state;
	assert_int_equal(answer(&d, NULL, gcm, &why), 0);
	assert_int_equal(d.mtu, 1434);
	dtls_link_cleanup(&d);
	assert_int_equal(answer(&d, NULL, cbc, &why), 0);
	assert_false(dtls_suite_is_dtls12(d.params.suite));
	assert_int_equal(d.mtu, 1406);
	dtls_link_cleanup(&d);
}

static void test_answer_refused(void **state)
{
	static const char none[] = ANSWER_HEAD "X-CSTP-MTU: 1406\r\n\r\n";
	static const char psk_no_id[] = ANSWER_HEAD
		"X-DTLS-CipherSuite: PSK-NEGOTIATE\r\nX-CSTP-MTU: 1434\r\n\r\n";
	static const char legacy_no_id[] = ANSWER_HEAD
		"X-DTLS-CipherSuite: AES256-SHA\r\nX-CSTP-MTU: 1406\r\n\r\n";
	struct dtls_link d;
	const char *why = NULL;

	(void)state;
	/* No X-DTLS-* choice (sslgated before DTLS, ocserv without udp-port). */
	assert_int_equal(answer(&d, NULL, none, &why), VPN_ERR_NOT_FOUND);
	assert_non_null(strstr(why, "without DTLS"));
	dtls_link_cleanup(&d);
	/* A suite we did not offer. */
	assert_int_not_equal(answer(&d, "AES128-SHA", legacy12_answer, &why), 0);
	dtls_link_cleanup(&d);
	assert_int_equal(answer(&d, NULL, psk_no_id, &why), VPN_ERR_INVALID);
	assert_non_null(strstr(why, "App-ID"));
	dtls_link_cleanup(&d);
	assert_int_equal(answer(&d, NULL, legacy_no_id, &why), VPN_ERR_INVALID);
	assert_non_null(strstr(why, "Session-ID"));
	dtls_link_cleanup(&d);
}

static void test_not_offered(void **state)
{
	struct dtls_link d;
	struct settings st;
	struct net_addr gw = gateway();
	const char *why = NULL;

	(void)state;
	/* --no-dtls: whatever the gateway says, nothing starts. */
	dtls_link_init(&d);
	settings_init(&st);
	assert_int_equal(settings_take(&st, legacy12_answer, strlen(legacy12_answer), &why), 0);
	assert_int_equal(dtls_link_answer(&d, &st.cstp, NULL, &gw, 1500, &why), VPN_ERR_NOT_FOUND);
	assert_int_equal(d.params.mode, DTLS_MODE_NONE);
	settings_cleanup(&st);
	dtls_link_cleanup(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_default),
		cmocka_unit_test(test_offer_narrowed),
		cmocka_unit_test(test_answer_legacy_dtls12),
		cmocka_unit_test(test_answer_mtu_from_suite),
		cmocka_unit_test(test_answer_refused),
		cmocka_unit_test(test_not_offered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
