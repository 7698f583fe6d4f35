/* SPDX-License-Identifier: ISC */
/*
 * A tiny assembler for classic BPF seccomp programs, private to
 * lib/sandbox/. A program is a list of rules, one per system call; each
 * rule is "if nr == N" followed by a block that always ends in a return, so
 * rules never jump into each other and every jump offset stays small.
 *
 * Ownership: struct sandbox_bpf is caller storage with a fixed capacity; an
 * instruction that does not fit sets has_overflowed (checked once, like
 * struct buf_writer).
 */
#ifndef SANDBOX_BPF_H
#define SANDBOX_BPF_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SANDBOX_BPF_MAX 512

struct sandbox_bpf {
	struct sock_filter insn[SANDBOX_BPF_MAX];
	size_t len;
	bool has_overflowed;
	size_t rule_start; /* index of the open rule's jump, or SIZE_MAX */
};

void sandbox_bpf_init(struct sandbox_bpf *p);

/* Kills the process unless the calling convention is this build's own. */
void sandbox_bpf_check_arch(struct sandbox_bpf *p);

/* Loads the system call number into A (every rule compares against it). */
void sandbox_bpf_load_nr(struct sandbox_bpf *p);

/* "return action" */
void sandbox_bpf_ret(struct sandbox_bpf *p, uint32_t action);

/* A whole rule: nr -> action. */
void sandbox_bpf_rule(struct sandbox_bpf *p, int nr, uint32_t action);

/*
 * A rule with a block: rule_begin(nr), instructions that end in returns,
 * rule_end(). The block may clobber A; the next rule reloads nr.
 */
void sandbox_bpf_rule_begin(struct sandbox_bpf *p, int nr);
void sandbox_bpf_rule_end(struct sandbox_bpf *p);

/* A = low 32 bits of argument i (the kernel reads int arguments from there). */
void sandbox_bpf_load_arg(struct sandbox_bpf *p, unsigned i);

/* if A == k return action (falls through otherwise). */
void sandbox_bpf_ret_if_eq(struct sandbox_bpf *p, uint32_t k, uint32_t action);
/* if A is none of ks[0..n) return action (n <= 16). */
void sandbox_bpf_ret_unless_one_of(struct sandbox_bpf *p, const uint32_t *ks, size_t n,
				   uint32_t action);
/* if (A & mask) != 0 return action. */
void sandbox_bpf_ret_if_any(struct sandbox_bpf *p, uint32_t mask, uint32_t action);
/* A &= mask */
void sandbox_bpf_and(struct sandbox_bpf *p, uint32_t mask);

#endif
