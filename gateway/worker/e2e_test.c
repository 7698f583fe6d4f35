/* SPDX-License-Identifier: ISC */
/*
 * worker_main for real: its own thread, a TCP listener on loopback, TLS
 * from lib/tls, and the test playing the client (lib/tls client side),
 * authd and the parent over socketpairs, and the network behind the tun.
 * Checks what only the socket path shows: one CSTP frame per TLS record
 * when a burst of packets leaves corked, sessions that go bad or vanish
 * while others keep working, and the worker stopping when the parent goes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/conf.h"
#include "gateway/worker/testenv.h"
#include "gateway/worker/worker.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/tls/tls.h"

#define HOST "gw.sslgate.test"
#define BURST 50

struct e2e {
	struct testenv t;
	pthread_t thread;
	struct worker_fds fds;
	int worker_rc;
	uint16_t port;
	char cert[128], key[128];
	struct tls_client_ctx *cctx;
};

struct client {
	int fd;
	struct tls_conn *tls;
};

static char buf[262144];
static char req[16384];

static void *run_worker(void *arg)
{
	struct e2e *e = arg;

	e->worker_rc = worker_main(e->t.cfg, &e->fds, 0);
	return NULL;
}

static int listener(uint16_t *out_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) != 0)
		return -1;
	*out_port = ntohs(sin.sin_port);
	return fd;
}

static int pair(int type, int *a, int *b)
{
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	*a = sv[0];
	*b = sv[1];
	return 0;
}

static int setup(void **state)
{
	struct e2e *e = calloc(1, sizeof(*e));
	struct tls_server_config scfg = { 0 };
	struct tls_client_config ccfg = { 0 };

	if (!e || testenv_config(&e->t, NULL) != 0)
		return -1;
	snprintf(e->cert, sizeof(e->cert), "%s/cert.pem", e->t.dir);
	snprintf(e->key, sizeof(e->key), "%s/key.pem", e->t.dir);
	if (tls_selfsigned_write(e->cert, e->key, HOST, 2) != 0)
		return -1;
	scfg.cert_file = e->cert;
	scfg.key_file = e->key;
	if (tls_server_ctx_new(&e->t.cfg->tls, &scfg) != 0)
		return -1;
	ccfg.ca_file = e->cert;
	ccfg.hostname = HOST;
	if (tls_client_ctx_new(&e->cctx, &ccfg) != 0)
		return -1;
	e->fds.tcp_listen = listener(&e->port);
	e->fds.udp = -1;
	e->fds.tun_name = "vpns0";
	if (e->fds.tcp_listen < 0 ||
	    pair(SOCK_SEQPACKET, &e->fds.authd, &e->t.authd_peer) != 0 ||
	    pair(SOCK_SEQPACKET, &e->fds.parent, &e->t.parent_peer) != 0 ||
	    pair(SOCK_DGRAM, &e->fds.tun, &e->t.tun_peer) != 0)
		return -1;
	if (pthread_create(&e->thread, NULL, run_worker, e) != 0)
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct e2e *e = *state;

	/* The parent going away stops the worker (ipc.c). */
	close(e->t.parent_peer);
	e->t.parent_peer = -1;
	pthread_join(e->thread, NULL);
	assert_int_equal(e->worker_rc, 0);
	tls_client_ctx_free(e->cctx);
	testenv_teardown(&e->t);
	free(e);
	return 0;
}

static void wait_fd(int fd, bool is_write)
{
	struct pollfd p = { .fd = fd, .events = is_write ? POLLOUT : POLLIN };

	assert_int_equal(poll(&p, 1, 3000), 1);
}

static void client_open(struct e2e *e, struct client *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(e->port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int rc;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(c->fd >= 0);
	rc = connect(c->fd, (struct sockaddr *)&sin, sizeof(sin));
	assert_true(rc == 0 || errno == EINPROGRESS);
	assert_int_equal(tls_conn_new_client(&c->tls, e->cctx, c->fd), 0);
	for (int i = 0; i < 100 && (rc = tls_conn_handshake(c->tls)) == VPN_ERR_AGAIN; i++)
		wait_fd(c->fd, tls_conn_wants_write(c->tls));
	assert_int_equal(rc, 0);
}

static void client_close(struct client *c)
{
	tls_conn_free(c->tls);
	close(c->fd);
}

static void client_write(struct client *c, const void *data, size_t len)
{
	int rc;

	for (int i = 0; i < 100 && (rc = tls_conn_write(c->tls, data, len)) == VPN_ERR_AGAIN; i++)
		wait_fd(c->fd, true);
	assert_int_equal(rc, 0);
}

/* One TLS record's plaintext; its length, or 0 when the gateway closed. */
static size_t client_record(struct client *c, void *out, size_t cap)
{
	size_t got = 0;
	int rc;

	for (int i = 0; i < 100; i++) {
		rc = tls_conn_read(c->tls, out, cap, &got);
		if (rc != VPN_ERR_AGAIN)
			break;
		wait_fd(c->fd, tls_conn_wants_write(c->tls));
	}
	if (rc == VPN_ERR_CLOSED || rc == VPN_ERR_TLS)
		return 0;
	assert_int_equal(rc, 0);
	return got;
}

/* A whole HTTP answer (head and Content-Length body) into buf. */
static size_t client_answer(struct client *c)
{
	size_t n = 0;

	for (int i = 0; i < 64; i++) {
		char *end;
		size_t got = client_record(c, buf + n, sizeof(buf) - n - 1);

		if (got == 0)
			break;
		n += got;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end) {
			const char *cl = strstr(buf, "Content-Length: ");
			size_t body = cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0;

			if (n >= (size_t)(end + 4 - buf) + body)
				break;
		}
	}
	return n;
}

/* Login and CONNECT as openconnect does, on one connection; ends in the tunnel. */
static void client_login(struct e2e *e, struct client *c)
{
	size_t n;

	client_open(e, c);
	n = testenv_oc_post(req, sizeof(req), "/", testenv_oc_init);
	client_write(c, req, n);
	client_answer(c);
	assert_non_null(strstr(buf, "Please enter your username."));
	n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_username);
	client_write(c, req, n);
	client_answer(c);
	assert_non_null(strstr(buf, "Please enter your password."));
	n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_password);
	client_write(c, req, n);
	testenv_answer_password(&e->t, MSG_AUTH_OK, 0, NULL);
	client_answer(c);
	assert_non_null(strstr(buf, "type=\"complete\""));
	n = testenv_oc_connect(req, sizeof(req), e->t.cookie);
	client_write(c, req, n);
	testenv_answer_cookie(&e->t, MSG_AUTH_OK, NULL);
	testenv_answer_lease(&e->t, NULL);
	client_answer(c);
	assert_memory_equal(buf, "HTTP/1.1 200 CONNECTED\r\n", 24);
	assert_int_equal(testenv_recv(e->t.authd_peer, buf, sizeof(buf)),
			 sizeof(struct msg_session_event));
}

static void dpd_roundtrip(struct client *c, uint8_t tag)
{
	uint8_t frame[12] = { 'S', 'T', 'F', 1, 0, 4, 3, 0, tag, tag, tag, tag };
	uint8_t got[64];

	client_write(c, frame, sizeof(frame));
	assert_int_equal(client_record(c, got, sizeof(got)), sizeof(frame));
	frame[6] = 4;
	assert_memory_equal(got, frame, sizeof(frame));
}

static size_t packet_to(uint8_t *p, uint8_t last, uint16_t id)
{
	memset(p, 0, 84);
	p[0] = 0x45;
	p[3] = 84;
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[8] = 64;
	p[9] = 1;
	memcpy(p + 12, (const uint8_t[]){ 198, 18, 2, 2 }, 4);
	memcpy(p + 16, (const uint8_t[]){ 198, 19, 10, last }, 4);
	return 84;
}

/* The whole session over TLS; a burst from the tun leaves as one record per frame. */
static void test_session_over_tls(void **state)
{
	struct e2e *e = *state;
	struct client c;
	uint8_t pkt[84], got[256];
	struct msg_session_event ev;

	client_login(e, &c);
	dpd_roundtrip(&c, 0x5a);
	for (uint16_t i = 0; i < BURST; i++) {
		size_t len = packet_to(pkt, 50, i);

		assert_int_equal(send(e->t.tun_peer, pkt, len, 0), (ssize_t)len);
	}
	for (uint16_t i = 0; i < BURST; i++) {
		assert_int_equal(client_record(&c, got, sizeof(got)), 8 + 84);
		assert_memory_equal(got, "STF\x01\x00\x54\x00\x00", 8);
		assert_int_equal(got[8 + 4] << 8 | got[8 + 5], i); /* order kept */
	}
	/* client -> LAN */
	memcpy(got, "STF\x01\x00\x54\x00\x00", 8);
	packet_to(got + 8, 50, 7);
	memcpy(got + 8 + 12, (const uint8_t[]){ 198, 19, 10, 50 }, 4);
	memcpy(got + 8 + 16, (const uint8_t[]){ 198, 18, 2, 2 }, 4);
	client_write(&c, got, 92);
	assert_int_equal(testenv_recv(e->t.tun_peer, pkt, sizeof(pkt)), 84);
	assert_memory_equal(pkt, got + 8, 84);
	/* logout */
	client_write(&c, "STF\x01\x00\x01\x05\x00\xb0", 9);
	assert_int_equal(client_record(&c, got, sizeof(got)), 0);
	assert_int_equal(testenv_recv(e->t.authd_peer, &ev, sizeof(ev)), sizeof(ev));
	assert_int_equal(ev.h.type, MSG_SESSION_END);
	client_close(&c);
}

/* A client that vanishes mid-tunnel frees its session: lease back, authd told. */
static void test_vanished_client(void **state)
{
	struct e2e *e = *state;
	struct msg_lease_release rel;
	struct msg_session_event ev;
	struct client c;

	client_login(e, &c);
	client_close(&c);
	assert_int_equal(testenv_recv(e->t.parent_peer, &rel, sizeof(rel)), sizeof(rel));
	assert_int_equal(rel.h.type, MSG_LEASE_RELEASE);
	assert_int_equal(testenv_recv(e->t.authd_peer, &ev, sizeof(ev)), sizeof(ev));
	assert_int_equal(ev.h.type, MSG_SESSION_DETACHED);
}

/* Garbage on one tunnel and a malformed request on another connection: others carry on. */
static void test_bad_sessions_alone_suffer(void **state)
{
	struct e2e *e = *state;
	struct client good, bad, http;
	uint8_t got[64];
	size_t n;

	client_login(e, &good);
	client_login(e, &bad);
	client_write(&bad, "\x00\x01garbage!", 10);
	/* the empty DISCONNECT, then the close */
	assert_int_equal(client_record(&bad, got, sizeof(got)), 8);
	assert_memory_equal(got, "STF\x01\x00\x00\x05\x00", 8);
	assert_int_equal(client_record(&bad, got, sizeof(got)), 0);
	client_open(e, &http);
	client_write(&http, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		     66);
	n = client_answer(&http);
	assert_true(n > 13);
	assert_memory_equal(buf, "HTTP/1.1 400 ", 13);
	dpd_roundtrip(&good, 0x11);
	dpd_roundtrip(&good, 0x22);
	client_close(&http);
	client_close(&bad);
	client_close(&good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_session_over_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vanished_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_sessions_alone_suffer, setup, teardown),
	};

	/* Process-wide library state, before any thread starts. */
	auth_xml_global_init();
	if (tls_global_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
