/* SPDX-License-Identifier: ISC */
/*
 * A worker's day under the filter: the library code a worker runs (GnuTLS
 * handshake and records, libxml2 through lib/auth, the epoll loop and its
 * timers, UDP batches, malloc of every size) must keep working after
 * sandbox_seccomp_worker(). Unlisted calls trap here (SANDBOX_DEFAULT_TRAP),
 * so a call the filter forgot fails the test with its number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/sandbox/sandbox_test_util.h"
#include "lib/sandbox/seccomp.h"
#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/event/loop.h"
#include "lib/tls/tls.h"

/* Set up once by the group: a self-signed gateway certificate. */
static char dir[] = "/tmp/sandbox-work-XXXXXX";
static char cert[128], key[128];

/* openconnect 9.01's auth-reply with the username (vectors/04, body). */
static const char reply_username[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">"
	"<version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id>"
	"<capabilities><auth-method>single-sign-on-v2</auth-method>"
	"<auth-method>single-sign-on-external-browser</auth-method></capabilities>"
	"<auth><username>alice</username></auth>"
	"<group-select>engineering</group-select></config-auth>\n";

static const char xxe[] =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE config-auth [\n"
	"<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
	"<config-auth client=\"vpn\" type=\"init\"><version>&xxe;</version></config-auth>";

/* Runs both handshakes over the socketpair until done, bounded in rounds. */
static int handshake(struct tls_conn *s, struct tls_conn *c, const int fds[2])
{
	int rs = VPN_ERR_AGAIN, rc = VPN_ERR_AGAIN;

	for (int round = 0; round < 400 && (rs == VPN_ERR_AGAIN || rc == VPN_ERR_AGAIN); round++) {
		struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };

		if (rc == VPN_ERR_AGAIN)
			rc = tls_conn_handshake(c);
		if (rs == VPN_ERR_AGAIN)
			rs = tls_conn_handshake(s);
		if (rs == VPN_ERR_AGAIN || rc == VPN_ERR_AGAIN)
			poll(p, 2, 20);
	}
	return rs != 0 ? rs : rc;
}

static void tls_under_filter(struct tls_server_ctx *sctx, struct tls_client_ctx *cctx,
			     const int fds[2])
{
	struct tls_conn *s = NULL, *c = NULL;
	char buf[64];
	size_t n = 0;
	uint8_t psk_s[32], psk_c[32];

	CHILD_CHECK(tls_conn_new_server(&s, sctx, fds[0]) == 0);
	CHILD_CHECK(tls_conn_new_client(&c, cctx, fds[1]) == 0);
	CHILD_CHECK(handshake(s, c, fds) == 0);
	CHILD_CHECK(tls_conn_write(c, "hello worker", 12) == 0);
	for (int i = 0; i < 100 && tls_conn_read(s, buf, sizeof(buf), &n) == VPN_ERR_AGAIN; i++)
		poll(NULL, 0, 5);
	CHILD_CHECK(n == 12 && memcmp(buf, "hello worker", 12) == 0);
	CHILD_CHECK(tls_conn_export_psk(s, psk_s) == 0 && tls_conn_export_psk(c, psk_c) == 0);
	CHILD_CHECK(memcmp(psk_s, psk_c, 32) == 0);
	tls_conn_bye(c);
	tls_conn_free(c);
	tls_conn_free(s);
}

static void xml_under_filter(void)
{
	struct auth_doc doc;
	const char *user;

	auth_doc_init(&doc);
	CHILD_CHECK(auth_xml_read(&doc, reply_username, sizeof(reply_username) - 1, NULL) == 0);
	user = auth_doc_reply_value(&doc, "username");
	CHILD_CHECK(user && strcmp(user, "alice") == 0);
	CHILD_CHECK(doc.group_select && strcmp(doc.group_select, "engineering") == 0);
	auth_doc_cleanup(&doc);
	auth_doc_init(&doc);
	CHILD_CHECK(auth_xml_read(&doc, xxe, sizeof(xxe) - 1, NULL) == VPN_ERR_INVALID);
	auth_doc_cleanup(&doc);
}

static void udp_batches_under_filter(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	char out[2][8] = { "first", "second" }, in[2][16];
	struct iovec oiov[2] = { { out[0], 5 }, { out[1], 6 } };
	struct iovec iiov[2] = { { in[0], sizeof(in[0]) }, { in[1], sizeof(in[1]) } };
	struct mmsghdr om[2], im[2];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct pollfd p = { fd, POLLIN, 0 };
	int got = 0;

	CHILD_CHECK(fd >= 0);
	CHILD_CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHILD_CHECK(getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
	CHILD_CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	memset(om, 0, sizeof(om));
	memset(im, 0, sizeof(im));
	for (int i = 0; i < 2; i++) {
		om[i].msg_hdr.msg_iov = &oiov[i];
		om[i].msg_hdr.msg_iovlen = 1;
		im[i].msg_hdr.msg_iov = &iiov[i];
		im[i].msg_hdr.msg_iovlen = 1;
	}
	CHILD_CHECK(sendmmsg(fd, om, 2, 0) == 2);
	for (int i = 0; i < 50 && got < 2; i++) {
		int n;

		poll(&p, 1, 10);
		n = recvmmsg(fd, im + got, (unsigned)(2 - got), MSG_DONTWAIT, NULL);
		if (n > 0)
			got += n;
	}
	CHILD_CHECK(got == 2 && im[1].msg_len == 6 && memcmp(in[1], "second", 6) == 0);
	close(fd);
}

static void on_timer(struct event_timer *t)
{
	(void)t;
}

static void loop_and_memory_under_filter(void)
{
	struct event_loop *loop = NULL;
	struct event_timer t;
	uint8_t rnd[32] = { 0 }, zero[32] = { 0 };
	struct timespec ts;
	char *big = NULL;

	CHILD_CHECK(event_loop_new(&loop) == 0);
	event_timer_init(&t, on_timer);
	CHILD_CHECK(event_timer_arm(loop, &t, 5) == 0);
	for (int i = 0; i < 50 && event_timer_is_armed(&t); i++)
		CHILD_CHECK(event_loop_run_once(loop, 20) >= 0);
	CHILD_CHECK(!event_timer_is_armed(&t));
	event_loop_free(loop);
	/* small, large (mmap) and growing (mremap) blocks */
	for (size_t size = 16; size <= 8u << 20; size *= 4) {
		char *p = realloc(big, size);

		CHILD_CHECK(p != NULL);
		big = p;
		memset(big, 0x5a, size);
	}
	free(big);
	CHILD_CHECK(getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd));
	CHILD_CHECK(memcmp(rnd, zero, sizeof(rnd)) != 0);
	CHILD_CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && time(NULL) > 0);
	log_info("sandbox: a log line from inside the filter");
}

static void child_worker_day(void)
{
	struct tls_server_config scfg = { .cert_file = cert, .key_file = key };
	struct tls_client_config ccfg = { .ca_file = cert, .hostname = "gw.sslgate.test" };
	struct tls_server_ctx *sctx = NULL;
	struct tls_client_ctx *cctx = NULL;
	int fds[2];

	/* what the parent hands a worker: contexts loaded, sockets open */
	CHILD_CHECK(tls_server_ctx_new(&sctx, &scfg) == 0);
	CHILD_CHECK(tls_client_ctx_new(&cctx, &ccfg) == 0);
	CHILD_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
	log_set_sink(log_sink_stderr, NULL, LOG_LEVEL_INFO);
	auth_xml_global_init();
	sandbox_child_install(sandbox_seccomp_worker, SANDBOX_DEFAULT_TRAP, 0);
	tls_under_filter(sctx, cctx, fds);
	xml_under_filter();
	udp_batches_under_filter();
	loop_and_memory_under_filter();
	tls_client_ctx_free(cctx);
	tls_server_ctx_free(sctx);
}

static void worker_work_passes_the_filter(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_worker_day);
	sandbox_assert_child_ok(&c);
}

/*
 * Sanitizer builds: LeakSanitizer's check at exit() needs the extra calls of
 * SANDBOX_SECCOMP_LEAK_CHECK. The child leaks nothing and exits through
 * exit(), so in an ASan build the leak check really runs under the filter;
 * writing and creating files must still be refused.
 */
static void child_leak_check_exit(void)
{
	char *p;

	sandbox_child_install(sandbox_seccomp_worker, SANDBOX_DEFAULT_TRAP,
			      sandbox_seccomp_default_flags() | SANDBOX_SECCOMP_LEAK_CHECK);
	p = malloc(1000);
	CHILD_CHECK(p != NULL);
	free(p);
	CHILD_CHECK(open("/etc/passwd", O_WRONLY) == -1 && errno == EPERM);
	CHILD_CHECK(open("/tmp/sandbox-new", O_RDONLY | O_CREAT, 0600) == -1 && errno == EPERM);
	CHILD_CHECK(socket(AF_UNIX, SOCK_STREAM, 0) == -1 && errno == EPERM);
	exit(0);
}

static void leak_check_mode_lets_exit_run(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_leak_check_exit);
	sandbox_assert_child_ok(&c);
}

/* The leak check must also *find* leaks under the filter, not just survive it. */
static void *volatile leaked;

static void child_leaks(void)
{
	sandbox_child_install(sandbox_seccomp_worker, SANDBOX_DEFAULT_TRAP,
			      SANDBOX_SECCOMP_LEAK_CHECK);
	leaked = malloc(4321);
	leaked = NULL;
	exit(0);
}

static void leak_check_finds_a_leak_under_the_filter(void **state)
{
	struct sandbox_child c;

	(void)state;
	if (sandbox_seccomp_default_flags() == 0)
		skip(); /* no LeakSanitizer in this build */
	fprintf(stderr, "sandbox: a LeakSanitizer report of 4321 bytes is expected below\n");
	sandbox_child_run(&c, child_leaks);
	/* LeakSanitizer turns exit(0) into a failure when it found the block */
	assert_true(WIFEXITED(c.status));
	assert_int_not_equal(WEXITSTATUS(c.status), 0);
	assert_int_not_equal(WEXITSTATUS(c.status), 3); /* not a trap */
}

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL || tls_global_init() != 0)
		return -1;
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	return tls_selfsigned_write(cert, key, "gw.sslgate.test", 2) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(cert);
	unlink(key);
	rmdir(dir);
	tls_global_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worker_work_passes_the_filter),
		cmocka_unit_test(leak_check_mode_lets_exit_run),
		cmocka_unit_test(leak_check_finds_a_leak_under_the_filter),
	};

	if (!sandbox_seccomp_is_supported()) {
		puts("1..0 # SKIP no filter for this CPU architecture");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
