/* SPDX-License-Identifier: ISC */
/* Interface, address and route configuration over rtnetlink (libmnl). */
#ifndef NET_NETLINK_H
#define NET_NETLINK_H

#include <stdbool.h>

#include "lib/net/addr.h"

/* Sets the link up or down and, when mtu > 0, its MTU. */
int net_link_set(const char *ifname, bool is_up, unsigned mtu);
/* Adds (or with is_add false removes) an address with its prefix length. */
int net_addr_change(const char *ifname, const struct net_prefix *addr, bool is_add);
/* Adds or removes a route to dst through the interface (no gateway). */
int net_route_change(const char *ifname, const struct net_prefix *dst, bool is_add);

#endif
