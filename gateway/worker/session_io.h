/* SPDX-License-Identifier: ISC */
/*
 * The only place a session touches its socket: the TLS handshake, reading
 * records into s->in, and writing s->out one record per TLS record, corked
 * so a burst leaves in as few sends as possible.
 */
#ifndef GATEWAY_WORKER_SESSION_IO_H
#define GATEWAY_WORKER_SESSION_IO_H

#include <stddef.h>

struct session;

/* Registers the connection with the loop and starts the handshake. 0 or a vpn_err. */
int session_io_start(struct session *s);
/* Recomputes which readiness the connection waits for (after a phase or wait change). */
void session_io_update(struct session *s);
/* Reads what TLS has (bounded per call) and runs the phase handler over it. */
void session_io_pump(struct session *s);
/* Sends queued records; in CLOSING, ends the connection once they are out. */
void session_io_flush(struct session *s);
/* Unregisters, frees TLS and closes the socket (from session_free). */
void session_io_release(struct session *s);

/*
 * Makes room for total bytes of input (HTTP bodies); 0, VPN_ERR_TOO_BIG or
 * VPN_ERR_NOMEM. Growing and shrinking move the input to a new block and
 * wipe the old one before freeing it.
 */
int session_in_reserve(struct session *s, size_t total);
/* Drops the first n bytes of input (consumed by a handler). */
void session_in_consume(struct session *s, size_t n);
/* Gives the input buffer back to its small size (tunnel start). */
void session_in_shrink(struct session *s);

#endif
