/* SPDX-License-Identifier: ISC */
/*
 * Interface, address and route configuration over rtnetlink (libmnl), in the
 * caller's network namespace. Each call waits for the kernel's answer and
 * returns 0 or: VPN_ERR_NOT_FOUND (no such interface; deleting what is not
 * there), VPN_ERR_DENIED (no CAP_NET_ADMIN), VPN_ERR_INVALID (refused value,
 * e.g. an MTU out of range), VPN_ERR_IO (errno holds the kernel's code).
 * Adding an address or a route with net_route_change that exists already
 * replaces it: not an error.
 */
#ifndef NET_NETLINK_H
#define NET_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/net/addr.h"

/* Sets the link up or down and, when mtu > 0, its MTU. */
int net_link_set(const char *ifname, bool is_up, unsigned mtu);
/* Adds (or with is_add false removes) an address with its prefix length. */
int net_addr_change(const char *ifname, const struct net_prefix *addr, bool is_add);
/*
 * Adds or removes a route to dst through the interface: no gateway, main
 * table, proto boot as ip(8) makes it; host bits of dst are ignored.
 */
int net_route_change(const char *ifname, const struct net_prefix *dst, bool is_add);

/*
 * A route with its owner: what the route helpers below add, find and remove.
 * protocol (rtm_protocol, "proto" in ip(8)) marks who added it; a removal
 * with a protocol only ever matches that owner's route.
 */
struct net_route {
	struct net_prefix dst;
	unsigned oif;            /* interface index */
	bool has_gateway;
	struct net_addr gateway; /* next hop, the family of dst */
	unsigned priority;       /* metric; 0 as ip(8) leaves it for IPv4 */
	uint8_t protocol;        /* 0 on removal: any owner */
};

/*
 * The route the kernel uses for dst now, as `ip route get` shows it: out
 * gets dst as a host prefix, the interface and the next hop. VPN_ERR_NOT_FOUND
 * when dst is unreachable or an address of this host (nothing to copy).
 */
int net_route_lookup(const struct net_addr *dst, struct net_route *out);

/*
 * Adds r in front of any other route to the same prefix and metric (as
 * `ip route prepend`: the other stays and serves again once r goes). An
 * identical route is VPN_ERR_IO with errno EEXIST: it is not the caller's.
 */
int net_route_add(const struct net_route *r);
/* Removes the route matching r (its protocol, interface, next hop when given). */
int net_route_del(const struct net_route *r);

#endif
