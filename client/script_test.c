/* SPDX-License-Identifier: ISC */
/*
 * The tunnel below is ocserv 1.1.6's CONNECT answer in a test network
 * (engineering group: address 198.19.10.50/255.255.255.0, route
 * 198.18.2.0/255.255.255.0, domain vpnlab.test, MTU 1434), plus the IPv6,
 * exclude and banner lines of PROTOCOL.md's example answer. The expected
 * values are the vpnc-script variables as Debian's vpnc-script documents
 * them (address, dotted mask, mask length, network address).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/script.h"
#include "lib/base/err.h"

static struct net_addr addr(const char *s)
{
	struct net_addr a;

	assert_int_equal(net_addr_parse(&a, s, strlen(s)), 0);
	return a;
}

static struct net_prefix prefix(const char *s)
{
	struct net_prefix p;

	assert_int_equal(net_prefix_parse(&p, s, strlen(s)), 0);
	return p;
}

static void assert_var(const struct script_env *env, const char *name, const char *want)
{
	const char *got = script_env_get(env, name);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void ocserv_engineering_answer(void **state)
{
	struct net_addr gw = addr("198.18.1.1");
	struct net_addr a4 = addr("198.19.10.50");
	struct net_addr mask = addr("255.255.255.0");
	struct net_prefix inc[] = { prefix("198.18.2.0/255.255.255.0") };
	struct script_tunnel t = {
		.tundev = "vlt0", .gateway = &gw, .mtu = 1434, .log_level = 2, .pid = 4242,
		.addr4 = &a4, .netmask4 = &mask, .domain = "vpnlab.test",
		.split_include = inc, .split_include_count = 1,
		.cstp_options = "X-CSTP-Version=1\nX-CSTP-MTU=1434\n",
	};
	struct script_env env;

	(void)state;
	script_env_init(&env);
	assert_int_equal(script_env_fill(&env, &t), 0);
	assert_var(&env, "TUNDEV", "vlt0");
	assert_var(&env, "VPNGATEWAY", "198.18.1.1");
	assert_var(&env, "VPNPID", "4242");
	assert_var(&env, "LOG_LEVEL", "2");
	assert_var(&env, "INTERNAL_IP4_MTU", "1434");
	assert_var(&env, "INTERNAL_IP4_ADDRESS", "198.19.10.50");
	assert_var(&env, "INTERNAL_IP4_NETMASK", "255.255.255.0");
	assert_var(&env, "INTERNAL_IP4_NETMASKLEN", "24");
	assert_var(&env, "INTERNAL_IP4_NETADDR", "198.19.10.0");
	assert_var(&env, "INTERNAL_IP4_DNS", NULL);
	assert_var(&env, "INTERNAL_IP6_ADDRESS", NULL);
	assert_var(&env, "CISCO_DEF_DOMAIN", "vpnlab.test");
	assert_var(&env, "CISCO_BANNER", NULL);
	assert_var(&env, "IDLE_TIMEOUT", NULL);
	assert_var(&env, "CISCO_SPLIT_INC", "1");
	assert_var(&env, "CISCO_SPLIT_INC_0_ADDR", "198.18.2.0");
	assert_var(&env, "CISCO_SPLIT_INC_0_MASK", "255.255.255.0");
	assert_var(&env, "CISCO_SPLIT_INC_0_MASKLEN", "24");
	assert_var(&env, "CISCO_SPLIT_INC_0_PROTOCOL", "0");
	assert_var(&env, "CISCO_SPLIT_INC_0_SPORT", "0");
	assert_var(&env, "CISCO_SPLIT_INC_0_DPORT", "0");
	assert_var(&env, "CISCO_SPLIT_EXC", NULL);
	assert_var(&env, "CISCO_IPV6_SPLIT_INC", NULL);
	assert_var(&env, "CISCO_CSTP_OPTIONS", "X-CSTP-Version=1\nX-CSTP-MTU=1434\n");
	script_env_cleanup(&env);
}

/* The sales group gets only the LAN host: X-CSTP-Split-Include: 198.18.2.2/255.255.255.255. */
static void host_route(void **state)
{
	struct net_prefix inc[] = { prefix("198.18.2.2/255.255.255.255") };
	struct script_tunnel t = { .tundev = "vlt0", .split_include = inc, .split_include_count = 1 };
	struct script_env env;

	(void)state;
	script_env_init(&env);
	assert_int_equal(script_env_fill(&env, &t), 0);
	assert_var(&env, "CISCO_SPLIT_INC_0_ADDR", "198.18.2.2");
	assert_var(&env, "CISCO_SPLIT_INC_0_MASK", "255.255.255.255");
	assert_var(&env, "CISCO_SPLIT_INC_0_MASKLEN", "32");
	script_env_cleanup(&env);
}

/* As many split routes as one CONNECT reply can carry all reach the script, numbered in order. */
static void every_route_of_a_full_reply(void **state)
{
	enum { ROUTES = 512 };
	struct net_prefix *inc = calloc(ROUTES, sizeof(*inc));
	struct script_tunnel t = { .tundev = "vlt0", .split_include = inc,
				   .split_include_count = ROUTES };
	struct script_env env;
	char text[32], name[48];

	(void)state;
	assert_non_null(inc);
	for (int i = 0; i < ROUTES; i++) {
		snprintf(text, sizeof(text), "10.%d.%d.0/255.255.255.0", i / 256, i % 256);
		inc[i] = prefix(text);
	}
	script_env_init(&env);
	assert_int_equal(script_env_fill(&env, &t), 0);
	assert_var(&env, "CISCO_SPLIT_INC", "512");
	assert_var(&env, "CISCO_SPLIT_INC_0_ADDR", "10.0.0.0");
	assert_var(&env, "CISCO_SPLIT_INC_300_ADDR", "10.1.44.0");
	assert_var(&env, "CISCO_SPLIT_INC_511_ADDR", "10.1.255.0");
	assert_var(&env, "CISCO_SPLIT_INC_511_MASKLEN", "24");
	/* the bound still holds past what a reply can fill */
	for (size_t i = env.count; i < SCRIPT_MAX_VARS; i++) {
		snprintf(name, sizeof(name), "FILLER_%zu", i);
		assert_int_equal(script_env_set(&env, name, "x"), 0);
	}
	assert_int_equal(script_env_set(&env, "ONE_TOO_MANY", "x"), VPN_ERR_TOO_BIG);
	assert_null(script_env_get(&env, "ONE_TOO_MANY"));
	script_env_cleanup(&env);
	free(inc);
}

static void ipv6_exclude_banner_dns(void **state)
{
	struct net_prefix a6 = prefix("2001:db8:1::10/64");
	struct net_prefix inc[] = { prefix("10.0.0.0/255.0.0.0"), prefix("2001:db8::/32"),
				    prefix("198.18.2.7/255.255.255.0") };
	struct net_prefix exc[] = { prefix("0.0.0.0/255.255.255.255") };
	struct net_addr dns[] = { addr("192.0.2.1"), addr("2001:2::53"), addr("192.0.2.2"),
				  addr("192.0.2.3") };
	struct net_addr nbns[] = { addr("0.0.0.0"), addr("192.0.2.9") };
	const char *split_dns[] = { "corp.example", "lab.example" };
	struct script_tunnel t = {
		.tundev = "tun0", .addr6 = &a6, .idle_timeout = 1800,
		.dns = dns, .dns_count = 4, .nbns = nbns, .nbns_count = 2,
		.banner = "URL%20encoded%20text%2", .split_dns = split_dns, .split_dns_count = 2,
		.split_include = inc, .split_include_count = 3,
		.split_exclude = exc, .split_exclude_count = 1,
	};
	struct script_env env;

	(void)state;
	script_env_init(&env);
	assert_int_equal(script_env_fill(&env, &t), 0);
	assert_var(&env, "INTERNAL_IP6_ADDRESS", "2001:db8:1::10");
	assert_var(&env, "INTERNAL_IP6_NETMASK", "2001:db8:1::10/64");
	assert_var(&env, "IDLE_TIMEOUT", "1800");
	/* openconnect keeps three servers, of both families, in one list */
	assert_var(&env, "INTERNAL_IP4_DNS", "192.0.2.1 2001:2::53 192.0.2.2");
	assert_var(&env, "INTERNAL_IP4_NBNS", "192.0.2.9");
	assert_var(&env, "CISCO_BANNER", "URL encoded text%2");
	assert_var(&env, "CISCO_SPLIT_DNS", "corp.example,lab.example");
	assert_var(&env, "CISCO_SPLIT_INC", "2");
	assert_var(&env, "CISCO_SPLIT_INC_0_ADDR", "10.0.0.0");
	assert_var(&env, "CISCO_SPLIT_INC_0_MASK", "255.0.0.0");
	assert_var(&env, "CISCO_SPLIT_INC_0_MASKLEN", "8");
	/* host bits are cleared */
	assert_var(&env, "CISCO_SPLIT_INC_1_ADDR", "198.18.2.0");
	assert_var(&env, "CISCO_SPLIT_INC_1_MASKLEN", "24");
	assert_var(&env, "CISCO_IPV6_SPLIT_INC", "1");
	assert_var(&env, "CISCO_IPV6_SPLIT_INC_0_ADDR", "2001:db8::");
	assert_var(&env, "CISCO_IPV6_SPLIT_INC_0_MASKLEN", "32");
	assert_var(&env, "CISCO_SPLIT_EXC", "1");
	assert_var(&env, "CISCO_SPLIT_EXC_0_ADDR", "0.0.0.0");
	assert_var(&env, "CISCO_SPLIT_EXC_0_MASK", "255.255.255.255");
	assert_var(&env, "CISCO_SPLIT_EXC_0_MASKLEN", "32");
	script_env_cleanup(&env);
}

static void non_contiguous_netmask_is_refused(void **state)
{
	struct net_addr a4 = addr("198.19.10.50");
	struct net_addr mask = addr("255.0.255.0");
	struct script_tunnel t = { .tundev = "tun0", .addr4 = &a4, .netmask4 = &mask };
	struct script_env env;

	(void)state;
	script_env_init(&env);
	assert_int_equal(script_env_fill(&env, &t), VPN_ERR_INVALID);
	script_env_cleanup(&env);
}

static char *read_file(const char *path)
{
	static char text[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* The script sees our variables and reason, and not a stale one we unset. */
static void script_sees_environment(void **state)
{
	char dir[] = "/tmp/sslgate-script-XXXXXX";
	char out[64];
	char command[256];
	struct script_env env;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/env", dir);
	snprintf(command, sizeof(command),
		 "printf '%%s|%%s|%%s|%%s' \"$reason\" \"$TUNDEV\" \"$CISCO_BANNER\" "
		 "\"${INTERNAL_IP4_NETMASK-unset}\" > %s", out);
	setenv("INTERNAL_IP4_NETMASK", "stale", 1);
	script_env_init(&env);
	assert_int_equal(script_env_set(&env, "TUNDEV", "vlt0"), 0);
	assert_int_equal(script_env_set(&env, "CISCO_BANNER", "two words"), 0);
	assert_int_equal(script_env_set(&env, "INTERNAL_IP4_NETMASK", NULL), 0);
	assert_int_equal(script_run(&env, command, SCRIPT_REASON_CONNECT, 5000, &status), 0);
	assert_string_equal(read_file(out), "connect|vlt0|two words|unset");
	assert_int_equal(script_run(&env, command, SCRIPT_REASON_ATTEMPT_RECONNECT, 5000, &status), 0);
	assert_string_equal(read_file(out), "attempt-reconnect|vlt0|two words|unset");
	unsetenv("INTERNAL_IP4_NETMASK");
	unlink(out);
	rmdir(dir);
	script_env_cleanup(&env);
}

static void failing_and_slow_scripts(void **state)
{
	struct script_env env;
	int status;

	(void)state;
	script_env_init(&env);
	assert_int_equal(script_run(&env, "exit 3", SCRIPT_REASON_DISCONNECT, 5000, &status), VPN_ERR_IO);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	/* The child shell and its sleep are one process group; both go. */
	assert_int_equal(script_run(&env, "sleep 30; exit 0", SCRIPT_REASON_PRE_INIT, 200, &status),
			 VPN_ERR_IO);
	assert_true(WIFSIGNALED(status));
	script_env_cleanup(&env);
}

static void write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
}

/*
 * A --script path is run as the program itself, our own child (its #! line picks the
 * interpreter, $0 is the path); one without a #! line still runs, through
 * the shell; a path with a blank goes to the shell whole.
 */
static void script_by_path(void **state)
{
	char dir[] = "/tmp/sslgate-script-XXXXXX";
	char script[128], out[128], plain[128], spaced[128], quoted[160], want[160];
	struct script_env env;
	int status;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(script, sizeof(script), "%s/vpnc-script", dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	snprintf(spaced, sizeof(spaced), "%s/with space", dir);
	script_env_init(&env);
	assert_int_equal(script_env_set(&env, "TUNDEV", "vlt0"), 0);
	setenv("SG_TEST_OUT", out, 1);
	write_script(script, "#!/bin/sh\n"
		     "printf '%s|%s|%s|%s' \"$PPID\" \"$0\" \"$reason\" \"$TUNDEV\" > \"$SG_TEST_OUT\"\n");
	assert_int_equal(script_run(&env, script, SCRIPT_REASON_PRE_INIT, 5000, &status), 0);
	/* Our own child: no shell in between. */
	snprintf(want, sizeof(want), "%d|%s|pre-init|vlt0", (int)getpid(), script);
	assert_string_equal(read_file(out), want);
	unlink(out);
	write_script(plain, "printf '%s|%s' \"$reason\" \"$TUNDEV\" > \"$SG_TEST_OUT\"\n");
	assert_int_equal(script_run(&env, plain, SCRIPT_REASON_CONNECT, 5000, &status), 0);
	assert_string_equal(read_file(out), "connect|vlt0");
	write_script(spaced, "#!/bin/sh\nprintf 'spaced|%s' \"$reason\" > \"$SG_TEST_OUT\"\n");
	snprintf(quoted, sizeof(quoted), "'%s'", spaced);
	assert_int_equal(script_run(&env, quoted, SCRIPT_REASON_DISCONNECT, 5000, &status), 0);
	assert_string_equal(read_file(out), "spaced|disconnect");
	unsetenv("SG_TEST_OUT");
	unlink(out);
	unlink(script);
	unlink(plain);
	unlink(spaced);
	rmdir(dir);
	script_env_cleanup(&env);
}

static void set_replaces_and_append_lists(void **state)
{
	struct script_env env;

	(void)state;
	script_env_init(&env);
	assert_int_equal(script_env_set(&env, "A", "1"), 0);
	assert_int_equal(script_env_set(&env, "A", "2"), 0);
	assert_int_equal(script_env_append(&env, "A", "3"), 0);
	assert_int_equal(script_env_append(&env, "B", "x"), 0);
	assert_var(&env, "A", "2 3");
	assert_var(&env, "B", "x");
	assert_int_equal(env.count, 2);
	assert_string_equal(script_reason_name(SCRIPT_REASON_PRE_INIT), "pre-init");
	assert_string_equal(script_reason_name(SCRIPT_REASON_RECONNECT), "reconnect");
	script_env_cleanup(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_engineering_answer),
		cmocka_unit_test(host_route),
		cmocka_unit_test(every_route_of_a_full_reply),
		cmocka_unit_test(ipv6_exclude_banner_dns),
		cmocka_unit_test(non_contiguous_netmask_is_refused),
		cmocka_unit_test(script_sees_environment),
		cmocka_unit_test(failing_and_slow_scripts),
		cmocka_unit_test(script_by_path),
		cmocka_unit_test(set_replaces_and_append_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
