/* SPDX-License-Identifier: ISC */
/*
 * Every call's verdict in every filter, pinned. A filter's rules are tried
 * in order and the first that names a call decides, so moving a rule or a
 * list can silently turn a kill into an EPERM. This test runs each built
 * program (never installed) in a small classic-BPF interpreter on a
 * synthetic struct seccomp_data for every call number 0..VERDICT_LAST_NR
 * and compares with seccomp_verdicts_table.h, which was recorded from the
 * filters before their rules were shared. Calls judged by an argument
 * (socket, ioctl, sendto, mmap, kill, open) have cases of their own below,
 * with expected verdicts taken from the policies' descriptions (seccomp.h,
 * seccomp_parser.c).
 *
 * After a deliberate policy change, `test_sandbox_seccomp_verdicts --print`
 * prints the new rows; review the difference, call by call, before
 * replacing the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "lib/sandbox/bpf.h"
#include "lib/sandbox/seccomp.h"
#include "lib/sandbox/seccomp_rules.h"

#if defined(__x86_64__)
#include "lib/sandbox/seccomp_verdicts_table.h"
#endif

/*
 * x86-64 numbers end below 512 today; the second half checks that no rule
 * names a number beyond them.
 */
#define VERDICT_LAST_NR 1023

/* The four programs, in the table's column order. */
struct filter {
	const char *name;
	void (*build)(struct sandbox_bpf *p, enum sandbox_default dflt, unsigned flags);
	unsigned flags;
};

static const struct filter filters[] = {
	{ "worker", sandbox_seccomp_worker_build, 0 },
	{ "worker+leak", sandbox_seccomp_worker_build, SANDBOX_SECCOMP_LEAK_CHECK },
	{ "parser", sandbox_seccomp_parser_build, 0 },
	{ "parser+leak", sandbox_seccomp_parser_build, SANDBOX_SECCOMP_LEAK_CHECK },
};
#define FILTER_COUNT (sizeof(filters) / sizeof(filters[0]))

/* ---- the interpreter ------------------------------------------------------------------ */

/*
 * Runs p on d as the kernel would: A is the accumulator, loads are 32-bit
 * words of d in host order, jumps only go forward (so at most len steps).
 * 0 with the returned action in *out, -1 for an instruction this project's
 * assembler never emits or a program that runs off its end.
 */
static int run(const struct sandbox_bpf *p, const struct seccomp_data *d, uint32_t *out)
{
	uint32_t a = 0;
	size_t pc = 0;

	while (pc < p->len) {
		const struct sock_filter *f = &p->insn[pc++];
		uint32_t k = f->k;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k % 4 != 0 || k + 4 > sizeof(*d))
				return -1;
			memcpy(&a, (const uint8_t *)d + k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) != 0 ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			*out = k;
			return 0;
		default:
			return -1;
		}
	}
	return -1;
}

/*
 * 'A' allowed, 'E' EPERM, 'K' process killed, '-' the default (the programs
 * here are built with SANDBOX_DEFAULT_TRAP, which no rule returns), '?'
 * anything else.
 */
static char verdict_of(uint32_t action)
{
	if (action == SECCOMP_RET_ALLOW)
		return 'A';
	if (action == (SECCOMP_RET_ERRNO | EPERM))
		return 'E';
	if (action == SECCOMP_RET_KILL_PROCESS)
		return 'K';
	if (action == SECCOMP_RET_TRAP)
		return '-';
	return '?';
}

static void build(const struct filter *f, enum sandbox_default dflt, struct sandbox_bpf *out)
{
	f->build(out, dflt, f->flags);
	if (out->has_overflowed || out->len == 0 || out->len > BPF_MAXINSNS)
		fail_msg("%s: program of %zu instructions, overflowed %d", f->name, out->len,
			 out->has_overflowed);
}

static char judge(const struct sandbox_bpf *p, const struct seccomp_data *d)
{
	uint32_t action;

	if (run(p, d, &action) != 0)
		fail_msg("the program has an instruction the interpreter does not know");
	return verdict_of(action);
}

static struct seccomp_data call(int nr)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
#if defined(__x86_64__)
	d.arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	d.arch = AUDIT_ARCH_AARCH64;
#endif
	return d;
}

/* ---- every number, all arguments zero ---------------------------------------------------- */

#if defined(__x86_64__)
static const char *table_verdicts(int nr)
{
	for (size_t i = 0; i < sizeof(verdict_rows) / sizeof(verdict_rows[0]); i++)
		if (verdict_rows[i].nr == nr)
			return verdict_rows[i].verdicts;
	return "----";
}
#endif

static void every_number_keeps_its_verdict(void **state)
{
#if defined(__x86_64__)
	struct sandbox_bpf progs[FILTER_COUNT];
	unsigned wrong = 0, pinned = 0;

	(void)state;
	for (size_t f = 0; f < FILTER_COUNT; f++)
		build(&filters[f], SANDBOX_DEFAULT_TRAP, &progs[f]);
	for (int nr = 0; nr <= VERDICT_LAST_NR; nr++) {
		struct seccomp_data d = call(nr);
		const char *want = table_verdicts(nr);

		for (size_t f = 0; f < FILTER_COUNT; f++, pinned++) {
			char got = judge(&progs[f], &d);

			if (got != want[f] && wrong++ < 20)
				print_error("call %d in %s: %c, the table says %c\n", nr,
					    filters[f].name, got, want[f]);
		}
	}
	print_message("%u (call, filter) pairs checked\n", pinned);
	assert_int_equal(wrong, 0);
#else
	(void)state;
	skip();
#endif
}

/* The default is only the last return: it never changes a listed call. */
static void compare_defaults(const struct filter *f, enum sandbox_default dflt, char verdict)
{
	struct sandbox_bpf trap, other;

	build(f, SANDBOX_DEFAULT_TRAP, &trap);
	build(f, dflt, &other);
	for (int nr = 0; nr <= VERDICT_LAST_NR; nr++) {
		struct seccomp_data d = call(nr);
		char t = judge(&trap, &d), o = judge(&other, &d);

		if (o != (t == '-' ? verdict : t))
			fail_msg("call %d in %s: %c with TRAP, %c with default %c", nr, f->name, t,
				 o, verdict);
	}
}

static void default_applies_to_unlisted_calls_only(void **state)
{
	(void)state;
	for (size_t f = 0; f < FILTER_COUNT; f++) {
		compare_defaults(&filters[f], SANDBOX_DEFAULT_EPERM, 'E');
		compare_defaults(&filters[f], SANDBOX_DEFAULT_KILL, 'K');
	}
}

/* ---- calls judged by an argument ---------------------------------------------------------- */

enum { ARG_SELF = -1 }; /* stands for getpid() in a case's arguments */

struct arg_case {
	const char *what;
	int nr;
	long long args[6];
	const char *want; /* worker, worker+leak, parser, parser+leak */
};

static const struct arg_case arg_cases[] = {
	/* plain calls, to anchor the interpreter on the policies' descriptions */
	{ "read", SYS_read, { 0 }, "AAAA" },
	{ "execve", SYS_execve, { 0 }, "KKKK" },
	{ "chdir (nobody lists it)", SYS_chdir, { 0 }, "----" },
	{ "connect", SYS_connect, { 3 }, "AAKK" },
	{ "ptrace (LeakSanitizer's tracer)", SYS_ptrace, { 0 }, "KAKA" },
	{ "clone (LeakSanitizer's tracer)", SYS_clone, { 0 }, "-AKA" },
	/* W^X */
	{ "mmap rw", SYS_mmap, { 0, 4096, PROT_READ | PROT_WRITE }, "AAAA" },
	{ "mmap rx", SYS_mmap, { 0, 4096, PROT_READ | PROT_EXEC }, "EEEE" },
	{ "mprotect r", SYS_mprotect, { 0, 4096, PROT_READ }, "AAAA" },
	{ "mprotect x", SYS_mprotect, { 0, 4096, PROT_EXEC }, "EEEE" },
	{ "pkey_mprotect rwx", SYS_pkey_mprotect, { 0, 4096, 7, 0 }, "EEEE" },
	/* signals to oneself only */
	{ "kill self", SYS_kill, { ARG_SELF, 0 }, "AAAA" },
	{ "kill init", SYS_kill, { 1, 9 }, "EEEE" },
	{ "tgkill self", SYS_tgkill, { ARG_SELF, ARG_SELF, 6 }, "AAAA" },
	{ "tgkill init", SYS_tgkill, { 1, 1, 9 }, "EEEE" },
	/* sockets: UDP for the worker, nothing for the parser */
	{ "socket udp4", SYS_socket, { AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0 },
	  "AAKK" },
	{ "socket udp6", SYS_socket, { AF_INET6, SOCK_DGRAM, IPPROTO_UDP }, "AAKK" },
	{ "socket tcp", SYS_socket, { AF_INET, SOCK_STREAM, 0 }, "EEKK" },
	{ "socket unix", SYS_socket, { AF_UNIX, SOCK_DGRAM, 0 }, "EEKK" },
	{ "socket ping", SYS_socket, { AF_INET, SOCK_DGRAM, IPPROTO_ICMP }, "EEKK" },
	{ "socket raw", SYS_socket, { AF_INET, SOCK_RAW, IPPROTO_UDP }, "EEKK" },
	/* ioctl: the worker's four requests; the parser lists none */
	{ "ioctl FIONREAD", SYS_ioctl, { 3, FIONREAD }, "AA--" },
	{ "ioctl TCGETS", SYS_ioctl, { 0, TCGETS }, "AA--" },
	{ "ioctl TIOCSTI", SYS_ioctl, { 0, TIOCSTI }, "EE--" },
	/* sendto: to the connected peer (length 0) or to an address */
	{ "sendto connected", SYS_sendto, { 3, 0x1000, 1, 0, 0, 0 }, "AAAA" },
	{ "sendto null address", SYS_sendto, { 3, 0x1000, 1, 0, 0, 16 }, "AAKK" },
	{ "sendto address", SYS_sendto, { 3, 0x1000, 1, 0, 0x2000, 16 }, "AAKK" },
	/* files: read-only opens only for LeakSanitizer's check */
	{ "openat read-only", SYS_openat, { AT_FDCWD, 0x1000, O_RDONLY }, "EAEA" },
	{ "openat directory", SYS_openat, { AT_FDCWD, 0x1000, O_RDONLY | O_DIRECTORY }, "EAEA" },
	{ "openat write", SYS_openat, { AT_FDCWD, 0x1000, O_WRONLY }, "EEEE" },
	{ "openat create", SYS_openat, { AT_FDCWD, 0x1000, O_RDONLY | O_CREAT, 0600 }, "EEEE" },
	{ "openat append", SYS_openat, { AT_FDCWD, 0x1000, O_RDONLY | O_APPEND }, "EEEE" },
#ifdef SYS_open
	{ "open read-only", SYS_open, { 0x1000, O_RDONLY }, "EAEA" },
	{ "open read-write", SYS_open, { 0x1000, O_RDWR }, "EEEE" },
#endif
};

static void arguments_decide_as_described(void **state)
{
	struct sandbox_bpf progs[FILTER_COUNT];
	long long self = getpid();

	(void)state;
	for (size_t f = 0; f < FILTER_COUNT; f++)
		build(&filters[f], SANDBOX_DEFAULT_TRAP, &progs[f]);
	for (size_t i = 0; i < sizeof(arg_cases) / sizeof(arg_cases[0]); i++) {
		const struct arg_case *c = &arg_cases[i];
		struct seccomp_data d = call(c->nr);

		for (int a = 0; a < 6; a++)
			d.args[a] = (uint64_t)(c->args[a] == ARG_SELF ? self : c->args[a]);
		for (size_t f = 0; f < FILTER_COUNT; f++) {
			char got = judge(&progs[f], &d);

			if (got != c->want[f])
				fail_msg("%s in %s: %c, want %c", c->what, filters[f].name, got,
					 c->want[f]);
		}
	}
}

/* Another calling convention or an x32 number never reaches a rule. */
static void foreign_calls_are_killed(void **state)
{
	(void)state;
	for (size_t f = 0; f < FILTER_COUNT; f++) {
		struct sandbox_bpf p;
		struct seccomp_data d = call(SYS_read);

		build(&filters[f], SANDBOX_DEFAULT_TRAP, &p);
		d.arch = AUDIT_ARCH_I386;
		assert_int_equal(judge(&p, &d), 'K');
#if defined(__x86_64__)
		d = call(SYS_read | 0x40000000); /* __X32_SYSCALL_BIT */
		assert_int_equal(judge(&p, &d), 'K');
#endif
	}
}

/* ---- --print: the table's rows from the filters as built now ------------------------------- */

static int print_rows(void)
{
	struct sandbox_bpf progs[FILTER_COUNT];
	uint32_t action;

	for (size_t f = 0; f < FILTER_COUNT; f++) {
		filters[f].build(&progs[f], SANDBOX_DEFAULT_TRAP, filters[f].flags);
		if (progs[f].has_overflowed)
			return 1;
	}
	for (int nr = 0; nr <= VERDICT_LAST_NR; nr++) {
		struct seccomp_data d = call(nr);
		char row[FILTER_COUNT + 1] = "";
		int is_listed = 0;

		for (size_t f = 0; f < FILTER_COUNT; f++) {
			if (run(&progs[f], &d, &action) != 0)
				return 1;
			row[f] = verdict_of(action);
			is_listed |= row[f] != '-';
		}
		if (is_listed)
			printf("\t{ %d, \"%s\" },\n", nr, row);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_number_keeps_its_verdict),
		cmocka_unit_test(default_applies_to_unlisted_calls_only),
		cmocka_unit_test(arguments_decide_as_described),
		cmocka_unit_test(foreign_calls_are_killed),
	};

	if (!sandbox_seccomp_is_supported()) {
		puts("1..0 # SKIP no filter for this CPU architecture");
		return 77;
	}
	if (argc == 2 && strcmp(argv[1], "--print") == 0)
		return print_rows();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
