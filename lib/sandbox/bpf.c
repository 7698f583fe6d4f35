/* SPDX-License-Identifier: ISC */
/* Emitting classic BPF for seccomp, one self-contained rule at a time. */
#include "lib/sandbox/bpf.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define ARCH_NR AUDIT_ARCH_X86_64
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARCH_NR AUDIT_ARCH_AARCH64
#endif

/* Where the low half of a 64-bit argument sits in struct seccomp_data. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

static void emit(struct sandbox_bpf *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	struct sock_filter f = { code, jt, jf, k };

	if (p->len >= SANDBOX_BPF_MAX) {
		p->has_overflowed = true;
		return;
	}
	p->insn[p->len++] = f;
}

void sandbox_bpf_init(struct sandbox_bpf *p)
{
	p->len = 0;
	p->has_overflowed = false;
	p->rule_start = SIZE_MAX;
}

void sandbox_bpf_check_arch(struct sandbox_bpf *p)
{
#ifdef ARCH_NR
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ARCH_NR);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
#else
	/* No known arch: a program that kills everything is the safe failure. */
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
	p->has_overflowed = true;
#endif
}

void sandbox_bpf_load_nr(struct sandbox_bpf *p)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	/*
	 * x32 calls share the x86-64 arch value and differ only by this bit;
	 * without the check each x32 number would bypass its x86-64 rule.
	 */
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000u);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
#endif
}

void sandbox_bpf_ret(struct sandbox_bpf *p, uint32_t action)
{
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

void sandbox_bpf_rule(struct sandbox_bpf *p, int nr, uint32_t action)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr);
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

void sandbox_bpf_rule_begin(struct sandbox_bpf *p, int nr)
{
	p->rule_start = p->len;
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, (uint32_t)nr);
}

void sandbox_bpf_rule_end(struct sandbox_bpf *p)
{
	size_t block;

	if (p->has_overflowed || p->rule_start == SIZE_MAX)
		return;
	block = p->len - p->rule_start - 1;
	if (block > 255) {
		p->has_overflowed = true;
		return;
	}
	/* Not this call: skip the whole block, to the next rule. */
	p->insn[p->rule_start].jf = (uint8_t)block;
	p->rule_start = SIZE_MAX;
	/* The block clobbered A; the next rule compares the number again. */
	sandbox_bpf_load_nr(p);
}

void sandbox_bpf_load_arg(struct sandbox_bpf *p, unsigned i)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)ARG_LOW(i));
}

void sandbox_bpf_ret_if_eq(struct sandbox_bpf *p, uint32_t k, uint32_t action)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, k);
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

void sandbox_bpf_ret_unless_one_of(struct sandbox_bpf *p, const uint32_t *ks, size_t n,
				   uint32_t action)
{
	if (n > 16) {
		p->has_overflowed = true;
		return;
	}
	/* A match jumps over the comparisons left and the return. */
	for (size_t i = 0; i < n; i++)
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(n - i), 0, ks[i]);
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

void sandbox_bpf_ret_if_any(struct sandbox_bpf *p, uint32_t mask, uint32_t action)
{
	emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, mask);
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

void sandbox_bpf_and(struct sandbox_bpf *p, uint32_t mask)
{
	emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, mask);
}
