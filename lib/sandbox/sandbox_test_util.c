/* SPDX-License-Identifier: ISC */
/* Forked-child plumbing for the sandbox tests (see sandbox_test_util.h). */
#include "lib/sandbox/sandbox_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

/* The child's ends of the two pipes; a forked child owns its copy. */
static int report_fd = -1;
static int resume_fd = -1;

void sandbox_child_fail(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && write(report_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		_exit(2);
	_exit(1);
}

void sandbox_child_pause(void)
{
	char c;

	if (write(report_fd, "\x01", 1) != 1 || read(resume_fd, &c, 1) != 1)
		_exit(2);
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char line[32] = "trap ";
	int nr = si->si_syscall, i = 5;
	char digits[12];
	int d = 0;

	(void)sig;
	(void)ctx;
	/* async-signal-safe: no stdio here */
	do {
		digits[d++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr > 0 && d < 11);
	while (d > 0)
		line[i++] = digits[--d];
	if (write(report_fd, line, (size_t)i) < 0)
		_exit(2);
	_exit(3);
}

void sandbox_child_trap_sigsys(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
}

void sandbox_child_install(int (*install)(enum sandbox_default dflt, unsigned flags),
			   enum sandbox_default dflt, unsigned flags)
{
	int r;

	sandbox_child_trap_sigsys();
	r = install(dflt, flags);
	if (r != 0)
		sandbox_child_fail("install: %d, errno %s", r, strerror(errno));
}

void sandbox_child_expect_eperm(long ret, const char *what)
{
	if (ret != -1 || errno != EPERM)
		sandbox_child_fail("%s: got %ld errno %d, want -1 EPERM", what, ret, errno);
}

/* Parent: read the report; a lone 0x01 byte means "read my /proc now". */
static void collect(struct sandbox_child *out, pid_t pid, int rd, int resume_wr)
{
	size_t len = 0;
	ssize_t n;

	while ((n = read(rd, out->msg + len, sizeof(out->msg) - 1 - len)) > 0) {
		if (len == 0 && n == 1 && out->msg[0] == '\x01') {
			char path[64];
			int fd;
			ssize_t m;

			snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			m = fd >= 0 ? read(fd, out->proc, sizeof(out->proc) - 1) : -1;
			out->proc[m > 0 ? m : 0] = '\0';
			if (fd >= 0)
				close(fd);
			if (write(resume_wr, "", 1) != 1)
				break;
			continue;
		}
		len += (size_t)n;
	}
	out->msg[len] = '\0';
}

void sandbox_child_run(struct sandbox_child *out, void (*fn)(void))
{
	int rep[2], res[2];
	pid_t pid;

	memset(out, 0, sizeof(*out));
	assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
	assert_int_equal(pipe2(res, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(rep[0]);
		close(res[1]);
		report_fd = rep[1];
		resume_fd = res[0];
		fn();
		_exit(0);
	}
	close(rep[1]);
	close(res[0]);
	collect(out, pid, rep[0], res[1]);
	close(rep[0]);
	close(res[1]);
	while (waitpid(pid, &out->status, 0) < 0 && errno == EINTR)
		;
}

void sandbox_proc_field(const char *proc, const char *key, char *out, size_t out_len)
{
	size_t klen = strlen(key);
	const char *p = proc;

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1, *end;
			size_t n;

			while (*v == '\t' || *v == ' ')
				v++;
			end = strchr(v, '\n');
			n = end ? (size_t)(end - v) : strlen(v);
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--; /* "Groups:" ends in a blank */
			if (n >= out_len)
				n = out_len - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

void sandbox_assert_child_ok(const struct sandbox_child *c)
{
	if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0)
		return;
	if (WIFSIGNALED(c->status))
		fail_msg("child killed by signal %d; report: %s", WTERMSIG(c->status), c->msg);
	fail_msg("child exited %d; report: %s", WEXITSTATUS(c->status), c->msg);
}

void sandbox_assert_child_killed(const struct sandbox_child *c, const char *what)
{
	if (!WIFSIGNALED(c->status) || WTERMSIG(c->status) != SIGSYS)
		fail_msg("%s: status 0x%x, report '%s'; want SIGSYS", what, c->status, c->msg);
}

void sandbox_assert_child_trapped(const struct sandbox_child *c, int nr)
{
	char want[32];

	snprintf(want, sizeof(want), "trap %d", nr);
	if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 3 || strcmp(c->msg, want) != 0)
		fail_msg("status 0x%x, report '%s'; want exit 3 and '%s'", c->status, c->msg, want);
}

void sandbox_assert_proc_filtered(const struct sandbox_child *c)
{
	char v[32];

	sandbox_proc_field(c->proc, "NoNewPrivs", v, sizeof(v));
	assert_string_equal(v, "1");
	sandbox_proc_field(c->proc, "Seccomp", v, sizeof(v));
	assert_string_equal(v, "2"); /* SECCOMP_MODE_FILTER */
}
