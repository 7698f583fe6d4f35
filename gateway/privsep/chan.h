/* SPDX-License-Identifier: ISC */
/*
 * One privsep socket inside an event loop, for the parent and authd: reads
 * every waiting datagram, checks it (msg_check) and hands it on; sends
 * without blocking, keeping what the socket does not take yet in a bounded
 * queue that drains when it becomes writable.
 *
 * The chan owns its socket and its queue (queued descriptors are its own
 * duplicates); it borrows the loop. A callback may close the chan it was
 * called for.
 */
#ifndef GATEWAY_PRIVSEP_CHAN_H
#define GATEWAY_PRIVSEP_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/event/loop.h"

#define CHAN_QUEUE_MAX 16384  /* messages; a ban or session list fits */
#define CHAN_READ_BURST 64    /* datagrams per wake-up, so one peer cannot starve others */

struct chan;
struct chan_item;

/* A checked message; fd (or -1) came with it and is now the callee's. */
typedef void (*chan_msg_fn)(struct chan *c, void *msg, size_t len, int fd);
/* The peer went away or the socket failed; the chan is already closed. */
typedef void (*chan_closed_fn)(struct chan *c);

struct chan {
	struct event_loop *loop;       /* borrowed */
	const char *name;              /* static, for log lines */
	void *owner;                   /* borrowed: what the callbacks work on */
	unsigned index;                /* the owner's number for it (a worker's index) */
	int fd;                        /* owned; -1 when closed */
	struct event_io io;
	struct chan_item *head, *tail; /* owned queue */
	size_t queued;
	uint64_t invalid;              /* datagrams that failed msg_check */
	chan_msg_fn on_msg;
	chan_closed_fn on_closed;
};

/* Takes fd (non-blocking SOCK_SEQPACKET) and watches it. 0 or a vpn_err. */
int chan_open(struct chan *c, struct event_loop *loop, int fd, const char *name,
	      chan_msg_fn on_msg, chan_closed_fn on_closed, void *owner);
/* Stops watching, drops the queue, closes the socket. Safe when closed. */
void chan_close(struct chan *c);
bool chan_is_open(const struct chan *c);

/*
 * Sends one message (and a copy of fd when fd >= 0; the caller keeps its
 * own). 0, VPN_ERR_TOO_BIG when the queue is full (dropped, logged),
 * VPN_ERR_CLOSED when the chan is closed.
 */
int chan_send(struct chan *c, const void *msg, size_t len, int fd);

#endif
