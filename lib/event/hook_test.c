/* SPDX-License-Identifier: ISC */
/*
 * The end-of-iteration hook: it runs once per iteration, after the
 * descriptors' callbacks and the due timers (so it sees what they batched),
 * also after an iteration with nothing ready, and not once removed. Every
 * wait is bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/event/loop.h"

/* What ran, in order: 'r' read callback, 't' timer, 'e' the hook. */
struct trace {
	struct event_io io;
	struct event_timer timer;
	char log[32];
	size_t len;
	int fd;
};

static void note(struct trace *tr, char c)
{
	if (tr->len + 1 < sizeof(tr->log))
		tr->log[tr->len++] = c;
	tr->log[tr->len] = '\0';
}

static void on_read(struct event_io *io, unsigned events)
{
	struct trace *tr = container_of(io, struct trace, io);
	char c;

	(void)events;
	while (read(tr->fd, &c, 1) == 1)
		;
	note(tr, 'r');
}

static void on_timer(struct event_timer *t)
{
	note(container_of(t, struct trace, timer), 't');
}

static void on_end(struct event_loop *loop, void *ctx)
{
	(void)loop;
	note(ctx, 'e');
}

static void runs_after_callbacks_and_timers(void **state)
{
	struct event_loop *loop;
	struct trace tr = { 0 };
	int fds[2];

	(void)state;
	assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
	tr.fd = fds[0];
	assert_int_equal(event_loop_new(&loop), 0);
	assert_int_equal(event_io_add(loop, &tr.io, fds[0], EVENT_READ, on_read), 0);
	event_timer_init(&tr.timer, on_timer);
	event_loop_on_iteration_end(loop, on_end, &tr);

	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(event_timer_arm(loop, &tr.timer, 0), 0);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_string_equal(tr.log, "rte");

	/* Nothing ready: a bounded wait still ends with the hook. */
	assert_int_equal(event_loop_run_once(loop, 1), 0);
	assert_string_equal(tr.log, "rtee");

	event_loop_on_iteration_end(loop, NULL, NULL);
	assert_int_equal(write(fds[1], "y", 1), 1);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_string_equal(tr.log, "rteer");

	event_io_del(loop, &tr.io);
	event_loop_free(loop);
	close(fds[0]);
	close(fds[1]);
}

/* One hook call per iteration, however many handles were ready in it. */
static void once_per_iteration(void **state)
{
	struct event_loop *loop;
	struct trace a = { 0 }, b = { 0 }, hook = { 0 };
	int pa[2], pb[2];

	(void)state;
	assert_int_equal(pipe2(pa, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(pipe2(pb, O_NONBLOCK | O_CLOEXEC), 0);
	a.fd = pa[0];
	b.fd = pb[0];
	assert_int_equal(event_loop_new(&loop), 0);
	assert_int_equal(event_io_add(loop, &a.io, pa[0], EVENT_READ, on_read), 0);
	assert_int_equal(event_io_add(loop, &b.io, pb[0], EVENT_READ, on_read), 0);
	event_loop_on_iteration_end(loop, on_end, &hook);
	assert_int_equal(write(pa[1], "x", 1), 1);
	assert_int_equal(write(pb[1], "x", 1), 1);
	assert_int_equal(event_loop_run_once(loop, 1000), 0);
	assert_string_equal(a.log, "r");
	assert_string_equal(b.log, "r");
	assert_string_equal(hook.log, "e");

	event_io_del(loop, &a.io);
	event_io_del(loop, &b.io);
	event_loop_free(loop);
	for (int i = 0; i < 2; i++) {
		close(pa[i]);
		close(pb[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_after_callbacks_and_timers),
		cmocka_unit_test(once_per_iteration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
