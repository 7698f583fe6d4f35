/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gateway/authd/session.h"
#include "lib/base/err.h"

static const struct net_addr src = { .family = AF_INET, .bytes = { 198, 18, 1, 2 } };

/* ocserv's defaults: cookie-timeout 300, no session-timeout. */
static struct authd_login login(const char *user, uint64_t now)
{
	struct authd_login l = {
		.user = user, .group = "engineering", .source = &src,
		.now_s = now, .now_unix = 1700000000 + now, .cookie_timeout_s = 300,
	};

	return l;
}

static void mints_unique_cookies_and_ids(void **state)
{
	struct authd_sessions t;
	struct authd_session *a, *b;
	struct authd_login la = login("alice", 10), lb = login("alice", 10);
	static const uint8_t zero[MSG_COOKIE_LEN];

	(void)state;
	assert_int_equal(authd_sessions_init(&t, 4), 0);
	assert_int_equal(authd_sessions_create(&t, &la, &a), 0);
	assert_int_equal(authd_sessions_create(&t, &lb, &b), 0);
	assert_memory_not_equal(a->cookie, b->cookie, MSG_COOKIE_LEN);
	assert_memory_not_equal(a->cookie, zero, MSG_COOKIE_LEN);
	assert_memory_not_equal(a->id, b->id, MSG_SESSION_ID_LEN);
	assert_true(msg_session_id_value(a->id) > 0);
	assert_true(msg_session_id_value(a->id) <= MSG_SESSION_ID_MAX);
	assert_string_equal(a->user, "alice");
	assert_string_equal(a->group, "engineering");
	assert_int_equal(a->ipv4.family, AF_UNSPEC);
	assert_int_equal(authd_sessions_count_user(&t, "alice"), 2);
	assert_ptr_equal(authd_sessions_by_cookie(&t, b->cookie, 11), b);
	assert_ptr_equal(authd_sessions_by_id(&t, a->id), a);
	authd_sessions_cleanup(&t);
}

static void unknown_cookie_is_refused(void **state)
{
	struct authd_sessions t;
	struct authd_session *a;
	struct authd_login l = login("alice", 10);
	uint8_t guess[MSG_COOKIE_LEN];

	(void)state;
	assert_int_equal(authd_sessions_init(&t, 4), 0);
	assert_int_equal(authd_sessions_create(&t, &l, &a), 0);
	memcpy(guess, a->cookie, sizeof(guess));
	guess[31] ^= 1;
	assert_null(authd_sessions_by_cookie(&t, guess, 11));
	authd_sessions_cleanup(&t);
}

/* Unused for cookie-timeout: gone. Attached: lives. Detached: 300 s more. */
static void cookie_timeout_follows_the_tunnel(void **state)
{
	struct authd_sessions t;
	struct authd_session *a;
	struct authd_login l = login("alice", 100);
	struct net_addr v4 = { .family = AF_INET, .bytes = { 198, 19, 10, 50 } };
	struct net_addr none = { .family = AF_UNSPEC };

	(void)state;
	assert_int_equal(authd_sessions_init(&t, 4), 0);
	assert_int_equal(authd_sessions_create(&t, &l, &a), 0);
	assert_false(authd_session_is_expired(a, 399));
	assert_true(authd_session_is_expired(a, 400));
	authd_session_attach(a, 1, &v4, &none);
	assert_false(authd_session_is_expired(a, 100000));
	assert_int_equal(a->worker, 1);
	authd_session_detach(a, 100000);
	assert_int_equal(a->worker, -1);
	assert_memory_equal(a->ipv4.bytes, v4.bytes, 4); /* kept for the reconnect */
	assert_non_null(authd_sessions_by_cookie(&t, a->cookie, 100299));
	assert_null(authd_sessions_by_cookie(&t, a->cookie, 100300));
	authd_sessions_cleanup(&t);
}

static void session_timeout_is_absolute(void **state)
{
	struct authd_sessions t;
	struct authd_session *a;
	struct authd_login l = login("alice", 0);
	struct net_addr none = { .family = AF_UNSPEC };

	(void)state;
	l.session_timeout_s = 86400;
	assert_int_equal(authd_sessions_init(&t, 4), 0);
	assert_int_equal(authd_sessions_create(&t, &l, &a), 0);
	authd_session_attach(a, 0, &none, &none);
	assert_false(authd_session_is_expired(a, 86399));
	assert_true(authd_session_is_expired(a, 86400));
	authd_sessions_cleanup(&t);
}

static void count_expired(const struct authd_session *s, void *ctx)
{
	(void)s;
	(*(int *)ctx)++;
}

static void expire_reports_each(void **state)
{
	struct authd_sessions t;
	struct authd_session *a, *b, *c;
	struct authd_login l1 = login("alice", 0), l2 = login("bob", 0), l3 = login("carol", 200);
	struct net_addr none = { .family = AF_UNSPEC };
	int n = 0;

	(void)state;
	assert_int_equal(authd_sessions_init(&t, 3), 0);
	assert_int_equal(authd_sessions_create(&t, &l1, &a), 0);
	assert_int_equal(authd_sessions_create(&t, &l2, &b), 0);
	assert_int_equal(authd_sessions_create(&t, &l3, &c), 0);
	assert_int_equal(authd_sessions_create(&t, &l3, &c), VPN_ERR_TOO_BIG);
	authd_session_attach(b, 0, &none, &none);
	authd_sessions_expire(&t, 300, count_expired, &n);
	assert_int_equal(n, 1); /* alice's; bob is attached, carol is younger */
	assert_int_equal(t.count, 2);
	assert_int_equal(authd_sessions_count_user(&t, "alice"), 0);
	authd_sessions_remove(&t, b);
	assert_int_equal(t.count, 1);
	authd_sessions_cleanup(&t);
}

static void oldest_unused_skips_tunnels(void **state)
{
	struct authd_sessions t;
	struct authd_session *a, *b, *c;
	struct authd_login l1 = login("alice", 5), l2 = login("bob", 7), l3 = login("carol", 6);
	struct net_addr none = { .family = AF_UNSPEC };

	(void)state;
	assert_int_equal(authd_sessions_init(&t, 3), 0);
	assert_null(authd_sessions_oldest_unused(&t, NULL));
	assert_int_equal(authd_sessions_create(&t, &l1, &a), 0);
	assert_int_equal(authd_sessions_create(&t, &l2, &b), 0);
	assert_int_equal(authd_sessions_create(&t, &l3, &c), 0);
	assert_ptr_equal(authd_sessions_oldest_unused(&t, NULL), a);
	/* a tunnel, even one that went away, keeps a record */
	authd_session_attach(a, 0, &none, &none);
	authd_session_detach(a, 8);
	assert_ptr_equal(authd_sessions_oldest_unused(&t, NULL), c);
	authd_session_attach(c, 1, &none, &none);
	assert_ptr_equal(authd_sessions_oldest_unused(&t, NULL), b);
	authd_session_attach(b, 1, &none, &none);
	assert_null(authd_sessions_oldest_unused(&t, NULL));
	authd_sessions_cleanup(&t);
}

/* Places in the table, as in the fairness tests below. */
#define FAIR_CAP 6

/* bob's cookie first (oldest), then alice's, all minted in the same second. */
static void fill_bob_then_alice(struct authd_sessions *t, struct authd_session *all[FAIR_CAP])
{
	struct authd_login lb = login("bob", 20), la = login("alice", 20);

	assert_int_equal(authd_sessions_init(t, FAIR_CAP), 0);
	assert_int_equal(authd_sessions_create(t, &lb, &all[0]), 0);
	for (size_t i = 1; i < FAIR_CAP; i++)
		assert_int_equal(authd_sessions_create(t, &la, &all[i]), 0);
	assert_int_equal(authd_sessions_create(t, &la, &all[0]), VPN_ERR_TOO_BIG);
}

/* Does what authd's login does in a full table: evict for user, then mint. */
static struct authd_session *login_full(struct authd_sessions *t, const char *user, uint64_t now,
					const uint8_t expect_gone[MSG_COOKIE_LEN])
{
	struct authd_login l = login(user, now);
	struct authd_session *gone = authd_sessions_to_evict(t, user), *s;

	assert_non_null(gone);
	assert_memory_equal(gone->cookie, expect_gone, MSG_COOKIE_LEN);
	authd_sessions_remove(t, gone);
	assert_int_equal(authd_sessions_create(t, &l, &s), 0);
	return s;
}

/*
 * alice logs in over and over into a full table that also holds bob's
 * cookie, older than all of hers and never used (--authenticate): each
 * login takes the place of alice's own oldest unused cookie, never bob's.
 */
static void full_table_evicts_the_same_user_first(void **state)
{
	struct authd_sessions t;
	struct authd_session *all[FAIR_CAP], *s;
	uint8_t cookies[FAIR_CAP][MSG_COOKIE_LEN], bob[MSG_COOKIE_LEN];

	(void)state;
	fill_bob_then_alice(&t, all);
	for (size_t i = 0; i < FAIR_CAP; i++)
		memcpy(cookies[i], all[i]->cookie, MSG_COOKIE_LEN);
	memcpy(bob, cookies[0], sizeof(bob));
	/* before: the oldest unused overall is bob's; alice's own is her first */
	assert_memory_equal(authd_sessions_oldest_unused(&t, NULL)->cookie, bob, MSG_COOKIE_LEN);
	assert_memory_equal(authd_sessions_oldest_unused(&t, "alice")->cookie, cookies[1],
			    MSG_COOKIE_LEN);
	s = login_full(&t, "alice", 21, cookies[1]);
	assert_null(authd_sessions_by_cookie(&t, cookies[1], 22));
	assert_non_null(authd_sessions_by_cookie(&t, bob, 22));
	assert_ptr_equal(authd_sessions_by_cookie(&t, s->cookie, 22), s);
	/* then her second (same second as the first: mint order decides), and so on */
	for (size_t i = 2; i < FAIR_CAP; i++) {
		login_full(&t, "alice", 22, cookies[i]);
		assert_null(authd_sessions_by_cookie(&t, cookies[i], 23));
	}
	/* a whole table's worth of alice's logins later, bob's cookie still works */
	login_full(&t, "alice", 23, s->cookie);
	assert_int_equal(t.count, FAIR_CAP);
	assert_int_equal(authd_sessions_count_user(&t, "alice"), FAIR_CAP - 1);
	assert_string_equal(authd_sessions_by_cookie(&t, bob, 24)->user, "bob");
	authd_sessions_cleanup(&t);
}

/*
 * The fallback: a user with no unused cookie of their own (none at all, or
 * only ones that carried a tunnel) takes the oldest unused place overall.
 */
static void full_table_falls_back_to_the_oldest_unused(void **state)
{
	struct authd_sessions t;
	struct authd_session *all[FAIR_CAP], *c;
	struct net_addr none = { .family = AF_UNSPEC };
	uint8_t bob[MSG_COOKIE_LEN], alice2[MSG_COOKIE_LEN];

	(void)state;
	fill_bob_then_alice(&t, all);
	memcpy(bob, all[0]->cookie, sizeof(bob));
	memcpy(alice2, all[2]->cookie, sizeof(alice2));
	/* carol has no record: bob's, the oldest unused, gives way */
	assert_null(authd_sessions_oldest_unused(&t, "carol"));
	login_full(&t, "carol", 21, bob);
	assert_null(authd_sessions_by_cookie(&t, bob, 22));
	/* carol's cookie carried a tunnel: her next login takes alice's oldest */
	authd_session_attach(authd_sessions_oldest_unused(&t, "carol"), 0, &none, &none);
	assert_null(authd_sessions_oldest_unused(&t, "carol"));
	c = login_full(&t, "carol", 22, all[1]->cookie);
	assert_non_null(authd_sessions_by_cookie(&t, alice2, 23));
	/* and now that she has an unused one, her next login spends it, not alice's */
	login_full(&t, "carol", 23, c->cookie);
	assert_non_null(authd_sessions_by_cookie(&t, alice2, 24));
	assert_int_equal(authd_sessions_count_user(&t, "carol"), 2);
	assert_int_equal(authd_sessions_count_user(&t, "alice"), FAIR_CAP - 2);
	authd_sessions_cleanup(&t);
}

/*
 * authd's table is sized for max-clients (8192 by default); an idle authd
 * has no sessions, so nothing is allocated until the first login, and the
 * array grows with the logins, every record findable, up to the cap.
 */
static void table_grows_on_demand(void **state)
{
	struct authd_sessions t;
	struct authd_session *made[20], *extra;
	struct authd_login l = login("alice", 10);

	(void)state;
	assert_int_equal(authd_sessions_init(&t, 20), 0);
	assert_null(t.items);
	assert_int_equal(t.allocated, 0);
	assert_int_equal(authd_sessions_create(&t, &l, &made[0]), 0);
	assert_int_equal(t.allocated, 16);
	for (int i = 1; i < 20; i++)
		assert_int_equal(authd_sessions_create(&t, &l, &made[i]), 0);
	assert_int_equal(t.allocated, 20);
	assert_int_equal(authd_sessions_create(&t, &l, &extra), VPN_ERR_TOO_BIG);
	assert_int_equal(t.allocated, 20);
	assert_int_equal(authd_sessions_count_user(&t, "alice"), 20);
	for (int i = 0; i < 20; i++) {
		assert_ptr_equal(authd_sessions_by_cookie(&t, made[i]->cookie, 11), made[i]);
		assert_ptr_equal(authd_sessions_by_id(&t, made[i]->id), made[i]);
	}
	authd_sessions_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mints_unique_cookies_and_ids),
		cmocka_unit_test(unknown_cookie_is_refused),
		cmocka_unit_test(cookie_timeout_follows_the_tunnel),
		cmocka_unit_test(session_timeout_is_absolute),
		cmocka_unit_test(expire_reports_each),
		cmocka_unit_test(oldest_unused_skips_tunnels),
		cmocka_unit_test(full_table_evicts_the_same_user_first),
		cmocka_unit_test(full_table_falls_back_to_the_oldest_unused),
		cmocka_unit_test(table_grows_on_demand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
