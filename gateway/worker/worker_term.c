/* SPDX-License-Identifier: ISC */
/* SIGTERM through an eventfd into the worker's loop. */
#include "gateway/worker/worker_term.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/event/loop.h"

#if defined(__SANITIZE_ADDRESS__)
#define WORKER_TERM_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define WORKER_TERM_LSAN 1
#endif
#endif
#ifdef WORKER_TERM_LSAN
#include <fcntl.h>
#include <sanitizer/lsan_interface.h>
#endif

static struct {
	int fd;                 /* eventfd written by the handler; -1 when none */
	struct event_io io;
	bool is_added;
	bool is_termed;         /* SIGTERM ended the loop */
	unsigned index;
	struct event_loop *loop;
} term = { .fd = -1 };

static void on_sigterm(int sig)
{
	uint64_t one = 1;
	int saved = errno;

	(void)sig;
	/* write() is async-signal-safe; a full counter still wakes the loop. */
	if (write(term.fd, &one, sizeof(one)) < 0) {
		/* nothing to do in a handler */
	}
	errno = saved;
}

bool worker_term_check(void)
{
	uint64_t n = 0;

	if (term.is_termed)
		return true;
	if (term.fd < 0 || read(term.fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return false;
	term.is_termed = true;
	log_info("worker %u: SIGTERM: closing its sessions and stopping", term.index);
	event_loop_stop(term.loop);
	return true;
}

static void on_readable(struct event_io *io, unsigned events)
{
	(void)io;
	(void)events;
	worker_term_check();
}

int worker_term_watch(struct event_loop *loop, unsigned index)
{
	struct sigaction sa;
	int rc;

	term.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (term.fd < 0)
		return VPN_ERR_IO;
	term.loop = loop;
	term.index = index;
	rc = event_io_add(loop, &term.io, term.fd, EVENT_READ, on_readable);
	if (rc != 0) {
		close(term.fd);
		term.fd = -1;
		return rc;
	}
	term.is_added = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGTERM, &sa, NULL) == 0 ? 0 : VPN_ERR_IO;
}

void worker_term_release(struct event_loop *loop)
{
	/* Already on the way out: a late SIGTERM (the parent's, or the one
	 * PR_SET_PDEATHSIG sends) must not cut the cleanup and the leak check short. */
	signal(SIGTERM, SIG_IGN);
	if (term.is_added)
		event_io_del(loop, &term.io);
	term.is_added = false;
	if (term.fd >= 0)
		close(term.fd);
	term.fd = -1;
}

void worker_term_leak_check(void)
{
#ifdef WORKER_TERM_LSAN
	int fd;

	/* Whatever ended the loop (SIGTERM, a drain): the loop ran, so this is a worker. */
	if (!term.loop)
		return;
	/* LSan lists the threads in /proc (the filter's leak-check allowance lets
	 * it read there); inside a chroot without /proc it could only fail loudly. */
	fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_info("worker %u: no /proc (chroot): leak check skipped", term.index);
		return;
	}
	close(fd);
	__lsan_do_leak_check();
#endif
}
