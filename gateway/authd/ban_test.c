/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gateway/authd/ban.h"

/* ocserv's sample.config numbers: 10 points per wrong password, ban at 80. */
static const struct authd_ban_policy ocserv_like = {
	.max_score = 80, .reset_time_s = 1200, .ban_time_s = 300,
};

static struct net_addr v4(uint8_t last)
{
	struct net_addr a = { .family = AF_INET, .bytes = { 198, 18, 1, last } };

	return a;
}

static void bans_at_max_score(void **state)
{
	struct authd_bans b;
	struct net_addr a = v4(2), other = v4(3);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 16), 0);
	for (int i = 0; i < 7; i++)
		assert_false(authd_bans_add(&b, &ocserv_like, &a, 10, 1000 + i));
	assert_false(authd_bans_is_banned(&b, &ocserv_like, &a, 1007));
	assert_true(authd_bans_add(&b, &ocserv_like, &a, 10, 1008)); /* 80 points */
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &a, 1008));
	assert_false(authd_bans_is_banned(&b, &ocserv_like, &other, 1008));
	assert_int_equal(authd_bans_count_banned(&b, 1008), 1);
	/* min-reauth-time later the ban is over and the score starts again */
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &a, 1008 + 299));
	assert_false(authd_bans_is_banned(&b, &ocserv_like, &a, 1008 + 300));
	assert_false(authd_bans_add(&b, &ocserv_like, &a, 10, 1400));
	authd_bans_cleanup(&b);
}

/*
 * An IPv4 client on a dual-stack listener arrives as ::ffff:198.18.1.2; the
 * ban list keeps it as 198.18.1.2, which sslgatectl shows and unbans.
 */
static void v4_mapped_is_ipv4(void **state)
{
	static const char *mapped_text = "::ffff:198.18.1.2";
	struct authd_bans b;
	struct net_addr mapped, a = v4(2);
	char text[64];

	(void)state;
	assert_int_equal(net_addr_parse(&mapped, mapped_text, strlen(mapped_text)), 0);
	assert_int_equal(mapped.family, AF_INET6);
	assert_int_equal(authd_bans_init(&b, 16), 0);
	for (int i = 0; i < 7; i++)
		authd_bans_add(&b, &ocserv_like, &mapped, 10, 100);
	assert_true(authd_bans_add(&b, &ocserv_like, &a, 10, 100)); /* the same source */
	assert_int_equal(b.count, 1);
	assert_int_equal(b.entries[0].addr.family, AF_INET);
	net_addr_format(&b.entries[0].addr, text, sizeof(text));
	assert_string_equal(text, "198.18.1.2");
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &mapped, 101));
	assert_true(authd_bans_remove(&b, &a));
	assert_false(authd_bans_is_banned(&b, &ocserv_like, &mapped, 101));
	authd_bans_cleanup(&b);
}

static void score_forgotten_after_reset_time(void **state)
{
	struct authd_bans b;
	struct net_addr a = v4(2);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 16), 0);
	for (int i = 0; i < 7; i++)
		authd_bans_add(&b, &ocserv_like, &a, 10, 100);
	/* 70 points, then quiet for ban-reset-time: the next 10 do not ban */
	assert_false(authd_bans_add(&b, &ocserv_like, &a, 10, 100 + 1200));
	authd_bans_expire(&b, &ocserv_like, 100 + 1200 + 1200);
	assert_int_equal(b.count, 0);
	authd_bans_cleanup(&b);
}

static void zero_max_score_never_bans(void **state)
{
	const struct authd_ban_policy off = { .max_score = 0, .reset_time_s = 1200 };
	struct authd_bans b;
	struct net_addr a = v4(2);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 4), 0);
	for (int i = 0; i < 100; i++)
		assert_false(authd_bans_add(&b, &off, &a, 10, 5));
	authd_bans_cleanup(&b);
}

static void delay_doubles_and_resets(void **state)
{
	struct authd_bans b;
	struct net_addr a = v4(2);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 4), 0);
	assert_int_equal(authd_bans_failed_login(&b, &ocserv_like, &a, 10, 1), 250);
	assert_int_equal(authd_bans_failed_login(&b, &ocserv_like, &a, 10, 2), 500);
	assert_int_equal(authd_bans_failed_login(&b, &ocserv_like, &a, 10, 3), 1000);
	for (int i = 0; i < 10; i++)
		authd_bans_failed_login(&b, &(struct authd_ban_policy){ 0, 1200, 300 }, &a, 0, 4);
	assert_int_equal(authd_bans_failed_login(&b, &ocserv_like, &a, 0, 5),
			 AUTHD_BAN_DELAY_MAX_MS);
	authd_bans_logged_in(&b, &a);
	assert_int_equal(authd_bans_failed_login(&b, &ocserv_like, &a, 0, 6), 250);
	authd_bans_cleanup(&b);
}

static void unban_one_and_all(void **state)
{
	struct authd_bans b;
	struct net_addr a = v4(2), c = v4(3), any = { .family = AF_UNSPEC };

	(void)state;
	assert_int_equal(authd_bans_init(&b, 4), 0);
	authd_bans_add(&b, &ocserv_like, &a, 80, 1);
	authd_bans_add(&b, &ocserv_like, &c, 80, 1);
	assert_true(authd_bans_remove(&b, &a));
	assert_false(authd_bans_is_banned(&b, &ocserv_like, &a, 2));
	assert_false(authd_bans_remove(&b, &a));
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &c, 2));
	assert_true(authd_bans_remove(&b, &any));
	assert_false(authd_bans_is_banned(&b, &ocserv_like, &c, 2));
	authd_bans_cleanup(&b);
}

/* A full table evicts unbanned entries first, so flooding cannot lift a ban. */
static void full_table_keeps_bans(void **state)
{
	struct authd_bans b;
	struct net_addr banned = v4(200);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 4), 0);
	authd_bans_add(&b, &ocserv_like, &banned, 80, 1);
	for (uint8_t i = 1; i < 50; i++) {
		struct net_addr a = v4(i);

		authd_bans_add(&b, &ocserv_like, &a, 1, 2 + i);
	}
	assert_int_equal(b.count, 4);
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &banned, 60));
	authd_bans_cleanup(&b);
}

/*
 * authd's table is sized for 4096 addresses; an idle one holds none, so
 * nothing is allocated until the first address, and the array grows as
 * addresses come, keeping every entry, until the cap evicts as before.
 */
static void table_grows_on_demand(void **state)
{
	struct authd_bans b;
	struct net_addr banned = v4(250), first = v4(1), last = v4(39);
	struct net_addr oldest = v4(2), next = v4(3), newcomer = v4(240);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 40), 0);
	assert_null(b.entries);
	assert_int_equal(b.allocated, 0);
	assert_true(authd_bans_add(&b, &ocserv_like, &banned, 80, 1));
	assert_int_equal(b.allocated, 16);
	for (uint8_t i = 1; i < 40; i++) {
		struct net_addr a = v4(i);

		assert_false(authd_bans_add(&b, &ocserv_like, &a, 10 + i, 1 + i));
	}
	/* 16, 32, then the cap: 40 addresses, all still there with their scores */
	assert_int_equal(b.allocated, 40);
	assert_int_equal(b.count, 40);
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &banned, 41));
	assert_false(authd_bans_add(&b, &ocserv_like, &first, 69 - 11, 42)); /* 11 + 58 */
	assert_true(authd_bans_add(&b, &ocserv_like, &first, 11, 43));       /* 80: banned */
	assert_false(authd_bans_add(&b, &ocserv_like, &last, 30, 44));       /* 49 + 30 */
	assert_true(authd_bans_add(&b, &ocserv_like, &last, 1, 45));
	/* full: a newcomer takes the slot of the oldest unbanned (198.18.1.2) */
	assert_false(authd_bans_add(&b, &ocserv_like, &newcomer, 1, 46));
	assert_int_equal(b.allocated, 40);
	assert_int_equal(b.count, 40);
	assert_int_equal(authd_bans_count_banned(&b, 46), 3);
	assert_false(authd_bans_remove(&b, &oldest));
	assert_true(authd_bans_remove(&b, &next));
	assert_true(authd_bans_remove(&b, &newcomer));
	authd_bans_cleanup(&b);
}

static void ipv6_and_junk_bytes(void **state)
{
	struct authd_bans b;
	struct net_addr a = { .family = AF_INET6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct net_addr x = v4(9), y = v4(9);

	(void)state;
	assert_int_equal(authd_bans_init(&b, 4), 0);
	authd_bans_add(&b, &ocserv_like, &a, 80, 1);
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &a, 2));
	memset(y.bytes + 4, 0xee, 12); /* beyond an IPv4 address: ignored */
	authd_bans_add(&b, &ocserv_like, &x, 80, 1);
	assert_true(authd_bans_is_banned(&b, &ocserv_like, &y, 2));
	authd_bans_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bans_at_max_score),
		cmocka_unit_test(score_forgotten_after_reset_time),
		cmocka_unit_test(v4_mapped_is_ipv4),
		cmocka_unit_test(zero_max_score_never_bans),
		cmocka_unit_test(delay_doubles_and_resets),
		cmocka_unit_test(unban_one_and_all),
		cmocka_unit_test(full_table_keeps_bans),
		cmocka_unit_test(ipv6_and_junk_bytes),
		cmocka_unit_test(table_grows_on_demand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
