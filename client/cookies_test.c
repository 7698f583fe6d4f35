/* SPDX-License-Identifier: ISC */
/*
 * The Set-Cookie lines are ocserv 1.1.6's, captured in a test network: the
 * expired webvpncontext of the init answers, the login context of the
 * username round, and the four lines of the complete answer (webvpnc
 * cleared, then set again). The session cookie value is a placeholder of
 * the capture's length (44 base64 characters).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "client/cookies.h"
#include "lib/base/err.h"
#include "lib/http/response.h"

#define CTX "AIXKs8D6pv/kSDfcU5dRVGs23Mpf71knoRBqKDA9tDc="
#define WEBVPNC "bu:/&p:t&iu:1/&sh:EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF&lu:/+CSCOT+/" \
	"translation-table?textdomain%3DAnyConnect%26type%3Dmanifest&fu:profiles%2Fprofile.xml&" \
	"fh:C54090310389BE94B95DD234707D5E2B0FDD71F9"
/* 2026-11-27, when the answers were captured. */
#define NOW 1795756000

static const char init_answer[] =
	"HTTP/1.1 200 OK\r\n"
	"Set-Cookie: webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly\r\n"
	"Content-Type: text/xml\r\nContent-Length: 496\r\nX-Transcend-Version: 1\r\n\r\n";
static const char username_answer[] =
	"HTTP/1.1 200 OK\r\n"
	"Set-Cookie: webvpncontext=" CTX "; Max-Age=300; Secure; HttpOnly\r\n"
	"Content-Type: text/xml\r\nContent-Length: 310\r\nX-Transcend-Version: 1\r\n\r\n";
static const char complete_answer[] =
	"HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\nContent-Type: text/xml\r\n"
	"Content-Length: 446\r\nX-Transcend-Version: 1\r\n"
	"Set-Cookie: webvpncontext=" CTX "; Secure; HttpOnly\r\n"
	"Set-Cookie: webvpn=" CTX "; Secure; HttpOnly\r\n"
	"Set-Cookie: webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly\r\n"
	"Set-Cookie: webvpnc=" WEBVPNC "; path=/; Secure; HttpOnly\r\n\r\n";

static void take(struct cookie_jar *jar, const char *answer)
{
	struct http_response resp;
	size_t used = 0;

	http_response_init(&resp, NULL, "POST");
	assert_int_equal(http_response_parse(&resp, &used, answer, strlen(answer)), PARSE_DONE);
	assert_int_equal(cookies_update(jar, &resp.headers, NOW), 0);
}

static void ocserv_login_sequence(void **state)
{
	struct cookie_jar jar;
	char out[1024];
	struct buf_writer w;

	(void)state;
	cookies_init(&jar);
	take(&jar, init_answer);
	assert_int_equal(jar.count, 0); /* an expired cookie is not kept */
	take(&jar, username_answer);
	assert_string_equal(cookies_get(&jar, "webvpncontext"), CTX);
	take(&jar, complete_answer);
	assert_string_equal(cookies_get(&jar, "webvpn"), CTX);
	assert_string_equal(cookies_get(&jar, "webvpnc"), WEBVPNC);
	assert_int_equal(jar.count, 3);

	buf_writer_init(&w, out, sizeof(out));
	cookies_write_header(&w, &jar);
	assert_int_equal(buf_writer_error(&w), 0);
	out[w.len] = '\0';
	assert_string_equal(out, "Cookie: webvpncontext=" CTX "; webvpn=" CTX "; webvpnc=" WEBVPNC "\r\n");
	cookies_cleanup(&jar);
}

static void set_and_remove(void **state)
{
	struct cookie_jar jar;
	char out[64];
	struct buf_writer w;

	(void)state;
	cookies_init(&jar);
	assert_int_equal(cookies_set(&jar, "webvpn", "FAKE-TOKEN@4096@ABCDEF"), 0);
	assert_string_equal(cookies_get(&jar, "webvpn"), "FAKE-TOKEN@4096@ABCDEF");
	assert_int_equal(cookies_set(&jar, "webvpn", NULL), 0);
	assert_null(cookies_get(&jar, "webvpn"));
	buf_writer_init(&w, out, sizeof(out));
	cookies_write_header(&w, &jar);
	assert_int_equal(w.len, 0); /* no empty Cookie header */
	cookies_cleanup(&jar);
}

static void bounded(void **state)
{
	struct cookie_jar jar;
	char name[16];

	(void)state;
	cookies_init(&jar);
	for (int i = 0; i < COOKIES_MAX; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		assert_int_equal(cookies_set(&jar, name, "v"), 0);
	}
	assert_int_equal(cookies_set(&jar, "one-more", "v"), VPN_ERR_TOO_BIG);
	assert_int_equal(cookies_set(&jar, "c0", "replaced"), 0);
	assert_string_equal(cookies_get(&jar, "c0"), "replaced");
	cookies_cleanup(&jar);
	assert_int_equal(jar.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_login_sequence),
		cmocka_unit_test(set_and_remove),
		cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
