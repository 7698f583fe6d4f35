/* SPDX-License-Identifier: ISC */
/*
 * The command line of sslgate: openconnect's options for the AnyConnect
 * protocol, with openconnect's meanings, so scripts and front ends written
 * for openconnect drive sslgate unchanged. Anything else is an error that
 * names the option.
 *
 * Every string in struct options borrows from argv, which lives as long as
 * the process; options_parse() copies nothing and allocates nothing.
 */
#ifndef CLIENT_OPTIONS_H
#define CLIENT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* --certificate and --sslkey may each be given this many times. */
#define OPTIONS_MAX_CERTS 16
/* --servercert may be given this many times. */
#define OPTIONS_MAX_PINS 8
/* openconnect's floor for --mtu and --base-mtu; smaller values are raised. */
#define OPTIONS_MIN_MTU 576
/* openconnect's default for --reconnect-timeout, seconds. */
#define OPTIONS_DEFAULT_RECONNECT_TIMEOUT 300

/* What main() does after parsing. */
enum options_action {
	OPTIONS_ACTION_CONNECT = 0,
	OPTIONS_ACTION_AUTHENTICATE, /* --authenticate: print cookie, host, fingerprint */
	OPTIONS_ACTION_HELP,
	OPTIONS_ACTION_VERSION,
};

/*
 * openconnect's verbosity scale (PRG_ERR..PRG_TRACE), which is also the
 * LOG_LEVEL handed to the vpnc-script.
 */
enum options_verbosity {
	OPTIONS_VERBOSITY_ERR = 0,   /* -q */
	OPTIONS_VERBOSITY_INFO = 1,  /* default */
	OPTIONS_VERBOSITY_DEBUG = 2, /* -v */
	OPTIONS_VERBOSITY_TRACE = 3, /* -vv */
};

/*
 * Who configures addresses, routes and DNS once the tunnel is up. AUTO is
 * what the command line says by default; main.c turns it into one of the
 * other two at start-up (client/setup_choice.h) before anything runs.
 */
enum options_net_setup {
	OPTIONS_NET_SETUP_AUTO = 0,   /* built-in unless the host needs the script */
	OPTIONS_NET_SETUP_SCRIPT,     /* the vpnc-script (-s), as openconnect */
	OPTIONS_NET_SETUP_BUILTIN,    /* sslgate itself, over rtnetlink: no shell */
};

struct options {
	enum options_action action;
	const char *server;          /* the one positional argument: URL or host[:port] */

	/* authentication */
	const char *user;            /* -u, --user */
	const char *authgroup;       /* --authgroup: group name or alias in the form */
	const char *usergroup;       /* -g, --usergroup: URL path, when the URL has none */
	bool is_passwd_on_stdin;     /* --passwd-on-stdin */
	bool is_non_inter;           /* --non-inter: never prompt */
	const char *cookie;          /* -C, --cookie */
	bool is_cookie_on_stdin;     /* --cookie-on-stdin */

	/* server trust */
	const char *servercert[OPTIONS_MAX_PINS]; /* --servercert, repeatable */
	size_t servercert_count;
	const char *cafile;          /* --cafile */

	/* client identities (identities.c): the n-th --sslkey goes with the n-th
	   --certificate; a certificate may be a directory or a pkcs11: URL */
	const char *cert_file;       /* -c, --certificate: the first */
	const char *key_file;        /* -k, --sslkey: the first */
	const char *certs[OPTIONS_MAX_CERTS];
	size_t n_certs;
	const char *keys[OPTIONS_MAX_CERTS];
	size_t n_keys;
	const char *key_password;    /* --key-password: PKCS#12 passphrase or token PIN */

	/* system configuration */
	const char *script;          /* -s, --script: a shell command line */
	enum options_net_setup net_setup; /* --net-setup */
	const char *ifname;          /* -i, --interface */

	/* process */
	bool is_background;          /* -b, --background */
	const char *pid_file;        /* --pid-file */

	/* tunnel */
	bool is_no_dtls;             /* --no-dtls */
	const char *dtls_ciphers;    /* --dtls-ciphers (DTLS has its own issue) */
	unsigned base_mtu;           /* --base-mtu; 0 = not given */
	unsigned mtu;                /* -m, --mtu; 0 = not given */
	unsigned reconnect_timeout;  /* --reconnect-timeout, seconds */

	/* presentation */
	const char *useragent;       /* --useragent; NULL = ours */
	bool has_timestamp;          /* --timestamp */
	enum options_verbosity verbosity; /* -v (repeatable), -q */

	bool was_mtu_raised;         /* an MTU below OPTIONS_MIN_MTU was raised to it */
};

/*
 * Parses argv into out. Returns 0, or VPN_ERR_INVALID with a one-line
 * message in err (which names the offending option or argument).
 * Reinitialises getopt, so it may be called more than once per process.
 */
int options_parse(struct options *out, int argc, char **argv, char *err, size_t err_len);

/* The usage text, for --help and after an error. */
const char *options_usage(void);

#endif
