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
	assert_null(authd_sessions_oldest_unused(&t));
	assert_int_equal(authd_sessions_create(&t, &l1, &a), 0);
	assert_int_equal(authd_sessions_create(&t, &l2, &b), 0);
	assert_int_equal(authd_sessions_create(&t, &l3, &c), 0);
	assert_ptr_equal(authd_sessions_oldest_unused(&t), a);
	/* a tunnel, even one that went away, keeps a record */
	authd_session_attach(a, 0, &none, &none);
	authd_session_detach(a, 8);
	assert_ptr_equal(authd_sessions_oldest_unused(&t), c);
	authd_session_attach(c, 1, &none, &none);
	assert_ptr_equal(authd_sessions_oldest_unused(&t), b);
	authd_session_attach(b, 1, &none, &none);
	assert_null(authd_sessions_oldest_unused(&t));
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
