/* SPDX-License-Identifier: ISC */
/* The rules every seccomp policy holds alike (lib/sandbox/seccomp_rules.h). */
#include "lib/sandbox/seccomp_rules.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/base/err.h"

/*
 * Refused with EPERM in every filter, whatever the default: library code
 * may try these (GnuTLS and glibc look for optional files, iconv for a
 * module) and must see an ordinary failure, while creating files, device
 * nodes and pipes is what code that took over the process would want.
 */
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

/*
 * Fatal in every filter: no filtered process has an innocent use for them
 * after start-up, so the first attempt means it is compromised. ptrace is
 * here too; in sanitizer builds the leak-check rules, which come first,
 * allow it for LeakSanitizer's tracer.
 */
static const int fatal[] = {
	SYS_execve, SYS_execveat, SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_kexec_load, SYS_init_module, SYS_finit_module, SYS_delete_module,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_setns, SYS_unshare,
	SYS_bpf, SYS_perf_event_open, SYS_userfaultfd, SYS_keyctl, SYS_add_key,
	SYS_request_key, SYS_open_by_handle_at, SYS_name_to_handle_at, SYS_personality,
	SYS_setuid, SYS_setgid, SYS_setreuid, SYS_setregid, SYS_setresuid,
	SYS_setresgid, SYS_setgroups, SYS_setfsuid, SYS_setfsgid, SYS_capset,
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_iopl
	SYS_iopl, SYS_ioperm,
#endif
};

/* What LeakSanitizer's exit-time check needs besides read-only opens. */
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

void sandbox_seccomp_rules_begin(struct sandbox_bpf *p)
{
	sandbox_bpf_init(p);
	sandbox_bpf_check_arch(p);
	sandbox_bpf_load_nr(p);
}

void sandbox_seccomp_rules_add(struct sandbox_bpf *p, const int *nrs, size_t n, uint32_t action)
{
	for (size_t i = 0; i < n; i++)
		sandbox_bpf_rule(p, nrs[i], action);
}

/* mmap/mprotect-like call nr: never PROT_EXEC, so a bug's bytes never become code. */
static void rule_no_exec(struct sandbox_bpf *p, int nr)
{
	sandbox_bpf_rule_begin(p, nr);
	sandbox_bpf_load_arg(p, 2);
	sandbox_bpf_ret_if_any(p, PROT_EXEC, SANDBOX_EPERM);
	sandbox_bpf_ret(p, SANDBOX_ALLOW);
	sandbox_bpf_rule_end(p);
}

/* kill/tgkill-like call nr: towards self only (abort(), raise()). */
static void rule_self_only(struct sandbox_bpf *p, int nr, pid_t self)
{
	sandbox_bpf_rule_begin(p, nr);
	sandbox_bpf_load_arg(p, 0);
	sandbox_bpf_ret_if_eq(p, (uint32_t)self, SANDBOX_ALLOW);
	sandbox_bpf_ret(p, SANDBOX_EPERM);
	sandbox_bpf_rule_end(p);
}

/* open-like call nr whose flags are argument flags_arg: read-only, nothing created. */
static void rule_open_read_only(struct sandbox_bpf *p, int nr, unsigned flags_arg)
{
	sandbox_bpf_rule_begin(p, nr);
	sandbox_bpf_load_arg(p, flags_arg);
	sandbox_bpf_ret_if_any(p, O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND, SANDBOX_EPERM);
	sandbox_bpf_ret(p, SANDBOX_ALLOW);
	sandbox_bpf_rule_end(p);
}

void sandbox_seccomp_rules_common(struct sandbox_bpf *p, bool is_leak_check)
{
	rule_no_exec(p, SYS_mmap);
	rule_no_exec(p, SYS_mprotect);
	rule_no_exec(p, SYS_pkey_mprotect);
	rule_self_only(p, SYS_kill, getpid());
	rule_self_only(p, SYS_tgkill, getpid());
	if (!is_leak_check)
		return;
	rule_open_read_only(p, SYS_openat, 2);
#ifdef SYS_open
	rule_open_read_only(p, SYS_open, 1);
#endif
	sandbox_seccomp_rules_add(p, leak_check_extra, SANDBOX_COUNT(leak_check_extra),
				  SANDBOX_ALLOW);
}

static uint32_t default_action(enum sandbox_default dflt)
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

void sandbox_seccomp_rules_finish(struct sandbox_bpf *p, enum sandbox_default dflt)
{
	sandbox_seccomp_rules_add(p, refused, SANDBOX_COUNT(refused), SANDBOX_EPERM);
	sandbox_seccomp_rules_add(p, fatal, SANDBOX_COUNT(fatal), SANDBOX_KILL);
	sandbox_bpf_ret(p, default_action(dflt));
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

int sandbox_seccomp_rules_install(const struct sandbox_bpf *p)
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
