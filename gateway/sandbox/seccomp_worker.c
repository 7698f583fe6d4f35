/* SPDX-License-Identifier: ISC */
/*
 * The worker's seccomp policy as data: which calls are allowed, which are
 * refused softly, which end the process, and the few checked by argument.
 * seccomp.h explains the verdicts; docs/security.md the threat.
 */
#include "gateway/sandbox/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "gateway/sandbox/bpf.h"
#include "gateway/sandbox/seccomp_rules.h"
#include "lib/base/err.h"

#define ALLOW SANDBOX_ALLOW
#define EPERM_ SANDBOX_EPERM
#define KILL SANDBOX_KILL

/*
 * What a worker does after start-up: an epoll loop over sockets it was
 * given or accepted, TLS (GnuTLS: getrandom, clocks), malloc (brk, mmap,
 * mremap, madvise), UDP sockets connected to DTLS peers, descriptors
 * received from the parent over its socketpair, timers and signals.
 */
static const int allowed[] = {
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_close, SYS_lseek,
	SYS_fstat, SYS_newfstatat, SYS_fcntl,
	SYS_brk, SYS_munmap, SYS_mremap, SYS_madvise,
	SYS_futex, SYS_sched_yield, SYS_restart_syscall,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack,
	SYS_getpid, SYS_gettid, SYS_getppid, SYS_getuid, SYS_geteuid,
	SYS_getgid, SYS_getegid, SYS_uname,
	SYS_exit, SYS_exit_group,
	SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday,
	SYS_clock_nanosleep, SYS_nanosleep, SYS_getrandom,
	SYS_epoll_create1, SYS_epoll_ctl, SYS_epoll_pwait, SYS_ppoll,
	SYS_timerfd_create, SYS_timerfd_settime, SYS_timerfd_gettime, SYS_eventfd2,
	SYS_accept, SYS_accept4, SYS_bind, SYS_connect, SYS_shutdown,
	SYS_recvfrom, SYS_sendto, SYS_recvmsg, SYS_sendmsg,
	SYS_recvmmsg, SYS_sendmmsg,
	SYS_getsockname, SYS_getpeername, SYS_setsockopt, SYS_getsockopt,
#ifdef SYS_epoll_wait
	SYS_epoll_wait,
#endif
#ifdef SYS_epoll_pwait2
	SYS_epoll_pwait2,
#endif
#ifdef SYS_poll
	SYS_poll,
#endif
#ifdef SYS_time
	SYS_time,
#endif
};

/*
 * Refused with EPERM whatever the default: library code may try these
 * (GnuTLS and glibc look for optional files, isatty() asks the terminal)
 * and must see an ordinary failure. Creating files, devices, pipes and
 * sockets is exactly what a compromised worker would want.
 */
static const int refused[] = {
	SYS_openat, SYS_mknodat, SYS_socketpair, SYS_pipe2,
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

/* No innocent use in a worker: the first attempt ends it. */
static const int fatal[] = {
	SYS_execve, SYS_execveat, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_kexec_load, SYS_init_module, SYS_finit_module, SYS_delete_module,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_setns, SYS_unshare,
	SYS_bpf, SYS_perf_event_open, SYS_userfaultfd, SYS_keyctl, SYS_add_key,
	SYS_request_key, SYS_swapon, SYS_swapoff, SYS_reboot,
	SYS_open_by_handle_at, SYS_name_to_handle_at, SYS_personality,
	SYS_setuid, SYS_setgid, SYS_setreuid, SYS_setregid, SYS_setresuid,
	SYS_setresgid, SYS_setgroups, SYS_setfsuid, SYS_setfsgid, SYS_capset,
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_iopl
	SYS_iopl, SYS_ioperm,
#endif
};

#define COUNT(a) SANDBOX_COUNT(a)

/* socket(): UDP over IPv4/IPv6 only, for the sockets connected to DTLS peers. */
static void rule_socket(struct sandbox_bpf *p)
{
	static const uint32_t families[] = { AF_INET, AF_INET6 };
	static const uint32_t dgram[] = { SOCK_DGRAM };
	/* IPPROTO_ICMP here would be a ping socket */
	static const uint32_t udp[] = { 0, IPPROTO_UDP };

	sandbox_bpf_rule_begin(p, SYS_socket);
	sandbox_bpf_load_arg(p, 0);
	sandbox_bpf_ret_unless_one_of(p, families, COUNT(families), EPERM_);
	sandbox_bpf_load_arg(p, 1);
	sandbox_bpf_and(p, ~(uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC));
	sandbox_bpf_ret_unless_one_of(p, dgram, COUNT(dgram), EPERM_);
	sandbox_bpf_load_arg(p, 2);
	sandbox_bpf_ret_unless_one_of(p, udp, COUNT(udp), EPERM_);
	sandbox_bpf_ret(p, ALLOW);
	sandbox_bpf_rule_end(p);
}

/* ioctl(): no terminal injection (TIOCSTI), no tun or interface changes. */
static void rule_ioctl(struct sandbox_bpf *p)
{
	static const uint32_t requests[] = { FIONREAD, FIONBIO, FIOCLEX, TCGETS };

	sandbox_bpf_rule_begin(p, SYS_ioctl);
	sandbox_bpf_load_arg(p, 1);
	sandbox_bpf_ret_unless_one_of(p, requests, COUNT(requests), EPERM_);
	sandbox_bpf_ret(p, ALLOW);
	sandbox_bpf_rule_end(p);
}

static void build(struct sandbox_bpf *p, enum sandbox_default dflt, unsigned flags)
{
	bool is_leak_check = flags & SANDBOX_SECCOMP_LEAK_CHECK;

	sandbox_bpf_init(p);
	sandbox_bpf_check_arch(p);
	sandbox_bpf_load_nr(p);
	sandbox_rules(p, allowed, COUNT(allowed), ALLOW);
	rule_socket(p);
	rule_ioctl(p);
	sandbox_rules_common(p, is_leak_check);
	sandbox_rules(p, refused, COUNT(refused), EPERM_);
	sandbox_rules(p, fatal, COUNT(fatal), KILL);
	if (!is_leak_check)
		sandbox_bpf_rule(p, SYS_ptrace, KILL);
	sandbox_bpf_ret(p, sandbox_default_action(dflt));
}

unsigned sandbox_seccomp_default_flags(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return SANDBOX_SECCOMP_LEAK_CHECK;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
	return SANDBOX_SECCOMP_LEAK_CHECK;
#else
	return 0;
#endif
#else
	return 0;
#endif
}

bool sandbox_seccomp_is_supported(void)
{
#if defined(__x86_64__) || (defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
	return true;
#else
	return false;
#endif
}

int sandbox_seccomp_worker(enum sandbox_default dflt, unsigned flags)
{
	struct sandbox_bpf p;

	if (!sandbox_seccomp_is_supported())
		return VPN_ERR_UNSUPPORTED;
	build(&p, dflt, flags);
	return sandbox_install(&p);
}
