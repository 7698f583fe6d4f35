/* SPDX-License-Identifier: ISC */
/*
 * The probe's connections: raw TCP, TLS over TCP (lib/tls, trusting only the
 * test CA), and UDP, every wait bounded by the scenario's deadline. On any
 * failure the helpers record what the peer did in the probe_result (closed,
 * reset, alert, timeout, refused) and return a negative value; scenarios
 * just stop there.
 *
 * Ownership: struct probe_conn owns its socket and TLS objects;
 * probe_conn_close() releases them and may be called on a zeroed struct.
 */
#ifndef PROBE_NET_H
#define PROBE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tests/tools/probe.h"

struct probe_conn {
	int fd;
	struct tls_client_ctx *ctx;
	struct tls_conn *tls;     /* NULL on raw TCP and UDP */
	uint64_t deadline_ms;
	struct probe_result *r;
};

/* Raw TCP, connected before the deadline; 0 or -1 (r says why). */
int probe_tcp_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r);
/* TCP + TLS handshake + certificate trusted by the test CA; 0 or -1. */
int probe_tls_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r);
/* A connected UDP socket to the DTLS port; 0 or -1. */
int probe_udp_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r);
void probe_conn_close(struct probe_conn *c);

/*
 * Sends all of data (TLS: in records of at most 16 KiB). 0, or -1 when the
 * peer closed, reset, alerted or the deadline passed (recorded in r).
 */
int probe_send(struct probe_conn *c, const void *data, size_t len);

/*
 * Reads what arrives within wait_ms (capped by the deadline): one TLS
 * record's plaintext, or one raw read / datagram. > 0 bytes; 0 on an
 * orderly close (r: closed); -1 on timeout (r: timeout, or silent on UDP)
 * or error (r: reset, alert, refused).
 */
ssize_t probe_recv(struct probe_conn *c, void *buf, size_t cap, unsigned wait_ms);

/* Whether the peer has sent something (or closed) within wait_ms; reads nothing. */
bool probe_readable(struct probe_conn *c, unsigned wait_ms);

/* Milliseconds left before the deadline (0 when it passed). */
unsigned probe_left_ms(const struct probe_conn *c);

/* One HTTP answer as the probe saw it. The body is kept (bounded) to inspect. */
struct probe_http_answer {
	int status;
	char reason[96];
	char x_reason[96];      /* X-Reason, which ocserv uses for CONNECT failures */
	char headers[4096];     /* the head as received, NUL-terminated */
	uint8_t body[16384];
	size_t body_len;
	size_t extra_len;       /* bytes after the head/body already read (tunnel) */
	uint8_t extra[16384];
};

/*
 * Reads one response head (and its Content-Length body up to the buffer)
 * for a request_method request. 0 with r->outcome = http and r->status /
 * r->reason filled; -1 when no answer came (r says what happened instead).
 */
int probe_http_read(struct probe_conn *c, const char *request_method,
		    struct probe_http_answer *out);

/* After a scenario's answer: does the peer close within wait_ms? Adds after=... */
void probe_note_after(struct probe_conn *c, unsigned wait_ms);

#endif
