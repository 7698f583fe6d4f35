/* SPDX-License-Identifier: ISC */
/*
 * Interface, address and route configuration over rtnetlink (libmnl), in the
 * caller's network namespace. Each call waits for the kernel's answer and
 * returns 0 or: VPN_ERR_NOT_FOUND (no such interface; deleting what is not
 * there), VPN_ERR_DENIED (no CAP_NET_ADMIN), VPN_ERR_INVALID (refused value,
 * e.g. an MTU out of range), VPN_ERR_IO (errno holds the kernel's code).
 * Adding an address or route that exists already replaces it: not an error.
 */
#ifndef NET_NETLINK_H
#define NET_NETLINK_H

#include <stdbool.h>

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

#endif
