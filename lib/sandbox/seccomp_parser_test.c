/* SPDX-License-Identifier: ISC */
/*
 * The XML parser child's filter, tested in forked children that install it
 * and try things. Every forbidden call is first shown to work without the
 * filter (so a refusal is the filter's doing); what must work is the
 * parser's real day: every captured login document read by
 * auth_xml_read() under SANDBOX_DEFAULT_TRAP, where a call nobody listed
 * would end the child with its number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/sandbox/sandbox_test_util.h"
#include "lib/sandbox/seccomp.h"
#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "tests/vectors/vectors.h"

static void install(enum sandbox_default dflt, unsigned flags)
{
	sandbox_child_install(sandbox_seccomp_parser, dflt, flags);
}

/* A loopback UDP socket bound to an ephemeral port, and its address. */
static int udp_receiver(struct sockaddr_in *out)
{
	socklen_t len = sizeof(*out);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHILD_CHECK(fd >= 0 && bind(fd, (struct sockaddr *)out, sizeof(*out)) == 0);
	CHILD_CHECK(getsockname(fd, (struct sockaddr *)out, &len) == 0);
	return fd;
}

/* ---- calls that would open a way out: each ends the child ------------------------- */

static struct sockaddr_in peer;
static int udp_fd = -1;

static void try_socket(void)
{
	socket(AF_INET, SOCK_DGRAM, 0);
}

static void try_socketpair(void)
{
	int sv[2];

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
}

static void try_connect(void)
{
	connect(udp_fd, (struct sockaddr *)&peer, sizeof(peer));
}

static void try_bind(void)
{
	bind(udp_fd, (struct sockaddr *)&peer, sizeof(peer));
}

static void try_sendto_address(void)
{
	sendto(udp_fd, "x", 1, 0, (struct sockaddr *)&peer, sizeof(peer));
}

static void try_sendmsg(void)
{
	struct iovec iov = { (void *)"x", 1 };
	struct msghdr m = { .msg_name = &peer, .msg_namelen = sizeof(peer),
			    .msg_iov = &iov, .msg_iovlen = 1 };

	sendmsg(udp_fd, &m, 0);
}

static void try_execve(void)
{
	char *argv[] = { (char *)"/bin/true", NULL };

	execv("/bin/true", argv);
}

static void try_ptrace(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static void try_fork(void)
{
	if (fork() == 0)
		_exit(0);
}

static void try_setuid(void)
{
	syscall(SYS_setuid, 0);
}

static const struct {
	const char *what;
	void (*fn)(void);
} fatal_tries[] = {
	{ "socket", try_socket }, { "socketpair", try_socketpair },
	{ "connect", try_connect }, { "bind", try_bind },
	{ "sendto with an address", try_sendto_address }, { "sendmsg", try_sendmsg },
	{ "execve", try_execve }, { "ptrace", try_ptrace }, { "fork", try_fork },
	{ "setuid", try_setuid },
};
static size_t fatal_index;

/* Control first: without the filter a datagram to the receiver arrives. */
static void child_fatal(void)
{
	char byte = 0;
	int rx = udp_receiver(&peer);

	udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHILD_CHECK(udp_fd >= 0);
	CHILD_CHECK(sendto(udp_fd, "c", 1, 0, (struct sockaddr *)&peer, sizeof(peer)) == 1);
	CHILD_CHECK(recv(rx, &byte, 1, 0) == 1 && byte == 'c');
	install(SANDBOX_DEFAULT_EPERM, 0);
	fatal_tries[fatal_index].fn();
	sandbox_child_fail("%s returned: errno %d", fatal_tries[fatal_index].what, errno);
}

static void kills_every_way_out(void **state)
{
	struct sandbox_child c;

	(void)state;
	for (fatal_index = 0; fatal_index < sizeof(fatal_tries) / sizeof(fatal_tries[0]);
	     fatal_index++) {
		sandbox_child_run(&c, child_fatal);
		sandbox_assert_child_killed(&c, fatal_tries[fatal_index].what);
	}
}

/* ---- refused softly ------------------------------------------------------------------ */

static void child_refused(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int control = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	pid_t parent = getppid(); /* getppid is no call the parser makes */
	void *rw;
	int p[2];

	CHILD_CHECK(control >= 0);
	close(control);
	install(SANDBOX_DEFAULT_TRAP, 0);
	sandbox_child_expect_eperm(open("/etc/passwd", O_RDONLY), "open");
	sandbox_child_expect_eperm(syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY),
				   "openat");
	CHILD_CHECK(fopen("/etc/passwd", "r") == NULL);
	sandbox_child_expect_eperm(pipe2(p, 0), "pipe2");
	sandbox_child_expect_eperm(kill(parent, 0), "kill parent");
	sandbox_child_expect_eperm(kill(1, 0), "kill init");
	rw = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHILD_CHECK(rw != MAP_FAILED);
	CHILD_CHECK(mmap(NULL, (size_t)page, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EPERM);
	sandbox_child_expect_eperm(mprotect(rw, (size_t)page, PROT_READ | PROT_EXEC),
				   "mprotect exec");
	CHILD_CHECK(munmap(rw, (size_t)page) == 0);
}

/* The one sendto allowed, length 0, cannot name a destination: nothing arrives. */
static void child_sendto_zero_length_address(void)
{
	struct sockaddr_in to;
	char byte;
	int rx = udp_receiver(&to);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	CHILD_CHECK(tx >= 0);
	install(SANDBOX_DEFAULT_TRAP, 0);
	CHILD_CHECK(sendto(tx, "x", 1, 0, (struct sockaddr *)&to, 0) == -1);
	CHILD_CHECK(recv(rx, &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
}

static void sendto_without_length_sends_nowhere(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_sendto_zero_length_address);
	sandbox_assert_child_ok(&c);
}

static void refuses_files_pipes_exec_memory(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_refused);
	sandbox_assert_child_ok(&c);
}

/* ---- what the child needs --------------------------------------------------------------- */

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void child_needed(void)
{
	struct timespec ts;
	uint8_t rnd[16] = { 0 }, zero[16] = { 0 };
	char buf[8] = "";
	void *big;
	int sv[2];

	CHILD_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	signal(SIGUSR1, on_usr1);
	install(SANDBOX_DEFAULT_TRAP, 0);
	CHILD_CHECK(send(sv[0], "ab", 2, MSG_NOSIGNAL) == 2);
	CHILD_CHECK(write(sv[0], "c", 1) == 1);
	CHILD_CHECK(read(sv[1], buf, 1) == 1 && recv(sv[1], buf + 1, 2, 0) == 2);
	CHILD_CHECK(memcmp(buf, "abc", 3) == 0);
	/* large enough for malloc to map it, small ones come from brk */
	big = malloc(4u << 20);
	CHILD_CHECK(big != NULL);
	memset(big, 1, 4u << 20);
	free(big);
	free(malloc(100));
	CHILD_CHECK(raise(SIGUSR1) == 0 && got_usr1);
	CHILD_CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && time(NULL) > 0);
	CHILD_CHECK(getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd));
	CHILD_CHECK(memcmp(rnd, zero, sizeof(rnd)) != 0);
	CHILD_CHECK(close(sv[1]) == 0);
}

static void allows_socket_io_memory_signals_clocks(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_needed);
	sandbox_assert_child_ok(&c);
}

/* ---- the parser's real work ------------------------------------------------------------- */

/* A gateway could declare an encoding glibc's iconv loads from a file. */
static const char koi8[] =
	"<?xml version=\"1.0\" encoding=\"KOI8-R\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-request\"><auth id=\"main\">"
	"<message>\xf0\xd2\xc9\xd7\xc5\xd4</message></auth></config-auth>";

static const char xxe[] =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE config-auth [\n"
	"<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
	"<config-auth client=\"vpn\" type=\"init\"><version>&xxe;</version></config-auth>";

static int read_doc(const char *text, struct auth_doc *doc)
{
	auth_doc_cleanup(doc);
	auth_doc_init(doc);
	return auth_xml_read(doc, text, strlen(text), NULL);
}

static void child_parses_vectors(void)
{
	static const char *const bodies[] = {
		V01_BODY, V02_BODY, V03_BODY, V04_BODY, V05_BODY, V06_BODY,
	};
	struct auth_doc doc;
	int rc;

	/* what client/auth_parser.c does before its filter: load libxml2 */
	auth_doc_init(&doc);
	CHILD_CHECK(read_doc("<warm-up/>", &doc) == VPN_ERR_INVALID);
	install(SANDBOX_DEFAULT_TRAP, sandbox_seccomp_default_flags());
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
			if (read_doc(bodies[i], &doc) != 0)
				sandbox_child_fail("vector body %zu refused under the filter", i);
	/* vectors/05: the gateway's auth-request asks for a password */
	CHILD_CHECK(read_doc(V05_BODY, &doc) == 0 && doc.type == AUTH_DOC_AUTH_REQUEST);
	CHILD_CHECK(read_doc(V06_BODY, &doc) == 0 && doc.type == AUTH_DOC_COMPLETE);
	CHILD_CHECK(read_doc(xxe, &doc) == VPN_ERR_INVALID);
	rc = read_doc(koi8, &doc);
	CHILD_CHECK(rc == 0 || rc == VPN_ERR_INVALID);
	auth_doc_cleanup(&doc);
}

static void every_vector_parses_under_trap(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_parses_vectors);
	sandbox_assert_child_ok(&c);
}

/* ---- defaults and what the kernel reports ------------------------------------------------ */

static void child_unlisted_trap(void)
{
	install(SANDBOX_DEFAULT_TRAP, 0);
	syscall(SYS_chdir, "/");
	sandbox_child_fail("chdir returned");
}

static void child_installs_and_pauses(void)
{
	install(SANDBOX_DEFAULT_TRAP, 0);
	sandbox_child_pause();
}

static void kernel_reports_filter_and_trap_names_calls(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_installs_and_pauses);
	sandbox_assert_child_ok(&c);
	sandbox_assert_proc_filtered(&c);

	sandbox_child_run(&c, child_unlisted_trap);
	sandbox_assert_child_trapped(&c, SYS_chdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kills_every_way_out),
		cmocka_unit_test(refuses_files_pipes_exec_memory),
		cmocka_unit_test(sendto_without_length_sends_nowhere),
		cmocka_unit_test(allows_socket_io_memory_signals_clocks),
		cmocka_unit_test(every_vector_parses_under_trap),
		cmocka_unit_test(kernel_reports_filter_and_trap_names_calls),
	};

	if (!sandbox_seccomp_is_supported()) {
		puts("1..0 # SKIP no filter for this CPU architecture");
		return 77;
	}
	auth_xml_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
