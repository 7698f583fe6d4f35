/* SPDX-License-Identifier: ISC */
/*
 * The vpnc-script convention: the client describes the tunnel in
 * environment variables and runs a script (Debian's vpnc-scripts, or
 * whatever --script names) with reason=pre-init, connect, disconnect,
 * attempt-reconnect or reconnect. The variables and their formats are the
 * ones openconnect sets, so scripts written for it work unchanged.
 *
 * A struct script_env owns copies of every name and value it holds.
 */
#ifndef CLIENT_SCRIPT_H
#define CLIENT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/net/addr.h"

/* Debian's vpnc-scripts package; --script overrides it. */
#define SCRIPT_DEFAULT "/usr/share/vpnc-scripts/vpnc-script"
/*
 * What one CONNECT reply can fill: 6 variables per split route
 * (CSTP_MAX_ROUTES in all, lib/cstp/headers.h) and ~60 others. The array
 * grows as variables come, so a reply with a few routes costs a few.
 */
#define SCRIPT_MAX_VARS (6 * 512 + 128)
/* openconnect keeps at most three DNS and three NBNS servers. */
#define SCRIPT_MAX_SERVERS 3
/* How long a script may run before its process group is killed. */
#define SCRIPT_TIMEOUT_MS 30000

enum script_reason {
	SCRIPT_REASON_PRE_INIT,          /* before the tun device is created */
	SCRIPT_REASON_CONNECT,           /* configure addresses, routes, DNS */
	SCRIPT_REASON_DISCONNECT,        /* undo everything */
	SCRIPT_REASON_ATTEMPT_RECONNECT, /* before each reconnect attempt */
	SCRIPT_REASON_RECONNECT,         /* after a reconnect succeeded */
};

const char *script_reason_name(enum script_reason reason);

struct script_var {
	char *name;
	char *value; /* NULL: the script must not see this variable at all */
};

struct script_env {
	struct script_var *vars; /* owned; cap entries, count used */
	size_t count;
	size_t cap;
	int split_counts[2][2]; /* [is_exclude][is_ipv6]: routes numbered so far */
};

void script_env_init(struct script_env *env);
/* Frees every copy; the banner may be private, so values are wiped. */
void script_env_cleanup(struct script_env *env);

/* Sets (or with value NULL marks unset) one variable: 0, VPN_ERR_NOMEM, VPN_ERR_TOO_BIG. */
int script_env_set(struct script_env *env, const char *name, const char *value);
int script_env_setf(struct script_env *env, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends " value" to a list variable such as INTERNAL_IP4_DNS. */
int script_env_append(struct script_env *env, const char *name, const char *value);
/* The value, or NULL when unset or absent. */
const char *script_env_get(const struct script_env *env, const char *name);

/*
 * What the CONNECT answer said, in the shape the script variables take.
 * Everything is borrowed for the duration of script_env_fill().
 */
struct script_tunnel {
	const char *tundev;             /* TUNDEV */
	const struct net_addr *gateway; /* VPNGATEWAY: the address we connected to */
	unsigned mtu;                   /* INTERNAL_IP4_MTU */
	unsigned idle_timeout;          /* IDLE_TIMEOUT; 0: none */
	int log_level;                  /* LOG_LEVEL, openconnect's 0..3 */
	pid_t pid;                      /* VPNPID */

	const struct net_addr *addr4;    /* X-CSTP-Address; NULL: none */
	const struct net_addr *netmask4; /* X-CSTP-Netmask; NULL: none */
	const struct net_prefix *addr6;  /* X-CSTP-Address-IP6 (address and length) */
	const struct net_addr *dns;      /* X-CSTP-DNS and -DNS-IP6, wire order */
	size_t dns_count;
	const struct net_addr *nbns;     /* X-CSTP-NBNS */
	size_t nbns_count;
	const char *domain;              /* X-CSTP-Default-Domain */
	const char *banner;              /* X-CSTP-Banner, still %XX-escaped */
	const char *proxy_pac;           /* X-CSTP-MSIE-Proxy-PAC-URL */
	const char *const *split_dns;    /* X-CSTP-Split-DNS */
	size_t split_dns_count;
	const struct net_prefix *split_include; /* X-CSTP-Split-Include(-IP6) */
	size_t split_include_count;
	const struct net_prefix *split_exclude; /* X-CSTP-Split-Exclude(-IP6) */
	size_t split_exclude_count;
	const char *cstp_options;        /* every X-CSTP-* header as "Name=value\n" lines */
};

/*
 * Sets every variable openconnect sets for the tunnel, and explicitly unsets
 * the ones with no value (so a stale variable in our own environment never
 * reaches the script). Returns 0 or VPN_ERR_NOMEM / VPN_ERR_TOO_BIG /
 * VPN_ERR_INVALID (a netmask that is not contiguous).
 */
int script_env_fill(struct script_env *env, const struct script_tunnel *t);

/*
 * Runs "/bin/sh -c command" (a bare absolute path without the shell) with
 * our environment plus env and reason, in
 * its own process group, and waits at most timeout_ms. Returns 0 when it
 * exits with status 0; VPN_ERR_IO when it cannot be started, is killed,
 * times out or exits non-zero (*out_status says how, for the log line).
 */
int script_run(const struct script_env *env, const char *command, enum script_reason reason,
	       unsigned timeout_ms, int *out_status);

#endif
