/* SPDX-License-Identifier: ISC */
/*
 * For the sandbox tests: run a check in a forked child, because a seccomp
 * filter or a dropped uid is for the life of the process. The child reports
 * its first failed check as text over a pipe; the parent sees the message,
 * the exit status and, while the child waits, its /proc/PID/status.
 */
#ifndef SANDBOX_TEST_UTIL_H
#define SANDBOX_TEST_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/sandbox/seccomp.h"

struct sandbox_child {
	int status;        /* from waitpid */
	char msg[512];     /* the child's report; "" when it wrote none */
	char proc[4096];   /* its /proc/PID/status, read before it exited */
};

/*
 * Runs fn in a child and waits for it; fn returns normally for success (the
 * child then _exits 0) or calls sandbox_child_fail(). A child that calls
 * sandbox_child_pause() is blocked there until the parent has copied its
 * /proc status into out->proc.
 */
void sandbox_child_run(struct sandbox_child *out, void (*fn)(void));

/* Child side: report, then _exit(1). */
void sandbox_child_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Child side: "check" with the failing expression as the message. */
#define CHILD_CHECK(cond) \
	do { if (!(cond)) sandbox_child_fail("%s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

/* Child side: let the parent read /proc/self/status now, wait until it has. */
void sandbox_child_pause(void);

/* Child side: SIGSYS from SANDBOX_DEFAULT_TRAP reports "trap N" and exits 3. */
void sandbox_child_trap_sigsys(void);

/*
 * Child side: traps reported as sandbox_child_trap_sigsys() does, then
 * install(dflt, flags) (sandbox_seccomp_worker or sandbox_seccomp_parser);
 * a refused install ends the child with its report.
 */
void sandbox_child_install(int (*install)(enum sandbox_default dflt, unsigned flags),
			   enum sandbox_default dflt, unsigned flags);

/* Child side: ret must be -1 with errno EPERM; what names the call in the report. */
void sandbox_child_expect_eperm(long ret, const char *what);

/* The value after "Key:" in a /proc status text, tabs skipped; "" if absent. */
void sandbox_proc_field(const char *proc, const char *key, char *out, size_t out_len);

/* Parent side: the child exited 0 (else the test fails with its report). */
void sandbox_assert_child_ok(const struct sandbox_child *c);
/* Parent side: the filter ended the child (SIGSYS, as SECCOMP_RET_KILL_PROCESS does). */
void sandbox_assert_child_killed(const struct sandbox_child *c, const char *what);
/* Parent side: under SANDBOX_DEFAULT_TRAP the child trapped on call nr. */
void sandbox_assert_child_trapped(const struct sandbox_child *c, int nr);
/* Parent side: /proc showed no-new-privs and a seccomp filter (mode 2). */
void sandbox_assert_proc_filtered(const struct sandbox_child *c);

#endif
