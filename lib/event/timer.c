/* SPDX-License-Identifier: ISC */
/*
 * Timers: a binary min-heap of borrowed handles ordered by deadline, then by
 * arming order, so the loop knows the nearest deadline in O(1) and arming,
 * re-arming or cancelling costs O(log n).
 */
#include <limits.h>
#include <stdlib.h>

#include "lib/base/err.h"
#include "lib/event/loop_internal.h"

static bool is_before(const struct event_timer *a, const struct event_timer *b)
{
	if (a->deadline_ms != b->deadline_ms)
		return a->deadline_ms < b->deadline_ms;
	return a->seq < b->seq;
}

static void place(struct event_loop *loop, size_t i, struct event_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void sift_up(struct event_loop *loop, size_t i)
{
	struct event_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!is_before(t, loop->heap[parent]))
			break;
		place(loop, i, loop->heap[parent]);
		i = parent;
	}
	place(loop, i, t);
}

static void sift_down(struct event_loop *loop, size_t i)
{
	struct event_timer *t = loop->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= loop->heap_len)
			break;
		if (child + 1 < loop->heap_len && is_before(loop->heap[child + 1], loop->heap[child]))
			child++;
		if (!is_before(loop->heap[child], t))
			break;
		place(loop, i, loop->heap[child]);
		i = child;
	}
	place(loop, i, t);
}

static void heap_remove(struct event_loop *loop, size_t i)
{
	struct event_timer *t = loop->heap[i];
	struct event_timer *last = loop->heap[--loop->heap_len];

	t->heap_index = SIZE_MAX;
	if (i == loop->heap_len)
		return;
	place(loop, i, last);
	sift_down(loop, i);
	sift_up(loop, last->heap_index);
}

static int heap_push(struct event_loop *loop, struct event_timer *t)
{
	if (loop->heap_len == loop->heap_cap) {
		size_t cap = loop->heap_cap ? 2 * loop->heap_cap : 16;
		struct event_timer **grown = reallocarray(loop->heap, cap, sizeof(*grown));

		if (grown == NULL)
			return VPN_ERR_NOMEM;
		loop->heap = grown;
		loop->heap_cap = cap;
	}
	place(loop, loop->heap_len++, t);
	sift_up(loop, t->heap_index);
	return 0;
}

void event_timer_init(struct event_timer *t, event_timer_fn on_expire)
{
	t->deadline_ms = 0;
	t->heap_index = SIZE_MAX;
	t->seq = 0;
	t->on_expire = on_expire;
}

bool event_timer_is_armed(const struct event_timer *t)
{
	return t->heap_index != SIZE_MAX;
}

int event_timer_arm(struct event_loop *loop, struct event_timer *t, uint64_t delay_ms)
{
	uint64_t now = loop->now_ms;

	t->deadline_ms = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
	t->seq = loop->next_seq++;
	if (!event_timer_is_armed(t))
		return heap_push(loop, t);
	sift_up(loop, t->heap_index);
	sift_down(loop, t->heap_index);
	return 0;
}

void event_timer_cancel(struct event_loop *loop, struct event_timer *t)
{
	if (event_timer_is_armed(t))
		heap_remove(loop, t->heap_index);
}

int event_timers_timeout(const struct event_loop *loop, int max_wait_ms)
{
	uint64_t deadline, delay;

	if (loop->heap_len == 0)
		return max_wait_ms;
	deadline = loop->heap[0]->deadline_ms;
	delay = deadline > loop->now_ms ? deadline - loop->now_ms : 0;
	if (delay > INT_MAX)
		delay = INT_MAX;
	if (max_wait_ms >= 0 && (uint64_t)max_wait_ms < delay)
		return max_wait_ms;
	return (int)delay;
}

void event_timers_run(struct event_loop *loop)
{
	/*
	 * Timers armed from here on (seq >= limit) wait for the next pass, so a
	 * callback re-arming itself with delay 0 cannot spin this loop. They
	 * sort after every older due timer, so stopping at one loses nothing.
	 */
	uint64_t limit = loop->next_seq;

	while (loop->heap_len > 0) {
		struct event_timer *t = loop->heap[0];

		if (t->deadline_ms > loop->now_ms || t->seq >= limit)
			break;
		heap_remove(loop, 0);
		t->on_expire(t); /* may free t's owner: t is not touched after */
	}
}

void event_timers_cleanup(struct event_loop *loop)
{
	for (size_t i = 0; i < loop->heap_len; i++)
		loop->heap[i]->heap_index = SIZE_MAX;
	free(loop->heap);
	loop->heap = NULL;
	loop->heap_len = 0;
	loop->heap_cap = 0;
}
