/* SPDX-License-Identifier: ISC */
/* Socket side of a session: handshake, record reads, corked record writes. */
#include "gateway/worker/session_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/worker/dtls_link.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/tls/tls.h"

/* Records read per wake-up before other sessions get their turn. */
#define PUMP_BURST 64
/* How long a closed session keeps draining its client's input. */
#define LINGER_MS 500
/* Largest input a session may buffer: an HTTP head plus the largest body we accept. */
#define SESSION_IN_MAX (16384 + 65536)
#define SESSION_IN_SMALL (16384 + 8)

static bool wants_input(const struct session *s)
{
	return s->wait == SESSION_WAIT_NONE && s->phase != SESSION_PHASE_CLOSING &&
	       s->phase != SESSION_PHASE_CONNECT;
}

static void set_events(struct session *s, unsigned events)
{
	if (!s->is_io_added || events == s->io_events)
		return;
	if (event_io_modify(s->w->loop, &s->io, events) == 0)
		s->io_events = events;
}

void session_io_update(struct session *s)
{
	unsigned events = 0;

	if (!s->tls)
		return;
	if (s->is_lingering) {
		events = EVENT_READ;
	} else if (s->phase == SESSION_PHASE_TLS) {
		events = tls_conn_wants_write(s->tls) ? EVENT_WRITE : EVENT_READ;
	} else {
		if (wants_input(s))
			events |= EVENT_READ;
		if (s->is_write_blocked)
			events |= tls_conn_wants_write(s->tls) ? EVENT_WRITE : EVENT_READ;
	}
	set_events(s, events);
}

static void handshake(struct session *s)
{
	int rc = tls_conn_handshake(s->tls);

	if (rc == VPN_ERR_AGAIN) {
		session_io_update(s);
		return;
	}
	if (rc != 0) {
		s->is_tls_bye_sent = true; /* no session to say goodbye on */
		session_close(s, "TLS handshake failed");
		return;
	}
	session_set_phase(s, SESSION_PHASE_AUTH);
	session_io_update(s);
	session_io_pump(s);
}

/*
 * Moves the input to a block of cap bytes (cap >= len). Never realloc: when
 * it moves a block it frees the old one unwiped, and s->in may hold part of
 * a login's body (its password) or a CONNECT's cookie.
 */
static int move_input(struct session *s, size_t cap)
{
	uint8_t *p = malloc(cap);

	if (!p)
		return VPN_ERR_NOMEM;
	memcpy(p, s->in.data, s->in.len);
	buf_wipe(s->in.data, s->in.cap);
	free(s->in.data);
	s->in.data = p;
	s->in.cap = cap;
	return 0;
}

int session_in_reserve(struct session *s, size_t total)
{
	if (total <= s->in.cap)
		return 0;
	if (total > SESSION_IN_MAX)
		return VPN_ERR_TOO_BIG;
	return move_input(s, total);
}

void session_in_consume(struct session *s, size_t n)
{
	if (n >= s->in.len) {
		s->in.len = 0;
		return;
	}
	memmove(s->in.data, s->in.data + n, s->in.len - n);
	s->in.len -= n;
}

void session_in_shrink(struct session *s)
{
	if (s->in.cap <= SESSION_IN_SMALL || s->in.len > SESSION_IN_SMALL)
		return;
	/* Without memory to move to, the large block simply stays. */
	(void)move_input(s, SESSION_IN_SMALL);
}

/* One record into s->in; true when something was read. */
static bool read_record(struct session *s)
{
	size_t got = 0;
	int rc;

	if (s->in.len == s->in.cap) {
		/* The handler left a full buffer: nothing it can ever parse. */
		session_close(s, "input larger than any message we accept");
		return false;
	}
	rc = tls_conn_read(s->tls, s->in.data + s->in.len, s->in.cap - s->in.len, &got);
	if (rc == VPN_ERR_AGAIN)
		return false;
	if (rc == VPN_ERR_CLOSED) {
		session_close(s, "client closed the connection");
		return false;
	}
	if (rc != 0) {
		session_close(s, "TLS receive error");
		return false;
	}
	s->in.len += got;
	return got > 0;
}

void session_io_pump(struct session *s)
{
	if (!s->tls)
		return;
	for (int i = 0; i < PUMP_BURST; i++) {
		if (!wants_input(s))
			return;
		if (!read_record(s))
			return;
		session_process_input(s);
	}
	/* Burst used up: come back after the others had their turn. */
	s->is_pump_pending = true;
	worker_flush_later(s->w, s);
}

/*
 * Everything is sent: say goodbye, then linger a moment reading and
 * dropping whatever the client still sends. Closing a socket with unread
 * input makes the kernel send a reset, which can destroy the error answer
 * before the client read it (an oversized request is answered from its
 * head, while the rest is still arriving).
 */
static void finish_closing(struct session *s)
{
	if (!s->is_tls_bye_sent) {
		s->is_tls_bye_sent = true;
		tls_conn_bye(s->tls);
	}
	s->is_lingering = true;
	/* Freed from the timer, outside whatever callback got us here. */
	event_timer_arm(s->w->loop, &s->phase_timer, LINGER_MS);
	session_io_update(s);
}

/* Drops what a closing client still sends; frees the session once it is gone. */
static void linger(struct session *s)
{
	for (int i = 0; i < PUMP_BURST; i++) {
		size_t got = 0;
		int rc = tls_conn_read(s->tls, s->in.data, s->in.cap, &got);

		if (rc == VPN_ERR_AGAIN)
			return;
		if (rc != 0) {
			event_timer_arm(s->w->loop, &s->phase_timer, 0);
			return;
		}
	}
}

static int write_queue(struct session *s)
{
	struct outq_rec *rec;
	int rc = 0;

	tls_conn_cork(s->tls);
	while ((rec = outq_peek(&s->out)) != NULL) {
		rc = tls_conn_write(s->tls, rec->data, rec->len);
		if (rc != 0)
			break;
		outq_rec_put(&s->w->pool, outq_pop(&s->out));
	}
	if (rc == 0 || rc == VPN_ERR_AGAIN) {
		int urc = tls_conn_uncork(s->tls);

		if (urc != 0)
			rc = urc;
	}
	return rc;
}

void session_io_flush(struct session *s)
{
	int rc;

	if (s->is_pump_pending) {
		s->is_pump_pending = false;
		session_io_pump(s);
	}
	/* Packets of the last tun burst leave in one sendmmsg. */
	dtls_link_flush(s);
	/* Without TLS (tests, the fuzz target) the caller reads s->out itself and
	 * a closing session lives until its CLOSING deadline or the caller frees it. */
	if (!s->tls)
		return;
	if (s->phase == SESSION_PHASE_TLS)
		return;
	rc = outq_peek(&s->out) || s->is_write_blocked ? write_queue(s) : 0;
	s->is_write_blocked = rc == VPN_ERR_AGAIN;
	if (rc != 0 && rc != VPN_ERR_AGAIN) {
		outq_clear(&s->out, &s->w->pool);
		s->is_tls_bye_sent = true; /* the connection is gone: no close_notify */
		session_close(s, rc == VPN_ERR_CLOSED ? "client closed the connection"
						      : "TLS send error");
	}
	if (s->phase == SESSION_PHASE_CLOSING && !s->is_write_blocked && !outq_peek(&s->out)) {
		if (!s->is_lingering)
			finish_closing(s);
		return;
	}
	session_io_update(s);
}

static void on_io(struct event_io *io, unsigned events)
{
	struct session *s = container_of(io, struct session, io);

	if (s->is_lingering) {
		linger(s);
		return;
	}
	if (s->phase == SESSION_PHASE_TLS) {
		handshake(s);
		return;
	}
	if (s->is_write_blocked)
		session_io_flush(s);
	if ((events & (EVENT_READ | EVENT_ERROR)) && wants_input(s))
		session_io_pump(s);
	else if ((events & EVENT_ERROR) && s->phase == SESSION_PHASE_CLOSING)
		event_timer_arm(s->w->loop, &s->phase_timer, 0);
}

int session_io_start(struct session *s)
{
	int rc = event_io_add(s->w->loop, &s->io, s->fd, EVENT_READ, on_io);

	if (rc != 0)
		return rc;
	s->is_io_added = true;
	s->io_events = EVENT_READ;
	handshake(s);
	return 0;
}

void session_io_release(struct session *s)
{
	if (s->is_io_added) {
		event_io_del(s->w->loop, &s->io);
		s->is_io_added = false;
	}
	tls_conn_free(s->tls);
	s->tls = NULL;
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}
