/* SPDX-License-Identifier: ISC */
/*
 * A session's lifetime and its phase machine: the phase table (names,
 * legal moves, deadlines, input handlers), session_set_phase() and the one
 * exit, session_close().
 */
#include "gateway/worker/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/worker/deadline.h"
#include "gateway/worker/http_serve.h"
#include "gateway/worker/on_auth.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/shed.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/tls/tls.h"

/* First size of the input buffer: an HTTP head, or one TLS record in the tunnel. */
#define SESSION_IN_INITIAL (16384 + 8)

#define BIT(p) (1u << (p))

struct phase_info {
	const char *name;
	unsigned next;                        /* phases reachable from this one */
	void (*on_input)(struct session *s);  /* consumes s->in; NULL: input waits */
};

static void discard_input(struct session *s)
{
	s->in.len = 0;
}

static const struct phase_info phases[SESSION_PHASE_COUNT] = {
	[SESSION_PHASE_TLS] = { "TLS", BIT(SESSION_PHASE_AUTH) | BIT(SESSION_PHASE_CLOSING), NULL },
	[SESSION_PHASE_AUTH] = { "AUTH", BIT(SESSION_PHASE_CONNECT) | BIT(SESSION_PHASE_CLOSING),
				 http_serve_input },
	/* Bytes after the CONNECT head stay buffered until the tunnel reads them. */
	[SESSION_PHASE_CONNECT] = { "CONNECT", BIT(SESSION_PHASE_TUNNEL) | BIT(SESSION_PHASE_CLOSING),
				    NULL },
	[SESSION_PHASE_TUNNEL] = { "TUNNEL", BIT(SESSION_PHASE_CLOSING), tunnel_on_input },
	[SESSION_PHASE_CLOSING] = { "CLOSING", 0, discard_input },
};

const char *session_phase_name(enum session_phase phase)
{
	return (unsigned)phase < SESSION_PHASE_COUNT ? phases[phase].name : "?";
}

bool session_phase_allows(enum session_phase from, enum session_phase to)
{
	if ((unsigned)from >= SESSION_PHASE_COUNT || (unsigned)to >= SESSION_PHASE_COUNT)
		return false;
	return (phases[from].next & BIT(to)) != 0;
}

/* Milliseconds the phase may last; 0 = no deadline (the tunnel has its own timers). */
static uint64_t phase_deadline_ms(const struct session *s, enum session_phase phase)
{
	const struct worker_timeouts *t = &s->w->timeouts;

	switch (phase) {
	case SESSION_PHASE_TLS:
		return (uint64_t)t->handshake_s * 1000;
	case SESSION_PHASE_AUTH:
		return (uint64_t)t->auth_s * 1000;
	case SESSION_PHASE_CONNECT:
		return (uint64_t)t->connect_s * 1000;
	case SESSION_PHASE_CLOSING:
		return t->closing_ms;
	default:
		return 0;
	}
}

void session_set_phase(struct session *s, enum session_phase to)
{
	uint64_t deadline;

	if (!session_phase_allows(s->phase, to)) {
		log_err("%s: illegal phase move %s -> %s", s->label,
			session_phase_name(s->phase), session_phase_name(to));
		abort();
	}
	log_debug("%s: %s -> %s", s->label, session_phase_name(s->phase), session_phase_name(to));
	shed_on_phase(s, to);
	s->phase = to;
	deadline = phase_deadline_ms(s, to);
	if (deadline)
		event_timer_arm(s->w->loop, &s->phase_timer, deadline);
	else
		event_timer_cancel(s->w->loop, &s->phase_timer);
}

static void on_phase_timer(struct event_timer *t)
{
	struct session *s = container_of(t, struct session, phase_timer);

	if (s->phase == SESSION_PHASE_CLOSING) {
		session_free(s);
		return;
	}
	session_close(s, s->phase == SESSION_PHASE_TLS ? "TLS handshake timed out" :
			 s->phase == SESSION_PHASE_AUTH ? "authentication timed out" :
			 "CONNECT timed out");
}

static void on_wait_timer(struct event_timer *t)
{
	struct session *s = container_of(t, struct session, wait_timer);

	if (s->wait == SESSION_WAIT_DELAY)
		auth_on_delay_done(s);
}

void session_close(struct session *s, const char *reason)
{
	if (s->phase == SESSION_PHASE_CLOSING)
		return;
	s->close_reason = reason;
	log_msg(s->is_close_logged ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, "%s%s%s: closed in %s: %s",
		s->label, s->ident.user[0] ? " user " : "", s->ident.user,
		session_phase_name(s->phase), reason);
	tunnel_detach(s);
	event_timer_cancel(s->w->loop, &s->wait_timer);
	s->wait = SESSION_WAIT_NONE;
	s->wait_req_id = 0;
	session_set_phase(s, SESSION_PHASE_CLOSING);
	s->in.len = 0;
	worker_flush_later(s->w, s);
}

static void set_label(struct session *s)
{
	char addr[NET_ADDR_STRLEN];

	if (s->remote.family)
		net_addr_format(&s->remote, addr, sizeof(addr));
	else
		snprintf(addr, sizeof(addr), "local");
	snprintf(s->label, sizeof(s->label), "w%u/s%llu %s%s%s:%u", s->w->index,
		 (unsigned long long)s->serial, s->remote.family == AF_INET6 ? "[" : "", addr,
		 s->remote.family == AF_INET6 ? "]" : "", s->remote_port);
}

int session_new(struct session **out, struct worker *w, int fd, struct tls_conn *tls,
		const struct net_addr *remote, uint16_t remote_port)
{
	struct session *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return VPN_ERR_NOMEM;
	s->in.data = malloc(SESSION_IN_INITIAL);
	if (!s->in.data || worker_slot_alloc(w, s) != 0) {
		free(s->in.data);
		free(s);
		return VPN_ERR_NOMEM;
	}
	s->in.cap = SESSION_IN_INITIAL;
	s->w = w;
	s->serial = ++w->next_serial;
	s->fd = fd;
	s->tls = tls;
	if (remote)
		s->remote = *remote;
	s->remote_port = remote_port;
	s->since_unix = (uint64_t)time(NULL);
	set_label(s);
	outq_init(&s->out);
	event_timer_init(&s->phase_timer, on_phase_timer);
	event_timer_init(&s->wait_timer, on_wait_timer);
	deadline_init(s);
	tunnel_init(s);
	s->next = w->sessions;
	if (w->sessions)
		w->sessions->prev = s;
	w->sessions = s;
	w->session_count++;
	s->phase = SESSION_PHASE_TLS;
	shed_on_new(s);
	event_timer_arm(w->loop, &s->phase_timer, phase_deadline_ms(s, SESSION_PHASE_TLS));
	*out = s;
	return 0;
}

void session_free(struct session *s)
{
	struct worker *w;

	if (!s)
		return;
	w = s->w;
	tunnel_detach(s);
	session_io_release(s);
	event_timer_cancel(w->loop, &s->phase_timer);
	event_timer_cancel(w->loop, &s->wait_timer);
	deadline_request_done(s);
	event_timer_cancel(w->loop, &s->tun.timer);
	outq_clear(&s->out, &w->pool);
	http_serve_release(s);
	worker_flush_forget(w, s);
	if (s->prev)
		s->prev->next = s->next;
	else
		w->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	w->session_count--;
	worker_slot_free(w, s);
	/* all of it: a closed session's len is 0, whatever its last request held */
	buf_wipe(s->in.data, s->in.cap);
	free(s->in.data);
	buf_wipe(&s->ident, sizeof(s->ident));
	buf_wipe(&s->auth, sizeof(s->auth));
	free(s);
	worker_check_drained(w);
}

void session_process_input(struct session *s)
{
	const struct phase_info *p = &phases[s->phase];

	if (s->wait != SESSION_WAIT_NONE || !p->on_input || s->in.len == 0)
		return;
	p->on_input(s);
	worker_flush_later(s->w, s);
}

void session_send_rec(struct session *s, struct outq_rec *rec)
{
	outq_push(&s->out, rec);
	worker_flush_later(s->w, s);
}

void session_send_bytes(struct session *s, const void *data, size_t len, bool has_secret)
{
	if (outq_push_bytes(&s->out, &s->w->pool, data, len, has_secret) != 0) {
		session_close(s, "out of memory for the answer");
		return;
	}
	worker_flush_later(s->w, s);
}

void session_wait_begin(struct session *s, enum session_wait wait, uint32_t req_id)
{
	s->wait = wait;
	s->wait_req_id = req_id;
	session_io_update(s);
}

void session_wait_done(struct session *s)
{
	s->wait = SESSION_WAIT_NONE;
	s->wait_req_id = 0;
	if (s->phase == SESSION_PHASE_CLOSING)
		return;
	session_io_update(s);
	session_process_input(s);
	/* Records GnuTLS already decrypted raise no epoll event: read them now. */
	session_io_pump(s);
}
