/* SPDX-License-Identifier: ISC */
/*
 * The shared head rules, tested below the request and response parsers:
 * the resumable scan for the end of a head, header lines, versions and
 * body framing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/http/message_internal.h"
#include "tests/vectors/vectors.h"

#define S(x) x, sizeof(x) - 1

static enum parse_result scan(size_t *scanned, size_t *head_len, struct http_error *err,
			      const char *msg, size_t len, size_t max)
{
	struct guarded g;
	enum parse_result r;

	assert_int_equal(guarded_init(&g, msg, len), 0);
	r = http_head_scan(scanned, head_len, err, (const char *)g.data, len, max);
	guarded_cleanup(&g);
	return r;
}

/* Byte by byte, the scan must stop exactly at the blank line. */
static void scan_finds_end(void **state)
{
	static const char *const heads[] = { V07_HEAD, V08_HEAD, V10_BAD_COOKIE };
	struct http_error err;
	size_t scanned, head_len;

	(void)state;
	for (size_t h = 0; h < 3; h++) {
		size_t len = strlen(heads[h]);

		scanned = 0;
		for (size_t i = 0; i < len; i++) {
			assert_int_equal(scan(&scanned, &head_len, &err, heads[h], i, 65536),
					 PARSE_NEED_MORE);
			/* Resumable: nothing before i is looked at twice but a CRLFCR. */
			assert_int_equal(scanned, i);
		}
		assert_int_equal(scan(&scanned, &head_len, &err, heads[h], len, 65536),
				 PARSE_DONE);
		assert_int_equal(head_len, len);
	}
}

static void scan_across_calls(void **state)
{
	struct http_error err;
	size_t scanned = 0, head_len;

	(void)state;
	/* A CR at the end of one call must be followed by LF in the next. */
	assert_int_equal(scan(&scanned, &head_len, &err, S("GET / HTTP/1.1\r"), 64),
			 PARSE_NEED_MORE);
	assert_int_equal(scan(&scanned, &head_len, &err, S("GET / HTTP/1.1\rX"), 64),
			 PARSE_INVALID);
	assert_int_equal(err.status, 400);

	/* The blank line may straddle calls at any byte. */
	for (size_t k = 1; k < 4; k++) {
		static const char msg[] = "A\r\n\r\n";

		scanned = 0;
		assert_int_equal(scan(&scanned, &head_len, &err, msg, k + 1, 64),
				 PARSE_NEED_MORE);
		assert_int_equal(scan(&scanned, &head_len, &err, S(msg), 64), PARSE_DONE);
		assert_int_equal(head_len, 5);
	}

	/* LF LF is not an end, and a bare LF is refused wherever it is. */
	scanned = 0;
	assert_int_equal(scan(&scanned, &head_len, &err, S("A\r\n\n"), 64), PARSE_INVALID);
	scanned = 0;
	assert_int_equal(scan(&scanned, &head_len, &err, S("\n"), 64), PARSE_INVALID);
}

static void scan_bounds(void **state)
{
	struct http_error err;
	size_t scanned = 0, head_len;

	(void)state;
	assert_int_equal(scan(&scanned, &head_len, &err, S("A\r\n\r\n"), 5), PARSE_DONE);
	scanned = 0;
	assert_int_equal(scan(&scanned, &head_len, &err, S("A\r\n\r\n"), 4), PARSE_INVALID);
	assert_int_equal(err.status, 431);
	scanned = 0;
	assert_int_equal(scan(&scanned, &head_len, &err, S("AAAA"), 4), PARSE_INVALID);
	scanned = 0;
	assert_int_equal(scan(&scanned, &head_len, &err, S("AAA"), 4), PARSE_NEED_MORE);
}

static void control_bytes(void **state)
{
	struct http_error err;
	size_t scanned, head_len;
	char msg[] = "X: a?b\r\n\r\n";

	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		bool is_ok = c == '\t' || (c >= 0x20 && c != 0x7f);

		msg[4] = (char)c;
		scanned = 0;
		if (c == '\r' || c == '\n')
			continue;
		assert_int_equal(scan(&scanned, &head_len, &err, msg, sizeof(msg) - 1, 64),
				 is_ok ? PARSE_DONE : PARSE_INVALID);
	}
}

static void versions(void **state)
{
	struct http_error err;
	int minor = -1;

	(void)state;
	assert_int_equal(http_version_parse(&minor, &err, str_view_of("HTTP/1.1")), 0);
	assert_int_equal(minor, 1);
	assert_int_equal(http_version_parse(&minor, &err, str_view_of("HTTP/1.0")), 0);
	assert_int_equal(minor, 0);
	assert_int_equal(http_version_parse(&minor, &err, str_view_of("HTTP/2.0")), VPN_ERR_INVALID);
	assert_int_equal(err.status, 505);
	assert_int_equal(http_version_parse(&minor, &err, str_view_of("HTTP/1.10")), VPN_ERR_INVALID);
	assert_int_equal(err.status, 400);
	assert_int_equal(http_version_parse(&minor, &err, str_view_of("HTTP/1")), VPN_ERR_INVALID);
	assert_int_equal(http_version_parse(&minor, &err, str_view_of("")), VPN_ERR_INVALID);
}

static void tchars(void **state)
{
	(void)state;
	/* RFC 9110 section 5.6.2: the token delimiters are not tchars. */
	for (const char *p = "\"(),/:;<=>?@[\\]{} \t"; *p; p++)
		assert_false(http_is_tchar((unsigned char)*p));
	for (const char *p = "!#$%&'*+-.^_`|~09azAZ"; *p; p++)
		assert_true(http_is_tchar((unsigned char)*p));
	assert_false(http_is_tchar(0));
	assert_false(http_is_tchar(0x80));
}

static void fields_from_head(void **state)
{
	struct http_headers h;
	struct http_limits lim;
	struct http_error err;
	size_t len = strlen(V02_HEAD);
	size_t pos = strlen("HTTP/1.1 200 OK\r\n");

	(void)state;
	http_limits_init(&lim);
	assert_int_equal(http_head_fields(&h, &err, V02_HEAD, len, pos, &lim), 0);
	assert_int_equal(h.count, 4);
	assert_true(str_view_eq(h.items[1].name, "Content-Type"));
	assert_true(str_view_eq(h.items[1].value, "text/xml"));
	assert_true(str_view_eq(h.items[2].value, "496"));
}

static struct http_headers one_header(const char *name, const char *value)
{
	struct http_headers h;

	h.count = 1;
	h.items[0].name = str_view_of(name);
	h.items[0].value = str_view_of(value);
	return h;
}

static void framing(void **state)
{
	struct http_headers h;
	struct http_body b;
	struct http_error err;

	(void)state;
	h = one_header("Content-Length", "369");
	assert_int_equal(http_body_framing(&b, &err, &h, 1, 1 << 20), 0);
	assert_int_equal(b.kind, HTTP_BODY_LENGTH);
	assert_int_equal(b.length, 369);
	assert_int_equal(http_body_framing(&b, &err, &h, 1, 368), VPN_ERR_INVALID);
	assert_int_equal(err.status, 413);
	h = one_header("Content-Length", "18446744073709551615");
	assert_int_equal(http_body_framing(&b, &err, &h, 1, UINT64_MAX), VPN_ERR_INVALID);
	h = one_header("Content-Length", "9999999999999999999");
	assert_int_equal(http_body_framing(&b, &err, &h, 1, UINT64_MAX), 0);
	assert_int_equal(b.length, 9999999999999999999ull);
	h = one_header("Transfer-Encoding", "chunked");
	assert_int_equal(http_body_framing(&b, &err, &h, 1, 0), 0);
	assert_int_equal(b.kind, HTTP_BODY_CHUNKED);
	assert_int_equal(http_body_framing(&b, &err, &h, 0, 0), VPN_ERR_INVALID);
	h = one_header("X-Other", "1");
	assert_int_equal(http_body_framing(&b, &err, &h, 1, 0), 0);
	assert_int_equal(b.kind, HTTP_BODY_NONE);
}

static void defaults(void **state)
{
	struct http_limits lim;

	(void)state;
	http_limits_init(&lim);
	assert_int_equal(lim.max_head, 16384);
	assert_int_equal(lim.max_line, 8192);
	assert_int_equal(lim.max_headers, HTTP_HEADERS_MAX);
	assert_int_equal(lim.max_body, 1024 * 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_finds_end),
		cmocka_unit_test(scan_across_calls),
		cmocka_unit_test(scan_bounds),
		cmocka_unit_test(control_bytes),
		cmocka_unit_test(versions),
		cmocka_unit_test(tchars),
		cmocka_unit_test(fields_from_head),
		cmocka_unit_test(framing),
		cmocka_unit_test(defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
