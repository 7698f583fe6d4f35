/* SPDX-License-Identifier: ISC */
/*
 * The loop itself: epoll for descriptors, one wait per iteration bounded by
 * the nearest timer, then the descriptors' callbacks (prompt ones, then a
 * budget of bulk ones: bulk.c) and the due timers.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/event/loop_internal.h"

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int event_loop_new(struct event_loop **out)
{
	struct event_loop *loop;

	loop = calloc(1, sizeof(*loop));
	if (loop == NULL)
		return VPN_ERR_NOMEM;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return VPN_ERR_IO;
	}
	loop->now_ms = monotonic_ms();
	*out = loop;
	return 0;
}

void event_loop_free(struct event_loop *loop)
{
	if (loop == NULL)
		return;
	event_timers_cleanup(loop);
	close(loop->epfd);
	free(loop);
}

uint64_t event_loop_now(const struct event_loop *loop)
{
	return loop->now_ms;
}

static uint32_t to_epoll(unsigned events)
{
	return (events & EVENT_READ ? EPOLLIN : 0u) | (events & EVENT_WRITE ? EPOLLOUT : 0u);
}

static unsigned from_epoll(uint32_t events)
{
	return (events & EPOLLIN ? EVENT_READ : 0u) | (events & EPOLLOUT ? EVENT_WRITE : 0u) |
	       (events & (EPOLLERR | EPOLLHUP) ? EVENT_ERROR : 0u);
}

static int control(struct event_loop *loop, int op, struct event_io *io, bool is_parked)
{
	struct epoll_event ev = { .events = is_parked ? 0u : to_epoll(io->events), .data.ptr = io };

	return epoll_ctl(loop->epfd, op, io->fd, &ev) == 0 ? 0 : VPN_ERR_IO;
}

int event_io_watch(struct event_loop *loop, struct event_io *io, bool is_parked)
{
	return control(loop, EPOLL_CTL_MOD, io, is_parked);
}

int event_io_add(struct event_loop *loop, struct event_io *io, int fd, unsigned events,
		 event_io_fn on_event)
{
	int ret;

	io->fd = fd;
	io->events = events;
	io->on_event = on_event;
	io->cls = EVENT_CLASS_PROMPT;
	io->is_queued = false;
	io->queued_events = 0;
	io->queue_prev = io->queue_next = NULL;
	ret = control(loop, EPOLL_CTL_ADD, io, false);
	if (ret != 0) {
		io->fd = -1;
		return ret;
	}
	loop->io_count++;
	return 0;
}

int event_io_modify(struct event_loop *loop, struct event_io *io, unsigned events)
{
	unsigned old = io->events;
	int ret;

	io->events = events;
	if (io->is_queued) {
		/* Stays parked with what is still wanted; new interest takes
		 * effect when its turn comes. */
		io->queued_events &= events | EVENT_ERROR;
		if (io->queued_events != 0)
			return 0;
		event_bulk_unlink(loop, io);
	}
	ret = control(loop, EPOLL_CTL_MOD, io, false);
	if (ret != 0)
		io->events = old;
	return ret;
}

void event_io_set_class(struct event_loop *loop, struct event_io *io, enum event_class cls)
{
	io->cls = cls;
	if (cls == EVENT_CLASS_PROMPT && io->is_queued) {
		/* level-triggered: what it was queued for is reported again */
		event_bulk_unlink(loop, io);
		event_io_watch(loop, io, false);
	}
}

void event_io_del(struct event_loop *loop, struct event_io *io)
{
	if (io->fd < 0)
		return;
	event_bulk_unlink(loop, io);
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	/* events of this wait not yet delivered may point at freed memory soon */
	for (int i = loop->next_event; i < loop->n_events; i++)
		if (loop->events[i].data.ptr == io)
			loop->events[i].data.ptr = NULL;
	io->fd = -1;
	loop->io_count--;
}

static void dispatch(struct event_loop *loop)
{
	while (loop->next_event < loop->n_events) {
		struct epoll_event *ev = &loop->events[loop->next_event++];
		struct event_io *io = ev->data.ptr;

		if (io == NULL)
			continue;
		if (io->cls == EVENT_CLASS_BULK)
			event_bulk_push(loop, io, from_epoll(ev->events));
		else
			io->on_event(io, from_epoll(ev->events));
	}
	loop->n_events = 0;
	loop->next_event = 0;
	event_bulk_run(loop);
}

int event_loop_run_once(struct event_loop *loop, int max_wait_ms)
{
	int n;

	loop->now_ms = monotonic_ms();
	/* queued bulk work is ready now: look for prompt work without sleeping */
	n = epoll_wait(loop->epfd, loop->events, EVENT_BATCH,
		       loop->bulk_head ? 0 : event_timers_timeout(loop, max_wait_ms));
	if (n < 0 && errno != EINTR)
		return VPN_ERR_IO;
	loop->now_ms = monotonic_ms();
	loop->n_events = n > 0 ? n : 0;
	loop->next_event = 0;
	dispatch(loop);
	event_timers_run(loop);
	if (loop->on_end)
		loop->on_end(loop, loop->on_end_ctx);
	return 0;
}

void event_loop_on_iteration_end(struct event_loop *loop, event_loop_fn fn, void *ctx)
{
	loop->on_end = fn;
	loop->on_end_ctx = ctx;
}

int event_loop_run(struct event_loop *loop)
{
	loop->is_stopped = false;
	while (!loop->is_stopped) {
		int ret;

		if (loop->io_count == 0 && loop->heap_len == 0)
			return 0;
		ret = event_loop_run_once(loop, -1);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void event_loop_stop(struct event_loop *loop)
{
	loop->is_stopped = true;
}
