/* SPDX-License-Identifier: ISC */
/*
 * The built-in network setup, second half: a plan (client/setup_plan.h)
 * carried out on this host through rtnetlink and resolv.conf, and undone.
 * Every route added carries SETUP_ROUTE_PROTOCOL, and removal matches only
 * routes with it, so undoing never takes away a route someone else made,
 * even one to the same prefix. The backup of resolv.conf is named after
 * the process: nothing is remembered in memory between up and down.
 */
#ifndef CLIENT_SETUP_BUILTIN_H
#define CLIENT_SETUP_BUILTIN_H

#include "client/setup_plan.h"

/*
 * Pins the gateway and the excludes to today's paths, sets the tun's MTU,
 * brings it up, adds its addresses and routes, then the name servers. 0, or
 * the first error (logged); what was done stays for setup_builtin_down.
 */
int setup_builtin_up(const char *ifname, unsigned mtu, const struct setup_plan *p);

/* Undoes setup_builtin_up for the same plan, each step whatever the others did. */
void setup_builtin_down(const char *ifname, const struct setup_plan *p);

/*
 * Before a reconnect attempt: the gateway's host route again, in case the
 * path to it changed (vpnc-script's attempt-reconnect does the same).
 */
void setup_builtin_repin(const char *ifname, const struct setup_plan *p);

#endif
