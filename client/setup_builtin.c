/* SPDX-License-Identifier: ISC */
/*
 * Carrying out and undoing the built-in setup's plan, in vpnc-script's
 * order: the gateway's route, the device, addresses, split routes, DNS.
 */
#include "client/setup_builtin.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/setup_resolv.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/netlink.h"

/* vpnc-script keeps its backup here, per process, too. */
#define BACKUP_DIR "/run/sslgate"
#define RESOLV_CONF "/etc/resolv.conf"
/* IPv6 defaults: in front of the usual 1024 of a static or RA route (vpnc-script's 1) */
#define DEFAULT6_METRIC 1

static void resolv_paths(struct setup_resolv_paths *paths, char *backup, size_t backup_len)
{
	snprintf(backup, backup_len, BACKUP_DIR "/resolv.conf-backup.%d", (int)getpid());
	paths->conf = RESOLV_CONF;
	paths->backup = backup;
}

static void log_route(const char *what, const struct net_prefix *dst, int ret)
{
	char text[NET_PREFIX_STRLEN];

	net_prefix_format(dst, text, sizeof(text));
	log_warn("cannot %s the route to %s: %s", what, text, vpn_err_str(ret));
}

/* One destination to where it goes now; a path through our own tun is no path. */
static int pin(unsigned tun_index, const struct net_prefix *dst)
{
	struct net_route r;
	int ret = net_route_lookup(&dst->addr, &r);

	if (ret != 0 || r.oif == tun_index)
		return ret == 0 ? VPN_ERR_NOT_FOUND : ret;
	r.dst = *dst;
	r.protocol = SETUP_ROUTE_PROTOCOL;
	ret = net_route_add(&r);
	if (ret == VPN_ERR_IO && errno == EEXIST)
		return 0; /* the same route is there already, and stays when we go */
	return ret;
}

static void pin_all(unsigned tun_index, const struct setup_plan *p)
{
	for (size_t i = 0; i < p->pinned_count; i++) {
		int ret = pin(tun_index, &p->pinned[i]);

		/* no route to it now: nothing to keep it on, and nothing to undo */
		if (ret != 0 && ret != VPN_ERR_NOT_FOUND)
			log_route("pin", &p->pinned[i], ret);
	}
}

static struct net_route tunnel_route(unsigned tun_index, const struct net_prefix *dst)
{
	struct net_route r = { .dst = *dst, .oif = tun_index, .protocol = SETUP_ROUTE_PROTOCOL };

	if (dst->len == 0 && dst->addr.family == AF_INET6)
		r.priority = DEFAULT6_METRIC;
	return r;
}

static int configure_device(const char *ifname, unsigned tun_index, unsigned mtu,
			    const struct setup_plan *p)
{
	int ret = net_link_set(ifname, true, mtu);

	if (ret == 0 && p->has_addr4)
		ret = net_addr_change(ifname, &p->addr4, true);
	if (ret == 0 && p->has_addr6)
		ret = net_addr_change(ifname, &p->addr6, true);
	if (ret != 0) {
		log_err("cannot configure %s: %s", ifname, vpn_err_str(ret));
		return ret;
	}
	for (size_t i = 0; i < p->tunnel_count; i++) {
		struct net_route r = tunnel_route(tun_index, &p->tunnel[i]);

		ret = net_route_add(&r);
		if (ret == VPN_ERR_IO && errno == EEXIST)
			ret = 0;
		if (ret != 0) {
			log_route("add", &p->tunnel[i], ret);
			return ret;
		}
	}
	return 0;
}

static void configure_dns(const struct setup_plan *p)
{
	struct setup_resolv_paths paths;
	char backup[128];
	int ret;

	if (p->dns_count == 0)
		return;
	resolv_paths(&paths, backup, sizeof(backup));
	if (mkdir(BACKUP_DIR, 0700) != 0 && errno != EEXIST) {
		log_warn("DNS: cannot create %s; resolv.conf left alone", BACKUP_DIR);
		return;
	}
	ret = setup_resolv_apply(&paths, p->dns, p->dns_count, p->domain);
	if (ret == VPN_ERR_UNSUPPORTED)
		log_warn("DNS: %s is absent or a link a resolver manager owns "
			 "(systemd-resolved, resolvconf); the built-in setup leaves it alone: "
			 "use the vpnc-script (--net-setup=script) to hand DNS to the manager",
			 RESOLV_CONF);
	else if (ret != 0)
		log_warn("DNS: cannot rewrite %s: %s", RESOLV_CONF, vpn_err_str(ret));
}

int setup_builtin_up(const char *ifname, unsigned mtu, const struct setup_plan *p)
{
	unsigned tun_index = if_nametoindex(ifname);
	int ret;

	if (tun_index == 0) {
		log_err("the tun device %s is gone", ifname);
		return VPN_ERR_NOT_FOUND;
	}
	pin_all(tun_index, p);
	ret = configure_device(ifname, tun_index, mtu, p);
	if (ret == 0)
		configure_dns(p);
	return ret;
}

static void unconfigure_dns(const struct setup_plan *p)
{
	struct setup_resolv_paths paths;
	char backup[128];
	int ret;

	resolv_paths(&paths, backup, sizeof(backup));
	ret = setup_resolv_restore(&paths, p->dns, p->dns_count, p->domain);
	if (ret == VPN_ERR_INVALID)
		log_warn("DNS: %s was changed by someone else meanwhile; left as it is", RESOLV_CONF);
	else if (ret != 0 && ret != VPN_ERR_NOT_FOUND)
		log_warn("DNS: cannot restore %s: %s", RESOLV_CONF, vpn_err_str(ret));
	/* ours to remove once no session keeps a backup there */
	if (ret != VPN_ERR_NOT_FOUND)
		rmdir(BACKUP_DIR);
}

void setup_builtin_down(const char *ifname, const struct setup_plan *p)
{
	unsigned tun_index = if_nametoindex(ifname);

	unconfigure_dns(p);
	/* routes through the tun would go with it; a reconnect keeps the tun, though */
	for (size_t i = 0; tun_index && i < p->tunnel_count; i++) {
		struct net_route r = tunnel_route(tun_index, &p->tunnel[i]);
		int ret = net_route_del(&r);

		if (ret != 0 && ret != VPN_ERR_NOT_FOUND)
			log_route("remove", &p->tunnel[i], ret);
	}
	if (tun_index && p->has_addr4)
		net_addr_change(ifname, &p->addr4, false);
	if (tun_index && p->has_addr6)
		net_addr_change(ifname, &p->addr6, false);
	if (tun_index)
		net_link_set(ifname, false, 0);
	for (size_t i = 0; i < p->pinned_count; i++) {
		struct net_route r = { .dst = p->pinned[i], .protocol = SETUP_ROUTE_PROTOCOL };
		int ret = net_route_del(&r);

		if (ret != 0 && ret != VPN_ERR_NOT_FOUND)
			log_route("remove", &p->pinned[i], ret);
	}
}

void setup_builtin_repin(const char *ifname, const struct setup_plan *p)
{
	unsigned tun_index = if_nametoindex(ifname);
	int ret;

	if (p->pinned_count == 0)
		return;
	ret = pin(tun_index, &p->pinned[0]);
	if (ret != 0 && ret != VPN_ERR_NOT_FOUND)
		log_route("pin", &p->pinned[0], ret);
}
