/* SPDX-License-Identifier: ISC */
/*
 * prompt_read_fd_line: one line from a descriptor and not a byte more
 * (the offset of a memfd after the call shows what was read), CR LF, the
 * exact limit at every buffer size, refused lines consumed to their end,
 * NUL bytes, signals while waiting, and the stdio prompt reading the next
 * line afterwards, as --passwd-on-stdin followed by a "yes" does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "client/prompt.h"
#include "lib/base/err.h"

/* A memfd holding len bytes of text, read from the start. */
static int input_of(const void *text, size_t len)
{
	int fd = memfd_create("prompt_test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static off_t offset_of(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

static bool is_all_zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* The password line, then "yes" for the certificate prompt, through stdio. */
static void reads_one_line_and_leaves_the_next(void **state)
{
	static const char text[] = "correct-horse\nyes\n";
	int fd = input_of(text, strlen(text));
	char out[PROMPT_LINE_MAX];
	char answer[16];
	FILE *in;

	(void)state;
	assert_int_equal(prompt_read_fd_line(fd, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "correct-horse");
	assert_int_equal(offset_of(fd), strlen("correct-horse\n"));
	in = fdopen(fd, "r");
	assert_non_null(in);
	assert_int_equal(prompt_read_line(in, answer, sizeof(answer)), 0);
	assert_string_equal(answer, "yes");
	assert_int_equal(prompt_read_line(in, answer, sizeof(answer)), VPN_ERR_CLOSED);
	fclose(in);
}

static void line_ends(void **state)
{
	static const struct {
		const char *text;
		size_t text_len;
		int ret;
		const char *line;
		off_t offset;
	} cases[] = {
		{ "pw\r\nnext\n", 9, 0, "pw", 4 },
		{ "pw", 2, 0, "pw", 2 },                 /* a last line without LF */
		{ "pw\r", 3, 0, "pw", 3 },
		{ "\nnext\n", 6, 0, "", 1 },             /* an empty line is a line */
		{ "", 0, VPN_ERR_CLOSED, NULL, 0 },
		{ "p\rw\n", 4, 0, "p\rw", 4 },           /* only a CR at the end goes */
		{ "pw\r\r\n", 5, 0, "pw\r", 5 },
		{ "a\0b\nnext\n", 9, VPN_ERR_INVALID, NULL, 4 },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = input_of(cases[i].text, cases[i].text_len);

		memset(out, 'x', sizeof(out));
		assert_int_equal(prompt_read_fd_line(fd, NULL, out, sizeof(out)), cases[i].ret);
		if (cases[i].line)
			assert_string_equal(out, cases[i].line);
		else
			assert_true(is_all_zero(out, sizeof(out)));
		assert_int_equal(offset_of(fd), cases[i].offset);
		close(fd);
	}
}

/*
 * Every buffer size around the line's length: the line fits when out has
 * room for it and its NUL, whatever line end follows; a refused line is
 * read to its LF and out is wiped.
 */
static void every_buffer_size(void **state)
{
	static const char *const ends[] = { "\n", "\r\n", "", "\r" };
	static const char line[] = "sslgate-memory-canary";
	char text[64];
	char out[64];

	(void)state;
	for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
		int text_len = snprintf(text, sizeof(text), "%s%snext\n", line, ends[e]);
		bool has_lf = strchr(ends[e], '\n') != NULL;
		/* without its own LF the line runs to the one after "next" */
		size_t want_len = has_lf ? strlen(line) : strlen(line) + strlen(ends[e]) + 4;
		size_t consumed = has_lf ? strlen(line) + strlen(ends[e]) : (size_t)text_len;

		for (size_t size = 1; size <= sizeof(line) + 8; size++) {
			int fd = input_of(text, (size_t)text_len);
			int ret = prompt_read_fd_line(fd, NULL, out, size);

			if (size > want_len) {
				assert_int_equal(ret, 0);
				assert_int_equal(strlen(out), want_len);
				assert_memory_equal(out, text, want_len);
			} else {
				assert_int_equal(ret, VPN_ERR_TOO_BIG);
				assert_true(is_all_zero(out, size));
			}
			assert_int_equal(offset_of(fd), consumed);
			close(fd);
		}
	}
}

/* PROMPT_LINE_MAX - 1 bytes fit, with CR LF too; one more is refused. */
static void the_limit(void **state)
{
	static char text[PROMPT_LINE_MAX + 16];
	char out[PROMPT_LINE_MAX];
	int fd;

	(void)state;
	memset(text, 'p', sizeof(text));
	memcpy(text + PROMPT_LINE_MAX - 1, "\r\nyes\n", 6);
	fd = input_of(text, PROMPT_LINE_MAX + 5);
	assert_int_equal(prompt_read_fd_line(fd, NULL, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), PROMPT_LINE_MAX - 1);
	assert_int_equal(prompt_read_fd_line(fd, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "yes");
	close(fd);

	memset(text, 'p', sizeof(text));
	memcpy(text + PROMPT_LINE_MAX, "\nyes\n", 5);
	fd = input_of(text, PROMPT_LINE_MAX + 5);
	assert_int_equal(prompt_read_fd_line(fd, NULL, out, sizeof(out)), VPN_ERR_TOO_BIG);
	assert_true(is_all_zero(out, sizeof(out)));
	assert_int_equal(prompt_read_fd_line(fd, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "yes");
	close(fd);
}

static void read_error(void **state)
{
	char out[16];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(prompt_read_fd_line(-1, NULL, out, sizeof(out)), VPN_ERR_IO);
	assert_int_equal(errno, EBADF);
	assert_true(is_all_zero(out, sizeof(out)));
}

static volatile sig_atomic_t alarms;
static volatile sig_atomic_t stop_flag;
static bool does_alarm_stop;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
	if (does_alarm_stop)
		stop_flag = 1;
}

/* SIGALRM every 10 ms, without SA_RESTART, as sslgate installs its handlers. */
static void start_alarms(bool does_stop)
{
	struct itimerval every = { { 0, 10000 }, { 0, 10000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	alarms = 0;
	stop_flag = 0;
	does_alarm_stop = does_stop;
	assert_int_equal(setitimer(ITIMER_REAL, &every, NULL), 0);
}

static void stop_alarms(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
}

struct late_write {
	int fd;
	long ms;
};

/* Writes "late\n" to the pipe after a while. */
static void *write_late(void *arg)
{
	const struct late_write *w = arg;
	struct timespec pause = { w->ms / 1000, w->ms % 1000 * 1000000L };
	sigset_t all;

	/* the alarms are for the reader */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	nanosleep(&pause, NULL);
	if (write(w->fd, "late\n", 5) != 5)
		return (void *)1;
	return NULL;
}

/* Signals while waiting are waited through unless they set the stop flag. */
static void signals_while_waiting(void **state)
{
	struct late_write soon, bound;
	pthread_t writer;
	int fds[2];
	char out[16];
	int ret;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	soon = (struct late_write){ fds[1], 100 };
	assert_int_equal(pthread_create(&writer, NULL, write_late, &soon), 0);
	start_alarms(false);
	ret = prompt_read_fd_line(fds[0], &stop_flag, out, sizeof(out));
	stop_alarms();
	pthread_join(writer, NULL);
	assert_int_equal(ret, 0);
	assert_string_equal(out, "late");
	assert_true(alarms > 0);

	/*
	 * The first alarm sets the flag and ends the wait; the line that comes
	 * 2 s later only bounds the test should the flag be ignored.
	 */
	bound = (struct late_write){ fds[1], 2000 };
	assert_int_equal(pthread_create(&writer, NULL, write_late, &bound), 0);
	start_alarms(true);
	ret = prompt_read_fd_line(fds[0], &stop_flag, out, sizeof(out));
	stop_alarms();
	assert_int_equal(ret, VPN_ERR_IO);
	assert_int_equal(errno, EINTR);
	assert_true(alarms >= 1);
	pthread_cancel(writer); /* asleep: a cancellation point */
	pthread_join(writer, NULL);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_one_line_and_leaves_the_next),
		cmocka_unit_test(line_ends),
		cmocka_unit_test(every_buffer_size),
		cmocka_unit_test(the_limit),
		cmocka_unit_test(read_error),
		cmocka_unit_test(signals_while_waiting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
