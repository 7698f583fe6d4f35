/* SPDX-License-Identifier: ISC */
/*
 * The built-in network setup (--net-setup=builtin), first half: what the
 * gateway's CONNECT answer asks of this host, worked out without touching
 * it, in the shape Debian's vpnc-script gives the same answer on Linux:
 *
 *   - the IPv4 address as a /32 on the tun, plus a route to the pushed
 *     netmask's network; the IPv6 address with its prefix length;
 *   - a route through the tun for each split-include, or a default route
 *     per family the gateway gave an address in when it sent no include;
 *   - for each split-exclude, and for the gateway itself, a route pinned to
 *     the path the kernel uses today, so that what must stay outside the
 *     tunnel (the tunnel's own packets above all) does not loop into it;
 *   - at most three DNS servers and the default domain, for resolv.conf.
 *
 * A plan owns no pointers: it is a value, made again from the same
 * settings whenever the setup is undone, so nothing but the system itself
 * has to remember what was done.
 */
#ifndef CLIENT_SETUP_PLAN_H
#define CLIENT_SETUP_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/cstp/headers.h"
#include "lib/net/addr.h"

/* rtm_protocol of every route sslgate adds ("proto 85" in ip(8)). */
#define SETUP_ROUTE_PROTOCOL 85
/* resolv(5) reads three name servers. */
#define SETUP_MAX_DNS 3
/* The default domain, and the search line it goes in (resolv(5): 256). */
#define SETUP_DOMAIN_MAX 256
/* Every route of the answer, a netmask route and two defaults. */
#define SETUP_MAX_TUNNEL_ROUTES (CSTP_MAX_ROUTES + 3)
/* Every exclude of the answer and the gateway. */
#define SETUP_MAX_PINNED (CSTP_MAX_ROUTES + 1)

struct setup_plan {
	bool has_addr4;
	struct net_prefix addr4;     /* X-CSTP-Address as a /32 */
	bool has_addr6;
	struct net_prefix addr6;     /* X-CSTP-Address-IP6 with its length */
	/* through the tun; a /0 is that family's default route */
	struct net_prefix tunnel[SETUP_MAX_TUNNEL_ROUTES];
	size_t tunnel_count;
	/* through whatever carries them now; the gateway's host route first */
	struct net_prefix pinned[SETUP_MAX_PINNED];
	size_t pinned_count;
	struct net_addr dns[SETUP_MAX_DNS];
	size_t dns_count;
	char domain[SETUP_DOMAIN_MAX]; /* "" for none */
};

/*
 * Fills out from a CONNECT answer and the gateway's address. 0, or
 * VPN_ERR_INVALID for an IPv4 netmask that is not contiguous. Excludes
 * vpnc-script would not route (0/8, 127/8, 169.254/16) and a default domain
 * that is not made of host-name characters are left out with a warning.
 */
int setup_plan_make(struct setup_plan *out, const struct cstp_response *r,
		    const struct net_addr *gateway);

#endif
