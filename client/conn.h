/* SPDX-License-Identifier: ISC */
/*
 * One TLS connection to the gateway and the HTTP exchanges on it (phases
 * 2-5): send a request, wait for the whole answer. Waiting is bounded by
 * the caller's deadline and cut short by the stop flag (SIGINT/SIGTERM);
 * nothing here decides what an answer means.
 *
 * Ownership: a conn owns its socket, its TLS session, its buffer and the
 * room the response's header list lives in. After conn_exchange() the
 * response's views and the body borrow from that buffer until the next
 * exchange or conn_close(). The buffer is wiped on reuse and
 * on close: answers carry cookies.
 */
#ifndef CLIENT_CONN_H
#define CLIENT_CONN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/http/response.h"
#include "lib/net/addr.h"
#include "lib/tls/tls.h"

/* Header lines an answer may carry: a CONNECT answer has one per split route. */
#define CONN_HEADERS_MAX 512
/* The largest head: 512 route lines of IPv6 text (~36 KiB) beside a 48 KiB XML line. */
#define CONN_HEAD_MAX (128 * 1024)
/* A whole answer: head and body; a profile is the largest body. */
#define CONN_BUF_MAX (1024 * 1024 + CONN_HEAD_MAX)
/* One TLS record of plaintext, the most tls_conn_read() hands back at once. */
#define CONN_RECORD_MAX 16384

/* What bounds a wait: a monotonic deadline (0: none) and the stop flag. */
struct conn_wait {
	uint64_t deadline_ms;
	const volatile sig_atomic_t *stop;
};

struct conn {
	int fd;                   /* -1 when closed */
	struct tls_conn *tls;     /* NULL when closed */
	bool is_open;
	const char *why;          /* static text for the last failure, for the log */

	uint8_t *buf;             /* CONN_BUF_MAX bytes, allocated on open */
	size_t len;               /* bytes received into buf */
	struct header_view *lines; /* CONN_HEADERS_MAX views, allocated on open: resp's header room */
	struct http_response resp;
	size_t head_len;          /* the head is buf[0..head_len) */
	uint8_t *body;            /* the (de-chunked) body, inside buf */
	size_t body_len;
	size_t extra_len;         /* bytes after the answer (a CONNECT's first frames) */
};

void conn_init(struct conn *c);

/*
 * The bounds answers are read with: lib/http's, but a head up to
 * CONN_HEAD_MAX with lines up to 48 KiB, because an ASA puts a whole XML
 * document on the one X-CSTP-Post-Auth-XML line of its CONNECT answer, and
 * up to CONN_HEADERS_MAX header lines, because it pushes hundreds of split
 * routes, one line each (read them into a room of that many views).
 */
void conn_limits(struct http_limits *out);

/*
 * TCP to addr:port, then a TLS handshake with ctx. 0, or VPN_ERR_IO
 * (connect failed, timeout, stopped; c->why says which) / VPN_ERR_TLS /
 * VPN_ERR_NOMEM, and the connection is closed again.
 */
int conn_open(struct conn *c, const struct net_addr *addr, uint16_t port,
	      struct tls_client_ctx *ctx, const struct conn_wait *w);

/* Closes the socket and frees the session; sends close_notify when is_polite. */
void conn_close(struct conn *c, bool is_polite);

/*
 * Sends req (a whole request) and reads the whole answer to it: the head
 * parsed for method, then the body as the head frames it. 0 with c->resp,
 * c->body, c->body_len set; VPN_ERR_INVALID for an answer that is not
 * HTTP or too large (c->why); VPN_ERR_CLOSED when the gateway closed
 * before answering; VPN_ERR_IO for timeouts and stops.
 */
int conn_exchange(struct conn *c, const void *req, size_t req_len, const char *method,
		  const struct conn_wait *w);

/* Writes one whole record (len <= 16384), waiting while the socket is full. */
int conn_write_record(struct conn *c, const void *data, size_t len, const struct conn_wait *w);

/* The kernel's path MTU estimate for the connection (TCP_INFO), or 0. */
unsigned conn_path_mtu(const struct conn *c);

/* The peer's address in text, for logs. */
void conn_peer_text(const struct conn *c, char *out, size_t out_len);

#endif
