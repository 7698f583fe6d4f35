/* SPDX-License-Identifier: ISC */
/*
 * Gateway URLs (the lab's https://gw.vpnlab.test/ from vectors/01), group
 * paths, the %XX values of ocserv's webvpnc cookie (vectors/06) and legacy
 * form bodies. Parsers read guarded copies, every prefix included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/http/url.h"

static void assert_view(struct str_view v, const char *s)
{
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.ptr, s, v.len);
}

static int parse_guarded(struct http_url *url, struct guarded *g, const char *text,
			 size_t len)
{
	assert_int_equal(guarded_init(g, text, len), 0);
	return http_url_parse(url, (struct str_view){ (const char *)g->data, len });
}

struct url_expect {
	const char *text;
	const char *host;
	bool is_ipv6;
	uint16_t port;
	const char *path;
	const char *query;
	const char *host_header;
};

static void expect_url(const struct url_expect *e)
{
	struct http_url url;
	struct guarded g;
	struct buf_writer w;
	char out[300];

	print_message("%s\n", e->text);
	for (size_t n = 0; n < strlen(e->text); n++) {
		parse_guarded(&url, &g, e->text, n);
		guarded_cleanup(&g);
	}
	assert_int_equal(parse_guarded(&url, &g, e->text, strlen(e->text)), 0);
	assert_view(url.host, e->host);
	assert_int_equal(url.is_ipv6, e->is_ipv6);
	assert_int_equal(url.port, e->port);
	assert_view(url.path, e->path);
	assert_view(url.query, e->query);
	buf_writer_init(&w, out, sizeof(out));
	http_url_write_host(&w, &url);
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen(e->host_header));
	assert_memory_equal(out, e->host_header, w.len);
	guarded_cleanup(&g);
}

static void gateway_urls(void **state)
{
	static const struct url_expect good[] = {
		{ "https://gw.vpnlab.test/", "gw.vpnlab.test", false, 443, "/", "", "gw.vpnlab.test" },
		{ "https://gw.vpnlab.test/auth", "gw.vpnlab.test", false, 443, "/auth", "",
		  "gw.vpnlab.test" },
		{ "gw.vpnlab.test", "gw.vpnlab.test", false, 443, "/", "", "gw.vpnlab.test" },
		{ "HTTPS://198.18.0.1:443", "198.18.0.1", false, 443, "/", "", "198.18.0.1" },
		{ "https://198.18.0.1:8443/sales", "198.18.0.1", false, 8443, "/sales", "",
		  "198.18.0.1:8443" },
		{ "https://[2001:db8::1]:8443/sales?x=1#top", "2001:db8::1", true, 8443, "/sales",
		  "x=1", "[2001:db8::1]:8443" },
		{ "[::ffff:198.18.0.1]", "::ffff:198.18.0.1", true, 443, "/", "",
		  "[::ffff:198.18.0.1]" },
		{ "https://vpn_1.example/a?b=https://c", "vpn_1.example", false, 443, "/a",
		  "b=https://c", "vpn_1.example" },
		{ "https://h?q", "h", false, 443, "/", "q", "h" },
		{ "https://h:65535#f", "h", false, 65535, "/", "", "h:65535" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		expect_url(&good[i]);
}

static void refused_urls(void **state)
{
	static const char *const bad[] = {
		"http://gw.vpnlab.test/", "ftp://gw", "https://", "https:///x", "",
		"https://alice@gw", "https://gw:0", "https://gw:65536", "https://gw:",
		"https://gw:44a", "https://gw:+443", "https://[::1", "https://[zz::1]",
		"https://[]/", "https://[fe80::1%25eth0]/", "https://gw vpn", "https://gw\x01",
		"https://gw/\xc3\xa9", "https://gw:443x/", "https://[::1]x", "https://g!w/",
	};
	char big[HTTP_URL_MAX + 2];
	struct http_url url;
	struct guarded g;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s\n", bad[i]);
		assert_int_equal(parse_guarded(&url, &g, bad[i], strlen(bad[i])), VPN_ERR_INVALID);
		guarded_cleanup(&g);
	}
	memset(big, 'a', sizeof(big));
	assert_int_equal(parse_guarded(&url, &g, big, HTTP_URL_HOST_MAX), 0);
	guarded_cleanup(&g);
	assert_int_equal(parse_guarded(&url, &g, big, HTTP_URL_HOST_MAX + 1), VPN_ERR_INVALID);
	guarded_cleanup(&g);
	memcpy(big, "https://h/", 10);
	assert_int_equal(parse_guarded(&url, &g, big, HTTP_URL_MAX), 0);
	guarded_cleanup(&g);
	assert_int_equal(parse_guarded(&url, &g, big, HTTP_URL_MAX + 1), VPN_ERR_TOO_BIG);
	guarded_cleanup(&g);
}

static void targets_and_groups(void **state)
{
	struct str_view path, query, group;

	(void)state;
	http_url_split_target(str_view_of("/+CSCOT+/translation-table?textdomain=AnyConnect"),
			      &path, &query);
	assert_view(path, "/+CSCOT+/translation-table");
	assert_view(query, "textdomain=AnyConnect");
	http_url_split_target(str_view_of("/"), &path, &query);
	assert_view(path, "/");
	assert_view(query, "");

	assert_int_equal(http_url_group(str_view_of("/sales"), &group), 0);
	assert_view(group, "sales");
	assert_int_equal(http_url_group(str_view_of("/engineering/"), &group), 0);
	assert_view(group, "engineering");
	assert_int_equal(http_url_group(str_view_of("/profiles/profile.xml"), &group), 0);
	assert_view(group, "profiles");
	assert_int_equal(http_url_group(str_view_of("/"), &group), VPN_ERR_NOT_FOUND);
	assert_int_equal(http_url_group(str_view_of(""), &group), VPN_ERR_NOT_FOUND);
	assert_int_equal(http_url_group(str_view_of("//x"), &group), VPN_ERR_NOT_FOUND);
}

static int decode_guarded(char *out, size_t cap, size_t *len, const char *in, bool is_form)
{
	struct guarded g;
	struct str_view v;
	int rc;

	assert_int_equal(guarded_init(&g, in, strlen(in)), 0);
	v = (struct str_view){ (const char *)g.data, strlen(in) };
	rc = is_form ? http_url_form_decode(out, cap, len, v) : http_url_decode(out, cap, len, v);
	guarded_cleanup(&g);
	return rc;
}

static void expect_decoded(const char *in, const char *want, bool is_form)
{
	char out[256];
	size_t len = 0;

	assert_int_equal(decode_guarded(out, sizeof(out), &len, in, is_form), 0);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	/* Exactly big enough means room for the NUL too. */
	assert_int_equal(decode_guarded(out, len + 1, &len, in, is_form), 0);
	assert_int_equal(decode_guarded(out, len, &len, in, is_form), VPN_ERR_TOO_BIG);
}

static void expect_encoded(const char *in, const char *want, bool is_form)
{
	char out[256];
	struct buf_writer w;

	buf_writer_init(&w, out, sizeof(out));
	if (is_form)
		http_url_form_write(&w, "v", str_view_of(in));
	else
		http_url_encode(&w, str_view_of(in));
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen(want) + (is_form ? 2 : 0));
	assert_memory_equal(out + (is_form ? 2 : 0), want, strlen(want));
}

static void percent_coding(void **state)
{
	static const char *const bad[] = { "%", "%2", "a%2", "%zz", "%2g", "%00", "a%00b" };
	char out[16];
	size_t len;

	(void)state;
	/* The lu: and fu: values of ocserv's webvpnc cookie. */
	expect_decoded("/+CSCOT+/translation-table?textdomain%3DAnyConnect%26type%3Dmanifest",
		       "/+CSCOT+/translation-table?textdomain=AnyConnect&type=manifest", false);
	expect_decoded("profiles%2Fprofile.xml", "profiles/profile.xml", false);
	expect_decoded("URL%20encoded%20text", "URL encoded text", false);
	expect_decoded("a+b%2b", "a+b+", false);
	expect_decoded("", "", false);
	expect_encoded("profiles/profile.xml", "profiles%2Fprofile.xml", false);
	expect_encoded("textdomain=AnyConnect&type=manifest",
		       "textdomain%3DAnyConnect%26type%3Dmanifest", false);
	expect_encoded("a b~-._\xc3\xa9", "a%20b~-._%C3%A9", false);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(decode_guarded(out, sizeof(out), &len, bad[i], false),
				 VPN_ERR_INVALID);
	assert_int_equal(decode_guarded(out, 0, &len, "", false), VPN_ERR_TOO_BIG);
}

static void form_bodies(void **state)
{
	static const char body[] =
		"username=alice&password=p%40ss+w%26rd&group%5flist=engineering";
	char out[64];
	size_t len;
	struct str_view rest = str_view_of("a&&b=1&=2&c=&"), name, value;
	struct buf_writer w;

	(void)state;
	expect_decoded("p%40ss+w%26rd", "p@ss w&rd", true);
	expect_encoded("p@ss w&rd", "p%40ss+w%26rd", true);

	assert_int_equal(http_url_form_find(out, sizeof(out), &len, str_view_of(body),
					    "password"), 0);
	assert_string_equal(out, "p@ss w&rd");
	/* ocserv takes the group field under its escaped name too. */
	assert_int_equal(http_url_form_find(out, sizeof(out), &len, str_view_of(body),
					    "group_list"), 0);
	assert_string_equal(out, "engineering");
	assert_int_equal(http_url_form_find(out, sizeof(out), &len, str_view_of(body),
					    "group"), VPN_ERR_NOT_FOUND);
	assert_int_equal(http_url_form_find(out, 4, &len, str_view_of(body), "username"),
			 VPN_ERR_TOO_BIG);
	/* A name that does not decode is skipped, not fatal. */
	assert_int_equal(http_url_form_find(out, sizeof(out), &len,
					    str_view_of("pass%zz=1&password=2"), "password"), 0);
	assert_string_equal(out, "2");

	assert_int_equal(http_url_form_next(&rest, &name, &value), 0);
	assert_view(name, "a");
	assert_view(value, "");
	assert_int_equal(http_url_form_next(&rest, &name, &value), 0);
	assert_view(name, "b");
	assert_view(value, "1");
	assert_int_equal(http_url_form_next(&rest, &name, &value), 0);
	assert_view(name, "");
	assert_view(value, "2");
	assert_int_equal(http_url_form_next(&rest, &name, &value), 0);
	assert_view(name, "c");
	assert_int_equal(http_url_form_next(&rest, &name, &value), VPN_ERR_NOT_FOUND);

	buf_writer_init(&w, out, sizeof(out));
	http_url_form_write(&w, "username", str_view_of("alice"));
	http_url_form_write(&w, "password", str_view_of("p@ss w&rd"));
	http_url_form_write(&w, "group_list", str_view_of("engineering"));
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen("username=alice&password=p%40ss+w%26rd&group_list=engineering"));
	assert_memory_equal(out, "username=alice&password=p%40ss+w%26rd&group_list=engineering", w.len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gateway_urls),
		cmocka_unit_test(refused_urls),
		cmocka_unit_test(targets_and_groups),
		cmocka_unit_test(percent_coding),
		cmocka_unit_test(form_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
