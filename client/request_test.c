/* SPDX-License-Identifier: ISC */
/*
 * X-Pad lengths and header order of openconnect 9.01's auth POSTs to
 * ocserv 1.1.6: Content-Length 369 came with 15 pad characters, 413 with
 * 35, 402 with 46, 370 with 14 (vectors 01, 03, 04, 06).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "client/request.h"
#include "lib/base/err.h"

static void pad_like_openconnect(void **state)
{
	(void)state;
	assert_int_equal(request_pad_len(369), 15);
	assert_int_equal(request_pad_len(413), 35);
	assert_int_equal(request_pad_len(402), 46);
	assert_int_equal(request_pad_len(370), 14);
}

static void post_head_in_openconnects_order(void **state)
{
	static const char body[369] = { '<' };
	static const char want[] =
		"POST /auth HTTP/1.1\r\n"
		"Host: gw.vpnlab.test\r\n"
		"User-Agent: AnyConnect-compatible sslgate VPN Agent v0.1.0\r\n"
		"Cookie: webvpncontext=AIXKs8D6pv/kSDfcU5dRVGs23Mpf71knoRBqKDA9tDc=\r\n"
		"Accept: */*\r\n"
		"Accept-Encoding: identity\r\n"
		"X-Transcend-Version: 1\r\n"
		"X-Aggregate-Auth: 1\r\n"
		"X-Pad: 000000000000000\r\n"
		"Content-Type: application/xml; charset=utf-8\r\n"
		"Content-Length: 369\r\n"
		"\r\n";
	struct cookie_jar jar;
	struct request_common c = { .host = "gw.vpnlab.test", .useragent = REQUEST_DEFAULT_USERAGENT,
				    .jar = &jar, .is_aggregate = true };
	char out[1024];
	struct buf_writer w;

	(void)state;
	cookies_init(&jar);
	assert_int_equal(cookies_set(&jar, "webvpncontext", "AIXKs8D6pv/kSDfcU5dRVGs23Mpf71knoRBqKDA9tDc="), 0);
	buf_writer_init(&w, out, sizeof(out));
	request_post_xml(&w, &c, "/auth", body, sizeof(body));
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen(want) + sizeof(body));
	assert_memory_equal(out, want, strlen(want));
	cookies_cleanup(&jar);
}

static void legacy_get_has_no_aggregate_header(void **state)
{
	struct request_common c = { .host = "gw.vpnlab.test:8443", .useragent = "AnyConnect Linux_64 4.10" };
	char out[512];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out) - 1);
	request_get(&w, &c, "/");
	assert_int_equal(buf_writer_error(&w), 0);
	out[w.len] = '\0';
	assert_string_equal(out, "GET / HTTP/1.1\r\nHost: gw.vpnlab.test:8443\r\n"
			    "User-Agent: AnyConnect Linux_64 4.10\r\nAccept: */*\r\n"
			    "Accept-Encoding: identity\r\nX-Transcend-Version: 1\r\n\r\n");
}

static void a_line_break_cannot_be_injected(void **state)
{
	struct request_common c = { .host = "gw", .useragent = "AnyConnect\r\nX-Evil: 1" };
	char out[512];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	request_get(&w, &c, "/");
	assert_int_not_equal(buf_writer_error(&w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pad_like_openconnect),
		cmocka_unit_test(post_head_in_openconnects_order),
		cmocka_unit_test(legacy_get_has_no_aggregate_header),
		cmocka_unit_test(a_line_break_cannot_be_injected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
