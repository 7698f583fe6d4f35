/* SPDX-License-Identifier: ISC */
/*
 * The worker's seccomp policy as data: which calls are allowed, which are
 * refused softly, which end the process, and the few checked by argument.
 * seccomp.h explains the verdicts; docs/security.md the threat.
 */
#include "lib/sandbox/seccomp.h"

#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>

#include "lib/base/err.h"
#include "lib/sandbox/bpf.h"
#include "lib/sandbox/seccomp_rules.h"

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
 * Refused besides what every filter refuses (seccomp_rules.c): a worker
 * receives its descriptors from the parent and never needs a new pair.
 */
static const int refused[] = { SYS_socketpair };

/* Fatal besides what every filter kills (seccomp_rules.c). */
static const int fatal[] = { SYS_swapon, SYS_swapoff, SYS_reboot };

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

void sandbox_seccomp_worker_build(struct sandbox_bpf *out, enum sandbox_default dflt,
				  unsigned flags)
{
	sandbox_seccomp_rules_begin(out);
	sandbox_seccomp_rules_add(out, allowed, COUNT(allowed), ALLOW);
	rule_socket(out);
	rule_ioctl(out);
	sandbox_seccomp_rules_common(out, flags & SANDBOX_SECCOMP_LEAK_CHECK);
	sandbox_seccomp_rules_add(out, refused, COUNT(refused), EPERM_);
	sandbox_seccomp_rules_add(out, fatal, COUNT(fatal), KILL);
	sandbox_seccomp_rules_finish(out, dflt);
}

int sandbox_seccomp_worker(enum sandbox_default dflt, unsigned flags)
{
	struct sandbox_bpf p;

	if (!sandbox_seccomp_is_supported())
		return VPN_ERR_UNSUPPORTED;
	sandbox_seccomp_worker_build(&p, dflt, flags);
	return sandbox_seccomp_rules_install(&p);
}
