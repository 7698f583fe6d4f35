/* SPDX-License-Identifier: ISC */
/*
 * Cookies against ocserv's real Set-Cookie lines (vectors/02, 05, 06) and
 * openconnect's Cookie header (vectors/07): read, judged set or cleared,
 * and written back byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/http/cookie.h"

/* 2027-01-15 08:00:00 UTC. */
#define NOW 1800000000

static const char CLEARED_CONTEXT[] =
	"webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly";
static const char CONTEXT_300[] =
	"webvpncontext=<SESSION-COOKIE>; Max-Age=300; Secure; HttpOnly";
static const char COMPLETE_CONTEXT[] = "webvpncontext=<SESSION-COOKIE>; Secure; HttpOnly";
static const char COMPLETE_WEBVPN[] = "webvpn=<SESSION-COOKIE>; Secure; HttpOnly";
static const char CLEARED_WEBVPNC[] =
	"webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly";
static const char WEBVPNC[] =
	"webvpnc=bu:/&p:t&iu:1/&sh:EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF"
	"&lu:/+CSCOT+/translation-table?textdomain%3DAnyConnect%26type%3Dmanifest"
	"&fu:profiles%2Fprofile.xml&fh:C54090310389BE94B95DD234707D5E2B0FDD71F9"
	"; path=/; Secure; HttpOnly";

static void assert_view(struct str_view v, const char *s)
{
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.ptr, s, v.len);
}

/* Parses a guarded copy of line; the copy is released by the caller. */
static int parse_set(struct http_set_cookie *c, struct guarded *g, const char *line)
{
	assert_int_equal(guarded_init(g, line, strlen(line)), 0);
	return http_set_cookie_parse(c, (struct str_view){ (const char *)g->data, strlen(line) });
}

static void ocserv_set_cookie_lines(void **state)
{
	struct http_set_cookie c;
	struct guarded g;

	(void)state;
	assert_int_equal(parse_set(&c, &g, CLEARED_CONTEXT), 0);
	assert_view(c.name, "webvpncontext");
	assert_view(c.value, "");
	assert_view(c.expires, "Thu, 01 Jan 1970 22:00:00 GMT");
	assert_true(c.has_expires_time);
	assert_int_equal(c.expires_time, 22 * 3600);
	assert_view(c.path, "/");
	assert_true(c.is_secure && c.is_http_only);
	assert_true(http_set_cookie_is_cleared(&c, NOW));
	guarded_cleanup(&g);

	assert_int_equal(parse_set(&c, &g, CONTEXT_300), 0);
	assert_view(c.value, "<SESSION-COOKIE>");
	assert_true(c.has_max_age);
	assert_int_equal(c.max_age, 300);
	assert_int_equal(c.path.len, 0);
	assert_false(http_set_cookie_is_cleared(&c, NOW));
	guarded_cleanup(&g);

	assert_int_equal(parse_set(&c, &g, COMPLETE_WEBVPN), 0);
	assert_view(c.name, "webvpn");
	assert_false(c.has_max_age || c.has_expires_time);
	assert_false(http_set_cookie_is_cleared(&c, NOW));
	guarded_cleanup(&g);

	assert_int_equal(parse_set(&c, &g, CLEARED_WEBVPNC), 0);
	assert_true(http_set_cookie_is_cleared(&c, NOW));
	guarded_cleanup(&g);

	assert_int_equal(parse_set(&c, &g, WEBVPNC), 0);
	assert_view(c.name, "webvpnc");
	assert_int_equal(c.value.len, strlen(WEBVPNC) - strlen("webvpnc=") -
				      strlen("; path=/; Secure; HttpOnly"));
	assert_false(http_set_cookie_is_cleared(&c, NOW));
	guarded_cleanup(&g);
}

/* Every real line, and each of its prefixes, parses without reading past it. */
static void prefixes(void **state)
{
	static const char *const lines[] = {
		CLEARED_CONTEXT, CONTEXT_300, COMPLETE_CONTEXT, COMPLETE_WEBVPN,
		CLEARED_WEBVPNC, WEBVPNC,
	};
	struct http_set_cookie c;
	struct guarded g;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		for (size_t n = 0; n <= strlen(lines[i]); n++) {
			const char *eq = strchr(lines[i], '=');
			int rc;

			assert_int_equal(guarded_init(&g, lines[i], n), 0);
			rc = http_set_cookie_parse(&c, (struct str_view){ (const char *)g.data, n });
			/* Valid as soon as "name=" is there. */
			assert_int_equal(rc, n > (size_t)(eq - lines[i]) ? 0 : VPN_ERR_INVALID);
			guarded_cleanup(&g);
		}
	}
}

static void cleared_rules(void **state)
{
	static const struct {
		const char *line;
		bool is_cleared;
	} cases[] = {
		{ "a=b; Max-Age=0", true },
		{ "a=b; max-age=-1", true },
		{ "a=b; Max-Age=1", false },
		{ "a=b; Max-Age=1; expires=Thu, 01 Jan 1970 00:00:00 GMT", false },
		{ "a=b; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=1", false },
		{ "a=b; Max-Age=0; expires=Fri, 01 Jan 2100 00:00:00 GMT", true },
		{ "a=b; Expires=Fri, 01 Jan 2100 00:00:00 GMT", false },
		{ "a=b; Expires=Fri, 15 Jan 2027 08:00:01 GMT", false },
		{ "a=b; Expires=Fri, 15 Jan 2027 08:00:00 GMT", true },
		{ "a=b; Max-Age=1x", false },
		{ "a=b; Max-Age=", false },
		{ "a=b; Max-Age=-", false },
		{ "a=b; Max-Age=9999999999999999999", false },
		{ "a=b; expires=never", false },
		{ "a=", true },
		{ "a=\"\"", false },
	};
	struct http_set_cookie c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(http_set_cookie_parse(&c, str_view_of(cases[i].line)), 0);
		assert_int_equal(http_set_cookie_is_cleared(&c, NOW), cases[i].is_cleared);
	}
}

static void malformed_set_cookie(void **state)
{
	static const char *const bad[] = { "", ";", "webvpn", "=v", " =v", "a b=c", "a;b=c" };
	struct http_set_cookie c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_set_cookie_parse(&c, str_view_of(bad[i])), VPN_ERR_INVALID);
	/* Unknown attributes are no reason to drop the cookie. */
	assert_int_equal(http_set_cookie_parse(&c, str_view_of("a=b; Domain=x; SameSite; ;")), 0);
	assert_view(c.value, "b");
}

/* Writes c and compares with "Set-Cookie: " line CRLF. */
static void expect_line(const struct http_set_cookie *c, const char *line)
{
	char out[512], want[512];
	struct buf_writer w;

	buf_writer_init(&w, out, sizeof(out));
	http_set_cookie_write(&w, c);
	snprintf(want, sizeof(want), "Set-Cookie: %s\r\n", line);
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen(want));
	assert_memory_equal(out, want, w.len);
}

static void written_as_ocserv(void **state)
{
	static const char *const lines[] = {
		CLEARED_CONTEXT, CONTEXT_300, COMPLETE_CONTEXT, COMPLETE_WEBVPN,
		CLEARED_WEBVPNC, WEBVPNC,
	};
	struct http_set_cookie c = {
		.name = str_view_of("webvpncontext"),
		.value = str_view_of("<SESSION-COOKIE>"),
		.has_max_age = true,
		.max_age = 300,
		.is_secure = true,
		.is_http_only = true,
	};
	char out[512];
	struct buf_writer w;

	(void)state;
	expect_line(&c, CONTEXT_300);
	/* Every real line survives a parse and a write unchanged. */
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(http_set_cookie_parse(&c, str_view_of(lines[i])), 0);
		expect_line(&c, lines[i]);
	}
	buf_writer_init(&w, out, sizeof(out));
	http_set_cookie_write_cleared(&w, "webvpncontext", "/");
	http_set_cookie_write_cleared(&w, "webvpnc", "/");
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen(CLEARED_CONTEXT) + strlen(CLEARED_WEBVPNC) + 28);
	assert_memory_equal(out + 12, CLEARED_CONTEXT, strlen(CLEARED_CONTEXT));
}

static void cookie_header(void **state)
{
	static const char v07[] = "webvpn=<SESSION-COOKIE>";
	struct http_headers h = { .count = 0 };
	struct str_view v;
	struct guarded g;

	(void)state;
	assert_int_equal(guarded_init(&g, v07, strlen(v07)), 0);
	h.items[0].name = str_view_of("Cookie");
	h.items[0].value = (struct str_view){ (const char *)g.data, strlen(v07) };
	h.count = 1;
	assert_int_equal(http_cookie_find(&h, "webvpn", &v), 0);
	assert_view(v, "<SESSION-COOKIE>");
	assert_int_equal(http_cookie_find(&h, "webvpncontext", &v), VPN_ERR_NOT_FOUND);
	assert_int_equal(http_cookie_find(&h, "WEBVPN", &v), VPN_ERR_NOT_FOUND);
	guarded_cleanup(&g);

	h.items[0].value = str_view_of("webvpncontext=abc; webvpn=xyz;");
	h.items[1].name = str_view_of("cookie");
	h.items[1].value = str_view_of("sdesktop=token");
	h.count = 2;
	assert_int_equal(http_cookie_find(&h, "webvpncontext", &v), 0);
	assert_view(v, "abc");
	assert_int_equal(http_cookie_find(&h, "webvpn", &v), 0);
	assert_view(v, "xyz");
	assert_int_equal(http_cookie_find(&h, "sdesktop", &v), 0);
	assert_view(v, "token");

	/* The same name twice: fine if it agrees, refused if not. */
	h.items[1].value = str_view_of("webvpn=xyz");
	assert_int_equal(http_cookie_find(&h, "webvpn", &v), 0);
	h.items[1].value = str_view_of("webvpn=xyw");
	assert_int_equal(http_cookie_find(&h, "webvpn", &v), VPN_ERR_INVALID);
	h.items[1].value = str_view_of("webvpn");
	assert_int_equal(http_cookie_find(&h, "webvpncontext", &v), VPN_ERR_INVALID);
	h.items[1].value = str_view_of("=x");
	assert_int_equal(http_cookie_find(&h, "webvpncontext", &v), VPN_ERR_INVALID);
}

static void cookie_next(void **state)
{
	struct str_view rest = str_view_of(" a=1 ;b= 2;; c=");
	struct http_cookie c;

	(void)state;
	assert_int_equal(http_cookie_next(&rest, &c), 0);
	assert_view(c.name, "a");
	assert_view(c.value, "1");
	assert_int_equal(http_cookie_next(&rest, &c), 0);
	assert_view(c.name, "b");
	assert_view(c.value, "2");
	assert_int_equal(http_cookie_next(&rest, &c), 0);
	assert_view(c.name, "c");
	assert_view(c.value, "");
	assert_int_equal(http_cookie_next(&rest, &c), VPN_ERR_NOT_FOUND);
}

static void cookie_write(void **state)
{
	static const char v07[] = "Cookie: webvpn=<SESSION-COOKIE>\r\n";
	struct http_cookie two[] = {
		{ str_view_of("webvpncontext"), str_view_of("abc") },
		{ str_view_of("webvpn"), str_view_of("x/y+z=") },
	};
	struct http_cookie bad = { str_view_of("webvpn"), str_view_of("a;b") };
	char out[128];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	http_cookie_write(&w, &two[1], 1);
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, 23);
	assert_memory_equal(out, "Cookie: webvpn=x/y+z=\r\n", 23);
	buf_writer_init(&w, out, sizeof(out));
	two[1].value = str_view_of("<SESSION-COOKIE>");
	http_cookie_write(&w, &two[1], 1);
	assert_int_equal(w.len, strlen(v07));
	assert_memory_equal(out, v07, w.len);

	buf_writer_init(&w, out, sizeof(out));
	http_cookie_write(&w, two, 2);
	assert_int_equal(w.len, strlen("Cookie: webvpncontext=abc; webvpn=<SESSION-COOKIE>\r\n"));
	assert_memory_equal(out, "Cookie: webvpncontext=abc; webvpn=", 34);

	buf_writer_init(&w, out, sizeof(out));
	http_cookie_write(&w, &bad, 1);
	assert_int_equal(buf_writer_error(&w), VPN_ERR_TOO_BIG);
	buf_writer_init(&w, out, sizeof(out));
	http_cookie_write(&w, two, 0);
	assert_int_not_equal(buf_writer_error(&w), 0);
}

static void set_cookie_write_refuses(void **state)
{
	struct http_set_cookie c = { .name = str_view_of("webvpn"), .value = str_view_of("v") };
	char out[128];
	struct buf_writer w;

	(void)state;
	c.path = str_view_of("/;x");
	buf_writer_init(&w, out, sizeof(out));
	http_set_cookie_write(&w, &c);
	assert_int_not_equal(buf_writer_error(&w), 0);
	c.path = str_view_of("/");
	c.expires = str_view_of("Thu\r\nX: y");
	buf_writer_init(&w, out, sizeof(out));
	http_set_cookie_write(&w, &c);
	assert_int_not_equal(buf_writer_error(&w), 0);
	c.expires = str_view_of("");
	c.value = str_view_of("a b");
	buf_writer_init(&w, out, sizeof(out));
	http_set_cookie_write(&w, &c);
	assert_int_not_equal(buf_writer_error(&w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_set_cookie_lines),
		cmocka_unit_test(prefixes),
		cmocka_unit_test(cleared_rules),
		cmocka_unit_test(malformed_set_cookie),
		cmocka_unit_test(written_as_ocserv),
		cmocka_unit_test(cookie_header),
		cmocka_unit_test(cookie_next),
		cmocka_unit_test(cookie_write),
		cmocka_unit_test(set_cookie_write_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
