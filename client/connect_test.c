/* SPDX-License-Identifier: ISC */
/*
 * The phase machine's rules: the moves of DESIGN.md's client sequence are
 * legal, shortcuts are not, only session_set_phase() moves (logging
 * "old -> new" and arming the deadline), and session_close() keeps the
 * first reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/session.h"
#include "lib/base/log.h"

static char last_line[256];
static int lines;

static void capture(enum log_level level, const char *line, void *ctx)
{
	(void)level;
	(void)ctx;
	snprintf(last_line, sizeof(last_line), "%s", line);
	lines++;
}

static void the_seed_sequence_is_legal(void **state)
{
	static const enum session_phase path[] = {
		SESSION_PHASE_RESOLVE, SESSION_PHASE_TLS, SESSION_PHASE_GROUP, SESSION_PHASE_AUTH,
		SESSION_PHASE_DOWNLOAD, SESSION_PHASE_CONNECT, SESSION_PHASE_TUNNEL,
		SESSION_PHASE_RECONNECT, SESSION_PHASE_RESOLVE, SESSION_PHASE_TLS,
		SESSION_PHASE_CONNECT, SESSION_PHASE_TUNNEL, SESSION_PHASE_CLOSING, SESSION_PHASE_DONE,
	};

	(void)state;
	for (size_t i = 0; i + 1 < sizeof(path) / sizeof(path[0]); i++)
		assert_true(session_phase_is_legal(path[i], path[i + 1]));
	/* several rounds of the login phases */
	assert_true(session_phase_is_legal(SESSION_PHASE_GROUP, SESSION_PHASE_GROUP));
	assert_true(session_phase_is_legal(SESSION_PHASE_AUTH, SESSION_PHASE_AUTH));
	assert_true(session_phase_is_legal(SESSION_PHASE_AUTH, SESSION_PHASE_CONNECT));
	/* DTLS has its place after TUNNEL */
	assert_true(session_phase_is_legal(SESSION_PHASE_TUNNEL, SESSION_PHASE_TUNNEL_DTLS));
	assert_true(session_phase_is_legal(SESSION_PHASE_TUNNEL_DTLS, SESSION_PHASE_TUNNEL));
}

static void shortcuts_are_not(void **state)
{
	(void)state;
	assert_false(session_phase_is_legal(SESSION_PHASE_RESOLVE, SESSION_PHASE_GROUP));
	assert_false(session_phase_is_legal(SESSION_PHASE_TLS, SESSION_PHASE_TUNNEL));
	assert_false(session_phase_is_legal(SESSION_PHASE_GROUP, SESSION_PHASE_CONNECT));
	assert_false(session_phase_is_legal(SESSION_PHASE_CONNECT, SESSION_PHASE_AUTH));
	assert_false(session_phase_is_legal(SESSION_PHASE_CLOSING, SESSION_PHASE_TUNNEL));
	assert_false(session_phase_is_legal(SESSION_PHASE_TLS, SESSION_PHASE_TLS));
	assert_false(session_phase_is_legal(SESSION_PHASE_RECONNECT, SESSION_PHASE_CONNECT));
	for (int p = 0; p < SESSION_PHASE_COUNT; p++)
		assert_false(session_phase_is_legal(SESSION_PHASE_DONE, (enum session_phase)p));
	assert_false(session_phase_is_legal(SESSION_PHASE_COUNT, SESSION_PHASE_TLS));
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(session_phase_name(SESSION_PHASE_RESOLVE), "RESOLVE");
	assert_string_equal(session_phase_name(SESSION_PHASE_DOWNLOAD), "DOWNLOAD");
	assert_string_equal(session_phase_name(SESSION_PHASE_TUNNEL_DTLS), "DTLS_UP");
	assert_string_equal(session_phase_name(SESSION_PHASE_COUNT), "?");
}

static void set_phase_logs_and_arms(void **state)
{
	static struct options opts;
	static struct session s;
	uint64_t before;

	(void)state;
	log_set_sink(capture, NULL, LOG_LEVEL_DEBUG);
	session_init(&s, &opts, NULL);
	before = session_now_ms();
	session_set_phase(&s, SESSION_PHASE_TLS);
	assert_int_equal(s.phase, SESSION_PHASE_TLS);
	assert_string_equal(last_line, "phase RESOLVE -> TLS");
	assert_true(s.deadline_ms >= before + 20000);
	assert_true(session_time_left(&s) > 0);
	session_set_phase(&s, SESSION_PHASE_GROUP);
	assert_string_equal(last_line, "phase TLS -> GROUP");
	assert_int_equal(s.deadline_ms, 0); /* a person may be typing */
	assert_int_equal(session_time_left(&s), -1);
	lines = 0;
	session_set_phase(&s, SESSION_PHASE_GROUP); /* another round: no line */
	assert_int_equal(lines, 0);
	session_cleanup(&s);
	log_set_sink(NULL, NULL, LOG_LEVEL_ERR);
}

static void close_keeps_the_first_reason(void **state)
{
	static struct options opts;
	static struct session s;

	(void)state;
	log_set_sink(capture, NULL, LOG_LEVEL_DEBUG);
	session_init(&s, &opts, NULL);
	assert_int_equal(session_close(&s, "login failed"), SESSION_PHASE_CLOSING);
	assert_string_equal(last_line, "login failed");
	assert_int_equal(session_close(&s, "something later"), SESSION_PHASE_CLOSING);
	assert_string_equal(s.close_reason, "login failed");
	assert_string_equal(last_line, "login failed");
	session_cleanup(&s);
	log_set_sink(NULL, NULL, LOG_LEVEL_ERR);
}

/* An illegal move is our own bug: the process aborts rather than go on. */
static void illegal_move_aborts(void **state)
{
	static struct options opts;
	static struct session s;
	int status = 0;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		session_init(&s, &opts, NULL);
		session_set_phase(&s, SESSION_PHASE_TUNNEL);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_seed_sequence_is_legal),
		cmocka_unit_test(shortcuts_are_not),
		cmocka_unit_test(names),
		cmocka_unit_test(set_phase_logs_and_arms),
		cmocka_unit_test(close_keeps_the_first_reason),
		cmocka_unit_test(illegal_move_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
