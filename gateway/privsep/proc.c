/* SPDX-License-Identifier: ISC */
/* fork() for sslgated's children, and the clean slate they start from. */
#include "gateway/privsep/proc.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/base/err.h"

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void close_from_to(unsigned first, unsigned last)
{
	if (first > last)
		return;
	/* close_range(2) is in Linux since 5.9; fall back to one by one */
	if (syscall(SYS_close_range, first, last, 0) == 0)
		return;
	for (unsigned fd = first; fd <= last && fd < 65536; fd++)
		close((int)fd);
}

void proc_close_fds_except(const int *keep, size_t n_keep)
{
	int sorted[64];
	size_t n = 0;
	unsigned next = 3;

	for (size_t i = 0; i < n_keep && n < sizeof(sorted) / sizeof(sorted[0]); i++)
		if (keep[i] >= 3)
			sorted[n++] = keep[i];
	qsort(sorted, n, sizeof(sorted[0]), compare_int);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)sorted[i] > next)
			close_from_to(next, (unsigned)sorted[i] - 1);
		next = (unsigned)sorted[i] + 1;
	}
	close_from_to(next, UINT_MAX);
}

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int proc_fork(pid_t *out_pid, const int *keep, size_t n_keep, proc_child_fn child, void *arg)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return VPN_ERR_IO;
	if (pid > 0) {
		*out_pid = pid;
		return 0;
	}
	reset_signals();
	/* a child must not outlive the parent that owns its tun and routes */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() != parent)
		_exit(1);
	proc_close_fds_except(keep, n_keep);
	_exit(child(arg));
}
