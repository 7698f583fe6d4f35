/* SPDX-License-Identifier: ISC */
/*
 * DTLS demux, the worker's part (DESIGN.md): the worker's share of the
 * DTLS port receives first ClientHellos (later datagrams of a client go to
 * its connected socket). A hello whose key names a live worker goes to the
 * parent, which hands the owner a connected socket (MSG_DTLS_SOCKET);
 * everything else is dropped, counted and reported in a rate-limited line.
 * Every datagram the demux reads ends in exactly one of the counts below.
 */
#ifndef GATEWAY_WORKER_DTLS_DEMUX_H
#define GATEWAY_WORKER_DTLS_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#include "gateway/privsep/msg.h"
#include "lib/event/loop.h"
#include "lib/tls/dtls.h"

struct worker;
struct net_addr;

/*
 * What became of the datagrams, by cause (since the start, and since the
 * last log line). All but forwarded are drops. A forwarded hello that no
 * session turns out to have is counted again, as unknown, by the worker that
 * refuses it (dtls_demux_refuse_socket), so the drops of all workers count
 * each datagram once.
 */
struct dtls_demux_counts {
	uint64_t garbage;     /* not a ClientHello at all */
	uint64_t truncated;   /* a ClientHello cut short */
	uint64_t unknown;     /* a hello for a session nobody has */
	uint64_t oversized;   /* bigger than a message can carry */
	uint64_t lost;        /* ours to forward, but the parent channel took no more */
	uint64_t forwarded;   /* handed to the parent channel */
};

/* Datagrams per recvmmsg; a hello is well under MSG_DTLS_HELLO_MAX, and one
 * byte more tells an oversized datagram. */
#define DTLS_DEMUX_BATCH 16
#define DTLS_DEMUX_DGRAM_CAP (MSG_DTLS_HELLO_MAX + 1)

struct dtls_demux {
	struct worker *w;                /* borrowed */
	struct event_io io;              /* on w->udp_fd */
	struct dtls_demux_counts total;
	struct dtls_demux_counts logged; /* total at the last log line */
	uint64_t last_log_ms;
	struct event_timer log_timer;    /* the line held back by the rate limit */
	bool is_log_armed;
	/* Scratch, one reader at a time: first datagrams, and the records that
	 * every session of the worker reads (dtls_link_io.c). */
	uint8_t dgrams[DTLS_DEMUX_BATCH][DTLS_DEMUX_DGRAM_CAP];
	uint8_t record[DTLS_RECORD_MAX];
	/* Owned: the sessions' recvmmsg/sendmmsg scratch (dtls.h), made at start. */
	struct dtls_batch *batch;
};

/* Watches w->udp_fd when there is one. 0, VPN_ERR_NOMEM or an event error. */
int dtls_demux_start(struct worker *w);
void dtls_demux_stop(struct worker *w);

/* A hello reached its owner for a session it does not have (any more). */
void dtls_demux_count_unknown(struct worker *w);

/*
 * The parent's socket for a forwarded hello (MSG_DTLS_SOCKET) that no
 * session of ours has: counts the hello as unknown, turns the socket away
 * from the client, sorts what it caught and closes it (fd is taken). The
 * parent connected it to the client, so the kernel put that client's later
 * datagrams in it rather than in the shared port; closed unread they would
 * vanish uncounted. For dtls_link_on_socket, when no session has the key.
 */
void dtls_demux_refuse_socket(struct worker *w, int fd);

/*
 * Sorts one datagram: forwards it (through the parent) when it is a whole
 * ClientHello with a key of ours, else counts why not. Exposed for tests.
 */
void dtls_demux_on_datagram(struct worker *w, const uint8_t *data, size_t len,
			    const struct net_addr *remote, uint16_t remote_port);

#endif
