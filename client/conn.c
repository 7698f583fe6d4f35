/* SPDX-License-Identifier: ISC */
/*
 * A TLS connection to the gateway and request/answer exchanges on it. The
 * socket is non-blocking; every wait is one poll() on this one socket,
 * bounded by the caller's deadline, so a silent or slow gateway ends in a
 * timeout and SIGINT/SIGTERM ends any wait.
 */
#include "client/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/http/chunked.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void conn_limits(struct http_limits *out)
{
	http_limits_init(out);
	out->max_head = CONN_HEAD_MAX;
	out->max_line = 48 * 1024;
	out->max_headers = CONN_HEADERS_MAX;
}

static int fail(struct conn *c, int err, const char *why)
{
	c->why = why;
	return err;
}

/* Waits until fd is ready for events; VPN_ERR_IO on timeout or stop. */
static int wait_fd(struct conn *c, short events, const struct conn_wait *w)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int timeout;
	int n;

	for (;;) {
		if (w->stop && *w->stop)
			return fail(c, VPN_ERR_IO, "interrupted");
		timeout = -1;
		if (w->deadline_ms) {
			uint64_t now = now_ms();

			if (now >= w->deadline_ms)
				return fail(c, VPN_ERR_IO, "timed out");
			timeout = (int)(w->deadline_ms - now);
		}
		n = poll(&p, 1, timeout);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return fail(c, VPN_ERR_IO, "poll failed");
	}
}

/* After VPN_ERR_AGAIN from TLS: wait the way the session asks. */
static int wait_tls(struct conn *c, const struct conn_wait *w)
{
	return wait_fd(c, tls_conn_wants_write(c->tls) ? POLLOUT : POLLIN, w);
}

static int tcp_connect(struct conn *c, const struct net_addr *addr, uint16_t port,
		       const struct conn_wait *w)
{
	struct sockaddr_storage ss;
	socklen_t ss_len;
	int err = 0;
	socklen_t err_len = sizeof(err);

	memset(&ss, 0, sizeof(ss));
	if (addr->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr->bytes, 4);
		ss_len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr->bytes, 16);
		ss_len = sizeof(*sin6);
	}
	c->fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return fail(c, VPN_ERR_IO, "cannot create a socket");
	if (connect(c->fd, (struct sockaddr *)&ss, ss_len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return fail(c, VPN_ERR_IO, "connection failed");
	if (wait_fd(c, POLLOUT, w) != 0)
		return VPN_ERR_IO;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 || err != 0)
		return fail(c, VPN_ERR_IO, err == ECONNREFUSED ? "connection refused" :
				     err == ETIMEDOUT ? "connection timed out" :
				     err == EHOSTUNREACH || err == ENETUNREACH ? "gateway unreachable" :
				     "connection failed");
	return 0;
}

static int handshake(struct conn *c, struct tls_client_ctx *ctx, const struct conn_wait *w)
{
	int ret = tls_conn_new_client(&c->tls, ctx, c->fd);

	if (ret != 0)
		return fail(c, ret, "cannot start TLS");
	for (;;) {
		ret = tls_conn_handshake(c->tls);
		if (ret == 0)
			return 0;
		if (ret != VPN_ERR_AGAIN)
			return fail(c, VPN_ERR_TLS, "TLS handshake failed");
		if (wait_tls(c, w) != 0)
			return VPN_ERR_IO;
	}
}

int conn_open(struct conn *c, const struct net_addr *addr, uint16_t port,
	      struct tls_client_ctx *ctx, const struct conn_wait *w)
{
	int ret;

	conn_close(c, false);
	c->why = NULL;
	c->buf = malloc(CONN_BUF_MAX);
	/* Not zeroed: untouched until an answer outgrows the inline views. */
	c->lines = malloc(CONN_HEADERS_MAX * sizeof(*c->lines));
	if (!c->buf || !c->lines) {
		conn_close(c, false);
		return fail(c, VPN_ERR_NOMEM, "out of memory");
	}
	ret = tcp_connect(c, addr, port, w);
	if (ret == 0)
		ret = handshake(c, ctx, w);
	if (ret != 0) {
		const char *why = c->why;

		conn_close(c, false);
		c->why = why;
		return ret;
	}
	c->is_open = true;
	return 0;
}

void conn_close(struct conn *c, bool is_polite)
{
	if (c->tls) {
		if (is_polite && c->is_open)
			tls_conn_bye(c->tls);
		tls_conn_free(c->tls);
	}
	if (c->fd >= 0)
		close(c->fd);
	if (c->buf) {
		/* All of it: chunked decoding leaves dropped bytes past len. */
		buf_wipe(c->buf, CONN_BUF_MAX);
		free(c->buf);
	}
	free(c->lines);
	conn_init(c);
}

int conn_write_record(struct conn *c, const void *data, size_t len, const struct conn_wait *w)
{
	int ret;

	for (;;) {
		ret = tls_conn_write(c->tls, data, len);
		if (ret == 0)
			return 0;
		if (ret == VPN_ERR_CLOSED)
			return fail(c, ret, "the gateway closed the connection");
		if (ret != VPN_ERR_AGAIN)
			return fail(c, ret, "TLS write failed");
		if (wait_tls(c, w) != 0)
			return VPN_ERR_IO;
	}
}

static int send_all(struct conn *c, const uint8_t *p, size_t len, const struct conn_wait *w)
{
	while (len > 0) {
		size_t n = len < CONN_RECORD_MAX ? len : CONN_RECORD_MAX;
		int ret = conn_write_record(c, p, n, w);

		if (ret != 0)
			return ret;
		p += n;
		len -= n;
	}
	return 0;
}

/* Appends at most one record to buf; VPN_ERR_CLOSED at the end of the stream. */
static int read_more(struct conn *c, const struct conn_wait *w)
{
	size_t room = CONN_BUF_MAX - c->len;
	size_t got = 0;
	int ret;

	if (room == 0)
		return fail(c, VPN_ERR_INVALID, "answer too large");
	for (;;) {
		ret = tls_conn_read(c->tls, c->buf + c->len, room, &got);
		if (ret == 0) {
			c->len += got;
			return 0;
		}
		if (ret == VPN_ERR_CLOSED)
			return fail(c, ret, "the gateway closed the connection");
		if (ret != VPN_ERR_AGAIN)
			return fail(c, ret, "TLS read failed");
		if (wait_tls(c, w) != 0)
			return VPN_ERR_IO;
	}
}

static int read_head(struct conn *c, const char *method, const struct conn_wait *w)
{
	enum parse_result r = PARSE_NEED_MORE;
	struct http_limits limits;
	int ret;

	conn_limits(&limits);
	http_response_init_room(&c->resp, &limits, method, c->lines, CONN_HEADERS_MAX);
	while (r == PARSE_NEED_MORE) {
		if (c->len > 0) {
			r = http_response_parse(&c->resp, &c->head_len, c->buf, c->len);
			if (r != PARSE_NEED_MORE)
				break;
		}
		ret = read_more(c, w);
		if (ret != 0)
			return ret;
	}
	if (r == PARSE_INVALID)
		return fail(c, VPN_ERR_INVALID, c->resp.error.reason);
	return 0;
}

static int read_length_body(struct conn *c, uint64_t length, const struct conn_wait *w)
{
	if (length > CONN_BUF_MAX - c->head_len)
		return fail(c, VPN_ERR_INVALID, "answer body too large");
	while (c->len - c->head_len < length) {
		int ret = read_more(c, w);

		if (ret != 0)
			return ret;
	}
	c->body_len = (size_t)length;
	c->extra_len = c->len - c->head_len - c->body_len;
	return 0;
}

/*
 * Decodes each arrival in place: the decoder moves body bytes to the front
 * of what it was given, and they are appended to the body so far. Framing
 * bytes are dropped as soon as they are decoded, so buf holds only head and
 * body. On PARSE_NEED_MORE the decoder has consumed everything given.
 */
static int read_chunked_body(struct conn *c, const struct conn_wait *w)
{
	struct http_chunked dec;
	size_t in = c->head_len; /* next undecoded byte */
	enum parse_result r;
	int ret;

	http_chunked_init(&dec, c->resp.limits.max_body);
	for (;;) {
		size_t out_len = 0;
		size_t used = 0;

		r = http_chunked_decode(&dec, &out_len, &used, c->buf + in, c->len - in);
		if (r == PARSE_INVALID)
			return fail(c, VPN_ERR_INVALID, "malformed chunked body");
		memmove(c->body + c->body_len, c->buf + in, out_len);
		c->body_len += out_len;
		if (r == PARSE_DONE) {
			c->extra_len = c->len - in - used;
			return 0;
		}
		c->len = c->head_len + c->body_len;
		in = c->len;
		ret = read_more(c, w);
		if (ret != 0)
			return ret;
	}
}

static int read_until_close(struct conn *c, const struct conn_wait *w)
{
	for (;;) {
		int ret = read_more(c, w);

		if (ret == VPN_ERR_CLOSED)
			break;
		if (ret != 0)
			return ret;
	}
	c->body_len = c->len - c->head_len;
	c->is_open = false;
	return 0;
}

static int read_body(struct conn *c, const struct conn_wait *w)
{
	c->body = c->buf + c->head_len;
	c->body_len = 0;
	c->extra_len = 0;
	switch (c->resp.body.kind) {
	case HTTP_BODY_LENGTH:
		return read_length_body(c, c->resp.body.length, w);
	case HTTP_BODY_CHUNKED:
		return read_chunked_body(c, w);
	case HTTP_BODY_UNTIL_CLOSE:
		return read_until_close(c, w);
	case HTTP_BODY_NONE:
	case HTTP_BODY_TUNNEL:
		c->extra_len = c->len - c->head_len;
		return 0;
	}
	return fail(c, VPN_ERR_INVALID, "unknown body framing");
}

int conn_exchange(struct conn *c, const void *req, size_t req_len, const char *method,
		  const struct conn_wait *w)
{
	int ret;

	if (!c->is_open)
		return fail(c, VPN_ERR_CLOSED, "not connected");
	buf_wipe(c->buf, c->len);
	c->len = 0;
	c->head_len = 0;
	c->body = NULL;
	c->body_len = 0;
	ret = send_all(c, req, req_len, w);
	if (ret == 0)
		ret = read_head(c, method, w);
	if (ret == 0)
		ret = read_body(c, w);
	return ret;
}

unsigned conn_path_mtu(const struct conn *c)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (c->fd < 0 || getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
		return 0;
	return info.tcpi_pmtu;
}

void conn_peer_text(const struct conn *c, char *out, size_t out_len)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct net_addr a;

	memset(&a, 0, sizeof(a));
	if (c->fd < 0 || getpeername(c->fd, (struct sockaddr *)&ss, &len) != 0) {
		snprintf(out, out_len, "?");
		return;
	}
	a.family = ss.ss_family;
	if (a.family == AF_INET)
		memcpy(a.bytes, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(a.bytes, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	net_addr_format(&a, out, out_len);
}
