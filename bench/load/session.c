/* SPDX-License-Identifier: ISC */
/*
 * The phase machine of one simulated client. Socket callbacks are thin:
 * they pump the connection and hand the received bytes to the current
 * phase's handler, looked up in phases[].
 */
#include "bench/load/session.h"

#include <stdlib.h>
#include <string.h>

#include "bench/load/request.h"
#include "lib/base/err.h"

/* What a handler did with the bytes at the front of conn.in. */
enum step {
	STEP_MORE,   /* used some; look again (the phase may have changed) */
	STEP_WAIT,   /* needs more bytes */
	STEP_CLOSED, /* the session is closed: touch nothing */
};

/* Pump/handle rounds per wake-up; more only when GnuTLS holds plaintext. */
#define ROUNDS_MAX 16

static enum step on_auth_input(struct load_session *s);
static void on_dtls_io(struct event_io *io, unsigned events);
static enum step on_connect_input(struct load_session *s);
static enum step on_tunnel_input(struct load_session *s);

static const struct {
	const char *name;
	enum step (*on_input)(struct load_session *s);
	unsigned next;          /* bit per phase it may move to */
	const char *timeout;    /* why, when its deadline passes; NULL: none */
} phases[LOAD_PHASE_COUNT] = {
	[LOAD_PHASE_IDLE] = { "idle", NULL, 1u << LOAD_PHASE_CONNECTING, NULL },
	[LOAD_PHASE_CONNECTING] = { "connecting", NULL,
		1u << LOAD_PHASE_AUTH | 1u << LOAD_PHASE_CLOSED, "TCP or TLS timed out" },
	[LOAD_PHASE_AUTH] = { "auth", on_auth_input,
		1u << LOAD_PHASE_CONNECT | 1u << LOAD_PHASE_CLOSED, "login timed out" },
	[LOAD_PHASE_CONNECT] = { "connect", on_connect_input,
		1u << LOAD_PHASE_TUNNEL | 1u << LOAD_PHASE_CLOSED, "CONNECT timed out" },
	[LOAD_PHASE_TUNNEL] = { "tunnel", on_tunnel_input, 1u << LOAD_PHASE_CLOSED, NULL },
	[LOAD_PHASE_CLOSED] = { "closed", NULL, 1u << LOAD_PHASE_CONNECTING, NULL },
};

const char *load_phase_name(enum load_phase phase)
{
	return phase < LOAD_PHASE_COUNT ? phases[phase].name : "unknown";
}

static void set_phase(struct load_session *s, enum load_phase next)
{
	enum load_phase old = s->phase;

	if (!(phases[old].next & 1u << next))
		abort(); /* our bug: a move the table does not allow */
	s->phase = next;
	if (phases[next].timeout != NULL)
		event_timer_arm(s->ctx->loop, &s->deadline, s->ctx->phase_timeout_ms);
	else
		event_timer_cancel(s->ctx->loop, &s->deadline);
	/* Gateways drop a client that stays silent for a few DPD intervals
	 * (ocserv: "have not received TCP DPD for long"), so a client asks. */
	if (next == LOAD_PHASE_TUNNEL && s->tunnel.dpd_interval > 0)
		event_timer_arm(s->ctx->loop, &s->dpd, s->tunnel.dpd_interval * 1000ull);
	else if (next != LOAD_PHASE_TUNNEL)
		event_timer_cancel(s->ctx->loop, &s->dpd);
	if (s->ctx->on_phase != NULL)
		s->ctx->on_phase(s, old);
}

static void on_deadline(struct event_timer *t)
{
	struct load_session *s = container_of(t, struct load_session, deadline);

	load_session_close(s, phases[s->phase].timeout);
}

/* DTLS trouble leaves the session on CSTP, as a client would carry on;
 * only the gateway saying goodbye over DTLS ends it. */
static void dtls_step(struct load_session *s)
{
	int ret = load_dtls_step(&s->dtls, &s->tunnel);

	if (ret == VPN_ERR_CLOSED) {
		load_session_close(s, s->tunnel.dtls_why);
		return;
	}
	if (ret != 0)
		load_dtls_stop(&s->dtls);
}

static void on_dtls_io(struct event_io *io, unsigned events)
{
	(void)events;
	dtls_step(container_of(io, struct load_session, dtls.io));
}

static void on_dtls_retrans(struct event_timer *t)
{
	dtls_step(container_of(t, struct load_session, dtls.retrans));
}

static void on_dpd(struct event_timer *t)
{
	struct load_session *s = container_of(t, struct load_session, dpd);

	load_session_probe(s, NULL);
	if (s->phase == LOAD_PHASE_TUNNEL)
		event_timer_arm(s->ctx->loop, &s->dpd, s->tunnel.dpd_interval * 1000ull);
}

int load_session_init(struct load_session *s, struct load_ctx *ctx, unsigned index)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->index = index;
	event_timer_init(&s->deadline, on_deadline);
	event_timer_init(&s->dpd, on_dpd);
	load_dtls_init(&s->dtls, ctx->loop, on_dtls_retrans);
	return load_conn_init(&s->conn, ctx->loop);
}

void load_session_cleanup(struct load_session *s)
{
	event_timer_cancel(s->ctx->loop, &s->deadline);
	event_timer_cancel(s->ctx->loop, &s->dpd);
	load_dtls_stop(&s->dtls);
	load_conn_cleanup(&s->conn);
	load_auth_cleanup(&s->auth);
}

/* Queues the request in w, whose building returned `built`; closes the
 * session when either failed. */
static bool queue_request(struct load_session *s, int built, struct buf_writer *w)
{
	int ret = built != 0 ? built : load_conn_queue(&s->conn, w->data, w->len);

	buf_wipe(w->data, w->cap);
	if (ret != 0) {
		load_session_close(s, built != 0 ? "cannot write a request" : s->conn.why);
		return false;
	}
	return true;
}

static enum step on_auth_input(struct load_session *s)
{
	const uint8_t *body;
	size_t body_len, used;
	const char *why = NULL;
	uint8_t req[TLS_RECORD_MAX];
	struct buf_writer w;
	enum load_auth_next next;
	enum parse_result r;

	r = load_answer_read(&s->answer, s->conn.in, s->conn.in_len, &body, &body_len, &used);
	if (r == PARSE_NEED_MORE)
		return STEP_WAIT;
	if (r == PARSE_INVALID) {
		load_session_close(s, s->answer.why);
		return STEP_CLOSED;
	}
	buf_writer_init(&w, req, sizeof(req));
	next = load_auth_on_answer(&s->auth, &s->ctx->auth, &s->answer.resp, body, body_len,
				   &w, &why);
	load_conn_consume(&s->conn, used);
	if (next == LOAD_AUTH_FAILED) {
		buf_wipe(req, sizeof(req));
		load_session_close(s, why);
		return STEP_CLOSED;
	}
	if (next == LOAD_AUTH_DONE) {
		s->is_logged_in = true;
		if (s->ctx->is_login_only) {
			load_session_close(s, NULL);
			return STEP_CLOSED;
		}
		load_answer_init(&s->answer, "CONNECT");
		if (!queue_request(s, load_request_connect(&w, s->ctx->auth.host, s->auth.webvpn,
							   "sslgate-load",
							   s->ctx->is_dtls ? &s->ctx->offer : NULL),
				   &w))
			return STEP_CLOSED;
		set_phase(s, LOAD_PHASE_CONNECT);
		return STEP_MORE;
	}
	load_answer_init(&s->answer, "POST");
	return queue_request(s, 0, &w) ? STEP_MORE : STEP_CLOSED;
}

static enum step on_connect_input(struct load_session *s)
{
	const uint8_t *body;
	size_t body_len, used;
	const char *why = NULL;
	enum parse_result r;

	r = load_answer_read(&s->answer, s->conn.in, s->conn.in_len, &body, &body_len, &used);
	if (r == PARSE_NEED_MORE)
		return STEP_WAIT;
	if (r == PARSE_INVALID ||
	    load_tunnel_on_answer(&s->tunnel, &s->answer.resp,
				  s->ctx->is_dtls ? &s->ctx->offer : NULL, &why) != 0) {
		load_session_close(s, r == PARSE_INVALID ? s->answer.why : why);
		return STEP_CLOSED;
	}
	/* CSTP frames may follow the blank line in the same record */
	load_conn_consume(&s->conn, used);
	set_phase(s, LOAD_PHASE_TUNNEL);
	if (s->tunnel.has_dtls &&
	    load_dtls_start(&s->dtls, &s->tunnel, s->conn.tls, &s->ctx->server, on_dtls_io) != 0)
		load_dtls_stop(&s->dtls);
	return STEP_MORE;
}

static enum step on_tunnel_input(struct load_session *s)
{
	const char *why = NULL;
	size_t before = s->conn.in_len;

	if (load_tunnel_read(&s->tunnel, &s->conn, &why) != 0) {
		load_session_close(s, why);
		return STEP_CLOSED;
	}
	return s->conn.in_len < before ? STEP_MORE : STEP_WAIT;
}

/*
 * The gateway's key is the pinned one. Hashing its key and checking the
 * chain each time was a fifth of our CPU per login, taken from the gateway
 * under test: a certificate byte for byte the same as one whose key matched
 * has that key, so only a new certificate is looked at in full.
 */
static bool is_pinned_key(struct load_ctx *ctx, const struct tls_conn *tls)
{
	const uint8_t *der;
	size_t len;
	struct tls_peer peer;
	uint8_t *copy;

	if (ctx->pin == NULL)
		return true;
	if (tls_conn_peer_der(tls, &der, &len) != 0)
		return false;
	if (ctx->pinned_der != NULL && len == ctx->pinned_der_len &&
	    memcmp(der, ctx->pinned_der, len) == 0)
		return true;
	if (tls_conn_peer(tls, &peer) != 0 || strcmp(peer.pin, ctx->pin) != 0)
		return false;
	copy = malloc(len);
	if (copy != NULL) {
		memcpy(copy, der, len);
		free(ctx->pinned_der);
		ctx->pinned_der = copy;
		ctx->pinned_der_len = len;
	}
	return true;
}

/* The handshake is done: check the pin, then the first login request. */
static bool on_open(struct load_session *s)
{
	uint8_t req[TLS_RECORD_MAX];
	struct buf_writer w;

	if (!is_pinned_key(s->ctx, s->conn.tls)) {
		load_session_close(s, "the gateway's key does not match the pin");
		return false;
	}
	load_answer_init(&s->answer, "POST");
	buf_writer_init(&w, req, sizeof(req));
	if (!queue_request(s, load_auth_first(&s->auth, &s->ctx->auth, &w), &w))
		return false;
	set_phase(s, LOAD_PHASE_AUTH);
	return true;
}

/* Feeds conn.in to the phase handlers; false when the session closed. */
static bool handle_input(struct load_session *s)
{
	while (s->conn.in_len > 0 && phases[s->phase].on_input != NULL) {
		enum step st = phases[s->phase].on_input(s);

		if (st == STEP_CLOSED)
			return false;
		if (st == STEP_WAIT)
			break;
	}
	return true;
}

static void on_io(struct event_io *io, unsigned events)
{
	struct load_session *s = container_of(io, struct load_session, conn.io);
	(void)events;

	for (int round = 0; round < ROUNDS_MAX; round++) {
		bool is_new_open = false;

		if (load_conn_pump(&s->conn, s->ctx->tls, &is_new_open) != 0) {
			load_session_close(s, s->conn.why);
			return;
		}
		if (is_new_open && !on_open(s))
			return;
		if (!handle_input(s))
			return;
		if (s->conn.state == LOAD_CONN_OPEN && load_conn_flush(&s->conn) != 0) {
			load_session_close(s, s->conn.why);
			return;
		}
		if (s->conn.in_len == LOAD_CONN_IN_MAX) {
			load_session_close(s, "receive buffer full");
			return;
		}
		if (!load_conn_has_pending(&s->conn))
			return;
	}
}

void load_session_start(struct load_session *s)
{
	load_auth_init(&s->auth);
	load_tunnel_init(&s->tunnel, (uint16_t)(s->index + 1));
	s->is_logged_in = false;
	s->why = NULL;
	s->started_ms = event_loop_now(s->ctx->loop);
	set_phase(s, LOAD_PHASE_CONNECTING);
	if (load_conn_start(&s->conn, &s->ctx->server, on_io) != 0)
		load_session_close(s, s->conn.why);
}

void load_session_probe(struct load_session *s, const struct net_addr *target)
{
	bool is_dtls = s->dtls.is_up;

	if (s->phase != LOAD_PHASE_TUNNEL)
		return;
	if (load_tunnel_probe(&s->tunnel, &s->conn, is_dtls ? NULL : target) != 0 ||
	    load_conn_flush(&s->conn) != 0) {
		load_session_close(s, s->conn.why ? s->conn.why : "cannot send a probe");
		return;
	}
	if (is_dtls && load_dtls_probe(&s->dtls, &s->tunnel, target) != 0)
		load_dtls_stop(&s->dtls);
}

void load_session_close(struct load_session *s, const char *why)
{
	bool is_polite = why == NULL;

	if (s->phase == LOAD_PHASE_CLOSED || s->phase == LOAD_PHASE_IDLE)
		return;
	/* best effort: a full queue or a dead socket just means no goodbye */
	if (is_polite && s->phase == LOAD_PHASE_TUNNEL && load_tunnel_bye(&s->conn) == 0)
		load_conn_flush(&s->conn);
	load_dtls_stop(&s->dtls);
	load_conn_close(&s->conn, is_polite);
	load_auth_cleanup(&s->auth);
	s->why = why;
	set_phase(s, LOAD_PHASE_CLOSED);
}
