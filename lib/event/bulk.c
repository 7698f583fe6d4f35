/* SPDX-License-Identifier: ISC */
/*
 * The bulk class's queue: ready handles that wait for their turn, served a
 * few per iteration in the order they became ready. A queued handle is
 * parked (no epoll interest), so a thousand ready handshakes neither fill
 * each wait's batch nor hide a ready tunnel behind them; its readiness is
 * kept here instead, and it is watched again just before its callback.
 */
#include "lib/event/loop_internal.h"

void event_bulk_push(struct event_loop *loop, struct event_io *io, unsigned events)
{
	if (io->is_queued) {
		/* parked handles are still told of hangups and errors */
		io->queued_events |= events;
		return;
	}
	io->is_queued = true;
	io->queued_events = events;
	io->queue_next = NULL;
	io->queue_prev = loop->bulk_tail;
	if (loop->bulk_tail)
		loop->bulk_tail->queue_next = io;
	else
		loop->bulk_head = io;
	loop->bulk_tail = io;
	/* On failure the handle stays watched: epoll reports it again, and the
	 * push above merges those reports. Nothing is lost either way. */
	event_io_watch(loop, io, true);
}

void event_bulk_unlink(struct event_loop *loop, struct event_io *io)
{
	if (!io->is_queued)
		return;
	if (io->queue_prev)
		io->queue_prev->queue_next = io->queue_next;
	else
		loop->bulk_head = io->queue_next;
	if (io->queue_next)
		io->queue_next->queue_prev = io->queue_prev;
	else
		loop->bulk_tail = io->queue_prev;
	io->queue_prev = io->queue_next = NULL;
	io->is_queued = false;
	io->queued_events = 0;
}

void event_bulk_run(struct event_loop *loop)
{
	for (int i = 0; i < EVENT_BULK_BUDGET && loop->bulk_head; i++) {
		struct event_io *io = loop->bulk_head;
		unsigned events = io->queued_events;

		event_bulk_unlink(loop, io);
		/* Watched again before the callback, which may modify or delete it;
		 * whatever it leaves unread is reported by the next wait. */
		event_io_watch(loop, io, false);
		io->on_event(io, events);
	}
}
