/* SPDX-License-Identifier: ISC */
/*
 * The XML parser child's seccomp policy (client/auth_parser.h). The child
 * reads hostile XML, so it is written for the day that code runs in it:
 * it keeps the descriptors it had (its socket to the client, stderr) and
 * may use them, but it cannot make a new way out. The workers' filter
 * (seccomp_worker.c) lets a process open UDP sockets and send to any
 * address, which is a worker's job and no parser's.
 *
 * Verdicts, as in seccomp.h:
 * - allowed: what the child does after libxml2 is loaded, found by running
 *   every captured login document under SANDBOX_DEFAULT_TRAP
 *   (seccomp_parser_test.c): reads and sends on its socket, malloc, signals
 *   to itself, clocks, exit;
 * - killed: every call that would reach the network or another process
 *   (socket, socketpair, connect, bind, listen, accept, sendmsg, sendmmsg,
 *   sendto WITH an address), running a program, tracing, new processes,
 *   changing identity or namespaces, memory of other processes;
 * - refused with EPERM: opening files (glibc's iconv and locale code may
 *   try to load a module for an unusual encoding; that must end as a
 *   refused document, not a dead child), pipes, device nodes;
 * - anything else: the caller's default.
 * sendmsg is killed outright: its destination lies in memory the filter
 * cannot read. sendto's can be judged by its length argument alone: with
 * length 0 the kernel ignores the address pointer (move_addr_to_kernel
 * copies nothing and the send goes to the connected peer).
 */
#include "lib/sandbox/seccomp.h"

#include <sys/syscall.h>

#include "lib/base/err.h"
#include "lib/sandbox/bpf.h"
#include "lib/sandbox/seccomp_rules.h"

#define ALLOW SANDBOX_ALLOW
#define KILL SANDBOX_KILL

static const int allowed[] = {
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_close,
	SYS_recvfrom, SYS_recvmsg,
	SYS_brk, SYS_munmap, SYS_mremap, SYS_madvise,
	SYS_futex, SYS_sched_yield, SYS_restart_syscall,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack,
	SYS_getpid, SYS_gettid,
	SYS_exit, SYS_exit_group,
	SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday, SYS_getrandom,
#ifdef SYS_time
	SYS_time,
#endif
};

/*
 * Fatal besides what every filter kills (seccomp_rules.c): every way to
 * the network or to a new process. clone is allowed earlier in sanitizer
 * builds, for LeakSanitizer's tracer (seccomp_rules.h).
 */
static const int fatal[] = {
	SYS_socket, SYS_socketpair, SYS_connect, SYS_bind, SYS_listen,
	SYS_accept, SYS_accept4, SYS_sendmsg, SYS_sendmmsg,
	SYS_clone, SYS_clone3, SYS_io_uring_setup,
#ifdef SYS_fork
	SYS_fork, SYS_vfork,
#endif
};

/* LeakSanitizer's check also stats and seeks what it opens (sanitizer builds only). */
static const int leak_check_files[] = { SYS_fstat, SYS_newfstatat, SYS_lseek };

#define COUNT(a) SANDBOX_COUNT(a)

/* sendto(fd, buf, len, flags, addr, addr_len): only with addr_len 0 (see the top). */
static void rule_sendto_connected(struct sandbox_bpf *p)
{
	sandbox_bpf_rule_begin(p, SYS_sendto);
	sandbox_bpf_load_arg(p, 5);
	sandbox_bpf_ret_if_eq(p, 0, ALLOW);
	sandbox_bpf_ret(p, KILL);
	sandbox_bpf_rule_end(p);
}

void sandbox_seccomp_parser_build(struct sandbox_bpf *out, enum sandbox_default dflt,
				  unsigned flags)
{
	bool is_leak_check = flags & SANDBOX_SECCOMP_LEAK_CHECK;

	sandbox_seccomp_rules_begin(out);
	sandbox_seccomp_rules_add(out, allowed, COUNT(allowed), ALLOW);
	rule_sendto_connected(out);
	sandbox_seccomp_rules_common(out, is_leak_check);
	if (is_leak_check)
		sandbox_seccomp_rules_add(out, leak_check_files, COUNT(leak_check_files), ALLOW);
	sandbox_seccomp_rules_add(out, fatal, COUNT(fatal), KILL);
	sandbox_seccomp_rules_finish(out, dflt);
}

int sandbox_seccomp_parser(enum sandbox_default dflt, unsigned flags)
{
	struct sandbox_bpf p;

	if (!sandbox_seccomp_is_supported())
		return VPN_ERR_UNSUPPORTED;
	sandbox_seccomp_parser_build(&p, dflt, flags);
	return sandbox_seccomp_rules_install(&p);
}
