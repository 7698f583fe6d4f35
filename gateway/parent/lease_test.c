/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "gateway/parent/lease.h"
#include "lib/base/err.h"

/* Every route change, as "+vpns0 198.19.10.50/32", one per line. */
static char routes[4096];
static int fail_routes;

static int fake_route(const char *tun, const struct net_prefix *dst, bool is_add)
{
	char a[INET6_ADDRSTRLEN];
	size_t n = strlen(routes);

	if (fail_routes)
		return VPN_ERR_IO;
	inet_ntop(dst->addr.family, dst->addr.bytes, a, sizeof(a));
	snprintf(routes + n, sizeof(routes) - n, "%c%s %s/%u\n", is_add ? '+' : '-', tun, a,
		 dst->len);
	return 0;
}

static struct net_prefix prefix(const char *s, unsigned len)
{
	struct net_prefix p = { .len = len };

	p.addr.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	inet_pton(p.addr.family, s, p.addr.bytes);
	return p;
}

static const char *text(const struct net_addr *a)
{
	static char out[INET6_ADDRSTRLEN];

	return inet_ntop(a->family, a->bytes, out, sizeof(out));
}

/* The lab's pool; a sales group with its own. */
static struct net_prefix lab4, lab6, none;
static const uint8_t sid1[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t sid2[8] = { 0, 0, 0, 0, 0, 0, 0, 2 };

static struct parent_lease_ask ask(const uint8_t *sid, const char *user, int worker,
				   const char *tun)
{
	struct parent_lease_ask a = {
		.session_id = sid, .user = user, .group = "engineering",
		.pool4 = &lab4, .pool6 = &none, .ipv6_len = 128,
		.worker = worker, .tun = tun,
	};

	return a;
}

static int setup(void **state)
{
	(void)state;
	lab4 = prefix("198.19.10.0", 24);
	lab6 = prefix("2001:db8:10::", 64);
	none.addr.family = AF_UNSPEC;
	routes[0] = '\0';
	fail_routes = 0;
	return 0;
}

static void lease_routes_and_netmask(void **state)
{
	struct parent_leases l;
	const struct parent_lease *x;
	struct parent_lease_ask a = ask(sid1, "alice", 0, "vpns0");

	(void)state;
	parent_leases_init(&l, fake_route);
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	assert_string_equal(text(&x->ipv4.addr), "198.19.10.2");
	assert_int_equal(x->ipv4.len, 24); /* X-CSTP-Netmask: 255.255.255.0 */
	assert_int_equal(x->ipv6.addr.family, AF_UNSPEC);
	assert_string_equal(routes, "+vpns0 198.19.10.2/32\n");
	parent_leases_cleanup(&l);
}

/* The tunnel drops, the client comes back on another worker: same address. */
static void reconnect_keeps_address(void **state)
{
	struct parent_leases l;
	const struct parent_lease *x;
	struct parent_lease_ask a = ask(sid1, "alice", 0, "vpns0");
	struct parent_lease_ask b = ask(sid2, "bob", 0, "vpns0");
	struct net_addr first;

	(void)state;
	parent_leases_init(&l, fake_route);
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	first = x->ipv4.addr;
	parent_leases_park(&l, sid1, 1);            /* not the owner: ignored */
	parent_leases_park(&l, sid1, 0);
	assert_int_equal(parent_leases_get(&l, &b, &x), 0); /* bob cannot get alice's */
	assert_memory_not_equal(x->ipv4.addr.bytes, first.bytes, 4);
	a.worker = 1;
	a.tun = "vpns1";
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	assert_memory_equal(x->ipv4.addr.bytes, first.bytes, 4);
	assert_string_equal(routes, "+vpns0 198.19.10.2/32\n-vpns0 198.19.10.2/32\n"
			    "+vpns0 198.19.10.3/32\n+vpns1 198.19.10.2/32\n");
	/* a worker that dies takes its routes with its tun; the lease stays */
	parent_leases_worker_gone(&l, 1);
	assert_int_equal(parent_leases_find(&l, sid1)->worker, -1);
	assert_true(parent_leases_free(&l, sid1));
	assert_false(parent_leases_free(&l, sid1));
	assert_null(parent_leases_find(&l, sid1));
	parent_leases_cleanup(&l);
}

static void predictable_ips_follow_the_user(void **state)
{
	struct parent_leases l;
	const struct parent_lease *x;
	struct parent_lease_ask a = ask(sid1, "alice", 0, "vpns0");
	char first[INET6_ADDRSTRLEN];

	(void)state;
	a.is_predictable = true;
	parent_leases_init(&l, fake_route);
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	snprintf(first, sizeof(first), "%s", text(&x->ipv4.addr));
	assert_true(parent_leases_free(&l, sid1));
	a.session_id = sid2;  /* a new login of the same user */
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	assert_string_equal(text(&x->ipv4.addr), first);
	parent_leases_cleanup(&l);
}

static void explicit_address_or_nothing(void **state)
{
	struct parent_leases l;
	const struct parent_lease *x;
	struct parent_lease_ask a = ask(sid1, "alice", 0, "vpns0");
	struct parent_lease_ask b = ask(sid2, "bob", 0, "vpns0");
	struct net_addr want = prefix("198.19.10.77", 32).addr;
	struct net_addr outside = prefix("10.0.0.1", 32).addr;

	(void)state;
	parent_leases_init(&l, fake_route);
	a.want4 = &want;
	a.is_want4_required = true;
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	assert_string_equal(text(&x->ipv4.addr), "198.19.10.77");
	b.want4 = &want;
	b.is_want4_required = true;
	assert_int_equal(parent_leases_get(&l, &b, &x), VPN_ERR_DENIED);
	b.want4 = &outside;
	assert_int_equal(parent_leases_get(&l, &b, &x), VPN_ERR_DENIED);
	b.is_want4_required = false; /* a mere wish falls back to the pool */
	assert_int_equal(parent_leases_get(&l, &b, &x), 0);
	parent_leases_cleanup(&l);
}

static void ipv6_only_for_capable_clients(void **state)
{
	struct parent_leases l;
	const struct parent_lease *x;
	struct parent_lease_ask a = ask(sid1, "alice", 0, "vpns0");
	struct parent_lease_ask b = ask(sid2, "bob", 0, "vpns0");

	(void)state;
	parent_leases_init(&l, fake_route);
	a.pool6 = b.pool6 = &lab6;
	a.wants_ipv6 = true;
	assert_int_equal(parent_leases_get(&l, &a, &x), 0);
	assert_string_equal(text(&x->ipv6.addr), "2001:db8:10::2");
	assert_int_equal(x->ipv6.len, 128);
	assert_int_equal(parent_leases_get(&l, &b, &x), 0);
	assert_int_equal(x->ipv6.addr.family, AF_UNSPEC);
	assert_non_null(strstr(routes, "+vpns0 2001:db8:10::2/128\n"));
	parent_leases_cleanup(&l);
}

static void failures_give_addresses_back(void **state)
{
	struct parent_leases l;
	const struct parent_lease *x;
	struct parent_lease_ask a = ask(sid1, "alice", 0, "vpns0");
	struct net_prefix tiny = prefix("198.19.20.0", 30);

	(void)state;
	parent_leases_init(&l, fake_route);
	a.pool4 = &tiny;
	fail_routes = 1;
	assert_int_equal(parent_leases_get(&l, &a, &x), VPN_ERR_IO);
	fail_routes = 0;
	assert_int_equal(parent_leases_get(&l, &a, &x), 0); /* the one address came back */
	a.session_id = sid2;
	assert_int_equal(parent_leases_get(&l, &a, &x), VPN_ERR_TOO_BIG);
	a.pool4 = &none;
	assert_int_equal(parent_leases_get(&l, &a, &x), VPN_ERR_NOT_FOUND);
	parent_leases_cleanup(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(lease_routes_and_netmask, setup),
		cmocka_unit_test_setup(reconnect_keeps_address, setup),
		cmocka_unit_test_setup(predictable_ips_follow_the_user, setup),
		cmocka_unit_test_setup(explicit_address_or_nothing, setup),
		cmocka_unit_test_setup(ipv6_only_for_capable_clients, setup),
		cmocka_unit_test_setup(failures_give_addresses_back, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
