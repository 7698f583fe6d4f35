/* SPDX-License-Identifier: ISC */
/*
 * conn over real TLS on loopback: a gateway thread (lib/tls server side,
 * a self-signed certificate) sends canned answers in TLS records cut where
 * a gateway or a proxy may cut them, and conn must put them together:
 * Content-Length, chunked, close-delimited bodies, the first CSTP frame in
 * the same record as a CONNECT answer, and the failures (a body past the
 * bound, a silent gateway, a stop). Also the context --servercert makes:
 * no anchors loaded, the certificate untrusted, the pin deciding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/conn.h"
#include "client/trust.h"
#include "lib/base/err.h"

#define MAX_RECORDS 8

/* What the gateway thread sends after reading one request head: records in order. */
/* Records carry NUL bytes (CSTP headers), so each has its length. */
struct record {
	const char *bytes;
	size_t len;
};
#define R(text) { text, sizeof(text) - 1 }

struct script {
	struct record records[MAX_RECORDS];
	bool is_silent;   /* send nothing, hold the connection */
	bool closes;      /* close after the records */
};

struct gateway {
	int listen_fd;
	uint16_t port;
	struct tls_server_ctx *ctx;
	const struct script *script;
	pthread_t thread;
	int done_fd[2];   /* the test writes here when the thread may close */
};

static char dir[] = "/tmp/sslgate-conn-XXXXXX";
static char cert[64], key[64];

static int wait_io(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 5000) == 1 ? 0 : -1;
}

static int server_handshake(struct tls_conn *c, int fd)
{
	for (int i = 0; i < 1000; i++) {
		int ret = tls_conn_handshake(c);

		if (ret == 0)
			return 0;
		if (ret != VPN_ERR_AGAIN || wait_io(fd, tls_conn_wants_write(c) ? POLLOUT : POLLIN))
			return -1;
	}
	return -1;
}

/* Reads until the blank line of a request head. */
static int read_head(struct tls_conn *c, int fd)
{
	char buf[4096];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		size_t got = 0;
		int ret = tls_conn_read(c, buf + len, sizeof(buf) - 1 - len, &got);

		if (ret == VPN_ERR_AGAIN) {
			if (wait_io(fd, POLLIN))
				return -1;
			continue;
		}
		if (ret != 0)
			return -1;
		len += got;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return 0;
	}
	return -1;
}

static void send_record(struct tls_conn *c, int fd, const struct record *r)
{
	for (int i = 0; i < 1000; i++) {
		int ret = tls_conn_write(c, r->bytes, r->len);

		if (ret != VPN_ERR_AGAIN || wait_io(fd, POLLOUT))
			return;
	}
}

static void *serve(void *arg)
{
	struct gateway *g = arg;
	struct tls_conn *c = NULL;
	char byte;
	int fd;

	/* Every wait here is bounded, so a failed test cannot leave the thread hanging. */
	if (wait_io(g->listen_fd, POLLIN) != 0)
		return NULL;
	fd = accept(g->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (tls_conn_new_server(&c, g->ctx, fd) == 0 && server_handshake(c, fd) == 0 &&
	    read_head(c, fd) == 0 && !g->script->is_silent) {
		for (int i = 0; i < MAX_RECORDS && g->script->records[i].bytes; i++)
			send_record(c, fd, &g->script->records[i]);
		if (g->script->closes)
			tls_conn_bye(c);
	}
	if (!g->script->closes && wait_io(g->done_fd[0], POLLIN) == 0 &&
	    read(g->done_fd[0], &byte, 1) < 0)
		byte = 0;
	tls_conn_free(c);
	close(fd);
	return NULL;
}

static void gateway_start(struct gateway *g, const struct script *script)
{
	struct tls_server_config cfg = { .cert_file = cert, .key_file = key };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);

	memset(g, 0, sizeof(*g));
	g->script = script;
	assert_int_equal(tls_server_ctx_new(&g->ctx, &cfg), 0);
	g->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(g->listen_fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(g->listen_fd, 1), 0);
	assert_int_equal(getsockname(g->listen_fd, (struct sockaddr *)&sin, &len), 0);
	g->port = ntohs(sin.sin_port);
	assert_int_equal(pipe(g->done_fd), 0);
	assert_int_equal(pthread_create(&g->thread, NULL, serve, g), 0);
}

static void gateway_stop(struct gateway *g)
{
	assert_int_equal(write(g->done_fd[1], "x", 1), 1);
	pthread_join(g->thread, NULL);
	close(g->done_fd[0]);
	close(g->done_fd[1]);
	close(g->listen_fd);
	tls_server_ctx_free(g->ctx);
}

/* Opens a conn to the gateway thread and sends one request; returns conn_exchange's answer. */
static int exchange(struct conn *c, const struct gateway *g, const char *method,
		    uint64_t timeout_ms, const volatile sig_atomic_t *stop)
{
	struct tls_client_config cfg = { .ca_file = cert };
	struct tls_client_ctx *ctx = NULL;
	struct net_addr lo = { .family = AF_INET, .bytes = { 127, 0, 0, 1 } };
	struct conn_wait w = { .deadline_ms = 0, .stop = stop };
	struct timespec ts;
	char req[64];
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.deadline_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 + timeout_ms;
	assert_int_equal(tls_client_ctx_new(&ctx, &cfg), 0);
	conn_init(c);
	assert_int_equal(conn_open(c, &lo, g->port, ctx, &w), 0);
	snprintf(req, sizeof(req), "%s / HTTP/1.1\r\nHost: gw\r\n\r\n", method);
	ret = conn_exchange(c, req, strlen(req), method, &w);
	tls_client_ctx_free(ctx);
	return ret;
}

static void body_in_three_records(void **state)
{
	static const struct script s = { .records = {
		R("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Le"),
		R("ngth: 11\r\n\r\nhello"),
		R(" world"),
	} };
	struct gateway g;
	struct conn c;

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(exchange(&c, &g, "POST", 5000, NULL), 0);
	assert_int_equal(c.resp.status, 200);
	assert_int_equal(c.body_len, 11);
	assert_memory_equal(c.body, "hello world", 11);
	assert_int_equal(c.extra_len, 0);
	conn_close(&c, true);
	gateway_stop(&g);
}

static void chunked_body_cut_anywhere(void **state)
{
	static const struct script s = { .records = {
		R("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r"),
		R("\nhel"),
		R("lo\r\n6\r\n world\r\n0"),
		R("\r\n\r\n"),
	} };
	struct gateway g;
	struct conn c;

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(exchange(&c, &g, "GET", 5000, NULL), 0);
	assert_int_equal(c.body_len, 11);
	assert_memory_equal(c.body, "hello world", 11);
	conn_close(&c, true);
	gateway_stop(&g);
}

static void body_until_close(void **state)
{
	static const struct script s = { .closes = true, .records = {
		R("HTTP/1.0 200 OK\r\n\r\n<?xml version=\"1.0\"?>"),
		R("<config-auth/>"),
	} };
	struct gateway g;
	struct conn c;

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(exchange(&c, &g, "GET", 5000, NULL), 0);
	assert_int_equal(c.body_len, strlen("<?xml version=\"1.0\"?><config-auth/>"));
	assert_memory_equal(c.body, "<?xml version=\"1.0\"?><config-auth/>", c.body_len);
	conn_close(&c, true);
	gateway_stop(&g);
}

/* ocserv sends the head in one record, but a gateway may put the first frame with it. */
static void connect_answer_with_a_frame(void **state)
{
	static const struct script s = { .records = {
		R("HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU: 1434\r\n\r\nSTF\x01\x00\x00\x03"),
	} };
	struct gateway g;
	struct conn c;

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(exchange(&c, &g, "CONNECT", 5000, NULL), 0);
	assert_int_equal(c.resp.body.kind, HTTP_BODY_TUNNEL);
	assert_int_equal(c.extra_len, 7);
	assert_memory_equal(c.buf + c.head_len, "STF\x01\x00\x00\x03", 7);
	conn_close(&c, true);
	gateway_stop(&g);
}

static void body_past_the_bound(void **state)
{
	static const struct script s = { .records = {
		R("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n<?xml"),
	} };
	struct gateway g;
	struct conn c;

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(exchange(&c, &g, "POST", 5000, NULL), VPN_ERR_INVALID);
	assert_non_null(c.why);
	conn_close(&c, false);
	gateway_stop(&g);
}

static void silent_gateway_times_out(void **state)
{
	static const struct script s = { .is_silent = true };
	struct gateway g;
	struct conn c;

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(exchange(&c, &g, "POST", 300, NULL), VPN_ERR_IO);
	assert_string_equal(c.why, "timed out");
	conn_close(&c, false);
	gateway_stop(&g);
}

static void a_stop_ends_the_wait(void **state)
{
	static const struct script s = { .is_silent = true };
	static volatile sig_atomic_t stop;
	struct gateway g;
	struct conn c;
	struct tls_client_config cfg = { .ca_file = cert };
	struct tls_client_ctx *ctx = NULL;
	struct net_addr lo = { .family = AF_INET, .bytes = { 127, 0, 0, 1 } };
	struct conn_wait w = { .deadline_ms = 0, .stop = &stop };

	(void)state;
	gateway_start(&g, &s);
	assert_int_equal(tls_client_ctx_new(&ctx, &cfg), 0);
	conn_init(&c);
	assert_int_equal(conn_open(&c, &lo, g.port, ctx, &w), 0);
	stop = 1; /* what the signal handler does */
	assert_int_equal(conn_exchange(&c, "GET / HTTP/1.1\r\n\r\n", 18, "GET", &w), VPN_ERR_IO);
	assert_string_equal(c.why, "interrupted");
	conn_close(&c, false);
	tls_client_ctx_free(ctx);
	gateway_stop(&g);
}

/* Whether the gateway's certificate comes out trusted with the given config. */
static void peer_with(const struct tls_client_config *cfg, struct tls_peer *out)
{
	static const struct script s = { .is_silent = true };
	struct gateway g;
	struct conn c;
	struct tls_client_ctx *ctx = NULL;
	struct net_addr lo = { .family = AF_INET, .bytes = { 127, 0, 0, 1 } };
	struct conn_wait w = { .deadline_ms = 0, .stop = NULL };

	gateway_start(&g, &s);
	assert_int_equal(tls_client_ctx_new(&ctx, cfg), 0);
	conn_init(&c);
	assert_int_equal(conn_open(&c, &lo, g.port, ctx, &w), 0);
	assert_int_equal(tls_conn_peer(c.tls, out), 0);
	conn_close(&c, false);
	tls_client_ctx_free(ctx);
	gateway_stop(&g);
}

/*
 * --servercert: no trust anchors are loaded, not even a CA file that would
 * vouch for the certificate, and the pin alone lets the connection on.
 */
static void pinned_context_loads_no_anchors(void **state)
{
	struct tls_client_config anchored = { .ca_file = cert };
	struct tls_client_config pinned = { .ca_file = cert, .is_pinned = true };
	struct tls_peer with_ca, with_pin;
	const char *pins[1];

	(void)state;
	peer_with(&anchored, &with_ca);
	assert_true(with_ca.is_trusted);
	peer_with(&pinned, &with_pin);
	assert_false(with_pin.is_trusted);
	assert_string_equal(with_pin.pin, with_ca.pin);
	pins[0] = with_ca.pin;
	assert_int_equal(trust_check(&with_pin, pins, 1, false), TRUST_ACCEPT);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir) || tls_global_init() != 0)
		return -1;
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	return tls_selfsigned_write(cert, key, "gw.sslgate.test", 1);
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
		cmocka_unit_test(body_in_three_records),
		cmocka_unit_test(chunked_body_cut_anywhere),
		cmocka_unit_test(body_until_close),
		cmocka_unit_test(connect_answer_with_a_frame),
		cmocka_unit_test(body_past_the_bound),
		cmocka_unit_test(silent_gateway_times_out),
		cmocka_unit_test(a_stop_ends_the_wait),
		cmocka_unit_test(pinned_context_loads_no_anchors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
