/* SPDX-License-Identifier: ISC */
/*
 * A load session's DTLS channel (PSK-NEGOTIATE, as openconnect prefers
 * it): a connected UDP socket to the gateway's DTLS port, the handshake
 * with the key exported from the session's TLS connection and the App-ID
 * the gateway gave, then one frame per record. While the channel is down,
 * or if it never comes up, the session carries on over CSTP, as a client
 * does; a DTLS failure is counted, it does not end the session.
 *
 * Ownership: the channel owns its socket and its DTLS session; it borrows
 * the loop. The secrets it is started with are copied into the DTLS
 * session, which wipes them.
 */
#ifndef LOAD_DTLS_H
#define LOAD_DTLS_H

#include <netinet/in.h>
#include <stdbool.h>

#include "bench/load/tunnel.h"
#include "lib/event/loop.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls.h"

struct load_dtls {
	int fd;
	bool is_up;
	struct dtls_conn *dtls;
	struct event_loop *loop;   /* borrowed */
	struct event_io io;
	struct event_timer retrans; /* handshake retransmissions */
};

/* Ready to start; the callbacks belong to the session. */
void load_dtls_init(struct load_dtls *d, struct event_loop *loop, event_timer_fn on_retrans);

/*
 * Starts the handshake to server's address at t->dtls_port, with the PSK
 * exported from tls. 0, or an error with t->dtls_why set.
 */
int load_dtls_start(struct load_dtls *d, struct load_tunnel *t, struct tls_conn *tls,
		    const struct sockaddr_in *server, event_io_fn on_io);

/*
 * After readiness or the retransmission timer: moves the handshake on, or
 * reads and handles every record waiting. 0; VPN_ERR_CLOSED when the
 * gateway ended the session over DTLS; another error (t->dtls_why set)
 * when the channel failed: stop it and stay on CSTP.
 */
int load_dtls_step(struct load_dtls *d, struct load_tunnel *t);

/* Up only: a DPD request and, with target set, an echo request. */
int load_dtls_probe(struct load_dtls *d, struct load_tunnel *t, const struct net_addr *target);

/* Closes the channel (close_notify when up); safe when never started. */
void load_dtls_stop(struct load_dtls *d);

#endif
