/* SPDX-License-Identifier: ISC */
/*
 * A load session's connection: connect, handshake and record I/O on the
 * shared event loop. Readiness is level-triggered, so write interest is
 * asked for only while records wait to leave; otherwise a writable socket
 * would wake the loop for nothing, over and over.
 */
#include "bench/load/conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

static int fail(struct load_conn *c, int err, const char *why)
{
	c->why = why;
	return err;
}

int load_conn_init(struct load_conn *c, struct event_loop *loop)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->io.fd = -1;
	c->loop = loop;
	c->in = malloc(LOAD_CONN_IN_MAX);
	c->out = malloc(LOAD_CONN_OUT_MAX);
	if (c->in == NULL || c->out == NULL) {
		free(c->in);
		free(c->out);
		c->in = c->out = NULL;
		return VPN_ERR_NOMEM;
	}
	return 0;
}

void load_conn_close(struct load_conn *c, bool is_polite)
{
	if (c->io.fd >= 0)
		event_io_del(c->loop, &c->io);
	if (c->tls != NULL) {
		if (is_polite && c->state == LOAD_CONN_OPEN)
			tls_conn_bye(c->tls);
		tls_conn_free(c->tls);
	}
	if (c->fd >= 0)
		close(c->fd);
	/* Requests carry the password, answers the session cookie. */
	if (c->in != NULL)
		buf_wipe(c->in, LOAD_CONN_IN_MAX);
	if (c->out != NULL)
		buf_wipe(c->out, LOAD_CONN_OUT_MAX);
	c->tls = NULL;
	c->fd = -1;
	c->state = LOAD_CONN_IDLE;
	c->in_len = 0;
	c->out_len = 0;
}

void load_conn_cleanup(struct load_conn *c)
{
	load_conn_close(c, false);
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
}

int load_conn_start(struct load_conn *c, const struct sockaddr_in *addr, event_io_fn on_event)
{
	c->why = NULL;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return fail(c, VPN_ERR_IO, "cannot create a socket");
	if (connect(c->fd, (const struct sockaddr *)addr, sizeof(*addr)) != 0 &&
	    errno != EINPROGRESS)
		return fail(c, VPN_ERR_IO, "connect failed");
	if (event_io_add(c->loop, &c->io, c->fd, EVENT_WRITE, on_event) != 0)
		return fail(c, VPN_ERR_IO, "cannot watch the socket");
	c->state = LOAD_CONN_TCP;
	return 0;
}

static int watch(struct load_conn *c, unsigned events)
{
	if (c->io.events == events)
		return 0;
	if (event_io_modify(c->loop, &c->io, events) != 0)
		return fail(c, VPN_ERR_IO, "cannot watch the socket");
	return 0;
}

static int finish_connect(struct load_conn *c, struct tls_client_ctx *tls_ctx)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return fail(c, VPN_ERR_IO, "connect failed");
	if (err == EINPROGRESS || err == EALREADY)
		return VPN_ERR_AGAIN;
	if (err != 0)
		return fail(c, VPN_ERR_IO, err == ECONNREFUSED ? "connection refused" :
						 "connect failed");
	if (tls_conn_new_client(&c->tls, tls_ctx, c->fd) != 0)
		return fail(c, VPN_ERR_TLS, "cannot start TLS");
	/* One recv() per flight rather than two per record (36 a login without):
	 * read_in() reads until the socket is dry, and on_io() looks at
	 * load_conn_has_pending() before it waits, as read-ahead requires. */
	tls_conn_set_read_ahead(c->tls, true);
	c->state = LOAD_CONN_TLS;
	return 0;
}

static int handshake(struct load_conn *c)
{
	int ret = tls_conn_handshake(c->tls);

	if (ret == VPN_ERR_AGAIN) {
		ret = watch(c, tls_conn_wants_write(c->tls) ? EVENT_WRITE : EVENT_READ);
		return ret != 0 ? ret : VPN_ERR_AGAIN;
	}
	if (ret != 0)
		return fail(c, VPN_ERR_TLS, "TLS handshake failed");
	c->state = LOAD_CONN_OPEN;
	return 0;
}

/* Reads until the socket is drained or `in` is full. */
static int read_in(struct load_conn *c)
{
	for (;;) {
		size_t n = 0;
		int ret;

		if (c->in_len == LOAD_CONN_IN_MAX)
			return 0;
		ret = tls_conn_read(c->tls, c->in + c->in_len, LOAD_CONN_IN_MAX - c->in_len, &n);
		if (ret == VPN_ERR_AGAIN)
			return 0;
		if (ret == VPN_ERR_CLOSED)
			return fail(c, ret, "the gateway closed the connection");
		if (ret != 0)
			return fail(c, ret, "TLS read failed");
		c->in_len += n;
	}
}

int load_conn_pump(struct load_conn *c, struct tls_client_ctx *tls_ctx, bool *out_is_new_open)
{
	int ret;

	*out_is_new_open = false;
	if (c->state == LOAD_CONN_TCP) {
		ret = finish_connect(c, tls_ctx);
		if (ret != 0)
			return ret == VPN_ERR_AGAIN ? 0 : ret;
	}
	if (c->state == LOAD_CONN_TLS) {
		ret = handshake(c);
		if (ret != 0)
			return ret == VPN_ERR_AGAIN ? 0 : ret;
		*out_is_new_open = true;
	}
	if (c->state != LOAD_CONN_OPEN)
		return fail(c, VPN_ERR_IO, "connection not open");
	ret = load_conn_flush(c);
	if (ret == 0)
		ret = read_in(c);
	return ret;
}

int load_conn_queue(struct load_conn *c, const void *data, size_t len)
{
	if (len == 0 || len > TLS_RECORD_MAX || c->out_len + 2 + len > LOAD_CONN_OUT_MAX)
		return fail(c, VPN_ERR_TOO_BIG, "send queue full");
	c->out[c->out_len] = (uint8_t)(len >> 8);
	c->out[c->out_len + 1] = (uint8_t)len;
	memcpy(c->out + c->out_len + 2, data, len);
	c->out_len += 2 + len;
	return 0;
}

int load_conn_flush(struct load_conn *c)
{
	while (c->out_len > 0) {
		size_t len = (size_t)c->out[0] << 8 | c->out[1];
		/* A record that would block stays first: GnuTLS wants the same call again. */
		int ret = tls_conn_write(c->tls, c->out + 2, len);

		if (ret == VPN_ERR_AGAIN)
			break;
		if (ret != 0)
			return fail(c, ret, ret == VPN_ERR_CLOSED ? "the gateway closed the connection" :
							      "TLS write failed");
		memmove(c->out, c->out + 2 + len, c->out_len - 2 - len);
		c->out_len -= 2 + len;
	}
	return watch(c, EVENT_READ | (c->out_len > 0 ? EVENT_WRITE : 0u));
}

bool load_conn_has_pending(const struct load_conn *c)
{
	return c->state == LOAD_CONN_OPEN && tls_conn_pending(c->tls) > 0;
}

void load_conn_consume(struct load_conn *c, size_t n)
{
	if (n >= c->in_len) {
		c->in_len = 0;
		return;
	}
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}
