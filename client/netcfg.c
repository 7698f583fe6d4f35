/* SPDX-License-Identifier: ISC */
/*
 * Bringing the system up and down through the vpnc-script, in
 * openconnect's order: "pre-init" before the tun device exists, "connect"
 * once it does, "attempt-reconnect" before each reconnect, "reconnect"
 * after one, "disconnect" at the end (after which closing the tun fd makes
 * the device disappear). With the built-in setup (--net-setup=builtin, or
 * auto's choice) the same moments call client/setup_builtin.h instead, and
 * no script runs.
 */
#include "client/netcfg.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/setup_builtin.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/tun.h"

/* Header values are views; the script wants C strings. Carved from one buffer. */
struct strings {
	char buf[16384];
	size_t used;
};

static const char *str(struct strings *st, struct str_view v)
{
	char *out;

	if (!v.ptr || v.len == 0 || v.len + 1 > sizeof(st->buf) - st->used)
		return NULL;
	out = st->buf + st->used;
	memcpy(out, v.ptr, v.len);
	out[v.len] = '\0';
	st->used += v.len + 1;
	return out;
}

/* Everything the script variables are made of, gathered from the settings. */
struct gathered {
	struct strings strings;
	struct net_addr dns[2 * CSTP_MAX_DNS];
	struct net_prefix include[CSTP_MAX_ROUTES];
	struct net_prefix exclude[CSTP_MAX_ROUTES];
	const char *split_dns[CSTP_MAX_SPLIT_DNS];
};

static void gather_routes(struct script_tunnel *t, struct gathered *g, const struct cstp_response *r)
{
	for (size_t i = 0; i < r->routes.count; i++) {
		const struct cstp_route *route = &r->routes.items[i];

		if (route->is_exclude)
			g->exclude[t->split_exclude_count++] = route->prefix;
		else
			g->include[t->split_include_count++] = route->prefix;
	}
	t->split_include = g->include;
	t->split_exclude = g->exclude;
}

static void gather(struct script_tunnel *t, struct gathered *g, const struct session *s,
		   const struct settings *st)
{
	const struct cstp_response *r = &st->cstp;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	t->tundev = s->tunnel.ifname;
	t->gateway = &s->gw.addr;
	/* The adapter's, which DTLS decides (client/dtls_switch.c); the TLS figure before. */
	t->mtu = s->tunnel.mtu ? s->tunnel.mtu : st->mtu;
	if (r->idle_timeout.is_set && !r->idle_timeout.is_none)
		t->idle_timeout = r->idle_timeout.value;
	t->log_level = (int)s->opts->verbosity;
	t->pid = getpid();
	t->addr4 = r->has_address ? &r->address : NULL;
	t->netmask4 = r->has_address && r->has_netmask ? &r->netmask : NULL;
	t->addr6 = r->has_address6 ? &r->address6 : r->has_netmask6 ? &r->netmask6 : NULL;
	for (size_t i = 0; i < r->dns.count; i++)
		g->dns[n++] = r->dns.items[i];
	for (size_t i = 0; i < r->dns6.count; i++)
		g->dns[n++] = r->dns6.items[i];
	t->dns = g->dns;
	t->dns_count = n;
	t->nbns = r->nbns.items;
	t->nbns_count = r->nbns.count;
	t->domain = str(&g->strings, r->default_domain);
	t->banner = str(&g->strings, r->banner);
	t->proxy_pac = str(&g->strings, r->proxy_pac_url);
	for (size_t i = 0; i < r->split_dns.count; i++) {
		const char *d = str(&g->strings, r->split_dns.items[i]);

		if (d)
			g->split_dns[t->split_dns_count++] = d;
	}
	t->split_dns = g->split_dns;
	gather_routes(t, g, r);
	t->cstp_options = st->cstp_options;
}

static int fill_env(struct session *s, const struct settings *st)
{
	struct gathered *g = malloc(sizeof(*g));
	struct script_tunnel t;
	int ret;

	if (!g)
		return VPN_ERR_NOMEM;
	g->strings.used = 0;
	gather(&t, g, s, st);
	script_env_cleanup(&s->tunnel.env);
	script_env_init(&s->tunnel.env);
	ret = script_env_fill(&s->tunnel.env, &t);
	free(g);
	return ret;
}

static const char *script_command(const struct session *s)
{
	return s->opts->script ? s->opts->script : SCRIPT_DEFAULT;
}

static int run(struct session *s, enum script_reason reason)
{
	int status;
	int ret;

	log_debug("vpnc-script: reason=%s", script_reason_name(reason));
	ret = script_run(&s->tunnel.env, script_command(s), reason, SCRIPT_TIMEOUT_MS, &status);
	if (ret != 0)
		log_err("vpnc-script '%s' failed for %s (status 0x%x)", script_command(s),
			script_reason_name(reason), (unsigned)status);
	return ret;
}

static void log_settings(const struct session *s)
{
	const struct cstp_response *r = &s->settings.cstp;
	char addr[NET_ADDR_STRLEN] = "none";
	char addr6[NET_PREFIX_STRLEN] = "none";

	if (r->has_address)
		net_addr_format(&r->address, addr, sizeof(addr));
	if (r->has_address6)
		net_prefix_format(&r->address6, addr6, sizeof(addr6));
	log_debug("CONNECT: tun %s, address %s, IPv6 %s, MTU %u, %zu routes, %zu DNS",
		  s->tunnel.ifname, addr, addr6, s->settings.mtu, r->routes.count,
		  r->dns.count + r->dns6.count);
}

/*
 * From CONNECT on, the TLS connection carries packets: Nagle must not hold
 * one back behind another still unacknowledged. The kernel's own first
 * packets on a fresh tun (an IPv6 router solicitation, MLD reports) leave
 * just before the user's; with Nagle the user's first packet then waited
 * for the gateway's delayed ACK, 40 ms, on every TLS-only connect. Batching
 * is ours to do (the TLS cork), not the kernel's.
 */
static void tunnel_socket_nodelay(const struct session *s)
{
	int one = 1;

	if (s->conn.fd >= 0 &&
	    setsockopt(s->conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		log_debug("TCP_NODELAY refused on the tunnel's connection");
}

static bool is_builtin(const struct session *s)
{
	return s->opts->net_setup == OPTIONS_NET_SETUP_BUILTIN;
}

/*
 * The built-in setup's plan for a set of settings, on the heap (a plan is
 * bounded by the answer's route limit, tens of KiB). NULL: no memory or an
 * answer no plan fits (logged).
 */
static struct setup_plan *plan_of(const struct session *s, const struct settings *st)
{
	struct setup_plan *p = malloc(sizeof(*p));

	if (!p) {
		log_err("no memory for the network setup");
		return NULL;
	}
	if (setup_plan_make(p, &st->cstp, &s->gw.addr) != 0) {
		log_err("the gateway's IPv4 netmask is not contiguous");
		free(p);
		return NULL;
	}
	return p;
}

static int builtin_up(struct session *s, const struct settings *st)
{
	struct setup_plan *p = plan_of(s, st);
	unsigned mtu = s->tunnel.mtu ? s->tunnel.mtu : st->mtu;
	int ret;

	if (!p)
		return VPN_ERR_INVALID;
	log_debug("built-in setup: %zu routes through %s, %zu kept outside, %zu DNS servers",
		  p->tunnel_count, s->tunnel.ifname, p->pinned_count, p->dns_count);
	ret = setup_builtin_up(s->tunnel.ifname, mtu, p);
	free(p);
	/* as with the script: even a failed setup may have done half its work */
	s->tunnel.is_configured = true;
	return ret;
}

static void builtin_down(struct session *s, const struct settings *st)
{
	struct setup_plan *p = plan_of(s, st);

	if (p)
		setup_builtin_down(s->tunnel.ifname, p);
	free(p);
}

static int open_tun(struct session *s)
{
	int ret = tunnel_open_tun(&s->tunnel, s->opts->ifname);

	if (ret != 0)
		log_err("cannot create the tun device%s%s: %s", s->opts->ifname ? " " : "",
			s->opts->ifname ? s->opts->ifname : "", vpn_err_str(ret));
	return ret;
}

int netcfg_up(struct session *s)
{
	int ret;

	tunnel_socket_nodelay(s);
	if (is_builtin(s)) {
		ret = open_tun(s);
		if (ret != 0)
			return ret;
		log_settings(s);
		return builtin_up(s, &s->settings);
	}
	/* pre-init runs before the device exists: everything but its name. */
	ret = fill_env(s, &s->settings);
	if (ret == 0 && run(s, SCRIPT_REASON_PRE_INIT) != 0)
		return VPN_ERR_IO;
	ret = open_tun(s);
	if (ret != 0)
		return ret;
	ret = fill_env(s, &s->settings);
	if (ret != 0) {
		log_err("the gateway's settings cannot be handed to the script: %s", vpn_err_str(ret));
		return ret;
	}
	log_settings(s);
	ret = run(s, SCRIPT_REASON_CONNECT);
	/* Even a failed connect may have done half its work: disconnect undoes it. */
	s->tunnel.is_configured = true;
	return ret;
}

static int builtin_reconnected(struct session *s, const struct settings *old)
{
	if (settings_same_addresses(old, &s->settings))
		return 0; /* addresses, routes and DNS stand as they are */
	log_info("the gateway gave different addresses on reconnect; reconfiguring");
	if (s->tunnel.is_configured)
		builtin_down(s, old);
	log_settings(s);
	return builtin_up(s, &s->settings);
}

int netcfg_reconnected(struct session *s, const struct settings *old)
{
	tunnel_socket_nodelay(s);
	if (is_builtin(s))
		return builtin_reconnected(s, old);
	if (settings_same_addresses(old, &s->settings)) {
		if (fill_env(s, &s->settings) != 0)
			return VPN_ERR_NOMEM;
		return run(s, SCRIPT_REASON_RECONNECT);
	}
	log_info("the gateway gave different addresses on reconnect; reconfiguring");
	if (s->tunnel.is_configured)
		run(s, SCRIPT_REASON_DISCONNECT);
	if (fill_env(s, &s->settings) != 0)
		return VPN_ERR_NOMEM;
	log_settings(s);
	return run(s, SCRIPT_REASON_CONNECT);
}

int netcfg_mtu_changed(struct session *s)
{
	/* the caller set the MTU already; only a script needs telling */
	if (!s->tunnel.is_configured || is_builtin(s))
		return 0;
	if (fill_env(s, &s->settings) != 0)
		return VPN_ERR_NOMEM;
	return run(s, SCRIPT_REASON_RECONNECT);
}

void netcfg_attempt_reconnect(struct session *s)
{
	struct setup_plan *p;

	if (!s->tunnel.is_configured)
		return;
	if (!is_builtin(s)) {
		run(s, SCRIPT_REASON_ATTEMPT_RECONNECT);
		return;
	}
	p = plan_of(s, &s->settings);
	if (p)
		setup_builtin_repin(s->tunnel.ifname, p);
	free(p);
}

void netcfg_down(struct session *s)
{
	struct tunnel *t = &s->tunnel;

	if (t->is_configured && is_builtin(s))
		builtin_down(s, &s->settings);
	else if (t->is_configured)
		run(s, SCRIPT_REASON_DISCONNECT);
	t->is_configured = false;
	if (t->tun_fd >= 0) {
		close(t->tun_fd);
		t->tun_fd = -1;
	}
}
