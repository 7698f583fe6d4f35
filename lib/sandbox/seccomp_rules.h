/* SPDX-License-Identifier: ISC */
/*
 * What the seccomp policies share (seccomp_worker.c, seccomp_parser.c),
 * private to lib/sandbox/: the verdicts, the head and tail of every
 * program, the rules every filter holds alike, and installing a finished
 * program.
 *
 * A program's rules are tried in order and the first that names a call
 * decides. Every filter is built the same way:
 *   sandbox_seccomp_rules_begin()       arch check, then the call number
 *   its own allowed calls and argument checks
 *   sandbox_seccomp_rules_common()      W^X, signals to self, sanitizer needs
 *   its own refused and fatal calls
 *   sandbox_seccomp_rules_finish()      refused and fatal in every filter,
 *                                       then the caller's default
 * so a filter's allowed list must not name a call of the shared lists, and
 * what the sanitizer rules allow wins over every refusal after them.
 * seccomp_verdicts_test.c pins each call's verdict in each filter.
 */
#ifndef SANDBOX_SECCOMP_RULES_H
#define SANDBOX_SECCOMP_RULES_H

#include <errno.h>
#include <stdbool.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sandbox/bpf.h"
#include "lib/sandbox/seccomp.h"

#define SANDBOX_ALLOW SECCOMP_RET_ALLOW
#define SANDBOX_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define SANDBOX_KILL SECCOMP_RET_KILL_PROCESS

#define SANDBOX_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Starts p: other calling conventions are killed, A holds the call number. */
void sandbox_seccomp_rules_begin(struct sandbox_bpf *p);
/* One rule per call in nrs[0..n), each returning action. */
void sandbox_seccomp_rules_add(struct sandbox_bpf *p, const int *nrs, size_t n, uint32_t action);
/*
 * What every filter allows or refuses by argument: W^X on
 * mmap/mprotect/pkey_mprotect, kill/tgkill towards the process itself, and
 * with is_leak_check what LeakSanitizer's exit-time check needs (read-only
 * opens, clone, ptrace, directory reads: sanitizer builds only).
 */
void sandbox_seccomp_rules_common(struct sandbox_bpf *p, bool is_leak_check);
/*
 * Ends p: the calls every filter refuses with EPERM (files, device nodes,
 * pipes), those every filter kills (programs, tracing, identity,
 * namespaces, kernel modules, other processes' memory), then dflt.
 */
void sandbox_seccomp_rules_finish(struct sandbox_bpf *p, enum sandbox_default dflt);
/*
 * Sets PR_SET_NO_NEW_PRIVS and installs p on every thread (TSYNC: a thread
 * a library started must not stay unfiltered). 0, VPN_ERR_TOO_BIG (p
 * overflowed, a bug) or VPN_ERR_IO (errno says why).
 */
int sandbox_seccomp_rules_install(const struct sandbox_bpf *p);

/* Each policy's whole program, built but not installed (for the verdict test). */
void sandbox_seccomp_worker_build(struct sandbox_bpf *out, enum sandbox_default dflt,
				  unsigned flags);
void sandbox_seccomp_parser_build(struct sandbox_bpf *out, enum sandbox_default dflt,
				  unsigned flags);

#endif
