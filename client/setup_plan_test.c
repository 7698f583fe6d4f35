/* SPDX-License-Identifier: ISC */
/*
 * The built-in setup's plan from CONNECT answers: ocserv 1.1.6's as captured
 * in the lab (V08_HEAD of tests/vectors/vectors.h: one split-include, a /24
 * netmask, a default domain, no DNS), and the same answer with the headers
 * the gateway adds for DNS, IPv6, excludes or no routes at all. Expected
 * values are what Debian's vpnc-script does with the variables of the same
 * answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "client/settings.h"
#include "client/setup_plan.h"
#include "lib/base/err.h"
#include "tests/vectors/vectors.h"

/*
 * The variants: vector 08's lines up to its netmask and a few after its
 * routes (vectors.h has its route lines inside one group, so they are
 * retyped here); the answer itself is V08_HEAD.
 */
#define HEAD                                                                                  \
	"HTTP/1.1 200 CONNECTED\r\nX-CSTP-Version: 1\r\nX-CSTP-Server-Name: ocserv 1.1.6\r\n" \
	"X-CSTP-Hostname: vm\r\nX-CSTP-DPD: 30\r\nX-CSTP-Default-Domain: vpnlab.test\r\n"   \
	"X-CSTP-Address: 198.19.10.50\r\nX-CSTP-Netmask: 255.255.255.0\r\n"
#define TAIL "X-CSTP-Keepalive: 32400\r\n" V08_MTU_LINES "\r\n"

static const char full_tunnel_v6[] = HEAD "X-CSTP-Address-IP6: 2001:db8:10::32/64\r\n" TAIL;
static const char excludes_dns[] = HEAD
	"X-CSTP-DNS: 0.0.0.0\r\nX-CSTP-DNS: 198.18.2.53\r\nX-CSTP-DNS: 198.18.2.54\r\n"
	"X-CSTP-DNS-IP6: 2001:db8::53\r\nX-CSTP-DNS-IP6: 2001:db8::54\r\n"
	"X-CSTP-Split-Exclude: 198.18.5.7/255.255.255.0\r\n"
	"X-CSTP-Split-Exclude: 169.254.0.0/255.255.0.0\r\n"
	"X-CSTP-Split-Exclude: 127.0.0.0/255.0.0.0\r\n"
	"X-CSTP-Split-Include: 0.0.0.0/0.0.0.0\r\n" TAIL;
static const char odd_domain[] = "HTTP/1.1 200 CONNECTED\r\nX-CSTP-Default-Domain: a.test;rm\r\n"
	"X-CSTP-Address: 198.19.10.50\r\n" TAIL;

static struct net_addr gateway = { .family = AF_INET, .bytes = { 198, 18, 1, 1 } };

static int plan(struct setup_plan *p, const char *answer, const struct net_addr *gw)
{
	struct settings st;
	const char *why = NULL;
	int ret;

	settings_init(&st);
	assert_int_equal(settings_take(&st, answer, strlen(answer), &why), 0);
	ret = setup_plan_make(p, &st.cstp, gw);
	settings_cleanup(&st);
	return ret;
}

static const char *text(const struct net_prefix *p)
{
	static char buf[4][NET_PREFIX_STRLEN];
	static unsigned n;
	char *out = buf[n++ % 4];

	net_prefix_format(p, out, NET_PREFIX_STRLEN);
	return out;
}

static const char *addr_text(const struct net_addr *a)
{
	static char buf[NET_ADDR_STRLEN];

	net_addr_format(a, buf, sizeof(buf));
	return buf;
}

static void ocserv_split_include(void **state)
{
	static struct setup_plan p;

	(void)state;
	assert_int_equal(plan(&p, V08_HEAD, &gateway), 0);
	assert_true(p.has_addr4);
	assert_string_equal(text(&p.addr4), "198.19.10.50/32"); /* vpnc-script: /32, peer itself */
	assert_false(p.has_addr6);
	/* INTERNAL_IP4_NETADDR/NETMASKLEN, then CISCO_SPLIT_INC_0; no default route */
	assert_int_equal(p.tunnel_count, 2);
	assert_string_equal(text(&p.tunnel[0]), "198.19.10.0/24");
	assert_string_equal(text(&p.tunnel[1]), "198.18.2.0/24");
	assert_int_equal(p.pinned_count, 1);
	assert_string_equal(text(&p.pinned[0]), "198.18.1.1/32");
	assert_int_equal(p.dns_count, 0);
	assert_string_equal(p.domain, "vpnlab.test");
}

/* No split-include: a default route per family the gateway gave an address in. */
static void no_routes_means_default(void **state)
{
	static struct setup_plan p;

	(void)state;
	assert_int_equal(plan(&p, full_tunnel_v6, &gateway), 0);
	assert_true(p.has_addr6);
	assert_string_equal(text(&p.addr6), "2001:db8:10::32/64");
	assert_int_equal(p.tunnel_count, 3);
	assert_string_equal(text(&p.tunnel[0]), "198.19.10.0/24");
	assert_string_equal(text(&p.tunnel[1]), "0.0.0.0/0");
	assert_string_equal(text(&p.tunnel[2]), "::/0");
}

static void excludes_and_dns(void **state)
{
	static struct setup_plan p;

	(void)state;
	assert_int_equal(plan(&p, excludes_dns, &gateway), 0);
	/* 169.254/16 and 127/8 are the host's own, as vpnc-script leaves them */
	assert_int_equal(p.pinned_count, 2);
	assert_string_equal(text(&p.pinned[0]), "198.18.1.1/32");
	assert_string_equal(text(&p.pinned[1]), "198.18.5.0/24"); /* host bits cleared */
	/* the 0.0.0.0 include is the default route, once */
	assert_int_equal(p.tunnel_count, 2);
	assert_string_equal(text(&p.tunnel[1]), "0.0.0.0/0");
	/* three servers, 0.0.0.0 skipped, IPv4 first: INTERNAL_IP4_DNS's list */
	assert_int_equal(p.dns_count, 3);
	assert_string_equal(addr_text(&p.dns[0]), "198.18.2.53");
	assert_string_equal(addr_text(&p.dns[1]), "198.18.2.54");
	assert_string_equal(addr_text(&p.dns[2]), "2001:db8::53");
}

static void odd_values(void **state)
{
	static struct setup_plan p;
	struct net_addr loopback = { .family = AF_INET, .bytes = { 127, 0, 0, 1 } };

	(void)state;
	assert_int_equal(plan(&p, odd_domain, &loopback), 0);
	assert_string_equal(p.domain, ""); /* ';' is not a host-name character */
	assert_int_equal(p.pinned_count, 0); /* a local proxy: nothing to pin */
	assert_int_equal(p.tunnel_count, 1);
	assert_string_equal(text(&p.tunnel[0]), "0.0.0.0/0");
}

/* The header parser refuses such a mask already; the plan does not rely on it. */
static void holey_netmask(void **state)
{
	static struct setup_plan p;
	struct cstp_response r;

	(void)state;
	cstp_response_init(&r);
	r.has_address = r.has_netmask = true;
	net_addr_parse(&r.address, "198.19.10.50", 12);
	net_addr_parse(&r.netmask, "255.0.255.0", 11);
	assert_int_equal(setup_plan_make(&p, &r, &gateway), VPN_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_split_include),
		cmocka_unit_test(no_routes_means_default),
		cmocka_unit_test(excludes_and_dns),
		cmocka_unit_test(odd_values),
		cmocka_unit_test(holey_netmask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
