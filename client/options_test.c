/* SPDX-License-Identifier: ISC */
/*
 * The command lines here are the ones real callers use: test scripts written for
 * openconnect and NetworkManager-style "--authenticate" runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "client/options.h"
#include "lib/base/err.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int parse(struct options *o, int argc, char **argv, char *err, size_t err_len)
{
	return options_parse(o, argc, argv, err, err_len);
}

/* Exactly what client-openconnect.sh start 0 runs (pin shortened). */
static void lab_command_line(void **state)
{
	char *argv[] = {
		"sslgate", "--protocol=anyconnect", "--non-inter", "--passwd-on-stdin",
		"--timestamp", "-u", "alice", "--servercert",
		"pin-sha256:xnGFJKpmV4F8Eqg0AdtOzAcjSkDCGhn+ZRS0hiL9RuM=",
		"--interface", "vlt0", "--script", "/usr/share/vpnc-scripts/vpnc-script",
		"--authgroup", "engineering", "-v", "https://gw.vpnlab.test:443/",
	};
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(argv), argv, err, sizeof(err)), 0);
	assert_int_equal(o.action, OPTIONS_ACTION_CONNECT);
	assert_true(o.is_non_inter);
	assert_true(o.is_passwd_on_stdin);
	assert_true(o.has_timestamp);
	assert_string_equal(o.user, "alice");
	assert_int_equal(o.servercert_count, 1);
	assert_string_equal(o.servercert[0], "pin-sha256:xnGFJKpmV4F8Eqg0AdtOzAcjSkDCGhn+ZRS0hiL9RuM=");
	assert_string_equal(o.ifname, "vlt0");
	assert_string_equal(o.script, "/usr/share/vpnc-scripts/vpnc-script");
	assert_string_equal(o.authgroup, "engineering");
	assert_int_equal(o.verbosity, OPTIONS_VERBOSITY_DEBUG);
	assert_string_equal(o.server, "https://gw.vpnlab.test:443/");
	assert_int_equal(o.reconnect_timeout, 300);
	assert_false(o.is_no_dtls);
	/* the option is left as typed: -s turns auto into the script at start-up */
	assert_int_equal(o.net_setup, OPTIONS_NET_SETUP_AUTO);
}

/*
 * --net-setup: three words, auto when not given (also with -s, which the
 * start-up choice reads); with builtin no --script, since both would configure.
 */
static void net_setup_choices(void **state)
{
	char *none[] = { "sslgate", "-i", "sgc0", "gw.example" };
	char *automatic[] = { "sslgate", "--net-setup=script", "--net-setup", "auto", "gw.example" };
	char *auto_script[] = { "sslgate", "--net-setup=auto", "-s", "/bin/true", "gw.example" };
	char *builtin[] = { "sslgate", "--net-setup=builtin", "-i", "sgc0", "gw.example" };
	char *script[] = { "sslgate", "--net-setup", "script", "-s", "/bin/true", "gw.example" };
	char *both[] = { "sslgate", "--script=/bin/true", "--net-setup=builtin", "gw.example" };
	char *bad[] = { "sslgate", "--net-setup=netlink", "gw.example" };
	char *empty[] = { "sslgate", "--net-setup=", "gw.example" };
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(none), none, err, sizeof(err)), 0);
	assert_int_equal(o.net_setup, OPTIONS_NET_SETUP_AUTO);
	assert_null(o.script);
	/* the last one given wins, as with every other option */
	assert_int_equal(parse(&o, ARGC(automatic), automatic, err, sizeof(err)), 0);
	assert_int_equal(o.net_setup, OPTIONS_NET_SETUP_AUTO);
	assert_int_equal(parse(&o, ARGC(auto_script), auto_script, err, sizeof(err)), 0);
	assert_int_equal(o.net_setup, OPTIONS_NET_SETUP_AUTO);
	assert_string_equal(o.script, "/bin/true");
	assert_int_equal(parse(&o, ARGC(builtin), builtin, err, sizeof(err)), 0);
	assert_int_equal(o.net_setup, OPTIONS_NET_SETUP_BUILTIN);
	assert_null(o.script);
	assert_int_equal(parse(&o, ARGC(script), script, err, sizeof(err)), 0);
	assert_int_equal(o.net_setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_string_equal(o.script, "/bin/true");
	assert_int_equal(parse(&o, ARGC(both), both, err, sizeof(err)), VPN_ERR_INVALID);
	assert_non_null(strstr(err, "--net-setup=builtin"));
	assert_int_equal(parse(&o, ARGC(bad), bad, err, sizeof(err)), VPN_ERR_INVALID);
	assert_non_null(strstr(err, "'netlink'"));
	assert_non_null(strstr(err, "'auto'"));
	assert_int_equal(parse(&o, ARGC(empty), empty, err, sizeof(err)), VPN_ERR_INVALID);
}

static void short_forms_and_attached_values(void **state)
{
	char *argv[] = {
		"sslgate", "-ualice", "-g", "sales", "-c", "cert.pem", "-k", "key.pem",
		"-s", "/bin/true", "-i", "tun7", "-b", "-m", "1300", "-C", "abc=",
		"-vv", "gw.example",
	};
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(argv), argv, err, sizeof(err)), 0);
	assert_string_equal(o.user, "alice");
	assert_string_equal(o.usergroup, "sales");
	assert_string_equal(o.cert_file, "cert.pem");
	assert_string_equal(o.key_file, "key.pem");
	assert_string_equal(o.script, "/bin/true");
	assert_string_equal(o.ifname, "tun7");
	assert_true(o.is_background);
	assert_int_equal(o.mtu, 1300);
	assert_string_equal(o.cookie, "abc=");
	assert_int_equal(o.verbosity, OPTIONS_VERBOSITY_TRACE);
	assert_string_equal(o.server, "gw.example");
}

static void long_forms_with_equals(void **state)
{
	char *argv[] = {
		"sslgate", "--user=bob", "--usergroup=eng", "--certificate=c.p12",
		"--sslkey=k.pem", "--cafile=/etc/ca.pem", "--no-dtls",
		"--dtls-ciphers=AES256-SHA", "--base-mtu=1400", "--mtu=1290",
		"--reconnect-timeout=20", "--useragent=AnyConnect Linux_64 4.10",
		"--pid-file=/run/x.pid", "--background", "--quiet",
		"--servercert=sha256:aa55", "--servercert", "EBE6FA7C", "gw",
	};
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(argv), argv, err, sizeof(err)), 0);
	assert_string_equal(o.user, "bob");
	assert_string_equal(o.usergroup, "eng");
	assert_string_equal(o.cert_file, "c.p12");
	assert_string_equal(o.key_file, "k.pem");
	assert_string_equal(o.cafile, "/etc/ca.pem");
	assert_true(o.is_no_dtls);
	assert_string_equal(o.dtls_ciphers, "AES256-SHA");
	assert_int_equal(o.base_mtu, 1400);
	assert_int_equal(o.mtu, 1290);
	assert_int_equal(o.reconnect_timeout, 20);
	assert_string_equal(o.useragent, "AnyConnect Linux_64 4.10");
	assert_string_equal(o.pid_file, "/run/x.pid");
	assert_true(o.is_background);
	assert_int_equal(o.verbosity, OPTIONS_VERBOSITY_ERR);
	assert_int_equal(o.servercert_count, 2);
	assert_string_equal(o.servercert[0], "sha256:aa55");
	assert_string_equal(o.servercert[1], "EBE6FA7C");
	assert_false(o.was_mtu_raised);
}

static void authenticate_and_cookie_on_stdin(void **state)
{
	char *auth[] = { "sslgate", "--authenticate", "--non-inter", "-u", "alice", "gw" };
	char *cookie[] = { "sslgate", "--cookie-on-stdin", "--servercert", "pin-sha256:x", "gw" };
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(auth), auth, err, sizeof(err)), 0);
	assert_int_equal(o.action, OPTIONS_ACTION_AUTHENTICATE);
	assert_int_equal(parse(&o, ARGC(cookie), cookie, err, sizeof(err)), 0);
	assert_int_equal(o.action, OPTIONS_ACTION_CONNECT);
	assert_true(o.is_cookie_on_stdin);
}

/* openconnect raises a too-small MTU to 576 instead of failing. */
static void small_mtu_is_raised(void **state)
{
	char *argv[] = { "sslgate", "--base-mtu", "500", "-m", "100", "gw" };
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(argv), argv, err, sizeof(err)), 0);
	assert_int_equal(o.base_mtu, 576);
	assert_int_equal(o.mtu, 576);
	assert_true(o.was_mtu_raised);
}

static void expect_error(char **argv, int argc, const char *message)
{
	struct options o;
	char err[128];

	assert_int_equal(parse(&o, argc, argv, err, sizeof(err)), VPN_ERR_INVALID);
	assert_string_equal(err, message);
}

static void errors_name_the_option(void **state)
{
	char *unknown_long[] = { "sslgate", "--no-such-thing=1", "gw" };
	char *unknown_short[] = { "sslgate", "-x", "gw" };
	char *in_cluster[] = { "sslgate", "--no-dtls", "-xq", "gw" };
	char *missing_long[] = { "sslgate", "gw", "--user" };
	char *missing_short[] = { "sslgate", "gw", "-u" };
	char *protocol[] = { "sslgate", "--protocol=gp", "gw" };
	char *no_server[] = { "sslgate", "-u", "alice" };
	char *two_servers[] = { "sslgate", "gw1", "gw2" };
	char *bad_mtu[] = { "sslgate", "--mtu", "12a", "gw" };
	char *bad_timeout[] = { "sslgate", "--reconnect-timeout=-1", "gw" };

	(void)state;
	expect_error(unknown_long, ARGC(unknown_long), "unknown option '--no-such-thing'");
	expect_error(unknown_short, ARGC(unknown_short), "unknown option '-x'");
	expect_error(in_cluster, ARGC(in_cluster), "unknown option '-x'");
	expect_error(missing_long, ARGC(missing_long), "option '--user' requires an argument");
	expect_error(missing_short, ARGC(missing_short), "option '-u' requires an argument");
	expect_error(protocol, ARGC(protocol), "unsupported protocol 'gp': only --protocol=anyconnect");
	expect_error(no_server, ARGC(no_server), "no server specified");
	expect_error(two_servers, ARGC(two_servers), "too many arguments on the command line: 'gw2'");
	expect_error(bad_mtu, ARGC(bad_mtu), "invalid MTU '12a' for --mtu");
	expect_error(bad_timeout, ARGC(bad_timeout),
		     "invalid number of seconds '-1' for --reconnect-timeout");
}

static void protocol_anyconnect_any_case(void **state)
{
	char *argv[] = { "sslgate", "--protocol", "AnyConnect", "gw" };
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(argv), argv, err, sizeof(err)), 0);
}

static void help_needs_no_server(void **state)
{
	char *help[] = { "sslgate", "--help" };
	char *version[] = { "sslgate", "-V" };
	struct options o;
	char err[128];

	(void)state;
	assert_int_equal(parse(&o, ARGC(help), help, err, sizeof(err)), 0);
	assert_int_equal(o.action, OPTIONS_ACTION_HELP);
	assert_int_equal(parse(&o, ARGC(version), version, err, sizeof(err)), 0);
	assert_int_equal(o.action, OPTIONS_ACTION_VERSION);
	assert_non_null(strstr(options_usage(), "--servercert"));
	/* the three setups, and which one is the default */
	assert_non_null(strstr(options_usage(), "'auto' (default)"));
	assert_non_null(strstr(options_usage(), "'script'"));
	assert_non_null(strstr(options_usage(), "'builtin'"));
	assert_null(strstr(options_usage(), "vpnc-script, default"));
}

static void too_many_pins(void **state)
{
	char *argv[2 + 2 * (OPTIONS_MAX_PINS + 1)];
	struct options o;
	char err[128];
	int argc = 0;

	(void)state;
	argv[argc++] = "sslgate";
	for (int i = 0; i <= OPTIONS_MAX_PINS; i++) {
		argv[argc++] = "--servercert";
		argv[argc++] = "pin-sha256:AAAA";
	}
	argv[argc++] = "gw";
	assert_int_equal(parse(&o, argc, argv, err, sizeof(err)), VPN_ERR_INVALID);
	assert_non_null(strstr(err, "too many --servercert"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lab_command_line),
		cmocka_unit_test(net_setup_choices),
		cmocka_unit_test(short_forms_and_attached_values),
		cmocka_unit_test(long_forms_with_equals),
		cmocka_unit_test(authenticate_and_cookie_on_stdin),
		cmocka_unit_test(small_mtu_is_raised),
		cmocka_unit_test(errors_name_the_option),
		cmocka_unit_test(protocol_anyconnect_any_case),
		cmocka_unit_test(help_needs_no_server),
		cmocka_unit_test(too_many_pins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
