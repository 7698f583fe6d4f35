/* SPDX-License-Identifier: ISC */
/*
 * The loop's state, shared by loop_epoll.c (descriptors, the wait), bulk.c
 * (the queue of ready bulk-class descriptors) and timer.c (the deadline
 * heap). Nothing outside lib/event/ includes this.
 */
#ifndef EVENT_LOOP_INTERNAL_H
#define EVENT_LOOP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "lib/event/loop.h"

/* Readiness events taken per wait; more simply wait for the next round. */
#define EVENT_BATCH 64

struct event_loop {
	int epfd;
	uint64_t now_ms;
	bool is_stopped;
	size_t io_count;
	/* the current wait's events; event_io_del() blanks the undelivered ones */
	struct epoll_event events[EVENT_BATCH];
	int n_events;
	int next_event;
	/* ready bulk-class handles, oldest first (borrowed; linked through them) */
	struct event_io *bulk_head, *bulk_tail;
	/* binary min-heap by (deadline_ms, seq); the timers are borrowed */
	struct event_timer **heap;
	size_t heap_len;
	size_t heap_cap;
	uint64_t next_seq;
	/* event_loop_on_iteration_end's hook (borrowed) */
	event_loop_fn on_end;
	void *on_end_ctx;
};

/*
 * Sets the fd's epoll interest: the io's events, or none while it is parked
 * in the bulk queue (epoll still reports hangups and errors). 0 or VPN_ERR_IO.
 */
int event_io_watch(struct event_loop *loop, struct event_io *io, bool is_parked);

/* Queues a ready bulk io (parking it), or adds events to its queued ones. */
void event_bulk_push(struct event_loop *loop, struct event_io *io, unsigned events);
/* Takes io off the queue; its interest is left to the caller. */
void event_bulk_unlink(struct event_loop *loop, struct event_io *io);
/* Serves up to EVENT_BULK_BUDGET queued handles from the head. */
void event_bulk_run(struct event_loop *loop);

/* Milliseconds until the nearest deadline, capped by max_wait_ms (-1: none). */
int event_timers_timeout(const struct event_loop *loop, int max_wait_ms);
/* Expires the timers due at loop->now_ms that were armed before this call. */
void event_timers_run(struct event_loop *loop);
/* Forgets every timer (they stay the caller's) and frees the heap. */
void event_timers_cleanup(struct event_loop *loop);

#endif
