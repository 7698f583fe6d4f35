/* SPDX-License-Identifier: ISC */
/*
 * The built-in setup's plan: from a CONNECT answer to addresses, routes and
 * name servers, following what Debian's vpnc-script does with the same
 * variables (client/script.c makes them) on Linux.
 */
#include "client/setup_plan.h"

#include <string.h>

#include "lib/base/err.h"
#include "lib/base/log.h"

/* Leading one bits of a contiguous IPv4 mask, or -1. */
static int mask_len(const struct net_addr *mask)
{
	unsigned len = 0;

	if (mask->family != AF_INET)
		return -1;
	while (len < 32 && (mask->bytes[len / 8] & (0x80u >> (len % 8))))
		len++;
	for (unsigned i = len; i < 32; i++)
		if (mask->bytes[i / 8] & (0x80u >> (i % 8)))
			return -1;
	return (int)len;
}

static void add_tunnel(struct setup_plan *p, const struct net_prefix *dst)
{
	struct net_prefix net = *dst;

	net_prefix_normalize(&net);
	for (size_t i = 0; i < p->tunnel_count; i++)
		if (p->tunnel[i].len == net.len && net_addr_equal(&p->tunnel[i].addr, &net.addr))
			return;
	if (p->tunnel_count < SETUP_MAX_TUNNEL_ROUTES)
		p->tunnel[p->tunnel_count++] = net;
}

static void add_default(struct setup_plan *p, int family)
{
	struct net_prefix any = { .addr = { .family = family }, .len = 0 };

	add_tunnel(p, &any);
}

/* vpnc-script leaves these to the host: "this network", loopback, link-local. */
static bool is_unroutable(const struct net_prefix *net)
{
	const uint8_t *b = net->addr.bytes;

	if (net->addr.family != AF_INET)
		return false;
	return b[0] == 0 || b[0] == 127 || (b[0] == 169 && b[1] == 254);
}

static void add_pinned(struct setup_plan *p, const struct net_prefix *dst)
{
	struct net_prefix net = *dst;

	net_prefix_normalize(&net);
	if (is_unroutable(&net)) {
		char text[NET_PREFIX_STRLEN];

		net_prefix_format(&net, text, sizeof(text));
		log_warn("split-exclude %s cannot be routed; ignored", text);
		return;
	}
	if (p->pinned_count < SETUP_MAX_PINNED)
		p->pinned[p->pinned_count++] = net;
}

static int plan_addresses(struct setup_plan *p, const struct cstp_response *r)
{
	if (r->has_address) {
		p->has_addr4 = true;
		p->addr4.addr = r->address;
		p->addr4.len = 32;
	}
	if (r->has_address && r->has_netmask) {
		int len = mask_len(&r->netmask);
		struct net_prefix net = { .addr = r->address };

		if (len < 0)
			return VPN_ERR_INVALID;
		net.len = (unsigned)len;
		if (len < 32)
			add_tunnel(p, &net);
	}
	/* vpnc-script: the "netmask" of IPv6 carries the address and its length */
	if (r->has_address6 || r->has_netmask6) {
		p->has_addr6 = true;
		p->addr6 = r->has_address6 ? r->address6 : r->netmask6;
	}
	return 0;
}

static void plan_routes(struct setup_plan *p, const struct cstp_response *r)
{
	bool has_include[2] = { false, false };

	for (size_t i = 0; i < r->routes.count; i++) {
		const struct cstp_route *route = &r->routes.items[i];
		bool is_ipv6 = route->prefix.addr.family == AF_INET6;

		if (route->is_exclude) {
			add_pinned(p, &route->prefix);
			continue;
		}
		has_include[is_ipv6] = true;
		add_tunnel(p, &route->prefix);
	}
	if (!has_include[0] && p->has_addr4)
		add_default(p, AF_INET);
	if (!has_include[1] && p->has_addr6)
		add_default(p, AF_INET6);
}

static void plan_dns(struct setup_plan *p, const struct cstp_response *r)
{
	static const struct net_addr zero = { .family = AF_INET };
	const struct cstp_addr_list *lists[2] = { &r->dns, &r->dns6 };

	/* the order and the "0.0.0.0 is noise" rule of the script's INTERNAL_IP4_DNS */
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->count && p->dns_count < SETUP_MAX_DNS; i++)
			if (!net_addr_equal(&lists[l]->items[i], &zero))
				p->dns[p->dns_count++] = lists[l]->items[i];
}

/* Host-name characters and blanks only: the value lands in a file resolvers parse. */
static void plan_domain(struct setup_plan *p, const struct cstp_response *r)
{
	struct str_view d = r->default_domain;

	if (!d.ptr || d.len == 0)
		return;
	if (d.len >= sizeof(p->domain)) {
		log_warn("the default domain is too long for resolv.conf; ignored");
		return;
	}
	for (size_t i = 0; i < d.len; i++) {
		char c = d.ptr[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == ' ')) {
			log_warn("the default domain has characters a resolver would misread; ignored");
			return;
		}
	}
	memcpy(p->domain, d.ptr, d.len);
	p->domain[d.len] = '\0';
}

int setup_plan_make(struct setup_plan *out, const struct cstp_response *r,
		    const struct net_addr *gateway)
{
	struct net_prefix gw = { .addr = *gateway };
	int ret;

	memset(out, 0, sizeof(*out));
	gw.len = (unsigned)net_addr_size(gateway->family) * 8;
	/* a gateway on loopback is a local proxy: nothing to pin (vpnc-script) */
	if (gw.len > 0 && !(gateway->family == AF_INET && gateway->bytes[0] == 127) &&
	    !(gateway->family == AF_INET6 && gw.len == 128 &&
	      memcmp(gateway->bytes, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0))
		out->pinned[out->pinned_count++] = gw;
	ret = plan_addresses(out, r);
	if (ret != 0)
		return ret;
	plan_routes(out, r);
	plan_dns(out, r);
	plan_domain(out, r);
	return 0;
}
