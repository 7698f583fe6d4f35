/* SPDX-License-Identifier: ISC */
/*
 * The event loop with real pipes and the real clock: readiness, hangup,
 * timer order and deadlines, and callbacks that delete, free, cancel or
 * re-arm handles while the loop is dispatching (run under ASan to catch a
 * touch of freed memory); the classes' order, the bulk budget and that no
 * bulk handle starves. Every wait is bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/event/loop.h"

static uint64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct watcher {
	struct event_io io;
	struct event_loop *loop;
	int calls;
	unsigned last_events;
};

static void on_watch(struct event_io *io, unsigned events)
{
	struct watcher *w = container_of(io, struct watcher, io);

	w->calls++;
	w->last_events = events;
}

static int make_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

static void pipe_readiness(void **state)
{
	struct event_loop *loop;
	struct watcher r = { 0 }, w = { 0 };
	int fds[2];
	char c;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	assert_int_equal(make_pipe(fds), 0);
	assert_int_equal(event_io_add(loop, &r.io, fds[0], EVENT_READ, on_watch), 0);
	assert_int_equal(event_io_add(loop, &w.io, fds[1], EVENT_WRITE, on_watch), 0);

	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(r.calls, 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(w.last_events, EVENT_WRITE);

	assert_int_equal(event_io_modify(loop, &w.io, 0), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.last_events, EVENT_READ);
	assert_int_equal(w.calls, 1);
	assert_int_equal(read(fds[0], &c, 1), 1);

	/* the writer goes away: the reader hears a hangup */
	event_io_del(loop, &w.io);
	assert_int_equal(w.io.fd, -1);
	close(fds[1]);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(r.calls, 2);
	assert_true(r.last_events & EVENT_ERROR);
	event_io_del(loop, &r.io);
	close(fds[0]);
	assert_int_equal(event_loop_run(loop), 0); /* nothing left: returns */
	event_loop_free(loop);
}

struct tick {
	struct event_timer timer;
	struct event_loop *loop;
	int id;
	int *order;
	int *n_order;
	int rearms_left;
	uint64_t delay;
	struct tick *victim;
};

static void on_tick(struct event_timer *t)
{
	struct tick *k = container_of(t, struct tick, timer);

	k->order[(*k->n_order)++] = k->id;
	if (k->victim != NULL)
		event_timer_cancel(k->loop, &k->victim->timer);
	if (k->rearms_left > 0) {
		k->rearms_left--;
		assert_int_equal(event_timer_arm(k->loop, t, k->delay), 0);
	}
}

static void timers_fire_in_deadline_order(void **state)
{
	static const uint64_t delays[] = { 30, 10, 20, 10, 0 };
	static const int expected[] = { 5, 2, 4, 3, 1 };
	struct event_loop *loop;
	struct tick ticks[5];
	int order[8], n_order = 0;
	uint64_t start;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	start = event_loop_now(loop); /* what the deadlines count from */
	for (int i = 0; i < 5; i++) {
		ticks[i] = (struct tick){ .loop = loop, .id = i + 1, .order = order,
					  .n_order = &n_order };
		event_timer_init(&ticks[i].timer, on_tick);
		assert_false(event_timer_is_armed(&ticks[i].timer));
		assert_int_equal(event_timer_arm(loop, &ticks[i].timer, delays[i]), 0);
		assert_true(event_timer_is_armed(&ticks[i].timer));
	}
	for (int i = 0; i < 20 && n_order < 5; i++)
		assert_int_equal(event_loop_run_once(loop, -1), 0);
	assert_int_equal(n_order, 5);
	assert_memory_equal(order, expected, sizeof(expected));
	assert_true(clock_ms() - start >= 30);
	assert_true(clock_ms() - start < 1000);
	for (int i = 0; i < 5; i++)
		assert_false(event_timer_is_armed(&ticks[i].timer));
	event_loop_free(loop);
}

static void cancel_and_cancel_from_callback(void **state)
{
	struct event_loop *loop;
	struct tick a, b, c;
	int order[8], n_order = 0;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	a = (struct tick){ .loop = loop, .id = 1, .order = order, .n_order = &n_order };
	b = a;
	b.id = 2;
	c = a;
	c.id = 3;
	a.victim = &b; /* a and b are due together; a fires first and cancels b */
	event_timer_init(&a.timer, on_tick);
	event_timer_init(&b.timer, on_tick);
	event_timer_init(&c.timer, on_tick);
	assert_int_equal(event_timer_arm(loop, &a.timer, 5), 0);
	assert_int_equal(event_timer_arm(loop, &b.timer, 5), 0);
	assert_int_equal(event_timer_arm(loop, &c.timer, 5), 0);
	event_timer_cancel(loop, &c.timer);
	event_timer_cancel(loop, &c.timer); /* twice is harmless */
	assert_false(event_timer_is_armed(&c.timer));
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(n_order, 1);
	assert_int_equal(order[0], 1);
	event_loop_free(loop);
}

/* Re-arming with delay 0 inside the callback waits for the next pass. */
static void rearm_from_callback(void **state)
{
	struct event_loop *loop;
	struct tick k;
	int order[16], n_order = 0;
	uint64_t start;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	k = (struct tick){ .loop = loop, .id = 1, .order = order, .n_order = &n_order,
			   .rearms_left = 3, .delay = 0 };
	event_timer_init(&k.timer, on_tick);
	assert_int_equal(event_timer_arm(loop, &k.timer, 0), 0);
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(event_loop_run_once(loop, 0), 0);
		assert_int_equal(n_order, i);
	}
	assert_false(event_timer_is_armed(&k.timer));

	k.rearms_left = 4;
	k.delay = 10;
	n_order = 0;
	start = event_loop_now(loop);
	assert_int_equal(event_timer_arm(loop, &k.timer, 10), 0);
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(n_order, 5);
	assert_true(clock_ms() - start >= 50);
	event_loop_free(loop);
}

/* A second handle on the same readiness, freed by whichever callback runs first. */
struct pair_watch {
	struct event_io io;
	struct event_loop *loop;
	struct pair_watch *other;
	int *calls;
	int fd;
};

static void on_pair(struct event_io *io, unsigned events)
{
	struct pair_watch *p = container_of(io, struct pair_watch, io);

	(*p->calls)++;
	if (p->other != NULL) {
		event_io_del(p->loop, &p->other->io);
		free(p->other);
		p->other = NULL;
	}
	event_io_del(p->loop, io); /* and itself, then its owner */
	free(p);
}

static void delete_during_dispatch(void **state)
{
	struct event_loop *loop;
	struct pair_watch *a, *b;
	int fds_a[2], fds_b[2], calls = 0;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	assert_int_equal(make_pipe(fds_a), 0);
	assert_int_equal(make_pipe(fds_b), 0);
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	*a = (struct pair_watch){ .loop = loop, .other = b, .calls = &calls };
	*b = (struct pair_watch){ .loop = loop, .other = a, .calls = &calls };
	assert_int_equal(event_io_add(loop, &a->io, fds_a[0], EVENT_READ, on_pair), 0);
	assert_int_equal(event_io_add(loop, &b->io, fds_b[0], EVENT_READ, on_pair), 0);
	/* both ready in the same wait */
	assert_int_equal(write(fds_a[1], "a", 1), 1);
	assert_int_equal(write(fds_b[1], "b", 1), 1);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(event_loop_run_once(loop, 20), 0);
	assert_int_equal(calls, 1);
	for (int i = 0; i < 2; i++) {
		close(fds_a[i]);
		close(fds_b[i]);
	}
	event_loop_free(loop);
}

/* A timer that frees its owner; an io callback that arms a timer and stops. */
struct owner {
	struct event_timer timer;
	struct event_io io;
	struct event_loop *loop;
	int *fired;
};

static void on_owner_expire(struct event_timer *t)
{
	struct owner *o = container_of(t, struct owner, timer);

	(*o->fired)++;
	event_loop_stop(o->loop);
	free(o);
}

static void on_owner_readable(struct event_io *io, unsigned events)
{
	struct owner *o = container_of(io, struct owner, io);

	event_io_del(o->loop, io);
	assert_int_equal(event_timer_arm(o->loop, &o->timer, 20), 0);
}

static void free_owner_from_callbacks(void **state)
{
	struct event_loop *loop;
	struct owner *o;
	int fds[2], fired = 0;
	uint64_t start;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	assert_int_equal(make_pipe(fds), 0);
	o = calloc(1, sizeof(*o));
	assert_non_null(o);
	o->loop = loop;
	o->fired = &fired;
	event_timer_init(&o->timer, on_owner_expire);
	assert_int_equal(event_io_add(loop, &o->io, fds[0], EVENT_READ, on_owner_readable), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
	start = clock_ms();
	assert_int_equal(event_loop_run(loop), 0);
	assert_int_equal(fired, 1);
	assert_true(clock_ms() - start >= 20);
	close(fds[0]);
	close(fds[1]);
	event_loop_free(loop);
}

/* Many timers armed, re-armed and cancelled: survivors fire once, by deadline. */
struct stress {
	struct event_timer timer;
	uint64_t *fired_at;
	size_t *n_fired;
	int *fire_count;
};

static void on_stress(struct event_timer *t)
{
	struct stress *s = container_of(t, struct stress, timer);

	s->fired_at[(*s->n_fired)++] = t->deadline_ms;
	(*s->fire_count)++;
}

static void heap_stress(void **state)
{
	enum { N = 1000 };
	static struct stress timers[N];
	static uint64_t fired_at[N];
	static int counts[N];
	struct event_loop *loop;
	size_t n_fired = 0;
	unsigned seed = 12345;
	int expected = 0;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	for (int i = 0; i < N; i++) {
		timers[i] = (struct stress){ .fired_at = fired_at, .n_fired = &n_fired,
					     .fire_count = &counts[i] };
		event_timer_init(&timers[i].timer, on_stress);
		assert_int_equal(event_timer_arm(loop, &timers[i].timer, rand_r(&seed) % 40), 0);
	}
	for (int i = 0; i < N; i++) {
		if (i % 3 == 0)
			event_timer_cancel(loop, &timers[i].timer);
		else if (i % 3 == 1)
			assert_int_equal(event_timer_arm(loop, &timers[i].timer,
							 rand_r(&seed) % 40), 0);
		if (i % 3 != 0)
			expected++;
	}
	for (int i = 0; i < 200 && (int)n_fired < expected; i++)
		assert_int_equal(event_loop_run_once(loop, -1), 0);
	assert_int_equal(n_fired, expected);
	for (size_t i = 1; i < n_fired; i++)
		assert_true(fired_at[i - 1] <= fired_at[i]);
	for (int i = 0; i < N; i++)
		assert_int_equal(counts[i], i % 3 == 0 ? 0 : 1);
	event_loop_free(loop);
}

static void max_wait_bounds_the_sleep(void **state)
{
	struct event_loop *loop;
	struct tick k;
	int order[4], n_order = 0;
	uint64_t start;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	k = (struct tick){ .loop = loop, .id = 1, .order = order, .n_order = &n_order };
	event_timer_init(&k.timer, on_tick);
	assert_int_equal(event_timer_arm(loop, &k.timer, 10000), 0);
	start = clock_ms();
	assert_int_equal(event_loop_run_once(loop, 20), 0);
	assert_true(clock_ms() - start >= 20);
	assert_true(clock_ms() - start < 5000);
	assert_int_equal(n_order, 0);
	assert_true(event_loop_now(loop) >= start + 20);
	event_timer_cancel(loop, &k.timer);
	event_loop_free(loop);
}

/* ---- classes: prompt handles first, a budget of bulk ones, none forgotten ---- */

#define N_RANKED 101

struct ranked {
	struct event_io io;
	int id;            /* 0: the prompt one; 1..: bulk */
	int calls;
	bool is_drained;   /* the callback reads the byte, as a finished handshake would */
	int fds[2];
	int *log;          /* ids in callback order */
	int *n_log;
};

static void on_ranked(struct event_io *io, unsigned events)
{
	struct ranked *r = container_of(io, struct ranked, io);
	char c;

	assert_true(events & EVENT_READ);
	r->calls++;
	if (*r->n_log < 4 * N_RANKED)
		r->log[(*r->n_log)++] = r->id;
	if (r->is_drained && read(r->fds[0], &c, 1) != 1)
		r->calls += 1000; /* stale readiness: fails the counts below */
}

/* n handles, the first prompt and the rest bulk, each with one byte ready. */
static struct ranked *ranked_new(struct event_loop *loop, int n, bool is_drained, int *log,
				 int *n_log)
{
	struct ranked *r = calloc((size_t)n, sizeof(*r));

	assert_non_null(r);
	for (int i = 0; i < n; i++) {
		r[i] = (struct ranked){ .id = i, .is_drained = is_drained, .log = log,
					.n_log = n_log };
		assert_int_equal(make_pipe(r[i].fds), 0);
		assert_int_equal(event_io_add(loop, &r[i].io, r[i].fds[0], EVENT_READ, on_ranked), 0);
		if (i > 0)
			event_io_set_class(loop, &r[i].io, EVENT_CLASS_BULK);
	}
	/* the prompt one becomes ready last: it still goes first */
	for (int i = n - 1; i >= 0; i--)
		assert_int_equal(write(r[(i + 1) % n].fds[1], "x", 1), 1);
	return r;
}

static void ranked_free(struct event_loop *loop, struct ranked *r, int n)
{
	for (int i = 0; i < n; i++) {
		event_io_del(loop, &r[i].io);
		close(r[i].fds[0]);
		close(r[i].fds[1]);
	}
	free(r);
}

static void prompt_first_then_bulk_budget(void **state)
{
	struct event_loop *loop;
	int log[4 * N_RANKED], n_log = 0;
	struct ranked *r;
	uint64_t start;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	r = ranked_new(loop, 7, true, log, &n_log);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(n_log, 1 + EVENT_BULK_BUDGET);
	assert_int_equal(log[0], 0);
	for (int i = 1; i < n_log; i++)
		assert_true(log[i] > 0);
	/* two bulk handles still wait: the next iteration must not sleep, and a
	 * prompt handle ready by then still goes before them */
	assert_int_equal(write(r[0].fds[1], "y", 1), 1);
	n_log = 0;
	start = clock_ms();
	assert_int_equal(event_loop_run_once(loop, 5000), 0);
	assert_true(clock_ms() - start < 2500);
	assert_int_equal(n_log, 3);
	assert_int_equal(log[0], 0);
	for (int i = 0; i < 7; i++)
		assert_int_equal(r[i].calls, i == 0 ? 2 : 1);
	ranked_free(loop, r, 7);
	event_loop_free(loop);
}

/* Everything stays ready (nothing is read): the prompt handle runs every
 * iteration, and the bulk ones take turns, each as often as the others. */
static void bulk_takes_turns_under_prompt_load(void **state)
{
	struct event_loop *loop;
	int log[4 * N_RANKED], n_log = 0;
	struct ranked *r;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	r = ranked_new(loop, 11, false, log, &n_log);
	for (int round = 0; round < 10; round++) {
		n_log = 0;
		assert_int_equal(event_loop_run_once(loop, 1000), 0);
		assert_int_equal(n_log, 1 + EVENT_BULK_BUDGET);
		assert_int_equal(log[0], 0);
	}
	assert_int_equal(r[0].calls, 10);
	for (int i = 1; i < 11; i++)
		assert_int_equal(r[i].calls, EVENT_BULK_BUDGET);
	ranked_free(loop, r, 11);
	event_loop_free(loop);
}

/* More ready bulk handles than one wait returns: the prompt one is not hidden
 * behind them, and every bulk one is served exactly once. */
static void prompt_not_hidden_by_a_full_batch(void **state)
{
	struct event_loop *loop;
	int log[4 * N_RANKED], n_log = 0;
	struct ranked *r;
	int rounds = 0;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	r = ranked_new(loop, N_RANKED, true, log, &n_log);
	while (rounds < 2 && r[0].calls == 0) {
		assert_int_equal(event_loop_run_once(loop, 1000), 0);
		rounds++;
	}
	assert_int_equal(r[0].calls, 1);
	for (rounds = 0; rounds < N_RANKED && n_log < N_RANKED; rounds++)
		assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(n_log, N_RANKED);
	for (int i = 1; i < N_RANKED; i++)
		assert_int_equal(r[i].calls, 1);
	ranked_free(loop, r, N_RANKED);
	event_loop_free(loop);
}

/* Queued bulk handles that are deleted, unwatched or made prompt. */
static void queued_handles_change(void **state)
{
	struct event_loop *loop;
	int log[4 * N_RANKED], n_log = 0;
	struct ranked *r;
	int waiting[3], n_waiting = 0;

	(void)state;
	assert_int_equal(event_loop_new(&loop), 0);
	r = ranked_new(loop, 1 + EVENT_BULK_BUDGET + 3, true, log, &n_log);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	for (int i = 1; i < 1 + EVENT_BULK_BUDGET + 3; i++)
		if (r[i].calls == 0)
			waiting[n_waiting++] = i;
	assert_int_equal(n_waiting, 3);
	event_io_del(loop, &r[waiting[0]].io);
	assert_int_equal(event_io_modify(loop, &r[waiting[1]].io, 0), 0);
	event_io_set_class(loop, &r[waiting[2]].io, EVENT_CLASS_PROMPT);
	n_log = 0;
	assert_int_equal(event_loop_run_once(loop, 200), 0);
	assert_int_equal(n_log, 1);
	assert_int_equal(log[0], waiting[2]);
	assert_int_equal(r[waiting[0]].calls, 0);
	assert_int_equal(r[waiting[1]].calls, 0);
	/* watched again, the unwatched one is served as bulk */
	assert_int_equal(event_io_modify(loop, &r[waiting[1]].io, EVENT_READ), 0);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_int_equal(r[waiting[1]].calls, 1);
	ranked_free(loop, r, 1 + EVENT_BULK_BUDGET + 3);
	event_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pipe_readiness),
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(cancel_and_cancel_from_callback),
		cmocka_unit_test(rearm_from_callback),
		cmocka_unit_test(delete_during_dispatch),
		cmocka_unit_test(free_owner_from_callbacks),
		cmocka_unit_test(heap_stress),
		cmocka_unit_test(max_wait_bounds_the_sleep),
		cmocka_unit_test(prompt_first_then_bulk_budget),
		cmocka_unit_test(bulk_takes_turns_under_prompt_load),
		cmocka_unit_test(prompt_not_hidden_by_a_full_batch),
		cmocka_unit_test(queued_handles_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
