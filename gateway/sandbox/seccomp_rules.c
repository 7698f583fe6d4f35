/* SPDX-License-Identifier: ISC */
/* The rules both seccomp policies use (gateway/sandbox/seccomp_rules.h). */
#include "gateway/sandbox/seccomp_rules.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/base/err.h"

/* What LeakSanitizer's exit-time check needs on top (sanitizer builds). */
static const int leak_check_extra[] = {
	SYS_clone, SYS_ptrace, SYS_prctl, SYS_wait4, SYS_waitid,
	SYS_getdents64, SYS_readlinkat, SYS_sched_getaffinity,
#ifdef SYS_readlink
	SYS_readlink,
#endif
#ifdef SYS_getdents
	SYS_getdents, /* the sanitizer runtime's choice on x86-64 */
#endif
};

void sandbox_rules(struct sandbox_bpf *p, const int *nrs, size_t n, uint32_t action)
{
	for (size_t i = 0; i < n; i++)
		sandbox_bpf_rule(p, nrs[i], action);
}

void sandbox_rule_no_exec(struct sandbox_bpf *p, int nr)
{
	sandbox_bpf_rule_begin(p, nr);
	sandbox_bpf_load_arg(p, 2);
	sandbox_bpf_ret_if_any(p, PROT_EXEC, SANDBOX_EPERM);
	sandbox_bpf_ret(p, SANDBOX_ALLOW);
	sandbox_bpf_rule_end(p);
}

void sandbox_rule_self_only(struct sandbox_bpf *p, int nr, pid_t self)
{
	sandbox_bpf_rule_begin(p, nr);
	sandbox_bpf_load_arg(p, 0);
	sandbox_bpf_ret_if_eq(p, (uint32_t)self, SANDBOX_ALLOW);
	sandbox_bpf_ret(p, SANDBOX_EPERM);
	sandbox_bpf_rule_end(p);
}

void sandbox_rule_open_read_only(struct sandbox_bpf *p, int nr, unsigned flags_arg)
{
	sandbox_bpf_rule_begin(p, nr);
	sandbox_bpf_load_arg(p, flags_arg);
	sandbox_bpf_ret_if_any(p, O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND, SANDBOX_EPERM);
	sandbox_bpf_ret(p, SANDBOX_ALLOW);
	sandbox_bpf_rule_end(p);
}

uint32_t sandbox_default_action(enum sandbox_default dflt)
{
	switch (dflt) {
	case SANDBOX_DEFAULT_TRAP:
		return SECCOMP_RET_TRAP;
	case SANDBOX_DEFAULT_KILL:
		return SANDBOX_KILL;
	case SANDBOX_DEFAULT_EPERM:
		break;
	}
	return SANDBOX_EPERM;
}

int sandbox_install(const struct sandbox_bpf *p)
{
	struct sock_fprog prog;

	if (p->has_overflowed)
		return VPN_ERR_TOO_BIG;
	prog.len = (unsigned short)p->len;
	prog.filter = (struct sock_filter *)p->insn;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return VPN_ERR_IO;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0)
		return VPN_ERR_IO;
	return 0;
}

void sandbox_rules_common(struct sandbox_bpf *p, bool is_leak_check)
{
	sandbox_rule_no_exec(p, SYS_mmap);
	sandbox_rule_no_exec(p, SYS_mprotect);
	sandbox_rule_no_exec(p, SYS_pkey_mprotect);
	sandbox_rule_self_only(p, SYS_kill, getpid());
	sandbox_rule_self_only(p, SYS_tgkill, getpid());
	if (!is_leak_check)
		return;
	sandbox_rule_open_read_only(p, SYS_openat, 2);
#ifdef SYS_open
	sandbox_rule_open_read_only(p, SYS_open, 1);
#endif
	sandbox_rules(p, leak_check_extra, SANDBOX_COUNT(leak_check_extra), SANDBOX_ALLOW);
}
