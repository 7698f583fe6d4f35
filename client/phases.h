/* SPDX-License-Identifier: ISC */
/*
 * The phase handlers, one per phase, each in the file of its concern. A
 * handler does the phase's work and returns the phase to move to (the same
 * one to be called again); it never writes s->phase (session_set_phase()
 * does, in connect.c) and ends a session only through session_close().
 */
#ifndef CLIENT_PHASES_H
#define CLIENT_PHASES_H

#include "client/session.h"

/* link.c: name resolution, TCP + TLS, server trust */
enum session_phase link_resolve(struct session *s);
enum session_phase link_tls(struct session *s);

/* auth_flow.c: init POSTs and group choice; auth-reply rounds */
enum session_phase auth_flow_group(struct session *s);
enum session_phase auth_flow_auth(struct session *s);

/* download.c: the profile, on a connection of its own */
enum session_phase download_run(struct session *s);

/* cstp_connect.c: CONNECT, tun device, vpnc-script */
enum session_phase cstp_connect_run(struct session *s);

/* tunnel.c: the data channel until it ends */
enum session_phase tunnel_run(struct session *s);

/* reconnect.c: wait, then try again with the cookie */
enum session_phase reconnect_run(struct session *s);

/* closing.c: disconnect, script, restore the system */
enum session_phase closing_run(struct session *s);

#endif
