/* SPDX-License-Identifier: ISC */
/*
 * The system side of a tunnel, through the vpnc-script (DESIGN.md): pre-init,
 * the tun device, connect; attempt-reconnect and reconnect around a
 * reconnect; disconnect at the end. Which variables the script sees is
 * client/script.h's business. With the built-in setup the client does the
 * script's work itself at the same moments (client/setup_builtin.h). Which
 * of the two runs is settled before the session starts (client/setup_choice.h):
 * here opts->net_setup is SCRIPT or BUILTIN, never AUTO.
 */
#ifndef CLIENT_NETCFG_H
#define CLIENT_NETCFG_H

#include "client/session.h"

/* First CONNECT: pre-init, open the tun device, connect. 0 or an error (logged). */
int netcfg_up(struct session *s);

/*
 * After a reconnect: "reconnect" when the gateway gave the same addresses
 * and MTU, else "disconnect" with the old settings and "connect" with the new.
 */
int netcfg_reconnected(struct session *s, const struct settings *old);

/*
 * The adapter's MTU changed (DTLS came or went, s->tunnel.mtu): the script
 * hears it as a reconnect, with no new handshake or login behind it.
 */
int netcfg_mtu_changed(struct session *s);

/* Before each reconnect attempt. */
void netcfg_attempt_reconnect(struct session *s);

/* "disconnect" if "connect" ran, then the tun device goes. */
void netcfg_down(struct session *s);

#endif
