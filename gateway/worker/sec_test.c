/* SPDX-License-Identifier: ISC */
/*
 * The worker's defences against slow and numerous clients, without TLS:
 * the request deadline (deadline.c: 408 Request Timeout, RFC 9110 §15.5.9),
 * the counts behind max-handshakes and max-handshakes-per-ip and the loop
 * class a session's phase puts it in (shed.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

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
	assert_false(shed_refuse(&t->w, &first->remote));
	testenv_new_session(t);
	assert_int_equal(t->w.shed.in_progress, 2);
	assert_true(shed_refuse(&t->w, &first->remote));
	assert_true(shed_refuse(&t->w, &first->remote));
	assert_int_equal(t->w.shed.by_cap.total, 2);
	session_close(first, "test");
	assert_int_equal(t->w.shed.in_progress, 1);
	assert_false(shed_refuse(&t->w, &first->remote));
	assert_int_equal(t->w.shed.by_cap.total, 2);
	assert_int_equal(t->w.shed.by_source.total, 0);
	env_free(t);
}

static void no_cap_when_zero(void **state)
{
	struct testenv *t = env_with("max-handshakes = 0\n");

	(void)state;
	testenv_new_session(t);
	testenv_new_session(t);
	assert_false(shed_refuse(&t->w, &t->s->remote));
	env_free(t);
}

/* ---- max-handshakes-per-ip ------------------------------------------------------------------ */

static struct net_addr addr_of(const char *text)
{
	struct net_addr a;

	assert_int_equal(net_addr_parse(&a, text, strlen(text)), 0);
	return a;
}

/* A session in TLS from text, as accept would make it. */
static struct session *session_from(struct testenv *t, const char *text)
{
	struct net_addr a = addr_of(text);
	struct session *s;

	assert_int_equal(session_new(&s, &t->w, -1, NULL, &a, 40001), 0);
	return s;
}

static bool refused(struct testenv *t, const char *text)
{
	struct net_addr a = addr_of(text);

	return shed_refuse(&t->w, &a);
}

static void per_source_cap_ipv4(void **state)
{
	/* testenv's own session comes from 198.18.1.2 */
	struct testenv *t = env_with("max-handshakes = 100\nmax-handshakes-per-ip = 3\n");
	struct session *second = session_from(t, "198.18.1.2");

	(void)state;
	assert_false(refused(t, "198.18.1.2"));
	session_from(t, "198.18.1.2");
	assert_true(refused(t, "198.18.1.2"));
	/* the same host through the dual-stack socket */
	assert_true(refused(t, "::ffff:198.18.1.2"));
	assert_false(refused(t, "198.18.1.3"));
	assert_int_equal(t->w.shed.by_source.total, 2);
	assert_int_equal(t->w.shed.by_cap.total, 0);
	assert_int_equal(t->w.shed.sources_shed, 1);
	assert_int_equal(t->w.shed.worst.shed_recent, 2);
	/* login and CONNECT still count; the tunnel frees the place */
	session_set_phase(second, SESSION_PHASE_AUTH);
	session_set_phase(second, SESSION_PHASE_CONNECT);
	assert_true(refused(t, "198.18.1.2"));
	session_set_phase(second, SESSION_PHASE_TUNNEL);
	assert_false(refused(t, "198.18.1.2"));
	assert_int_equal(t->w.shed.in_progress, 2);
	env_free(t);
}

/* IPv6 counts per /64: a host may use any address of its prefix. */
static void per_source_cap_ipv6_per_64(void **state)
{
	struct testenv *t = env_with("max-handshakes-per-ip = 2\n");
	struct session *a;

	(void)state;
	a = session_from(t, "2001:db8:1:2::a");
	session_from(t, "2001:db8:1:2:8000::b");
	assert_true(refused(t, "2001:db8:1:2:ffff:ffff:ffff:ffff"));
	assert_false(refused(t, "2001:db8:1:3::a"));
	assert_false(refused(t, "198.18.1.3"));
	session_close(a, "test");
	assert_false(refused(t, "2001:db8:1:2::c"));
	assert_int_equal(t->w.shed.by_source.total, 1);
	env_free(t);
}

/* Many sources come and go in a half-full table (backward-shift deletion
 * across probe chains): the counts stay exact. */
static void source_table_churn(void **state)
{
	struct testenv *t = env_with("max-handshakes = 256\nmax-handshakes-per-ip = 1\n");
	struct session *s[250];
	char text[32];

	(void)state;
	assert_int_equal(t->w.shed.table.max, 256);
	for (int i = 0; i < 250; i++) {
		snprintf(text, sizeof(text), "198.18.%d.%d", 3 + i / 100, i % 100);
		assert_false(refused(t, text));
		s[i] = session_from(t, text);
	}
	assert_int_equal(t->w.shed.table.used, 251);
	for (int i = 249; i >= 0; i -= 3)
		session_close(s[i], "test");
	for (int i = 0; i < 250; i++) {
		snprintf(text, sizeof(text), "198.18.%d.%d", 3 + i / 100, i % 100);
		assert_int_equal(refused(t, text), (249 - i) % 3 != 0);
	}
	assert_int_equal(t->w.shed.table.used, 251 - 84);
	assert_int_equal(t->w.shed.by_source.total, 250 - 84);
	env_free(t);
}

/* A full table refuses new sources (as the global cap would) but not known ones. */
static void full_source_table(void **state)
{
	struct testenv *t = env_with("max-handshakes = 0\nmax-handshakes-per-ip = 4\n");

	(void)state;
	assert_int_equal(t->w.shed.table.max, 8192);
	t->w.shed.table.max = 2; /* 8192 sessions would be a slow test */
	session_from(t, "198.18.1.3");
	assert_true(refused(t, "198.18.1.4"));
	assert_false(refused(t, "198.18.1.2"));
	assert_int_equal(t->w.shed.by_cap.total, 1);
	assert_int_equal(t->w.shed.by_source.total, 0);
	env_free(t);
}

/* The defaults docs/gateway-config.md gives. */
static void default_caps(void **state)
{
	struct testenv *t = env_with(NULL);

	(void)state;
	assert_int_equal(t->w.shed.cap, 256);
	assert_int_equal(t->w.shed.cap_per_source, 32);
	assert_int_equal(t->w.shed.table.max, 256);
	env_free(t);
}

static void no_per_source_cap_when_zero(void **state)
{
	struct testenv *t = env_with("max-handshakes-per-ip = 0\n");

	(void)state;
	assert_null(t->w.shed.table.slots);
	for (int i = 0; i < 20; i++)
		session_from(t, "198.18.1.2");
	assert_false(refused(t, "198.18.1.2"));
	env_free(t);
}

/* Handshakes and logins wait behind the tunnels in the loop (lib/event); tunnels do not. */
static void phase_sets_loop_class(void **state)
{
	struct testenv *t = env_with(NULL);
	struct session *s = t->s;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(event_io_add(t->w.loop, &s->io, fds[0], EVENT_READ, NULL), 0);
	s->is_io_added = true;
	assert_int_equal(s->io.cls, EVENT_CLASS_PROMPT);
	shed_classify(s);
	assert_int_equal(s->io.cls, EVENT_CLASS_BULK);
	session_set_phase(s, SESSION_PHASE_CONNECT);
	assert_int_equal(s->io.cls, EVENT_CLASS_BULK);
	session_set_phase(s, SESSION_PHASE_TUNNEL);
	assert_int_equal(s->io.cls, EVENT_CLASS_PROMPT);
	env_free(t);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slow_request_gets_408),
		cmocka_unit_test(request_finished_in_time_is_served),
		cmocka_unit_test(no_deadline_when_zero),
		cmocka_unit_test(handshake_cap_counts_phases),
		cmocka_unit_test(no_cap_when_zero),
		cmocka_unit_test(per_source_cap_ipv4),
		cmocka_unit_test(per_source_cap_ipv6_per_64),
		cmocka_unit_test(source_table_churn),
		cmocka_unit_test(full_source_table),
		cmocka_unit_test(default_caps),
		cmocka_unit_test(no_per_source_cap_when_zero),
		cmocka_unit_test(phase_sets_loop_class),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
