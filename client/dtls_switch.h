/* SPDX-License-Identifier: ISC */
/*
 * The session's side of DTLS (DESIGN.md "Client"): reading the CONNECT
 * answer into the tunnel's DTLS link, starting it with the data channel,
 * and following it: the phase is DTLS_UP while DTLS carries data, TUNNEL
 * otherwise; the adapter's MTU is X-DTLS-MTU while DTLS is up or expected,
 * X-CSTP-MTU once an attempt has failed (set by netlink and shown to the
 * vpnc-script as reason=reconnect: no new handshake, no new login).
 */
#ifndef CLIENT_DTLS_SWITCH_H
#define CLIENT_DTLS_SWITCH_H

#include "client/session.h"

/*
 * After CONNECT: takes the DTLS part of the answer (s->settings) and picks
 * the adapter's MTU (s->tunnel.mtu). Without usable DTLS the tunnel runs on
 * TLS alone at X-CSTP-MTU; that is logged, never fatal.
 */
void dtls_switch_answer(struct session *s);

/* With the data channel: starts the first DTLS attempt, when there is DTLS. */
void dtls_switch_start(struct session *s);

/* When the data channel ends: DTLS goes too and its secrets are wiped. */
void dtls_switch_stop(struct session *s);

#endif
