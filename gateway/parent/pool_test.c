/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/parent/pool.h"
#include "lib/base/err.h"

static struct net_prefix prefix(const char *addr, unsigned len)
{
	struct net_prefix p = { .len = len };

	p.addr.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(p.addr.family, addr, p.addr.bytes), 1);
	return p;
}

static struct net_addr addr(const char *s)
{
	return prefix(s, 0).addr;
}

static const char *text(const struct net_addr *a)
{
	static char out[INET6_ADDRSTRLEN];

	return inet_ntop(a->family, a->bytes, out, sizeof(out));
}

/* The lab's pool: ipv4-network = 198.19.10.0, ipv4-netmask = 255.255.255.0. */
static void ipv4_pool_skips_network_gateway_broadcast(void **state)
{
	struct net_prefix net = prefix("198.19.10.0", 24);
	struct parent_pool p;
	struct net_addr a, gw;
	int n = 0;

	(void)state;
	assert_int_equal(parent_pool_init(&p, &net, 32), 0);
	assert_int_equal(parent_pool_capacity(&p), 253);
	parent_pool_gateway(&p, &gw);
	assert_string_equal(text(&gw), "198.19.10.1");
	while (parent_pool_take(&p, NULL, 0, &a) == 0) {
		assert_true(parent_pool_contains(&p, &a));
		assert_string_not_equal(text(&a), "198.19.10.0");
		assert_string_not_equal(text(&a), "198.19.10.1");
		assert_string_not_equal(text(&a), "198.19.10.255");
		n++;
	}
	assert_int_equal(n, 253);
	assert_int_equal(parent_pool_take(&p, NULL, 7, &a), VPN_ERR_TOO_BIG);
	a = addr("198.19.10.77");
	assert_int_equal(parent_pool_put(&p, &a), 0);
	assert_int_equal(parent_pool_put(&p, &a), VPN_ERR_NOT_FOUND);
	assert_int_equal(parent_pool_take(&p, NULL, 0, &a), 0);
	assert_string_equal(text(&a), "198.19.10.77");
	parent_pool_cleanup(&p);
}

static void first_lease_from_hint_and_want(void **state)
{
	struct net_prefix net = prefix("198.19.10.5", 24); /* host bits ignored */
	struct parent_pool p;
	struct net_addr a, b, want = addr("198.19.10.50"), outside = addr("198.18.2.2");

	(void)state;
	assert_int_equal(parent_pool_init(&p, &net, 32), 0);
	assert_int_equal(parent_pool_take(&p, NULL, 0, &a), 0);
	assert_string_equal(text(&a), "198.19.10.2");
	/* a reconnecting client asks for its old address and gets it */
	assert_int_equal(parent_pool_take(&p, &want, 0, &a), 0);
	assert_string_equal(text(&a), "198.19.10.50");
	/* taken or outside: fall back to the hint */
	assert_int_equal(parent_pool_take(&p, &want, 48, &b), 0);
	assert_string_equal(text(&b), "198.19.10.51"); /* slot 2 + 48 = .50, taken: next */
	assert_int_equal(parent_pool_take(&p, &outside, 253 + 10, &b), 0);
	assert_string_equal(text(&b), "198.19.10.12");
	/* the gateway's own address is never handed out, even when asked for */
	want = addr("198.19.10.1");
	assert_int_equal(parent_pool_take(&p, &want, 0, &b), 0);
	assert_string_equal(text(&b), "198.19.10.3");
	assert_true(parent_pool_is_leased(&p, &a));
	parent_pool_cleanup(&p);
}

static void rejects_tiny_or_bad_pools(void **state)
{
	struct parent_pool p;
	struct net_prefix n31 = prefix("198.19.10.0", 31), n30 = prefix("198.19.10.0", 30);
	struct net_prefix v6 = prefix("2001:db8::", 64);
	struct net_addr a;

	(void)state;
	assert_int_equal(parent_pool_init(&p, &n31, 32), VPN_ERR_INVALID);
	assert_int_equal(parent_pool_init(&p, &n30, 24), VPN_ERR_INVALID);
	assert_int_equal(parent_pool_init(&p, &v6, 48), VPN_ERR_INVALID);
	assert_int_equal(parent_pool_init(&p, &n30, 32), 0);
	assert_int_equal(parent_pool_capacity(&p), 1);
	assert_int_equal(parent_pool_take(&p, NULL, 99, &a), 0);
	assert_string_equal(text(&a), "198.19.10.2");
	parent_pool_cleanup(&p);
}

/* ipv6-network = 2001:db8:1::/48 with ipv6-subnet-prefix = 64: each client a /64. */
static void ipv6_prefix_leases(void **state)
{
	struct net_prefix net = prefix("2001:db8:1::", 48);
	struct parent_pool p;
	struct net_addr a, gw, host = addr("2001:db8:1:5::1"), want = addr("2001:db8:1:5::");

	(void)state;
	assert_int_equal(parent_pool_init(&p, &net, 64), 0);
	parent_pool_gateway(&p, &gw);
	assert_string_equal(text(&gw), "2001:db8:1::1");
	assert_int_equal(parent_pool_capacity(&p), 65535);
	assert_int_equal(parent_pool_take(&p, NULL, 0, &a), 0);
	assert_string_equal(text(&a), "2001:db8:1:1::");
	assert_int_equal(parent_pool_take(&p, &host, 0, &a), 0); /* not a /64 start */
	assert_string_equal(text(&a), "2001:db8:1:2::");
	assert_int_equal(parent_pool_take(&p, &want, 0, &a), 0);
	assert_string_equal(text(&a), "2001:db8:1:5::");
	parent_pool_cleanup(&p);
}

/* A /64 of /128 leases: 2^64 addresses, only the low 2^62 slots used. */
static void ipv6_huge_pool_costs_its_leases(void **state)
{
	struct net_prefix net = prefix("2001:db8:2::", 64);
	struct parent_pool p;
	struct net_addr a, high = addr("2001:db8:2:0:c000::1");

	(void)state;
	assert_int_equal(parent_pool_init(&p, &net, 128), 0);
	assert_int_equal(parent_pool_capacity(&p), (UINT64_C(1) << 62) - 2);
	assert_int_equal(parent_pool_take(&p, NULL, UINT64_C(0x123456789), &a), 0);
	assert_string_equal(text(&a), "2001:db8:2::1:2345:678b");
	assert_int_equal(parent_pool_take(&p, &high, 0, &a), 0); /* past 2^62: not used */
	assert_string_equal(text(&a), "2001:db8:2::2");
	assert_true(p.set_cap <= 16);
	parent_pool_cleanup(&p);
}

/* Many takes and puts against a plain bitmap: the hash set never loses a lease. */
static void random_churn_matches_bitmap(void **state)
{
	struct net_prefix net = prefix("198.19.0.0", 22);
	struct parent_pool p;
	uint8_t leased[1024] = { 0 };
	unsigned seed = 12345;

	(void)state;
	assert_int_equal(parent_pool_init(&p, &net, 32), 0);
	for (int step = 0; step < 20000; step++) {
		struct net_addr a;
		unsigned host;

		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 3) {
			if (parent_pool_take(&p, NULL, seed >> 8, &a) == 0) {
				host = (unsigned)(a.bytes[2] & 3) << 8 | a.bytes[3];
				assert_false(leased[host]);
				leased[host] = 1;
			}
		} else {
			host = 2 + (seed >> 8) % 1021;
			a = net.addr;
			a.bytes[2] = (uint8_t)(host >> 8);
			a.bytes[3] = (uint8_t)host;
			assert_int_equal(parent_pool_put(&p, &a), leased[host] ? 0 : VPN_ERR_NOT_FOUND);
			leased[host] = 0;
		}
	}
	for (unsigned host = 0; host < 1024; host++) {
		struct net_addr a = net.addr;

		a.bytes[2] = (uint8_t)(host >> 8);
		a.bytes[3] = (uint8_t)host;
		assert_int_equal(parent_pool_is_leased(&p, &a), leased[host]);
	}
	parent_pool_cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_pool_skips_network_gateway_broadcast),
		cmocka_unit_test(first_lease_from_hint_and_want),
		cmocka_unit_test(rejects_tiny_or_bad_pools),
		cmocka_unit_test(ipv6_prefix_leases),
		cmocka_unit_test(ipv6_huge_pool_costs_its_leases),
		cmocka_unit_test(random_churn_matches_bitmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
