/* SPDX-License-Identifier: ISC */
/*
 * Address and prefix text against the forms the peers use: ocserv's config
 * "route = 198.18.2.0/24" goes on the wire as
 * "X-CSTP-Split-Include: 198.18.2.0/255.255.255.0", its pool
 * "ipv4-network = 198.19.10.0" / "ipv4-netmask = 255.255.255.0" as
 * "X-CSTP-Netmask: 255.255.255.0" (ocserv 1.1.6 CONNECT response).
 * Every input sits right before a guard page, and so does every prefix of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/net/addr.h"

static int parse_prefix_guarded(struct net_prefix *out, const char *s, size_t len)
{
	struct guarded g;
	int ret;

	assert_int_equal(guarded_init(&g, s, len), 0);
	ret = net_prefix_parse(out, (const char *)g.data, len);
	guarded_cleanup(&g);
	return ret;
}

static int parse_addr_guarded(struct net_addr *out, const char *s, size_t len)
{
	struct guarded g;
	int ret;

	assert_int_equal(guarded_init(&g, s, len), 0);
	ret = net_addr_parse(out, (const char *)g.data, len);
	guarded_cleanup(&g);
	return ret;
}

struct prefix_case {
	const char *text;
	int family;
	unsigned len;
	const char *cidr;  /* net_prefix_format */
	const char *mask;  /* net_prefix_format_mask */
};

static const struct prefix_case good[] = {
	{ "198.18.2.0/24", AF_INET, 24, "198.18.2.0/24", "198.18.2.0/255.255.255.0" },
	{ "198.18.2.0/255.255.255.0", AF_INET, 24, "198.18.2.0/24", "198.18.2.0/255.255.255.0" },
	{ "198.19.10.50", AF_INET, 32, "198.19.10.50/32", "198.19.10.50/255.255.255.255" },
	{ "10.0.0.0/255.0.0.0", AF_INET, 8, "10.0.0.0/8", "10.0.0.0/255.0.0.0" },
	{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0/0", "0.0.0.0/0.0.0.0" },
	{ "0.0.0.0/0.0.0.0", AF_INET, 0, "0.0.0.0/0", "0.0.0.0/0.0.0.0" },
	{ "198.18.200.1/255.255.255.252", AF_INET, 30, "198.18.200.1/30",
	  "198.18.200.1/255.255.255.252" },
	{ "2001:db8::/32", AF_INET6, 32, "2001:db8::/32", "2001:db8::/32" },
	{ "2000::/3", AF_INET6, 3, "2000::/3", "2000::/3" },
	{ "2001:DB8:0:0::1", AF_INET6, 128, "2001:db8::1/128", "2001:db8::1/128" },
	{ "::/0", AF_INET6, 0, "::/0", "::/0" },
};

static const char *const bad[] = {
	"", "/24", "198.18.2.0/", "198.18.2.0/33", "198.18.2.0/-1", "198.18.2.0/+8",
	"198.18.2.0/024", "198.18.2.0/24/1", "198.18.2.0/255.0.255.0",
	"198.18.2.0/255.255.255.1", "198.18.2.0/0.255.255.255", "198.18.2.0/255.255.255",
	"198.18.2/24", "198.018.2.0/24", "198.18.2.256", "198.18.2.0 /24", " 198.18.2.0",
	"2001:db8::/129", "2001:db8::/ffff:ffff::", "2001:db8:::1", "fe80::1%eth0",
	"example.test", "1.2.3.4/1e1",
};

static void prefixes_parse_and_format(void **state)
{
	char out[NET_PREFIX_STRLEN];
	struct net_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct prefix_case *c = &good[i];

		assert_int_equal(parse_prefix_guarded(&p, c->text, strlen(c->text)), 0);
		assert_int_equal(p.addr.family, c->family);
		assert_int_equal(p.len, c->len);
		net_prefix_format(&p, out, sizeof(out));
		assert_string_equal(out, c->cidr);
		net_prefix_format_mask(&p, out, sizeof(out));
		assert_string_equal(out, c->mask);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_prefix_guarded(&p, bad[i], strlen(bad[i])),
				 VPN_ERR_INVALID);
}

/* Each prefix of each input, against libc's inet_pton on a NUL-ended copy. */
static void every_prefix_of_input(void **state)
{
	char copy[64];
	uint8_t ref[16];
	struct net_addr a;
	struct net_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *s = good[i].text;
		size_t n = strcspn(s, "/");

		for (size_t k = 0; k <= strlen(s); k++) {
			int family = strchr(s, ':') ? AF_INET6 : AF_INET;
			int ret = parse_prefix_guarded(&p, s, k);

			assert_true(ret == 0 || ret == VPN_ERR_INVALID);
			if (k > n)
				continue;
			memcpy(copy, s, k);
			copy[k] = '\0';
			ret = parse_addr_guarded(&a, s, k);
			if (inet_pton(family, copy, ref) == 1) {
				assert_int_equal(ret, 0);
				assert_memory_equal(a.bytes, ref, net_addr_size(family));
			} else {
				assert_int_equal(ret, VPN_ERR_INVALID);
			}
		}
	}
}

static void mask_format(void **state)
{
	static const struct { unsigned len; const char *mask; } cases[] = {
		{ 0, "0.0.0.0" }, { 1, "128.0.0.0" }, { 8, "255.0.0.0" }, { 23, "255.255.254.0" },
		{ 24, "255.255.255.0" }, { 31, "255.255.255.254" }, { 32, "255.255.255.255" },
	};
	char out[16];
	struct net_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		net_ipv4_mask_format(cases[i].len, out, sizeof(out));
		assert_string_equal(out, cases[i].mask);
		/* and the mask reads back as its length */
		char text[40] = "198.18.0.0/";

		strcat(text, cases[i].mask);
		assert_int_equal(net_prefix_parse(&p, text, strlen(text)), 0);
		assert_int_equal(p.len, cases[i].len);
	}
}

static void normalize_and_contains(void **state)
{
	struct net_prefix p, q;
	struct net_addr a;
	char out[NET_PREFIX_STRLEN];

	(void)state;
	assert_int_equal(net_prefix_parse(&p, "198.18.200.1/24", 15), 0);
	assert_int_equal(net_addr_parse(&a, "198.18.200.77", 13), 0);
	assert_true(net_prefix_contains(&p, &a));
	assert_int_equal(net_addr_parse(&a, "198.18.201.1", 12), 0);
	assert_false(net_prefix_contains(&p, &a));
	net_prefix_normalize(&p);
	net_prefix_format(&p, out, sizeof(out));
	assert_string_equal(out, "198.18.200.0/24");

	assert_int_equal(net_prefix_parse(&q, "2001:db8:ab:cdef::1/52", 22), 0);
	net_prefix_normalize(&q);
	net_prefix_format(&q, out, sizeof(out));
	assert_string_equal(out, "2001:db8:ab:c000::/52");
	assert_int_equal(net_addr_parse(&a, "2001:db8:ab:cfff::9", 19), 0);
	assert_true(net_prefix_contains(&q, &a));
	assert_int_equal(net_addr_parse(&a, "2001:db8:ab:d000::", 18), 0);
	assert_false(net_prefix_contains(&q, &a));
	/* families never mix, even for ::/0 */
	assert_int_equal(net_prefix_parse(&q, "::/0", 4), 0);
	assert_int_equal(net_addr_parse(&a, "198.18.0.1", 10), 0);
	assert_false(net_prefix_contains(&q, &a));
	assert_int_equal(net_prefix_parse(&p, "0.0.0.0/0", 9), 0);
	assert_true(net_prefix_contains(&p, &a));
}

static void addr_equal_format_and_size(void **state)
{
	struct net_addr a, b;
	char out[NET_ADDR_STRLEN], small[8];

	(void)state;
	assert_int_equal(net_addr_size(AF_INET), 4);
	assert_int_equal(net_addr_size(AF_INET6), 16);
	assert_int_equal(net_addr_size(AF_UNIX), 0);
	assert_int_equal(net_addr_parse(&a, "198.19.10.50", 12), 0);
	assert_int_equal(net_addr_parse(&b, "198.19.10.50 trailing", 12), 0);
	assert_true(net_addr_equal(&a, &b));
	net_addr_format(&a, out, sizeof(out));
	assert_string_equal(out, "198.19.10.50");
	net_addr_format(&a, small, sizeof(small)); /* truncated, still terminated */
	assert_string_equal(small, "198.19.");
	assert_int_equal(net_addr_parse(&b, "::ffff:198.19.10.50", 19), 0);
	assert_false(net_addr_equal(&a, &b));
	net_addr_unmap_v4(&b);
	assert_true(net_addr_equal(&a, &b));
	assert_int_equal(b.family, AF_INET);
	/* ::ffff:0:0/96 only: a native IPv6 address and IPv4 stay as they are */
	assert_int_equal(net_addr_parse(&b, "::fffe:198.19.10.50", 19), 0);
	net_addr_unmap_v4(&b);
	assert_int_equal(b.family, AF_INET6);
	net_addr_unmap_v4(&a);
	net_addr_format(&a, out, sizeof(out));
	assert_string_equal(out, "198.19.10.50");
	assert_int_equal(net_addr_parse(&b, "198.19\0.10.50", 13), VPN_ERR_INVALID);
}

/* Socket addresses as the kernel fills them: a dual-stack peer is named by its IPv4 address. */
static void from_sockaddr(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct net_addr a, want;
	uint16_t port;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(443);
	inet_pton(AF_INET, "198.18.1.2", &sin->sin_addr);
	net_addr_from_sockaddr(&ss, &a, &port);
	assert_int_equal(net_addr_parse(&want, "198.18.1.2", 10), 0);
	assert_true(net_addr_equal(&a, &want));
	assert_int_equal(port, 443);

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(50123);
	inet_pton(AF_INET6, "::ffff:198.18.1.2", &sin6->sin6_addr);
	net_addr_from_sockaddr(&ss, &a, &port);
	assert_int_equal(a.family, AF_INET);
	assert_true(net_addr_equal(&a, &want));
	assert_int_equal(port, 50123);

	inet_pton(AF_INET6, "2001:db8::7", &sin6->sin6_addr);
	net_addr_from_sockaddr(&ss, &a, &port);
	assert_int_equal(net_addr_parse(&want, "2001:db8::7", 11), 0);
	assert_true(net_addr_equal(&a, &want));

	ss.ss_family = AF_UNIX;
	net_addr_from_sockaddr(&ss, &a, &port);
	assert_int_equal(a.family, 0);
	assert_int_equal(port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefixes_parse_and_format),
		cmocka_unit_test(every_prefix_of_input),
		cmocka_unit_test(mask_format),
		cmocka_unit_test(normalize_and_contains),
		cmocka_unit_test(addr_equal_format_and_size),
		cmocka_unit_test(from_sockaddr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
