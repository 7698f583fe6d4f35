/* SPDX-License-Identifier: ISC */
/*
 * The main file's settings, as a table: what each means for sslgated, and
 * for each one sslgated does not do, why, so the warning (or the error, when
 * ignoring it would weaken security) can say so.
 */
#include "gateway/conf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/base/log.h"

#define STR_SETTER(fn, field) \
	static int fn(struct conf_loader *l, const char *v) \
	{ \
		return conf_set_string(l, &l->cfg->field, v); \
	}

#define BOOL_SETTER(fn, field) \
	static int fn(struct conf_loader *l, const char *v) \
	{ \
		return conf_parse_bool(l, v, &l->cfg->field); \
	}

#define UINT_SETTER(fn, field, max) \
	static int fn(struct conf_loader *l, const char *v) \
	{ \
		return conf_parse_uint(l, v, (max), &l->cfg->field); \
	}

#define TIME_MAX (366u * 86400u)

STR_SETTER(set_listen_host, listen_host)
STR_SETTER(set_udp_listen_host, udp_listen_host)
STR_SETTER(set_run_as_user, run_as_user)
STR_SETTER(set_run_as_group, run_as_group)
STR_SETTER(set_authd_user, authd_user)
STR_SETTER(set_authd_group, authd_group)
STR_SETTER(set_ctl_socket, ctl_socket)
STR_SETTER(set_chroot, chroot_dir)
STR_SETTER(set_pid_file, pid_file)
STR_SETTER(set_state_dir, state_dir)
STR_SETTER(set_ca_cert, ca_cert)
STR_SETTER(set_priorities, tls_priorities)
STR_SETTER(set_banner, banner)
STR_SETTER(set_pre_login_banner, pre_login_banner)
STR_SETTER(set_default_select, default_select_group)
STR_SETTER(set_profile, profile_uri)
BOOL_SETTER(set_use_occtl, is_ctl_enabled)
BOOL_SETTER(set_dyndns, is_listen_dyndns)
BOOL_SETTER(set_persistent, is_persistent_cookies)
BOOL_SETTER(set_predictable, is_predictable_ips)
BOOL_SETTER(set_cisco_compat, is_cisco_compat)
BOOL_SETTER(set_bypass, is_client_bypass_protocol)
BOOL_SETTER(set_dtls_legacy, is_dtls_legacy)
BOOL_SETTER(set_dtls_psk, is_dtls_psk)
BOOL_SETTER(set_isolate, is_isolate_workers)
UINT_SETTER(set_workers, workers, 1024)
UINT_SETTER(set_max_clients, max_clients, GW_SESSIONS_LIMIT)
UINT_SETTER(set_auth_timeout, auth_timeout_s, TIME_MAX)
UINT_SETTER(set_request_timeout, request_timeout_s, TIME_MAX)
UINT_SETTER(set_max_handshakes, max_handshakes, GW_SESSIONS_LIMIT)
UINT_SETTER(set_max_handshakes_ip, max_handshakes_per_ip, GW_SESSIONS_LIMIT)
UINT_SETTER(set_cookie_timeout, cookie_timeout_s, TIME_MAX)
UINT_SETTER(set_max_ban_score, max_ban_score, 1000000)
UINT_SETTER(set_ban_reset, ban_reset_time_s, TIME_MAX)
UINT_SETTER(set_min_reauth, min_reauth_time_s, TIME_MAX)
UINT_SETTER(set_points_password, ban_points_wrong_password, 1000000)
UINT_SETTER(set_points_connection, ban_points_connection, 1000000)
UINT_SETTER(set_rekey_time, rekey_time_s, TIME_MAX)
UINT_SETTER(set_switch_to_tcp, switch_to_tcp_timeout_s, TIME_MAX)

static int set_port(struct conf_loader *l, const char *v, uint16_t *out, bool is_zero_ok)
{
	unsigned port;

	if (conf_parse_uint(l, v, 65535, &port) < 0)
		return -1;
	if (port == 0 && !is_zero_ok) {
		conf_error(l, "port 0 cannot be listened on");
		return -1;
	}
	*out = (uint16_t)port;
	return 0;
}

static int set_tcp_port(struct conf_loader *l, const char *v)
{
	return set_port(l, v, &l->cfg->tcp_port, false);
}

static int set_udp_port(struct conf_loader *l, const char *v)
{
	return set_port(l, v, &l->cfg->udp_port, true);
}

/* ocserv's levels: 0-1 basic, 2 info, 3 debug, 4 http, 8 sensitive, 9 TLS. */
static int set_log_level(struct conf_loader *l, const char *v)
{
	unsigned level;

	if (conf_parse_uint(l, v, 9, &level) < 0)
		return -1;
	l->cfg->log_level = level <= 2 ? LOG_LEVEL_INFO : LOG_LEVEL_DEBUG;
	return 0;
}

static int set_rekey_method(struct conf_loader *l, const char *v)
{
	if (strcasecmp(v, "ssl") == 0)
		l->cfg->rekey_method = GW_REKEY_SSL;
	else if (strcasecmp(v, "new-tunnel") == 0)
		l->cfg->rekey_method = GW_REKEY_NEW_TUNNEL;
	else {
		conf_error(l, "rekey-method must be ssl or new-tunnel");
		return -1;
	}
	return 0;
}

/* "vpns" becomes "vpns%d": the kernel numbers one device per worker. */
static int set_device(struct conf_loader *l, const char *v)
{
	char name[32];

	if (strlen(v) == 0 || strlen(v) > 12 || strchr(v, '/') || strchr(v, ' ')) {
		conf_error(l, "device '%s' is not a usable interface name prefix", v);
		return -1;
	}
	snprintf(name, sizeof(name), strstr(v, "%d") ? "%s" : "%s%%d", v);
	return conf_set_string(l, &l->cfg->device, name);
}

static int set_server_cert(struct conf_loader *l, const char *v)
{
	if (++l->n_server_certs > 1) {
		conf_warn(l, "only the first server-cert and server-key pair is used");
		return 0;
	}
	return conf_set_string(l, &l->cfg->server_cert, v);
}

static int set_server_key(struct conf_loader *l, const char *v)
{
	if (l->cfg->server_key && l->n_server_certs > 1)
		return 0;
	return conf_set_string(l, &l->cfg->server_key, v);
}

static int set_per_group(struct conf_loader *l, const char *v)
{
	return conf_set_dir(l, "config-per-group", v);
}

static int set_per_user(struct conf_loader *l, const char *v)
{
	return conf_set_dir(l, "config-per-user", v);
}

static int set_default_group(struct conf_loader *l, const char *v)
{
	return conf_set_dir(l, "default-group-config", v);
}

static int set_default_user(struct conf_loader *l, const char *v)
{
	return conf_set_dir(l, "default-user-config", v);
}

#define M CONF_MAIN
#define NO_CERT_AUTH \
	"the certificate is checked at login; later connections are known by their cookie"
#define NO_DTLS_MATCH "sslgated prefers the DTLS suite matching the TLS cipher but does not " \
	"require it"
#define NO_SCRIPTS "connect and disconnect scripts are not run"

const struct conf_key conf_main_keys[] = {
	{ "auth", M | CONF_PER, CONF_APPLY, conf_set_auth, NULL },
	{ "enable-auth", M, CONF_APPLY, conf_set_enable_auth, NULL },
	{ "acct", M, CONF_WARN, NULL, "accounting is not implemented" },
	{ "listen-host", M, CONF_APPLY, set_listen_host, NULL },
	{ "udp-listen-host", M, CONF_APPLY, set_udp_listen_host, NULL },
	{ "listen-host-is-dyndns", M, CONF_APPLY, set_dyndns, NULL },
	{ "listen-netns", M, CONF_ERROR, NULL,
	  "listening in another network namespace is not implemented" },
	{ "listen-proxy-proto", M, CONF_ERROR_IF_ON, NULL,
	  "the PROXY protocol is not implemented: bans would hit the proxy" },
	{ "listen-clear-file", M, CONF_ERROR, NULL, "clear-text listening is not implemented" },
	{ "tcp-port", M, CONF_APPLY, set_tcp_port, NULL },
	{ "udp-port", M, CONF_APPLY, set_udp_port, NULL },
	{ "run-as-user", M, CONF_APPLY, set_run_as_user, NULL },
	{ "run-as-group", M, CONF_APPLY, set_run_as_group, NULL },
	{ "authd-user", M, CONF_APPLY, set_authd_user, NULL },
	{ "authd-group", M, CONF_APPLY, set_authd_group, NULL },
	{ "workers", M, CONF_APPLY, set_workers, NULL },
	{ "state-dir", M, CONF_APPLY, set_state_dir, NULL },
	{ "socket-file", M, CONF_IGNORE, NULL, NULL },
	{ "occtl-socket-file", M, CONF_APPLY, set_ctl_socket, NULL },
	{ "use-occtl", M, CONF_APPLY, set_use_occtl, NULL },
	{ "use-dbus", M, CONF_WARN_IF_ON, NULL, "D-Bus control is not implemented" },
	{ "chroot-dir", M, CONF_APPLY, set_chroot, NULL },
	{ "pid-file", M, CONF_APPLY, set_pid_file, NULL },
	{ "server-cert", M, CONF_APPLY, set_server_cert, NULL },
	{ "server-key", M, CONF_APPLY, set_server_key, NULL },
	{ "ca-cert", M, CONF_APPLY, set_ca_cert, NULL },
	{ "dh-params", M, CONF_IGNORE, NULL, NULL },
	{ "pin-file", M, CONF_WARN, NULL, "encrypted and hardware keys are not supported" },
	{ "srk-pin-file", M, CONF_WARN, NULL, "TPM keys are not supported" },
	{ "key-pin", M, CONF_WARN, NULL, "encrypted and hardware keys are not supported" },
	{ "srk-pin", M, CONF_WARN, NULL, "TPM keys are not supported" },
	{ "sec-mod-scale", M, CONF_IGNORE, NULL, NULL },
#ifdef GW_HAVE_SANDBOX
	{ "isolate-workers", M, CONF_APPLY, set_isolate, NULL },
	{ "use-seccomp", M, CONF_APPLY, set_isolate, NULL },
#else
	{ "isolate-workers", M, CONF_WARN_IF_ON, set_isolate,
	  "this build has no seccomp filter; workers run unprivileged and chrooted" },
	{ "use-seccomp", M, CONF_WARN_IF_ON, set_isolate, "this build has no seccomp filter" },
#endif
	{ "banner", M, CONF_APPLY, set_banner, NULL },
	{ "pre-login-banner", M, CONF_APPLY, set_pre_login_banner, NULL },
	{ "max-clients", M, CONF_APPLY, set_max_clients, NULL },
	{ "rate-limit-ms", M, CONF_WARN_IF_ON, NULL, "connection rate limiting is not implemented" },
	{ "server-stats-reset-time", M, CONF_IGNORE, NULL, NULL },
	{ "switch-to-tcp-timeout", M, CONF_APPLY, set_switch_to_tcp, NULL },
	{ "try-mtu-discovery", M, CONF_WARN_IF_ON, NULL, "MTU discovery over DTLS is not implemented" },
	{ "server-drain-ms", M, CONF_WARN_IF_ON, NULL, "connection draining is not implemented" },
	{ "ocsp-response", M, CONF_WARN, NULL, "OCSP stapling is not implemented" },
	{ "cert-user-oid", M, CONF_APPLY, conf_set_cert_user_oid, NULL },
	{ "cert-group-oid", M, CONF_APPLY, conf_set_cert_group_oid, NULL },
	{ "crl", M, CONF_APPLY, conf_set_crl, NULL },
	{ "compression", M, CONF_WARN_IF_ON, NULL, "compression is not implemented" },
	{ "no-compress-limit", M, CONF_IGNORE, NULL, NULL },
	{ "tls-priorities", M, CONF_APPLY, set_priorities, NULL },
	{ "match-tls-dtls-ciphers", M, CONF_WARN_IF_ON, NULL, NO_DTLS_MATCH },
	{ "auth-timeout", M, CONF_APPLY, set_auth_timeout, NULL },
	/* sslgate only: ocserv has no such deadline */
	{ "request-timeout", M, CONF_APPLY, set_request_timeout, NULL },
	{ "max-handshakes", M, CONF_APPLY, set_max_handshakes, NULL },
	{ "max-handshakes-per-ip", M, CONF_APPLY, set_max_handshakes_ip, NULL },
	{ "min-reauth-time", M, CONF_APPLY, set_min_reauth, NULL },
	{ "max-ban-score", M, CONF_APPLY, set_max_ban_score, NULL },
	{ "ban-reset-time", M, CONF_APPLY, set_ban_reset, NULL },
	{ "ban-points-wrong-password", M, CONF_APPLY, set_points_password, NULL },
	{ "ban-points-connection", M, CONF_APPLY, set_points_connection, NULL },
	{ "ban-points-kkdcp", M, CONF_IGNORE, NULL, NULL },
	{ "cookie-timeout", M, CONF_APPLY, set_cookie_timeout, NULL },
	{ "persistent-cookies", M, CONF_APPLY, set_persistent, NULL },
	{ "rekey-time", M, CONF_APPLY, set_rekey_time, NULL },
	{ "rekey-method", M, CONF_APPLY, set_rekey_method, NULL },
	{ "connect-script", M, CONF_ERROR_IF_ON, NULL,
	  NO_SCRIPTS ": a script that refuses connections would be bypassed" },
	{ "disconnect-script", M, CONF_WARN_IF_ON, NULL, NO_SCRIPTS },
	{ "host-update-script", M, CONF_WARN_IF_ON, NULL, NO_SCRIPTS },
	{ "use-utmp", M, CONF_WARN_IF_ON, NULL, "utmp records are not written" },
	{ "log-level", M, CONF_APPLY, set_log_level, NULL },
	{ "device", M, CONF_APPLY, set_device, NULL },
	{ "predictable-ips", M, CONF_APPLY, set_predictable, NULL },
	{ "ping-leases", M, CONF_WARN_IF_ON, NULL, "leases are not pinged" },
	{ "output-buffer", M, CONF_WARN, NULL, "the output queue is sized by sslgated" },
	{ "expose-iroutes", M, CONF_WARN_IF_ON, NULL, "iroutes are not implemented" },
	{ "select-group", M, CONF_APPLY, conf_add_group, NULL },
	{ "default-select-group", M, CONF_APPLY, set_default_select, NULL },
	{ "auto-select-group", M, CONF_WARN_IF_ON, NULL,
	  "groups are offered only as listed by select-group" },
	{ "config-per-group", M, CONF_APPLY, set_per_group, NULL },
	{ "config-per-user", M, CONF_APPLY, set_per_user, NULL },
	{ "default-group-config", M, CONF_APPLY, set_default_group, NULL },
	{ "default-user-config", M, CONF_APPLY, set_default_user, NULL },
	{ "route-add-cmd", M, CONF_WARN, NULL, "routes are set over netlink, not by commands" },
	{ "route-del-cmd", M, CONF_WARN, NULL, "routes are set over netlink, not by commands" },
	{ "proxy-url", M, CONF_WARN, NULL, "proxy settings are not sent" },
	{ "kkdcp", M, CONF_WARN, NULL, "Kerberos proxying is not implemented" },
	{ "user-profile", M, CONF_APPLY, set_profile, NULL },
	{ "cisco-client-compat", M, CONF_APPLY, set_cisco_compat, NULL },
	{ "always-require-cert", M, CONF_WARN_IF_ON, NULL, NO_CERT_AUTH },
	{ "cisco-svc-client-compat", M, CONF_WARN_IF_ON, NULL, "legacy SVC clients are not supported" },
	{ "dtls-legacy", M, CONF_APPLY, set_dtls_legacy, NULL },
	{ "dtls-psk", M, CONF_APPLY, set_dtls_psk, NULL },
	{ "client-bypass-protocol", M, CONF_APPLY, set_bypass, NULL },
	{ "camouflage", M, CONF_ERROR_IF_ON, NULL,
	  "camouflage is not implemented: the VPN would answer anyone" },
	{ "camouflage_secret", M, CONF_IGNORE, NULL, NULL },
	{ "camouflage_realm", M, CONF_IGNORE, NULL, NULL },
	{ "custom-header", M, CONF_WARN, NULL, "custom headers are not sent" },
};
const size_t conf_main_keys_count = sizeof(conf_main_keys) / sizeof(conf_main_keys[0]);

const struct conf_key *conf_key_find(const char *name, size_t *out_index)
{
	for (size_t i = 0; i < conf_main_keys_count; i++) {
		if (strcasecmp(conf_main_keys[i].name, name) == 0) {
			*out_index = i;
			return &conf_main_keys[i];
		}
	}
	for (size_t i = 0; i < conf_net_keys_count; i++) {
		if (strcasecmp(conf_net_keys[i].name, name) == 0) {
			*out_index = conf_main_keys_count + i;
			return &conf_net_keys[i];
		}
	}
	return NULL;
}
