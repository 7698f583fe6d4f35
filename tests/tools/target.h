/* SPDX-License-Identifier: ISC */
/*
 * sg-probe-target: the smallest gateway-shaped server the probe can be
 * tested against before sslgated exists. One forked child per TCP
 * connection (TLS, then HTTP requests parsed by lib/http, XML bodies by
 * lib/auth, CSTP frames by lib/cstp after a CONNECT carrying the one
 * cookie it knows); UDP datagrams are answered only when they are a DTLS
 * ClientHello naming the one DTLS id it knows. Every decision is logged on
 * stderr as one "target: ..." line, so the self-test can compare what the
 * probe reported with what the server did.
 *
 * It is a test fixture, not a model of the gateway's policy.
 */
#ifndef TARGET_H
#define TARGET_H

#include <stdint.h>

struct tls_server_ctx;

struct target_cfg {
	struct tls_server_ctx *tls;
	const char *cookie;        /* the webvpn value CONNECT must carry */
	uint8_t dtls_id[32];       /* the ClientHello session_id UDP answers to */
	unsigned head_timeout_ms;  /* a request head must be complete by then */
	unsigned conn_timeout_ms;  /* a connection's whole life */
};

/* Serves one accepted connection to the end; runs in its own child. */
void target_conn_serve(const struct target_cfg *cfg, int fd);

/* Answers (or drops) one datagram received on the UDP socket. */
void target_udp_datagram(const struct target_cfg *cfg, int fd);

/* "target: " + a line on stderr. */
void target_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
