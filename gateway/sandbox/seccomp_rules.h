/* SPDX-License-Identifier: ISC */
/*
 * The rules the seccomp policies share (seccomp_worker.c, seccomp_parser.c),
 * private to gateway/sandbox/: the three verdicts, lists of calls, W^X on
 * memory, signals to oneself, the sanitizer's read-only opens, and the
 * installation of a finished program.
 */
#ifndef SANDBOX_SECCOMP_RULES_H
#define SANDBOX_SECCOMP_RULES_H

#include <errno.h>
#include <stdbool.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gateway/sandbox/bpf.h"
#include "gateway/sandbox/seccomp.h"

#define SANDBOX_ALLOW SECCOMP_RET_ALLOW
#define SANDBOX_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define SANDBOX_KILL SECCOMP_RET_KILL_PROCESS

#define SANDBOX_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One rule per call in nrs[0..n), each returning action. */
void sandbox_rules(struct sandbox_bpf *p, const int *nrs, size_t n, uint32_t action);
/* mmap/mprotect-like call nr: never PROT_EXEC (EPERM), else allowed: a bug's bytes never become code. */
void sandbox_rule_no_exec(struct sandbox_bpf *p, int nr);
/* kill/tgkill-like call nr: allowed towards self only (abort(), raise()), else EPERM. */
void sandbox_rule_self_only(struct sandbox_bpf *p, int nr, pid_t self);
/* open-like call nr whose flags are argument flags_arg: read-only allowed, else EPERM. */
void sandbox_rule_open_read_only(struct sandbox_bpf *p, int nr, unsigned flags_arg);
/*
 * What both policies hold alike: W^X on mmap/mprotect/pkey_mprotect,
 * kill/tgkill towards the process itself, and with is_leak_check what
 * LeakSanitizer's exit-time check needs (read-only opens, clone, ptrace,
 * directory reads: sanitizer builds only).
 */
void sandbox_rules_common(struct sandbox_bpf *p, bool is_leak_check);
/* The action for calls no rule names. */
uint32_t sandbox_default_action(enum sandbox_default dflt);
/*
 * Sets PR_SET_NO_NEW_PRIVS and installs p on every thread (TSYNC: a thread
 * a library started must not stay unfiltered). 0, VPN_ERR_TOO_BIG (p
 * overflowed, a bug) or VPN_ERR_IO (errno says why).
 */
int sandbox_install(const struct sandbox_bpf *p);

#endif
