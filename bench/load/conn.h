/* SPDX-License-Identifier: ISC */
/*
 * One load session's TLS connection, driven by the event loop: a
 * non-blocking TCP connect, the TLS handshake, a queue of records to send
 * and a buffer of plaintext received. The session above it reads `in` as a
 * byte stream (HTTP heads and bodies, then CSTP frames) and drops what it
 * has used with load_conn_consume().
 *
 * Ownership: the conn owns its socket, its TLS session and both buffers;
 * it borrows the loop and the TLS context, which must outlive it.
 */
#ifndef LOAD_CONN_H
#define LOAD_CONN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/event/loop.h"
#include "lib/tls/tls.h"

/* Plaintext waiting to be parsed: two TLS records, since HTTP answers and
 * CSTP frames may straddle one. */
#define LOAD_CONN_IN_MAX (2 * TLS_RECORD_MAX)
/* Records waiting to leave: requests and small frames only. */
#define LOAD_CONN_OUT_MAX 8192

enum load_conn_state {
	LOAD_CONN_IDLE = 0,
	LOAD_CONN_TCP,  /* connect() in progress */
	LOAD_CONN_TLS,  /* handshake in progress */
	LOAD_CONN_OPEN, /* records flow */
};

struct load_conn {
	enum load_conn_state state;
	int fd;
	struct event_io io;
	struct event_loop *loop;   /* borrowed */
	struct tls_conn *tls;
	uint8_t *in;
	size_t in_len;
	uint8_t *out;              /* records as [2-byte length][bytes] */
	size_t out_len;
	const char *why;           /* static reason of the last failure */
};

/* Allocates the buffers; 0 or VPN_ERR_NOMEM. */
int load_conn_init(struct load_conn *c, struct event_loop *loop);
/*
 * Closes socket and TLS session and wipes both buffers, keeping them for
 * the next load_conn_start(); with is_polite a close_notify goes first.
 */
void load_conn_close(struct load_conn *c, bool is_polite);
/* load_conn_close(), then frees the buffers. */
void load_conn_cleanup(struct load_conn *c);

/*
 * Starts connecting to addr; on_event is called on every readiness and
 * must call load_conn_pump(). 0 or VPN_ERR_IO (c->why says why).
 */
int load_conn_start(struct load_conn *c, const struct sockaddr_in *addr, event_io_fn on_event);

/*
 * Moves the connection on: finishes connect(), runs the handshake (tls_ctx
 * makes the session), sends queued records, reads what has arrived into
 * `in`. *out_is_new_open is set when the handshake finished in this call.
 * 0, or VPN_ERR_CLOSED / VPN_ERR_TLS / VPN_ERR_IO / VPN_ERR_TOO_BIG (`in`
 * full: the session did not consume) with c->why set.
 */
int load_conn_pump(struct load_conn *c, struct tls_client_ctx *tls_ctx, bool *out_is_new_open);

/* Queues one record (len <= TLS_RECORD_MAX); 0 or VPN_ERR_TOO_BIG when full. */
int load_conn_queue(struct load_conn *c, const void *data, size_t len);
/* Sends what can go now and sets the readiness to wait for; 0 or an error. */
int load_conn_flush(struct load_conn *c);
/*
 * Plaintext GnuTLS has decrypted but `in` had no room for: the socket may
 * be quiet, so the loop would not wake for it; pump again after consuming.
 */
bool load_conn_has_pending(const struct load_conn *c);
/* Drops the first n bytes of `in`. */
void load_conn_consume(struct load_conn *c, size_t n);

#endif
