/* SPDX-License-Identifier: ISC */
/*
 * One event loop per process: file descriptors (epoll) and timers (a heap),
 * with the loop sleeping until the nearest deadline. Handles are embedded in
 * the caller's structs; callbacks recover their owner with container_of.
 *
 * The loop borrows every handle: it never frees one. A callback may add,
 * modify, delete or re-arm any handle, its own included, and may free the
 * owner of its own handle after deleting or cancelling the handles inside it.
 * Descriptors are level-triggered; delete an fd's handle before closing it.
 *
 * Each handle has a class. Every iteration runs the callbacks of all ready
 * EVENT_CLASS_PROMPT handles first, then those of at most EVENT_BULK_BUDGET
 * ready EVENT_CLASS_BULK handles, oldest first. Bulk handles left over wait
 * in a queue (epoll stops reporting them meanwhile, so they cannot crowd
 * prompt ones out of a wait's batch) and the loop does not sleep while the
 * queue holds any: each is served within ceil(position / budget) iterations,
 * however busy the prompt handles are. A callback must expect readiness that
 * went stale while it waited (a read that finds EAGAIN), as with any
 * level-triggered loop.
 */
#ifndef EVENT_LOOP_H
#define EVENT_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

enum event_flags {
	EVENT_READ = 1,
	EVENT_WRITE = 2,
	EVENT_ERROR = 4, /* reported only: hangup or error on the fd */
};

enum event_class {
	EVENT_CLASS_PROMPT = 0, /* every ready one, every iteration (event_io_add's default) */
	EVENT_CLASS_BULK,       /* a few per iteration, after the prompt ones */
};

/* Bulk callbacks per iteration: enough to keep handshakes moving, few enough
 * that a burst of them delays the prompt handles by a few operations only. */
#define EVENT_BULK_BUDGET 4

struct event_loop;
struct event_io;
struct event_timer;

typedef void (*event_io_fn)(struct event_io *io, unsigned events);
typedef void (*event_timer_fn)(struct event_timer *t);
typedef void (*event_loop_fn)(struct event_loop *loop, void *ctx);

struct event_io {
	int fd;
	unsigned events;       /* what is being watched */
	event_io_fn on_event;
	/* the loop's own: */
	enum event_class cls;
	bool is_queued;        /* bulk, ready, waiting for its turn */
	unsigned queued_events;
	struct event_io *queue_prev, *queue_next;
};

struct event_timer {
	uint64_t deadline_ms;  /* monotonic */
	size_t heap_index;     /* position in the loop's heap; SIZE_MAX when idle */
	uint64_t seq;          /* arming order: equal deadlines expire in it */
	event_timer_fn on_expire;
};

int event_loop_new(struct event_loop **out);
void event_loop_free(struct event_loop *loop);

/* Monotonic milliseconds, read once per loop iteration. */
uint64_t event_loop_now(const struct event_loop *loop);

/* 0 or VPN_ERR_IO (errno set). events: EVENT_READ | EVENT_WRITE, or 0. */
int event_io_add(struct event_loop *loop, struct event_io *io, int fd, unsigned events,
		 event_io_fn on_event);
int event_io_modify(struct event_loop *loop, struct event_io *io, unsigned events);
/* After this the io gets no callback, not even one already waiting; fd = -1. */
void event_io_del(struct event_loop *loop, struct event_io *io);
/*
 * Moves an added io to another class. Readiness already queued as bulk is
 * not lost: a handle made prompt is reported again by the next wait.
 */
void event_io_set_class(struct event_loop *loop, struct event_io *io, enum event_class cls);

void event_timer_init(struct event_timer *t, event_timer_fn on_expire);
/*
 * (Re)arms the timer delay_ms after event_loop_now(). A timer armed inside
 * a timer callback does not expire in the same pass, even with delay 0.
 * 0 or VPN_ERR_NOMEM.
 */
int event_timer_arm(struct event_loop *loop, struct event_timer *t, uint64_t delay_ms);
void event_timer_cancel(struct event_loop *loop, struct event_timer *t);
bool event_timer_is_armed(const struct event_timer *t);

/*
 * One wait (at most max_wait_ms, -1 = until the next timer; no wait at all
 * while bulk handles are queued) and its callbacks: prompt descriptors,
 * then up to EVENT_BULK_BUDGET bulk ones, then the timers that are due.
 * 0 or VPN_ERR_IO.
 */
int event_loop_run_once(struct event_loop *loop, int max_wait_ms);
/*
 * fn(loop, ctx) runs at the end of every iteration, after the due timers and
 * before the next wait: what the callbacks batched (writes to coalesce) is
 * finished there, so nothing batched is held across a sleep. One per loop;
 * fn NULL removes it. It may touch any handle, as a callback may.
 */
void event_loop_on_iteration_end(struct event_loop *loop, event_loop_fn fn, void *ctx);
/*
 * Runs until event_loop_stop() is called from a callback, or until nothing
 * is left to wait for (no descriptor, no armed timer). 0 or VPN_ERR_IO.
 */
int event_loop_run(struct event_loop *loop);
void event_loop_stop(struct event_loop *loop);

#endif
