/* SPDX-License-Identifier: ISC */
/*
 * The TUNNEL phase: CSTP frames over TLS (PROTOCOL.md §7). Data frames go
 * to the worker's tun, DPD requests are echoed with their payload, keepalives
 * and DPD answers count as life, DISCONNECT ends the connection (0xb0 also
 * ends the session; anything else keeps it for a reconnect, §7.4), and the
 * DPD, idle and session timers run here.
 */
#ifndef GATEWAY_WORKER_TUNNEL_H
#define GATEWAY_WORKER_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/net/addr.h"

struct session;
struct outq_rec;

/* The timings a tunnel runs with (seconds; 0 = off). */
struct tunnel_params {
	struct net_prefix ipv4;       /* leased address (family 0: none) */
	struct net_prefix ipv6;
	unsigned mtu;
	unsigned dpd_s;
	unsigned keepalive_s;
	unsigned idle_s;
	unsigned session_timeout_s;   /* counted from the login (ident.created_unix) */
	/* restrict-user-to-routes: packets may only go to these (borrowed from the config). */
	bool is_restricted;
	const struct net_prefix *allowed;
	size_t n_allowed;
};

void tunnel_init(struct session *s);

/*
 * Enters TUNNEL after the CONNECT answer was queued: registers the inner
 * addresses, tells authd the session is attached, starts the timers and
 * reads frames already buffered. 0 or a vpn_err (the caller closes).
 */
int tunnel_start(struct session *s, const struct tunnel_params *p);

/* Phase handler: decodes and acts on the frames in s->in. */
void tunnel_on_input(struct session *s);

/*
 * One IP packet from the client, from either channel: checked against its
 * leased source address and restrict-user-to-routes, then written to the tun.
 * True when it passed; the caller counts its channel's bytes.
 */
bool tunnel_on_packet(struct session *s, const uint8_t *pkt, size_t len);

/* Sends one packet read from the tun: rec holds 8 free bytes then the packet. Takes rec. */
void tunnel_send_packet(struct session *s, struct outq_rec *rec);

/*
 * Ends the session from our side (admin disconnect, timeouts): queues an
 * empty DISCONNECT, which makes openconnect quit rather than reconnect,
 * marks the session as ended for authd, and closes.
 */
void tunnel_terminate(struct session *s, const char *reason);

/*
 * Leaves the data path: unregisters the inner addresses, gives the lease
 * back to the parent and tells authd whether the session ended or only
 * this connection (idempotent; session_close and session_free call it).
 */
void tunnel_detach(struct session *s);

#endif
