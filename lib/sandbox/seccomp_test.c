/* SPDX-License-Identifier: ISC */
/*
 * The worker filter, tested the only way a filter can be: in forked
 * children that install it and then try things. What must work is what a
 * worker really does (malloc, epoll, UDP, a TLS handshake, XML parsing);
 * what must fail is checked against a control run without the filter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/sandbox/sandbox_test_util.h"
#include "lib/sandbox/seccomp.h"
#include "lib/base/err.h"

static void install(enum sandbox_default dflt)
{
	sandbox_child_install(sandbox_seccomp_worker, dflt, 0);
}

/* ---- files and devices ---------------------------------------------------------- */

static void child_open_passwd(void)
{
	char tmpl[] = "/tmp/sandbox-XXXXXX";
	int control = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	/* control: the file is there and readable for this uid */
	CHILD_CHECK(control >= 0);
	close(control);
	CHILD_CHECK(mkdtemp(tmpl) != NULL);
	install(SANDBOX_DEFAULT_TRAP);
	sandbox_child_expect_eperm(openat(AT_FDCWD, "/etc/passwd", O_RDONLY), "openat /etc/passwd");
	sandbox_child_expect_eperm(syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY),
				   "raw openat");
	sandbox_child_expect_eperm(open("/etc/passwd", O_RDONLY), "open /etc/passwd");
	CHILD_CHECK(fopen("/etc/passwd", "r") == NULL);
	sandbox_child_expect_eperm(mknodat(AT_FDCWD, "/tmp/sandbox-null", S_IFCHR | 0666,
					   makedev(1, 3)), "mknodat");
	sandbox_child_expect_eperm(syscall(SYS_openat, AT_FDCWD, tmpl, O_RDONLY | O_DIRECTORY),
				   "open dir");
	{
		int p[2];

		sandbox_child_expect_eperm(pipe2(p, 0), "pipe2");
		sandbox_child_expect_eperm(socketpair(AF_UNIX, SOCK_STREAM, 0, p),
					   "socketpair");
	}
}

static void refuses_opening_files(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_open_passwd);
	sandbox_assert_child_ok(&c);
}

/* ---- sockets ---------------------------------------------------------------------- */

static void child_socket_kinds(void)
{
	int fd;

	install(SANDBOX_DEFAULT_TRAP);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CHILD_CHECK(fd >= 0);
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	CHILD_CHECK(fd >= 0);
	close(fd);
	sandbox_child_expect_eperm(socket(AF_INET, SOCK_STREAM, 0), "tcp socket");
	sandbox_child_expect_eperm(socket(AF_UNIX, SOCK_DGRAM, 0), "unix socket");
	sandbox_child_expect_eperm(socket(AF_NETLINK, SOCK_DGRAM, 0), "netlink socket");
	sandbox_child_expect_eperm(socket(AF_PACKET, SOCK_DGRAM, 0), "packet socket");
	sandbox_child_expect_eperm(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), "raw socket");
	sandbox_child_expect_eperm(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), "ping socket");
}

static void allows_only_udp_sockets(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_socket_kinds);
	sandbox_assert_child_ok(&c);
}

/* ---- memory ------------------------------------------------------------------------ */

static void child_no_exec_memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *rw;

	install(SANDBOX_DEFAULT_TRAP);
	rw = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHILD_CHECK(rw != MAP_FAILED);
	CHILD_CHECK(mmap(NULL, (size_t)page, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EPERM);
	sandbox_child_expect_eperm(mprotect(rw, (size_t)page, PROT_READ | PROT_EXEC),
				   "mprotect exec");
	CHILD_CHECK(mprotect(rw, (size_t)page, PROT_READ) == 0);
	CHILD_CHECK(munmap(rw, (size_t)page) == 0);
}

static void refuses_executable_memory(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_no_exec_memory);
	sandbox_assert_child_ok(&c);
}

/* ---- signals and ioctls --------------------------------------------------------------- */

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void child_signals_and_ioctls(void)
{
	int fds[2], avail = -1;

	CHILD_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	signal(SIGUSR1, on_usr1);
	install(SANDBOX_DEFAULT_TRAP);
	CHILD_CHECK(raise(SIGUSR1) == 0 && got_usr1);
	CHILD_CHECK(kill(getpid(), 0) == 0);
	sandbox_child_expect_eperm(kill(getppid(), 0), "kill parent");
	sandbox_child_expect_eperm(kill(1, 0), "kill init");
	CHILD_CHECK(write(fds[0], "abc", 3) == 3);
	CHILD_CHECK(ioctl(fds[1], FIONREAD, &avail) == 0 && avail == 3);
	sandbox_child_expect_eperm(ioctl(fds[1], TIOCSTI, "x"), "TIOCSTI");
	sandbox_child_expect_eperm(ioctl(fds[1], SIOCGIFCONF, NULL), "SIOCGIFCONF");
}

static void signals_only_self_and_few_ioctls(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_signals_and_ioctls);
	sandbox_assert_child_ok(&c);
}

/* ---- fatal calls ---------------------------------------------------------------------- */

static void child_execve(void)
{
	char *argv[] = { (char *)"/bin/true", NULL };

	install(SANDBOX_DEFAULT_EPERM);
	execv("/bin/true", argv);
	sandbox_child_fail("execv returned: errno %d", errno);
}

static void child_ptrace(void)
{
	install(SANDBOX_DEFAULT_EPERM);
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	sandbox_child_fail("ptrace returned");
}

static void child_setuid(void)
{
	install(SANDBOX_DEFAULT_EPERM);
	syscall(SYS_setuid, 0);
	sandbox_child_fail("setuid returned");
}

static void child_unshare(void)
{
	install(SANDBOX_DEFAULT_EPERM);
	syscall(SYS_unshare, 0);
	sandbox_child_fail("unshare returned");
}

static void kills_on_exec_ptrace_setuid(void **state)
{
	static const struct {
		const char *what;
		void (*fn)(void);
	} tries[] = {
		{ "execve", child_execve }, { "ptrace", child_ptrace },
		{ "setuid", child_setuid }, { "unshare", child_unshare },
	};
	struct sandbox_child c;

	(void)state;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		sandbox_child_run(&c, tries[i].fn);
		sandbox_assert_child_killed(&c, tries[i].what);
	}
}

/* ---- the default for calls nobody listed ------------------------------------------------ */

static void child_unlisted_eperm(void)
{
	install(SANDBOX_DEFAULT_EPERM);
	sandbox_child_expect_eperm(chdir("/"), "chdir");
	sandbox_child_expect_eperm(syscall(SYS_getcwd, NULL, 0), "getcwd");
}

static void child_unlisted_trap(void)
{
	install(SANDBOX_DEFAULT_TRAP);
	syscall(SYS_chdir, "/");
	sandbox_child_fail("chdir returned");
}

static void child_unlisted_kill(void)
{
	install(SANDBOX_DEFAULT_KILL);
	syscall(SYS_chdir, "/");
	sandbox_child_fail("chdir returned");
}

static void default_action_applies_to_unlisted_calls(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_unlisted_eperm);
	sandbox_assert_child_ok(&c);

	sandbox_child_run(&c, child_unlisted_trap);
	sandbox_assert_child_trapped(&c, SYS_chdir);

	sandbox_child_run(&c, child_unlisted_kill);
	sandbox_assert_child_killed(&c, "chdir under SANDBOX_DEFAULT_KILL");
}

/* ---- what the kernel says about the process ------------------------------------------- */

static void child_installs_and_pauses(void)
{
	install(SANDBOX_DEFAULT_TRAP);
	sandbox_child_pause();
}

static void kernel_reports_filter_and_no_new_privs(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_installs_and_pauses);
	sandbox_assert_child_ok(&c);
	sandbox_assert_proc_filtered(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_opening_files),
		cmocka_unit_test(allows_only_udp_sockets),
		cmocka_unit_test(refuses_executable_memory),
		cmocka_unit_test(signals_only_self_and_few_ioctls),
		cmocka_unit_test(kills_on_exec_ptrace_setuid),
		cmocka_unit_test(default_action_applies_to_unlisted_calls),
		cmocka_unit_test(kernel_reports_filter_and_no_new_privs),
	};

	if (!sandbox_seccomp_is_supported()) {
		puts("1..0 # SKIP no filter for this CPU architecture");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
