/* SPDX-License-Identifier: ISC */
/*
 * sslgated's configuration: ocserv.conf semantics (docs/gateway-config.md
 * lists every setting with its default). gw_config_load() reads the main
 * file, the per-group and per-user directories it names, and checks what it
 * read; every setting sslgated does not support is named in one warning,
 * and the few whose absence would weaken security are errors. Messages go
 * through log_*() as "FILE:LINE: text".
 *
 * Ownership: a gw_config owns every string, array and buffer it points to,
 * including the resources the parent loads as root before the children drop
 * privileges (gw_config_load_resources: the TLS context, the profile XML).
 * Children get the parent's copy by fork and only read it; a worker runs
 * chrooted and unprivileged, so it must never open a file named here.
 * gw_config_settings() hands out views that borrow from the config.
 */
#ifndef GATEWAY_CONF_H
#define GATEWAY_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/net/addr.h"

#define GW_NAME_MAX 64          /* user and group names (= MSG_USER_MAX) */
#define GW_DNS_MAX 16           /* dns, nbns entries */
#define GW_DOMAINS_MAX 64       /* split-dns entries */
#define GW_GROUPS_MAX 256       /* select-group lines and per-group files */
#define GW_USERS_MAX 4096       /* per-user files */
#define GW_PROFILE_MAX (1024 * 1024)

enum gw_rekey_method {
	GW_REKEY_SSL = 0,       /* ocserv's default */
	GW_REKEY_NEW_TUNNEL,
};

/* Login methods (conf_auth.c): ocserv's "plain" and "certificate". */
enum gw_auth_bit {
	GW_AUTH_PASSWORD = 1u << 0,
	GW_AUTH_CERT = 1u << 1,
};

/* Bits of gw_net_settings.set: which fields a file gave (merging). */
enum gw_setting_bit {
	GW_SET_IPV4_POOL = 1u << 0,
	GW_SET_IPV6_POOL = 1u << 1,
	GW_SET_IPV6_SUBNET = 1u << 2,
	GW_SET_DNS = 1u << 3,
	GW_SET_NBNS = 1u << 4,
	GW_SET_SPLIT_DNS = 1u << 5,
	GW_SET_ROUTES = 1u << 6,
	GW_SET_NO_ROUTES = 1u << 7,
	GW_SET_DOMAIN = 1u << 8,
	GW_SET_KEEPALIVE = 1u << 9,
	GW_SET_DPD = 1u << 10,
	GW_SET_MOBILE_DPD = 1u << 11,
	GW_SET_IDLE = 1u << 12,
	GW_SET_MOBILE_IDLE = 1u << 13,
	GW_SET_SESSION_TIMEOUT = 1u << 14,
	GW_SET_MTU = 1u << 15,
	GW_SET_TUNNEL_ALL_DNS = 1u << 16,
	GW_SET_DENY_ROAMING = 1u << 17,
	GW_SET_NO_UDP = 1u << 18,
	GW_SET_RESTRICT = 1u << 19,
	GW_SET_MAX_SAME = 1u << 20,
	GW_SET_EXPLICIT_IPV4 = 1u << 21,
	GW_SET_EXPLICIT_IPV6 = 1u << 22,
};

/*
 * What ocserv lets a per-group or per-user file change, with the global
 * values underneath. A list a file gives replaces the one below it (ocserv:
 * "routes, no-routes, DNS or NBNS servers present will overwrite the global
 * ones"). Times are seconds; 0 means "none" for the timeouts.
 */
struct gw_net_settings {
	uint32_t set;                        /* enum gw_setting_bit */
	struct net_prefix ipv4_pool;         /* AF_UNSPEC: none */
	struct net_prefix ipv6_pool;         /* AF_UNSPEC: none */
	unsigned ipv6_subnet_prefix;         /* bits given to each client; default 128 */
	struct net_addr *dns;                /* IPv4 and IPv6 servers, in file order */
	size_t n_dns;
	struct net_addr *nbns;
	size_t n_nbns;
	char **split_dns;
	size_t n_split_dns;
	struct net_prefix *routes;           /* none: a default route (full tunnel) */
	size_t n_routes;
	bool is_default_route;               /* "route = default" was given or no route */
	struct net_prefix *no_routes;
	size_t n_no_routes;
	char *default_domain;                /* NULL: none */
	unsigned keepalive_s;                /* 32400 */
	unsigned dpd_s;                      /* 90 */
	unsigned mobile_dpd_s;               /* 1800 */
	unsigned idle_timeout_s;             /* 0 */
	unsigned mobile_idle_timeout_s;      /* 0 */
	unsigned session_timeout_s;          /* 0 */
	unsigned mtu;                        /* 0: derive from the link */
	bool is_tunnel_all_dns;              /* false (true implied by a default route) */
	bool is_deny_roaming;                /* false */
	bool is_no_udp;                      /* false */
	bool is_restrict_to_routes;          /* false: the worker drops packets elsewhere when true */
	unsigned max_same_clients;           /* 0 = unlimited */
	struct net_addr explicit_ipv4;       /* AF_UNSPEC: lease from the pool */
	struct net_addr explicit_ipv6;
	unsigned auth_methods;               /* a per-group file's auth (enum gw_auth_bit);
						0: the main file's. Not merged: read by
						gw_config_auth() from the group itself */
};

/* A connection profile the gateway knows: offered (select-group) or configured. */
struct gw_group {
	char *name;
	char *label;                /* select-group's [display name]; NULL: the name */
	bool is_offered;            /* listed by select-group */
	bool has_file;              /* config-per-group had a file for it */
	struct gw_net_settings net; /* the file's settings (set bits only) */
};

struct gw_user_config {
	char *name;
	struct gw_net_settings net;
};

struct tls_server_ctx;

struct gw_config {
	char *path;                  /* file read; NULL for the embedded default */

	/* processes */
	char *run_as_user;           /* workers; default "nobody" */
	char *run_as_group;          /* default "nogroup" */
	char *authd_user;            /* sslgated's authd-user; default "nobody" */
	char *authd_group;           /* authd-group; default "nogroup" */
	char *chroot_dir;            /* workers chroot here; NULL: no chroot */
	char *pid_file;              /* NULL: none (-p overrides) */
	char *ctl_socket;            /* occtl-socket-file; default /run/sslgated.socket */
	bool is_ctl_enabled;         /* use-occtl; default true */
	char *state_dir;             /* self-signed certificate; default /var/lib/sslgated */
	unsigned workers;            /* 0: one per online CPU */
	bool is_isolate_workers;     /* isolate-workers: seccomp filter on workers; false */
	char *device;                /* tun name template, "vpns%d" */
	int log_level;               /* enum log_level */

	/* listening */
	char *listen_host;           /* NULL: every address */
	char *udp_listen_host;       /* NULL: listen_host */
	uint16_t tcp_port;           /* 443 */
	uint16_t udp_port;           /* 0: no UDP socket */
	bool is_listen_dyndns;       /* listen-host-is-dyndns: send X-CSTP-DynDNS */

	/* TLS */
	char *server_cert;           /* NULL: self-signed in state_dir */
	char *server_key;
	char *ca_cert;               /* client-certificate CAs; NULL: none */
	char *crl_file;              /* crl: revoked client certificates; NULL: none */
	char *cert_user_oid;         /* subject field naming the user; NULL: the CN
					(then the SAN e-mail); "SAN(rfc822name)": the e-mail */
	char *cert_group_oid;        /* subject field naming the group; NULL: none */
	char *tls_priorities;        /* NULL: lib/tls default */
	bool is_cisco_compat;        /* cisco-client-compat; default true */

	/* authentication and sessions (authd) */
	char *passwd_file;           /* auth = "plain[passwd=...]" */
	unsigned auth_methods;       /* auth lines: every method listed is required */
	unsigned auth_alt;           /* enable-auth: each of these alone is enough */
	unsigned auth_timeout_s;     /* 240 */
	unsigned request_timeout_s;  /* 10: first to last byte of one request (slow senders) */
	unsigned max_handshakes;     /* 256: per worker, connections in TLS/login; 0 = no cap */
	unsigned max_handshakes_per_ip; /* 32: per worker and source (IPv4 address, IPv6 /64) */
	unsigned cookie_timeout_s;   /* 300 */
	bool is_persistent_cookies;  /* false */
	unsigned max_clients;        /* 0 = unlimited (bounded by GW_SESSIONS_LIMIT) */
	unsigned max_ban_score;      /* 80; 0 = never ban */
	unsigned ban_reset_time_s;   /* 1200 */
	unsigned min_reauth_time_s;  /* 300: how long a ban lasts */
	unsigned ban_points_wrong_password;  /* 10 */
	unsigned ban_points_connection;      /* 1 */

	/* tunnel */
	unsigned rekey_time_s;       /* 172800 */
	enum gw_rekey_method rekey_method;
	unsigned switch_to_tcp_timeout_s;    /* 25 (DTLS) */
	bool is_dtls_legacy;         /* true (cisco-client-compat implies it) */
	bool is_dtls_psk;            /* true */
	bool is_client_bypass_protocol;      /* false */
	bool is_predictable_ips;     /* true */
	char *banner;                /* post-login banner; NULL: none */
	char *pre_login_banner;

	/* connection profiles */
	struct gw_group *groups;     /* select-group order, then per-group files */
	size_t n_groups;
	char *default_select_group;  /* label of the "user's default group" entry; NULL: none */
	struct gw_net_settings global;
	struct gw_user_config *users; /* config-per-user files */
	size_t n_users;
	struct gw_net_settings default_group;  /* default-group-config; set = 0 when absent */
	struct gw_net_settings default_user;   /* default-user-config */

	/* profile XML (user-profile) */
	char *profile_path;          /* resolved file path; NULL: none */
	char *profile_uri;           /* "/profiles/" + the value as written */

	/* loaded by gw_config_load_resources(), as root, before forking */
	uint8_t *profile;            /* the file's bytes; NULL when none */
	size_t profile_len;
	struct tls_server_ctx *tls;  /* the server's certificate and key */
};

#define GW_SESSIONS_LIMIT 8192

/* Where the embedded default configuration keeps its password file. */
#define GW_DEFAULT_PASSWD "/etc/sslgated/passwd"

/*
 * Reads path (NULL: the embedded default) and everything it refers to.
 * Warnings and errors are logged with file and line. Returns 0 with *out
 * set even when there were warnings; VPN_ERR_INVALID when any error was
 * found (nothing is returned then), VPN_ERR_IO when a file cannot be read.
 */
int gw_config_load(struct gw_config **out, const char *path);
/* Reads from text instead of a file (the embedded default, tests). */
int gw_config_load_text(struct gw_config **out, const char *text, size_t len,
			const char *name);
void gw_config_free(struct gw_config *cfg);

/*
 * Loads what needs root: the profile XML and the TLS context (creating a
 * self-signed certificate in state_dir when none is configured). 0 or a
 * negative vpn_err, logged.
 */
int gw_config_load_resources(struct gw_config *cfg);
/* Its two halves, for `sslgated -t` (which must not write a certificate). */
int gw_config_load_profile(struct gw_config *cfg);
int gw_config_load_tls(struct gw_config *cfg);

/* The group of that name, or NULL. */
const struct gw_group *gw_config_group(const struct gw_config *cfg, const char *name);

/*
 * The settings in force for a user in a group: global, overridden by the
 * group's file (or default-group-config), overridden by the user's file
 * (or default-user-config). group may be "" (no group). The result borrows
 * from cfg.
 */
void gw_config_settings(const struct gw_config *cfg, const char *user, const char *group,
			struct gw_net_settings *out);

/*
 * What a login into group ("" or unknown: the main file's) must pass: every
 * method in the result, or (*out_alt) any one method alone.
 */
unsigned gw_config_auth(const struct gw_config *cfg, const char *group, unsigned *out_alt);

/* The embedded default configuration's text. */
extern const char gw_config_default_text[];

#endif
