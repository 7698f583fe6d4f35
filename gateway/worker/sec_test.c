/* SPDX-License-Identifier: ISC */
/*
 * The worker's defences against slow and numerous clients, without TLS:
 * the request deadline (deadline.c: 408 Request Timeout, RFC 9110 §15.5.9)
 * and the count behind max-handshakes (shed.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/worker/shed.h"
#include "gateway/worker/testenv.h"

/* A request head cut before its blank line: what a slowloris client has sent. */
static const char partial_head[] = "POST / HTTP/1.1\r\nHost: gw.sslgate.test\r\nUser-Agent: x";

static struct testenv *env_with(const char *extra)
{
	struct testenv *t = malloc(sizeof(*t));

	assert_non_null(t);
	assert_int_equal(testenv_setup(t, extra), 0);
	testenv_new_session(t);
	return t;
}

static void env_free(struct testenv *t)
{
	testenv_teardown(t);
	free(t);
}

static void slow_request_gets_408(void **state)
{
	struct testenv *t = env_with("request-timeout = 1\n");
	char out[4096];

	(void)state;
	testenv_feed(t, partial_head, sizeof(partial_head) - 1);
	testenv_run(t, 600);
	/* within the deadline: nothing said, still listening */
	assert_int_equal(testenv_output(t, out, sizeof(out)), 0);
	assert_int_equal(t->s->phase, SESSION_PHASE_AUTH);
	testenv_run(t, 700);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 408 ", 13);
	assert_non_null(strstr(out, "Connection: close\r\n"));
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	env_free(t);
}

/* The clock runs per request: one finished in time stops it. */
static void request_finished_in_time_is_served(void **state)
{
	struct testenv *t = env_with("request-timeout = 1\n");
	static const char get[] = "GET / HTTP/1.1\r\nHost: gw.sslgate.test\r\n";
	char out[16384];

	(void)state;
	testenv_feed(t, get, sizeof(get) - 1);
	testenv_run(t, 600);
	testenv_feed(t, "\r\n", 2);
	testenv_run(t, 800);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 200 ", 13);
	assert_int_equal(t->s->phase, SESSION_PHASE_AUTH);
	env_free(t);
}

static void no_deadline_when_zero(void **state)
{
	struct testenv *t = env_with("request-timeout = 0\n");
	char out[4096];

	(void)state;
	testenv_feed(t, partial_head, sizeof(partial_head) - 1);
	testenv_run(t, 1200);
	assert_int_equal(testenv_output(t, out, sizeof(out)), 0);
	assert_int_equal(t->s->phase, SESSION_PHASE_AUTH);
	env_free(t);
}

/* Sessions in TLS/AUTH/CONNECT count against the cap; leaving them frees a place. */
static void handshake_cap_counts_phases(void **state)
{
	struct testenv *t = env_with("max-handshakes = 2\n");
	struct session *first = t->s;

	(void)state;
	assert_int_equal(t->w.shed.cap, 2);
	assert_int_equal(t->w.shed.in_progress, 1);
	assert_false(shed_refuse(&t->w));
	testenv_new_session(t);
	assert_int_equal(t->w.shed.in_progress, 2);
	assert_true(shed_refuse(&t->w));
	assert_true(shed_refuse(&t->w));
	assert_int_equal(t->w.shed.shed_total, 2);
	session_close(first, "test");
	assert_int_equal(t->w.shed.in_progress, 1);
	assert_false(shed_refuse(&t->w));
	assert_int_equal(t->w.shed.shed_total, 2);
	env_free(t);
}

static void no_cap_when_zero(void **state)
{
	struct testenv *t = env_with("max-handshakes = 0\n");

	(void)state;
	testenv_new_session(t);
	testenv_new_session(t);
	assert_false(shed_refuse(&t->w));
	env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slow_request_gets_408),
		cmocka_unit_test(request_finished_in_time_is_served),
		cmocka_unit_test(no_deadline_when_zero),
		cmocka_unit_test(handshake_cap_counts_phases),
		cmocka_unit_test(no_cap_when_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
