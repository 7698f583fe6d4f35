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
#include "gateway/sandbox/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gateway/sandbox/bpf.h"
#include "gateway/sandbox/seccomp_rules.h"
#include "lib/base/err.h"

#define ALLOW SANDBOX_ALLOW
#define EPERM_ SANDBOX_EPERM
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

static const int refused[] = {
	SYS_openat, SYS_mknodat, SYS_pipe2,
#ifdef SYS_open
	SYS_open,
#endif
#ifdef SYS_creat
	SYS_creat,
#endif
#ifdef SYS_mknod
	SYS_mknod,
#endif
#ifdef SYS_pipe
	SYS_pipe,
#endif
#ifdef SYS_openat2
	SYS_openat2,
#endif
};

static const int fatal[] = {
	SYS_socket, SYS_socketpair, SYS_connect, SYS_bind, SYS_listen,
	SYS_accept, SYS_accept4, SYS_sendmsg, SYS_sendmmsg,
	SYS_execve, SYS_execveat, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_clone3, SYS_unshare, SYS_setns, SYS_mount, SYS_umount2, SYS_pivot_root,
	SYS_chroot, SYS_kexec_load, SYS_init_module, SYS_finit_module,
	SYS_delete_module, SYS_bpf, SYS_perf_event_open, SYS_userfaultfd,
	SYS_keyctl, SYS_add_key, SYS_request_key, SYS_open_by_handle_at,
	SYS_name_to_handle_at, SYS_personality, SYS_io_uring_setup,
	SYS_setuid, SYS_setgid, SYS_setreuid, SYS_setregid, SYS_setresuid,
	SYS_setresgid, SYS_setgroups, SYS_setfsuid, SYS_setfsgid, SYS_capset,
#ifdef SYS_fork
	SYS_fork, SYS_vfork,
#endif
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_iopl
	SYS_iopl, SYS_ioperm,
#endif
};

/* LeakSanitizer's check also stats and seeks what it opens (sanitizer builds only). */
static const int leak_check_files[] = { SYS_fstat, SYS_newfstatat, SYS_lseek };

static const int fatal_without_leak_check[] = { SYS_clone, SYS_ptrace };

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

static void build(struct sandbox_bpf *p, enum sandbox_default dflt, unsigned flags)
{
	bool is_leak_check = flags & SANDBOX_SECCOMP_LEAK_CHECK;

	sandbox_bpf_init(p);
	sandbox_bpf_check_arch(p);
	sandbox_bpf_load_nr(p);
	sandbox_rules(p, allowed, COUNT(allowed), ALLOW);
	rule_sendto_connected(p);
	sandbox_rules_common(p, is_leak_check);
	if (is_leak_check) {
		sandbox_rules(p, leak_check_files, COUNT(leak_check_files), ALLOW);
	} else {
		sandbox_rules(p, fatal_without_leak_check, COUNT(fatal_without_leak_check), KILL);
	}
	sandbox_rules(p, refused, COUNT(refused), EPERM_);
	sandbox_rules(p, fatal, COUNT(fatal), KILL);
	sandbox_bpf_ret(p, sandbox_default_action(dflt));
}

int sandbox_seccomp_parser(enum sandbox_default dflt, unsigned flags)
{
	struct sandbox_bpf p;

	if (!sandbox_seccomp_is_supported())
		return VPN_ERR_UNSUPPORTED;
	build(&p, dflt, flags);
	return sandbox_install(&p);
}
