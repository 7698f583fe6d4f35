/* SPDX-License-Identifier: ISC */
/* Worker side of the privsep sockets: send with a backlog, receive, check, dispatch. */
#include "gateway/worker/ipc.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/worker/ctl.h"
#include "gateway/worker/downloader.h"
#include "gateway/worker/dtls_demux.h"
#include "gateway/worker/dtls_link.h"
#include "gateway/worker/on_auth.h"
#include "gateway/worker/on_connect.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_authd.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

/* Messages handled per wake-up, so a chatty peer cannot starve the sessions. */
#define RECV_BURST 64
/* Larger than any message: a datagram this long is malformed. */
#define RECV_BUF MSG_MAX_SIZE
/* Messages kept while a socket is full; beyond this the peer is stuck. */
#define BACKLOG_MAX 4096

static int send_now(struct worker_chan *c, const void *msg, size_t len)
{
	ssize_t n = send(c->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
		return VPN_ERR_AGAIN;
	return VPN_ERR_IO;
}

static void update_events(struct worker *w, struct worker_chan *c)
{
	unsigned events = EVENT_READ | (c->backlog.head ? EVENT_WRITE : 0);

	if (c->is_io_added)
		event_io_modify(w->loop, &c->io, events);
}

static void drain_backlog(struct worker *w, struct worker_chan *c)
{
	struct outq_rec *rec;

	while ((rec = outq_peek(&c->backlog)) != NULL) {
		int rc = send_now(c, rec->data, rec->len);

		if (rc == VPN_ERR_AGAIN)
			break;
		if (rc != 0)
			log_err("worker %u: send to %s failed: %s", w->index, c->name, strerror(errno));
		outq_rec_put(&w->pool, outq_pop(&c->backlog));
	}
	update_events(w, c);
}

int worker_chan_send(struct worker *w, struct worker_chan *c, void *msg, size_t len,
		     bool has_secret)
{
	struct outq_rec *rec;
	int rc;

	if (c->fd < 0)
		return VPN_ERR_IO;
	if (!c->backlog.head) {
		rc = send_now(c, msg, len);
		if (rc != VPN_ERR_AGAIN) {
			if (rc != 0)
				log_err("worker %u: send to %s failed: %s", w->index, c->name,
					strerror(errno));
			return rc;
		}
	}
	if (c->backlog.count >= BACKLOG_MAX)
		return VPN_ERR_IO;
	rec = outq_rec_get(&w->pool, len);
	if (!rec)
		return VPN_ERR_NOMEM;
	memcpy(rec->data, msg, len);
	rec->len = len;
	rec->has_secret = has_secret;
	outq_push(&c->backlog, rec);
	update_events(w, c);
	return 0;
}

void worker_report_bad_request(struct session *s, uint32_t points)
{
	struct msg_bad_request m;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_BAD_REQUEST, sizeof(m), 0);
	m.source = s->remote;
	m.points = points;
	worker_chan_send(s->w, &s->w->authd, &m, sizeof(m), false);
}

static void on_cookie_result(struct worker *w, void *msg)
{
	struct msg_cookie_result *m = msg;
	struct session *s = worker_session_by_req(w, m->h.req_id);

	if (!s)
		return;
	if (s->wait == SESSION_WAIT_COOKIE_FETCH)
		download_on_cookie_result(s, m);
	else if (s->wait == SESSION_WAIT_COOKIE_CONNECT)
		connect_on_cookie_result(s, m);
}

static void on_auth_result(struct worker *w, void *msg)
{
	struct msg_auth_result *m = msg;
	struct session *s = worker_session_by_req(w, m->h.req_id);

	if (s && s->wait == SESSION_WAIT_PASSWORD)
		auth_on_result(s, m);
	buf_wipe(m->cookie, sizeof(m->cookie));
}

static void on_lease_result(struct worker *w, void *msg)
{
	struct msg_lease_result *m = msg;
	struct session *s = worker_session_by_req(w, m->h.req_id);

	if (s && s->wait == SESSION_WAIT_LEASE)
		connect_on_lease_result(s, m);
}

static void on_ctl_list(struct worker *w, void *msg)
{
	ctl_on_list(w, msg);
}

static void on_ctl_disconnect(struct worker *w, void *msg)
{
	ctl_on_disconnect(w, msg);
}

static void on_reload(struct worker *w, void *msg)
{
	(void)msg;
	log_info("worker %u: the parent re-read the configuration; draining %zu session(s)",
		 w->index, w->session_count);
	worker_drain(w);
}

/* Without a socket: the hello we forwarded names a worker that is gone. */
static void on_dtls_unowned(struct worker *w, void *msg)
{
	(void)msg;
	dtls_demux_count_unknown(w);
}

struct msg_handler {
	uint16_t type;
	const char *from;          /* the channel allowed to send it */
	void (*handle)(struct worker *w, void *msg);
};

static const struct msg_handler handlers[] = {
	{ MSG_AUTH_RESULT, "authd", on_auth_result },
	{ MSG_COOKIE_RESULT, "authd", on_cookie_result },
	{ MSG_LEASE_RESULT, "parent", on_lease_result },
	{ MSG_CTL_LIST, "parent", on_ctl_list },
	{ MSG_CTL_DISCONNECT, "parent", on_ctl_disconnect },
	{ MSG_RELOAD, "parent", on_reload },
	{ MSG_DTLS_SOCKET, "parent", on_dtls_unowned },
};

int worker_ipc_dispatch(struct worker *w, struct worker_chan *c, uint8_t *buf, size_t len)
{
	struct msg_header h;

	if (msg_check(buf, len) != 0) {
		log_err("worker %u: malformed message from %s (%zu bytes)", w->index, c->name, len);
		return VPN_ERR_INVALID;
	}
	memcpy(&h, buf, sizeof(h));
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (handlers[i].type == h.type && strcmp(handlers[i].from, c->name) == 0) {
			handlers[i].handle(w, buf);
			return 0;
		}
	}
	log_err("worker %u: unexpected %s message from %s", w->index, msg_type_name(h.type),
		c->name);
	return VPN_ERR_INVALID;
}

/* Only the parent passes descriptors, and only with MSG_DTLS_SOCKET. */
static void dispatch_with_fd(struct worker *w, struct worker_chan *c, uint8_t *buf, size_t len,
			     int fd)
{
	struct msg_header h;

	if (msg_check(buf, len) != 0 || strcmp(c->name, "parent") != 0) {
		log_err("worker %u: unexpected descriptor from %s", w->index, c->name);
		close(fd);
		return;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.type != MSG_DTLS_SOCKET) {
		close(fd);
		worker_ipc_dispatch(w, c, buf, len);
		return;
	}
	dtls_link_on_socket(w, (const struct msg_dtls_hello *)buf, fd);
}

static void on_chan_io(struct event_io *io, unsigned events)
{
	struct worker_chan *c = container_of(io, struct worker_chan, io);
	struct worker *w = c->w;
	uint8_t buf[RECV_BUF] __attribute__((aligned(8)));

	if (events & EVENT_WRITE)
		drain_backlog(w, c);
	for (int i = 0; i < RECV_BURST; i++) {
		size_t n = 0;
		int fd = -1;
		int rc = msg_recv(c->fd, buf, sizeof(buf), &n, &fd);

		if (rc == VPN_ERR_AGAIN)
			return;
		if (rc == VPN_ERR_INVALID) {
			log_err("worker %u: oversized message from %s", w->index, c->name);
			continue;
		}
		if (rc != 0 && c == &w->authd) {
			worker_chan_close(w, c);
			worker_authd_lost(w);
			return;
		}
		if (rc != 0) {
			/* The parent went away: this worker cannot serve anyone. */
			log_err("worker %u: %s closed its socket; stopping", w->index, c->name);
			worker_chan_close(w, c);
			w->is_stopping = true;
			event_loop_stop(w->loop);
			return;
		}
		if (fd >= 0)
			dispatch_with_fd(w, c, buf, n, fd);
		else
			worker_ipc_dispatch(w, c, buf, n);
		buf_wipe(buf, n);
		if (c->fd < 0)
			return;
	}
}

int worker_chan_open(struct worker *w, struct worker_chan *c, const char *name, int fd)
{
	int rc;

	c->w = w;
	c->name = name;
	c->fd = fd;
	outq_init(&c->backlog);
	if (fd < 0)
		return 0;
	rc = event_io_add(w->loop, &c->io, fd, EVENT_READ, on_chan_io);
	if (rc != 0)
		return rc;
	c->is_io_added = true;
	return 0;
}

void worker_chan_close(struct worker *w, struct worker_chan *c)
{
	if (c->is_io_added) {
		event_io_del(w->loop, &c->io);
		c->is_io_added = false;
	}
	outq_clear(&c->backlog, &w->pool);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
