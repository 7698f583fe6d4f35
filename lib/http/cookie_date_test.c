/* SPDX-License-Identifier: ISC */
/*
 * Cookie dates: ocserv's expiry date and the three HTTP date forms of
 * RFC 9110 section 5.6.7 (its example instant is 784111777), each parsed
 * from a guarded copy, with every prefix tried for overreads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/http/cookie_date.h"

static int parse(int64_t *out, const char *text, size_t len)
{
	struct guarded g;
	int rc;

	assert_int_equal(guarded_init(&g, text, len), 0);
	rc = http_cookie_date_parse(out, (struct str_view){ (const char *)g.data, len });
	guarded_cleanup(&g);
	return rc;
}

static void expect(const char *text, int64_t when)
{
	int64_t t = -1;

	print_message("%s\n", text);
	assert_int_equal(parse(&t, text, strlen(text)), 0);
	assert_int_equal(t, when);
	/* No prefix may read past its end; shorter ones need not be dates. */
	for (size_t n = 0; n < strlen(text); n++)
		parse(&t, text, n);
}

static void real_dates(void **state)
{
	(void)state;
	/* ocserv's "cleared" date: 22 hours into the epoch. */
	expect("Thu, 01 Jan 1970 22:00:00 GMT", 79200);
	expect("Sun, 06 Nov 1994 08:49:37 GMT", 784111777);
	expect("Sunday, 06-Nov-94 08:49:37 GMT", 784111777);
	expect("Sun Nov  6 08:49:37 1994", 784111777);
	/* Forgiving forms RFC 6265 still reads. */
	expect("6 november 1994 8:49:37", 784111777);
	expect("Thu, 01-Jan-70 00:00:00", 0);
	expect("Fri, 01 Jan 2038 00:00:00 GMT", 2145916800);
	expect("Tue, 01 Jan 2069 00:00:00 GMT", 3124224000);
	expect("01 Jan 69 00:00:00", 3124224000);
}

static void not_dates(void **state)
{
	static const char *const bad[] = {
		"", "never", "Thu, 01 Jan 1970", "Thu, 01 Jan 22:00:00 GMT",
		"Thu, Jan 1970 22:00:00 GMT", "Thu, 01 1970 22:00:00 GMT",
		"Thu, 32 Jan 1970 22:00:00 GMT", "Thu, 00 Jan 1970 22:00:00 GMT",
		"Thu, 01 Foo 1970 22:00:00 GMT", "Thu, 01 Jan 1600 22:00:00 GMT",
		"Thu, 01 Jan 1970 24:00:00 GMT", "Thu, 01 Jan 1970 22:60:00 GMT",
		"Thu, 01 Jan 1970 22:00:60 GMT", "Thu, 01 Jan 19700 22:00:00 GMT",
		"Thu, 001 Jan 1970 22:00:00 GMT", "Thu, 01 Jan 1970 022:00:00 GMT",
	};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s\n", bad[i]);
		assert_int_equal(parse(&t, bad[i], strlen(bad[i])), VPN_ERR_INVALID);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_dates),
		cmocka_unit_test(not_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
