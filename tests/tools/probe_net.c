/* SPDX-License-Identifier: ISC */
/* Bounded TCP, TLS and UDP for the probe; what went wrong lands in the result. */
#include "tests/tools/probe_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/tls.h"

/* What a read ended with, before it is told to the result. */
enum got {
	GOT_DATA,
	GOT_EOF,
	GOT_TIMEOUT,
	GOT_RESET,
	GOT_REFUSED,
	GOT_TLS_ERROR,
	GOT_OTHER,
};

unsigned probe_left_ms(const struct probe_conn *c)
{
	uint64_t now = probe_now_ms();

	return now >= c->deadline_ms ? 0 : (unsigned)(c->deadline_ms - now);
}

static bool wait_fd(int fd, short events, unsigned ms)
{
	struct pollfd p = { fd, events, 0 };

	return poll(&p, 1, (int)ms) == 1;
}

bool probe_readable(struct probe_conn *c, unsigned wait_ms)
{
	if (c->tls && tls_conn_pending(c->tls) > 0)
		return true;
	return wait_fd(c->fd, POLLIN, wait_ms);
}

static int resolve(const struct probe_opts *o, unsigned port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, o->host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
	return -1;
}

static int open_socket(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r,
		       int type, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int err = 0;
	socklen_t elen = sizeof(err);

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->r = r;
	c->deadline_ms = probe_now_ms() + o->timeout_ms;
	if (resolve(o, port, &ss, &len) != 0) {
		probe_result_detail(r, "not a numeric address: %s", o->host);
		return -1;
	}
	c->fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		probe_result_detail(r, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(c->fd, (struct sockaddr *)&ss, len) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		r->outcome = errno == ECONNREFUSED ? PROBE_REFUSED : PROBE_ERROR;
		probe_result_detail(r, "connect: %s", strerror(errno));
		return -1;
	}
	if (!wait_fd(c->fd, POLLOUT, probe_left_ms(c))) {
		r->outcome = PROBE_TIMEOUT;
		probe_result_detail(r, "connect timed out");
		return -1;
	}
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err != 0) {
		r->outcome = err == ECONNREFUSED ? PROBE_REFUSED : PROBE_ERROR;
		probe_result_detail(r, "connect: %s", strerror(err));
		return -1;
	}
	return 0;
}

int probe_tcp_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r)
{
	int one = 1;

	if (open_socket(c, o, r, SOCK_STREAM, o->port) != 0)
		return -1;
	/* a byte-at-a-time sender must really send each byte on its own */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

int probe_udp_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r)
{
	return open_socket(c, o, r, SOCK_DGRAM, o->udp_port ? o->udp_port : o->port);
}

static int handshake(struct probe_conn *c)
{
	int ret;

	while ((ret = tls_conn_handshake(c->tls)) == VPN_ERR_AGAIN) {
		short ev = tls_conn_wants_write(c->tls) ? POLLOUT : POLLIN;

		if (!wait_fd(c->fd, ev, probe_left_ms(c))) {
			c->r->outcome = PROBE_TIMEOUT;
			probe_result_detail(c->r, "TLS handshake timed out");
			return -1;
		}
	}
	if (ret != 0) {
		c->r->outcome = ret == VPN_ERR_CLOSED ? PROBE_CLOSED : PROBE_ALERT;
		probe_result_detail(c->r, "TLS handshake: %s", tls_conn_error_str(c->tls));
		return -1;
	}
	return 0;
}

int probe_tls_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r)
{
	struct tls_client_config cfg = {
		.ca_file = o->ca_file, .hostname = o->sni,
		.cert_file = o->cert_file, .key_file = o->key_file,
	};
	struct tls_peer peer;

	if (probe_tcp_open(c, o, r) != 0)
		return -1;
	if (tls_client_ctx_new(&c->ctx, &cfg) != 0 || tls_conn_new_client(&c->tls, c->ctx, c->fd) != 0) {
		probe_result_detail(r, "TLS setup failed (CA %s)", o->ca_file ? o->ca_file : "system");
		return -1;
	}
	if (handshake(c) != 0)
		return -1;
	if (tls_conn_peer(c->tls, &peer) != 0 || !peer.is_trusted) {
		r->outcome = PROBE_ERROR;
		probe_result_detail(r, "gateway certificate not trusted: %s", peer.reason);
		return -1;
	}
	return 0;
}

void probe_conn_close(struct probe_conn *c)
{
	tls_conn_free(c->tls);
	tls_client_ctx_free(c->ctx);
	if (c->fd > 0)
		close(c->fd);
	c->tls = NULL;
	c->ctx = NULL;
	c->fd = -1;
}

static enum got from_errno(int e)
{
	if (e == ECONNRESET || e == EPIPE)
		return GOT_RESET;
	return e == ECONNREFUSED ? GOT_REFUSED : GOT_OTHER;
}

static void tell(struct probe_conn *c, enum got g)
{
	struct probe_result *r = c->r;

	switch (g) {
	case GOT_EOF:
		r->outcome = PROBE_CLOSED;
		break;
	case GOT_TIMEOUT:
		r->outcome = PROBE_TIMEOUT;
		break;
	case GOT_RESET:
		r->outcome = PROBE_RESET;
		break;
	case GOT_REFUSED:
		r->outcome = PROBE_REFUSED;
		break;
	case GOT_TLS_ERROR:
		r->outcome = PROBE_ALERT;
		probe_result_detail(r, "%s", tls_conn_error_str(c->tls));
		break;
	case GOT_OTHER:
		r->outcome = PROBE_ERROR;
		probe_result_detail(r, "%s", strerror(errno));
		break;
	case GOT_DATA:
		break;
	}
}

static enum got send_some(struct probe_conn *c, const uint8_t *p, size_t len, size_t *out_n)
{
	ssize_t n;
	int ret;

	if (!c->tls) {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n >= 0) {
			*out_n = (size_t)n;
			return GOT_DATA;
		}
		if (errno == EAGAIN)
			return GOT_TIMEOUT;
		return from_errno(errno);
	}
	if (len > TLS_RECORD_MAX)
		len = TLS_RECORD_MAX;
	ret = tls_conn_write(c->tls, p, len);
	if (ret == 0) {
		*out_n = len;
		return GOT_DATA;
	}
	if (ret == VPN_ERR_AGAIN)
		return GOT_TIMEOUT;
	return ret == VPN_ERR_CLOSED ? GOT_EOF : GOT_TLS_ERROR;
}

int probe_send(struct probe_conn *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		size_t n = 0;
		enum got g = send_some(c, p, len, &n);

		if (g == GOT_TIMEOUT) {
			/* GnuTLS keeps the record; the same call is repeated */
			if (!wait_fd(c->fd, POLLOUT, probe_left_ms(c))) {
				tell(c, GOT_TIMEOUT);
				probe_result_detail(c->r, "send blocked");
				return -1;
			}
			continue;
		}
		if (g != GOT_DATA) {
			tell(c, g);
			return -1;
		}
		c->r->sent += n;
		p += n;
		len -= n;
	}
	return 0;
}

static enum got recv_some(struct probe_conn *c, void *buf, size_t cap, unsigned wait_ms,
			  size_t *out_n)
{
	uint64_t until = probe_now_ms() + wait_ms;

	if (until > c->deadline_ms)
		until = c->deadline_ms;
	for (;;) {
		uint64_t now = probe_now_ms();
		ssize_t n;
		int ret;

		if (c->tls) {
			ret = tls_conn_read(c->tls, buf, cap, out_n);
			if (ret == 0)
				return GOT_DATA;
			if (ret != VPN_ERR_AGAIN)
				return ret == VPN_ERR_CLOSED ? GOT_EOF : GOT_TLS_ERROR;
		} else {
			n = recv(c->fd, buf, cap, 0);
			if (n > 0) {
				*out_n = (size_t)n;
				return GOT_DATA;
			}
			if (n == 0)
				return GOT_EOF;
			if (errno != EAGAIN)
				return from_errno(errno);
		}
		if (now >= until || !wait_fd(c->fd, POLLIN, (unsigned)(until - now)))
			return GOT_TIMEOUT;
	}
}

ssize_t probe_recv(struct probe_conn *c, void *buf, size_t cap, unsigned wait_ms)
{
	size_t n = 0;
	enum got g = recv_some(c, buf, cap, wait_ms, &n);

	if (g == GOT_DATA) {
		c->r->recv += n;
		return (ssize_t)n;
	}
	tell(c, g);
	return g == GOT_EOF ? 0 : -1;
}

void probe_note_after(struct probe_conn *c, unsigned wait_ms)
{
	uint8_t buf[4096];
	size_t n = 0;
	enum got g = recv_some(c, buf, sizeof(buf), wait_ms, &n);
	static const char *const names[] = {
		[GOT_DATA] = "data", [GOT_EOF] = "closed", [GOT_TIMEOUT] = "open",
		[GOT_RESET] = "reset", [GOT_REFUSED] = "refused",
		[GOT_TLS_ERROR] = "alert", [GOT_OTHER] = "error",
	};

	if (g == GOT_DATA)
		c->r->recv += n;
	probe_result_add(c->r, "after", "%s", names[g]);
}
