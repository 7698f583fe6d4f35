/* SPDX-License-Identifier: ISC */
/* Header lookups and comma lists over real CONNECT headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/http/headers.h"

static struct header_view hv(const char *name, const char *value)
{
	struct header_view h = { str_view_of(name), str_view_of(value) };

	return h;
}

static void assert_view(struct str_view v, const char *s)
{
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.ptr, s, v.len);
}

/* Some of openconnect's CONNECT headers (vectors/07) and ocserv's answer. */
static void fill(struct http_headers *h)
{
	h->count = 0;
	h->items[h->count++] = hv("Cookie", "webvpn=<SESSION-COOKIE>");
	h->items[h->count++] = hv("X-CSTP-Accept-Encoding", "oc-lz4,lzs");
	h->items[h->count++] = hv("X-CSTP-MTU", "1390");
	h->items[h->count++] = hv("X-CSTP-Address-Type", "IPv6,IPv4");
	h->items[h->count++] = hv("X-CSTP-Split-Include", "198.18.2.0/255.255.255.0");
	h->items[h->count++] = hv("x-cstp-split-include", "198.19.0.0/255.255.0.0");
	h->items[h->count++] = hv("Connection", "Keep-Alive");
}

static void get_first_case_insensitive(void **state)
{
	struct http_headers h;
	struct str_view v;

	(void)state;
	fill(&h);
	assert_int_equal(http_headers_get(&h, "x-cstp-mtu", &v), 0);
	assert_view(v, "1390");
	assert_int_equal(http_headers_get(&h, "X-CSTP-Split-Include", &v), 0);
	assert_view(v, "198.18.2.0/255.255.255.0");
	assert_int_equal(http_headers_get(&h, "X-CSTP-Base-MTU", &v), VPN_ERR_NOT_FOUND);
	assert_int_equal(http_headers_get(&h, "X-CSTP-MT", &v), VPN_ERR_NOT_FOUND);
}

static void every_value_in_order(void **state)
{
	struct http_headers h;
	struct str_view v;
	size_t pos = 0;

	(void)state;
	fill(&h);
	assert_int_equal(http_headers_count(&h, "X-CSTP-Split-Include"), 2);
	assert_int_equal(http_headers_count(&h, "X-CSTP-Split-Exclude"), 0);
	assert_true(http_headers_next(&h, "X-CSTP-Split-Include", &pos, &v));
	assert_view(v, "198.18.2.0/255.255.255.0");
	assert_true(http_headers_next(&h, "X-CSTP-Split-Include", &pos, &v));
	assert_view(v, "198.19.0.0/255.255.0.0");
	assert_false(http_headers_next(&h, "X-CSTP-Split-Include", &pos, &v));
	assert_false(http_headers_next(&h, "X-CSTP-Split-Include", &pos, &v));
}

/* Splits a guarded copy of text and checks the items. */
static void expect_list(const char *text, const char *const *items, size_t n)
{
	struct guarded g;
	struct str_view rest, item;
	size_t i = 0;

	assert_int_equal(guarded_init(&g, text, strlen(text)), 0);
	rest.ptr = (const char *)g.data;
	rest.len = strlen(text);
	while (http_headers_list_next(&rest, &item)) {
		assert_true(i < n);
		assert_view(item, items[i++]);
	}
	assert_int_equal(i, n);
	assert_int_equal(rest.len, 0);
	guarded_cleanup(&g);
}

static void comma_lists(void **state)
{
	static const char *const oc[] = { "oc-lz4", "lzs" };
	static const char *const ac[] = { "lzs", "deflate" };
	static const char *const spaced[] = { "a", "b c" };
	static const char *const one[] = { "IPv4" };

	(void)state;
	expect_list("oc-lz4,lzs", oc, 2);
	expect_list("lzs, deflate", ac, 2);
	expect_list(" a ,\t, b c ,,", spaced, 2);
	expect_list("IPv4", one, 1);
	expect_list("", NULL, 0);
	expect_list(" , ,, ", NULL, 0);
}

static void tokens(void **state)
{
	struct http_headers h;

	(void)state;
	fill(&h);
	assert_true(http_headers_has_token(&h, "connection", "keep-alive"));
	assert_false(http_headers_has_token(&h, "Connection", "close"));
	assert_true(http_headers_has_token(&h, "X-CSTP-Address-Type", "ipv4"));
	assert_true(http_headers_has_token(&h, "X-CSTP-Accept-Encoding", "lzs"));
	assert_false(http_headers_has_token(&h, "X-CSTP-Accept-Encoding", "lz"));
	assert_false(http_headers_has_token(&h, "X-CSTP-Accept-Encoding", "deflate"));
	h.items[6] = hv("Connection", "closed");
	assert_false(http_headers_has_token(&h, "Connection", "close"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_first_case_insensitive),
		cmocka_unit_test(every_value_in_order),
		cmocka_unit_test(comma_lists),
		cmocka_unit_test(tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
