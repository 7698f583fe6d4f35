/* SPDX-License-Identifier: ISC */
/*
 * The worker's system-call filter. A worker parses everything the internet
 * sends, so it is the process an attacker reaches first; once it runs under
 * this filter, code execution in it still cannot open a file, run a
 * program, trace another process, create devices, sockets other than
 * UDP/IPv4-6, or executable memory.
 *
 * Three verdicts (docs/security.md says why):
 * - allowed: what a worker's event loop, TLS, parsers and malloc use;
 * - killed at once (SIGSYS, whole process): calls with no innocent use after
 *   start-up (execve, ptrace, mount, module loading, setuid, bpf, ...): an
 *   attempt means the worker is already compromised;
 * - everything else: the caller's default. SANDBOX_DEFAULT_EPERM in
 *   production, so a rare path in a library that was missed fails one
 *   request instead of dropping every session of the worker;
 *   SANDBOX_DEFAULT_TRAP in tests, so a missed call shows up as SIGSYS
 *   with its number (si_syscall) instead of passing unnoticed.
 * Argument checks: socket() only AF_INET/AF_INET6 + SOCK_DGRAM; ioctl()
 * only FIONREAD/FIONBIO/FIOCLEX/TCGETS; mmap/mprotect never with PROT_EXEC;
 * kill/tgkill only towards the worker itself.
 */
#ifndef SANDBOX_SECCOMP_H
#define SANDBOX_SECCOMP_H

#include <stdbool.h>

enum sandbox_default {
	SANDBOX_DEFAULT_EPERM, /* unlisted calls fail with EPERM */
	SANDBOX_DEFAULT_TRAP,  /* unlisted calls raise SIGSYS */
	SANDBOX_DEFAULT_KILL,  /* unlisted calls end the process */
};

enum {
	/*
	 * Lets LeakSanitizer run its exit-time check (it clones a tracer,
	 * ptraces the process and reads /proc/self): read-only open, clone,
	 * ptrace, prctl, wait. For sanitizer builds only; see
	 * sandbox_seccomp_default_flags().
	 */
	SANDBOX_SECCOMP_LEAK_CHECK = 1u << 0,
};

/* SANDBOX_SECCOMP_LEAK_CHECK in an ASan/LSan build, 0 otherwise. */
unsigned sandbox_seccomp_default_flags(void);

/*
 * Sets PR_SET_NO_NEW_PRIVS and installs the worker filter on every thread of
 * the calling process, for good. Call it after the privileges are dropped
 * and every file the worker needs is open. 0, VPN_ERR_UNSUPPORTED (no
 * filter for this CPU architecture), VPN_ERR_TOO_BIG (program too long, a
 * bug) or VPN_ERR_IO (the kernel refused; errno says why).
 */
int sandbox_seccomp_worker(enum sandbox_default dflt, unsigned flags);

/*
 * The same for the client's XML parser child (client/auth_parser.h), a
 * tighter policy (seccomp_parser.c): the descriptors it has are its only
 * way out. Killed: socket, socketpair, connect, bind, listen, accept,
 * sendmsg, sendto with an address, exec, ptrace, clone/fork, setuid and
 * namespace calls; refused with EPERM: open and pipes (iconv may try a
 * module for an odd encoding); allowed: read/recv and send without an
 * address, malloc without PROT_EXEC, signals to itself, clocks, exit.
 * Returns as sandbox_seccomp_worker().
 */
int sandbox_seccomp_parser(enum sandbox_default dflt, unsigned flags);

/* True when this build has a filter for its CPU architecture. */
bool sandbox_seccomp_is_supported(void);

#endif
