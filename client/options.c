/* SPDX-License-Identifier: ISC */
/*
 * openconnect's command line (the AnyConnect subset). The meanings follow
 * openconnect 9.x: --servercert replaces system trust with the pin,
 * -g/--usergroup is the URL path, MTUs below 576 are raised to 576, -q
 * keeps errors only and each -v adds a level.
 */
#include "client/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/base/err.h"

/* Long-only options get values past the single-character range. */
enum {
	OPT_AUTHENTICATE = 0x100,
	OPT_AUTHGROUP,
	OPT_BASE_MTU,
	OPT_CAFILE,
	OPT_COOKIE_ON_STDIN,
	OPT_DTLS_CIPHERS,
	OPT_NET_SETUP,
	OPT_NO_DTLS,
	OPT_NON_INTER,
	OPT_PASSWD_ON_STDIN,
	OPT_PID_FILE,
	OPT_PROTOCOL,
	OPT_RECONNECT_TIMEOUT,
	OPT_SERVERCERT,
	OPT_TIMESTAMP,
	OPT_USERAGENT,
};

static const struct option long_options[] = {
	{ "authenticate", no_argument, NULL, OPT_AUTHENTICATE },
	{ "authgroup", required_argument, NULL, OPT_AUTHGROUP },
	{ "background", no_argument, NULL, 'b' },
	{ "base-mtu", required_argument, NULL, OPT_BASE_MTU },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "certificate", required_argument, NULL, 'c' },
	{ "cookie", required_argument, NULL, 'C' },
	{ "cookie-on-stdin", no_argument, NULL, OPT_COOKIE_ON_STDIN },
	{ "dtls-ciphers", required_argument, NULL, OPT_DTLS_CIPHERS },
	{ "help", no_argument, NULL, 'h' },
	{ "interface", required_argument, NULL, 'i' },
	{ "key-password", required_argument, NULL, 'p' },
	{ "mtu", required_argument, NULL, 'm' },
	{ "net-setup", required_argument, NULL, OPT_NET_SETUP },
	{ "no-dtls", no_argument, NULL, OPT_NO_DTLS },
	{ "non-inter", no_argument, NULL, OPT_NON_INTER },
	{ "passwd-on-stdin", no_argument, NULL, OPT_PASSWD_ON_STDIN },
	{ "pid-file", required_argument, NULL, OPT_PID_FILE },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reconnect-timeout", required_argument, NULL, OPT_RECONNECT_TIMEOUT },
	{ "script", required_argument, NULL, 's' },
	{ "servercert", required_argument, NULL, OPT_SERVERCERT },
	{ "sslkey", required_argument, NULL, 'k' },
	{ "timestamp", no_argument, NULL, OPT_TIMESTAMP },
	{ "user", required_argument, NULL, 'u' },
	{ "usergroup", required_argument, NULL, 'g' },
	{ "useragent", required_argument, NULL, OPT_USERAGENT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Leading ':' makes a missing argument return ':' instead of '?'. */
static const char short_options[] = ":bc:C:g:hi:k:m:p:qs:u:vV";

static const char usage_text[] =
	"Usage: sslgate [options] <server>\n"
	"AnyConnect-compatible SSL VPN client; takes openconnect's options.\n"
	"\n"
	"Authentication:\n"
	"  -u, --user=NAME             login user name\n"
	"      --passwd-on-stdin       read the password from standard input\n"
	"      --non-inter             never prompt; fail when input is needed\n"
	"      --authgroup=GROUP       choose the login group (name or alias)\n"
	"  -g, --usergroup=GROUP       URL path of the group (group URL)\n"
	"  -c, --certificate=CERT      client certificate: PEM or PKCS#12 file, pkcs11: URL\n"
	"                              or a directory of them (repeatable: the gateway's\n"
	"                              CA list picks one)\n"
	"  -k, --sslkey=KEY            key of the certificate given in the same position\n"
	"  -p, --key-password=PASS     PKCS#12 or key passphrase, token PIN\n"
	"  -C, --cookie=COOKIE         connect with this session cookie\n"
	"      --cookie-on-stdin       read the session cookie from standard input\n"
	"      --authenticate          authenticate, print COOKIE, HOST, FINGERPRINT; exit\n"
	"Server validation:\n"
	"      --servercert=PIN        accept only this certificate (repeatable):\n"
	"                              pin-sha256:BASE64, sha256:HEX or SHA-1 HEX of the certificate\n"
	"      --cafile=FILE           trust anchors instead of the system store\n"
	"VPN configuration:\n"
	"  -s, --script=SCRIPT         vpnc-script command line (implies --net-setup=script)\n"
	"                              (default /usr/share/vpnc-scripts/vpnc-script)\n"
	"      --net-setup=HOW         who sets addresses, routes and DNS:\n"
	"                              'auto' (default): 'builtin', unless -s is given,\n"
	"                                /etc/resolv.conf is a symlink (a DNS manager owns\n"
	"                                it) or /etc/vpnc/<reason>.d holds hooks: 'script'\n"
	"                              'script': the vpnc-script, always\n"
	"                              'builtin': sslgate itself, no shell; everything\n"
	"                                undone at exit\n"
	"  -i, --interface=IFNAME      tun device name\n"
	"  -b, --background            continue in the background once connected\n"
	"      --pid-file=FILE         write the process id here\n"
	"Tunnel:\n"
	"      --protocol=anyconnect   the only protocol\n"
	"      --no-dtls               data over TLS only\n"
	"      --dtls-ciphers=LIST     DTLS cipher names to offer\n"
	"      --base-mtu=MTU          path MTU to the gateway\n"
	"  -m, --mtu=MTU               tunnel MTU to request\n"
	"      --reconnect-timeout=S   give up reconnecting after S seconds (default 300)\n"
	"Other:\n"
	"      --useragent=STRING      HTTP User-Agent\n"
	"      --timestamp             timestamps on log lines\n"
	"  -v, --verbose               more output (repeatable)\n"
	"  -q, --quiet                 errors only\n"
	"  -h, --help                  this text\n"
	"  -V, --version               version\n";

const char *options_usage(void)
{
	return usage_text;
}

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return VPN_ERR_INVALID;
}

/* A decimal number that fits in unsigned; no sign, no trailing text. */
static int parse_unsigned(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return VPN_ERR_INVALID;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		return VPN_ERR_INVALID;
	*out = (unsigned)v;
	return 0;
}

static int parse_mtu(struct options *o, const char *arg, unsigned *out)
{
	if (parse_unsigned(arg, out) != 0)
		return VPN_ERR_INVALID;
	if (*out < OPTIONS_MIN_MTU) {
		*out = OPTIONS_MIN_MTU;
		o->was_mtu_raised = true;
	}
	return 0;
}

static void set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->reconnect_timeout = OPTIONS_DEFAULT_RECONNECT_TIMEOUT;
	o->verbosity = OPTIONS_VERBOSITY_INFO;
}

/* The options that take a plain string: where each one is stored. */
static const char **string_slot(struct options *o, int opt)
{
	switch (opt) {
	case 'u': return &o->user;
	case 'g': return &o->usergroup;
	case 'p': return &o->key_password;
	case 'C': return &o->cookie;
	case 's': return &o->script;
	case 'i': return &o->ifname;
	case OPT_AUTHGROUP: return &o->authgroup;
	case OPT_CAFILE: return &o->cafile;
	case OPT_DTLS_CIPHERS: return &o->dtls_ciphers;
	case OPT_PID_FILE: return &o->pid_file;
	case OPT_USERAGENT: return &o->useragent;
	default: return NULL;
	}
}

/* The options that set a flag. */
static bool *flag_slot(struct options *o, int opt)
{
	switch (opt) {
	case 'b': return &o->is_background;
	case OPT_COOKIE_ON_STDIN: return &o->is_cookie_on_stdin;
	case OPT_NO_DTLS: return &o->is_no_dtls;
	case OPT_NON_INTER: return &o->is_non_inter;
	case OPT_PASSWD_ON_STDIN: return &o->is_passwd_on_stdin;
	case OPT_TIMESTAMP: return &o->has_timestamp;
	default: return NULL;
	}
}

/* Repeatable: the n-th key belongs to the n-th certificate. */
static int add_identity_part(struct options *o, int opt, const char *arg, char *err,
			     size_t err_len)
{
	const char **list = opt == 'c' ? o->certs : o->keys;
	size_t *n = opt == 'c' ? &o->n_certs : &o->n_keys;

	if (*n == OPTIONS_MAX_CERTS)
		return fail(err, err_len, "too many --%s options (at most %d)",
			    opt == 'c' ? "certificate" : "sslkey", OPTIONS_MAX_CERTS);
	if (*arg == '\0')
		return fail(err, err_len, "empty --%s", opt == 'c' ? "certificate" : "sslkey");
	list[(*n)++] = arg;
	if (opt == 'c' && o->cert_file == NULL)
		o->cert_file = arg;
	if (opt == 'k' && o->key_file == NULL)
		o->key_file = arg;
	return 0;
}

/* Options with a value to check or with more than one effect. */
static int apply_special(struct options *o, int opt, const char *arg, char *err, size_t err_len)
{
	switch (opt) {
	case 'm':
		if (parse_mtu(o, arg, &o->mtu) != 0)
			return fail(err, err_len, "invalid MTU '%s' for --mtu", arg);
		return 0;
	case OPT_BASE_MTU:
		if (parse_mtu(o, arg, &o->base_mtu) != 0)
			return fail(err, err_len, "invalid MTU '%s' for --base-mtu", arg);
		return 0;
	case OPT_RECONNECT_TIMEOUT:
		if (parse_unsigned(arg, &o->reconnect_timeout) != 0)
			return fail(err, err_len, "invalid number of seconds '%s' for --reconnect-timeout", arg);
		return 0;
	case 'c':
	case 'k':
		return add_identity_part(o, opt, arg, err, err_len);
	case OPT_SERVERCERT:
		if (o->servercert_count == OPTIONS_MAX_PINS)
			return fail(err, err_len, "too many --servercert options (at most %d)", OPTIONS_MAX_PINS);
		if (*arg == '\0')
			return fail(err, err_len, "empty --servercert");
		o->servercert[o->servercert_count++] = arg;
		return 0;
	case OPT_NET_SETUP:
		if (strcmp(arg, "auto") == 0)
			o->net_setup = OPTIONS_NET_SETUP_AUTO;
		else if (strcmp(arg, "script") == 0)
			o->net_setup = OPTIONS_NET_SETUP_SCRIPT;
		else if (strcmp(arg, "builtin") == 0)
			o->net_setup = OPTIONS_NET_SETUP_BUILTIN;
		else
			return fail(err, err_len,
				    "invalid --net-setup '%s': 'auto', 'script' or 'builtin'", arg);
		return 0;
	case OPT_PROTOCOL:
		if (strcasecmp(arg, "anyconnect") != 0)
			return fail(err, err_len, "unsupported protocol '%s': only --protocol=anyconnect", arg);
		return 0;
	case OPT_AUTHENTICATE:
		o->action = OPTIONS_ACTION_AUTHENTICATE;
		return 0;
	case 'v':
		if (o->verbosity < OPTIONS_VERBOSITY_TRACE)
			o->verbosity++;
		return 0;
	case 'q':
		o->verbosity = OPTIONS_VERBOSITY_ERR;
		return 0;
	default:
		return VPN_ERR_NOT_FOUND;
	}
}

/* The value of the long option spelled, maybe abbreviated, at the start of word, or -1. */
static int long_value(const char *word)
{
	size_t len = strcspn(word, "=");
	const struct option *o;

	for (o = long_options; o->name; o++)
		if (strlen(o->name) >= len && strncmp(o->name, word, len) == 0)
			return o->val;
	return -1;
}

/* getopt's '?' and ':' answers, turned into a message naming the option. */
static int bad_option(int opt, char **argv, char *err, size_t err_len)
{
	const char *word = argv[optind - 1];
	char name[64];

	/*
	 * A long option is named as typed (without "=value"), a short one by
	 * its letter. optopt is 0 for an unknown long option and the option's
	 * value for a long one missing its argument; inside a cluster such as
	 * "-xq" optind still points past the previous word, so check it.
	 */
	if (strncmp(word, "--", 2) == 0 && (optopt == 0 || long_value(word + 2) == optopt))
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	else
		snprintf(name, sizeof(name), "-%c", optopt);
	if (opt == ':')
		return fail(err, err_len, "option '%s' requires an argument", name);
	return fail(err, err_len, "unknown option '%s'", name);
}

static int apply(struct options *o, int opt, const char *arg, char *err, size_t err_len)
{
	const char **str = string_slot(o, opt);
	bool *flag = flag_slot(o, opt);
	int ret;

	if (str) {
		*str = arg;
		return 0;
	}
	if (flag) {
		*flag = true;
		return 0;
	}
	if (opt == 'h' || opt == 'V') {
		o->action = opt == 'h' ? OPTIONS_ACTION_HELP : OPTIONS_ACTION_VERSION;
		return 0;
	}
	ret = apply_special(o, opt, arg, err, err_len);
	if (ret == VPN_ERR_NOT_FOUND)
		return fail(err, err_len, "unhandled option %d", opt);
	return ret;
}

int options_parse(struct options *out, int argc, char **argv, char *err, size_t err_len)
{
	int opt;
	int ret;

	set_defaults(out);
	err[0] = '\0';
	optind = 0; /* GNU getopt: full reinitialisation */
	opterr = 0; /* our own message names the option */
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return bad_option(opt, argv, err, err_len);
		ret = apply(out, opt, optarg, err, err_len);
		if (ret != 0)
			return ret;
	}
	if (out->action == OPTIONS_ACTION_HELP || out->action == OPTIONS_ACTION_VERSION)
		return 0;
	if (optind >= argc)
		return fail(err, err_len, "no server specified");
	if (optind < argc - 1)
		return fail(err, err_len, "too many arguments on the command line: '%s'", argv[optind + 1]);
	/* both would configure the same things: say which one, rather than guess */
	if (out->net_setup == OPTIONS_NET_SETUP_BUILTIN && out->script)
		return fail(err, err_len, "--script and --net-setup=builtin exclude each other");
	out->server = argv[optind];
	return 0;
}
