/* SPDX-License-Identifier: ISC */
/* The DTLS channel at run time: handshake, records in and out, the quiet check. */
#include "gateway/worker/dtls_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/worker/dtls_demux.h"
#include "gateway/worker/outq.h"
#include "gateway/worker/session.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/log.h"
#include "lib/cstp/frame.h"
#include "lib/cstp/mtu.h"
#include "lib/dtls/frame.h"

/* Records read per wake-up before other sessions get their turn. */
#define RX_BURST 64

static void on_timer(struct event_timer *t);
static void on_nudge(struct event_timer *t);
static void on_io(struct event_io *io, unsigned events);
static void on_established(struct dtls_link *l);
static void read_records(struct dtls_link *l);

/* Drops the candidate, if any, without touching the live channel. */
static void cand_stop(struct dtls_link_cand *c)
{
	struct worker *w = c->l->s->w;

	if (c->fd < 0)
		return;
	if (w->loop)
		event_timer_cancel(w->loop, &c->timer);
	if (c->is_io_added)
		event_io_del(w->loop, &c->io);
	c->is_io_added = false;
	if (c->conn) {
		c->l->discarded += dtls_conn_discarded(c->conn);
		c->l->oversized += dtls_conn_rx_oversize(c->conn);
	}
	dtls_conn_free(c->conn);
	c->conn = NULL;
	close(c->fd);
	c->fd = -1;
}

/* Back to "no channel yet": the session goes on over TLS; a new hello may come. */
static void stop_conn(struct dtls_link *l)
{
	struct worker *w = l->s->w;

	if (w->loop) {
		event_timer_cancel(w->loop, &l->timer);
		event_timer_cancel(w->loop, &l->nudge);
	}
	if (l->is_io_added)
		event_io_del(w->loop, &l->io);
	l->is_io_added = false;
	if (l->conn) {
		l->discarded += dtls_conn_discarded(l->conn);
		l->oversized += dtls_conn_rx_oversize(l->conn);
	}
	dtls_conn_free(l->conn);
	l->conn = NULL;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->is_up = false;
	l->is_active = false;
	l->is_corked = false;
}

void dtls_link_free(struct session *s)
{
	struct dtls_link *l = s->dtls;

	if (!l)
		return;
	if (l->conn && l->is_up)
		dtls_conn_bye(l->conn);
	stop_conn(l);
	cand_stop(&l->cand);
	dtls_params_wipe(&l->params);
	free(l);
	s->dtls = NULL;
}

static void fail(struct dtls_link *l, const char *what)
{
	log_info("%s: DTLS %s (%s); data stays on TLS", l->s->label, what,
		 l->conn ? dtls_conn_error_str(l->conn) : "-");
	stop_conn(l);
}

static void arm_quiet(struct dtls_link *l)
{
	uint64_t now = worker_now_ms(l->s->w);
	uint64_t due = l->last_rx_ms + l->quiet_ms;

	if (l->quiet_ms && l->is_active)
		event_timer_arm(l->s->w->loop, &l->timer, due > now ? due - now : 0);
}

static void heard(struct dtls_link *l)
{
	struct session *s = l->s;

	l->last_rx_ms = worker_now_ms(s->w);
	/* Life on either channel keeps the session's DPD timer quiet. */
	s->tun.last_rx_ms = l->last_rx_ms;
	s->tun.is_dpd_sent = false;
	if (!l->is_active) {
		l->is_active = true;
		log_debug("%s: data moves to DTLS", s->label);
		arm_quiet(l);
	}
}

static void on_record(struct dtls_link *l, uint8_t *rec, size_t len)
{
	struct dtls_frame f;
	size_t used;

	if (dtls_frame_decode(&f, &used, rec, len, DTLS_FRAME_DEFAULT_MAX_PAYLOAD) != PARSE_DONE)
		return;
	heard(l);
	switch (f.type) {
	case CSTP_TYPE_DATA:
		if (tunnel_on_packet(l->s, f.payload, f.payload_len))
			l->rx_bytes += f.payload_len;
		break;
	case CSTP_TYPE_DPD_REQ:
		/* Byte for byte, so in place: openconnect's MTU probes are padded DPD requests. */
		rec[0] = CSTP_TYPE_DPD_RESP;
		if (dtls_conn_write(l->conn, rec, len) == VPN_ERR_TLS)
			fail(l, "write failed");
		break;
	case CSTP_TYPE_DISCONNECT:
		log_info("%s: the client closed DTLS", l->s->label);
		stop_conn(l);
		break;
	default:
		/* DPD answers and keepalives only count as life. */
		break;
	}
}

/* The first datagram too long for the batch's slots, once per session: the peer's MTU is off. */
static void note_oversize(struct dtls_link *l)
{
	if (l->is_oversize_logged || dtls_conn_rx_oversize(l->conn) == 0)
		return;
	l->is_oversize_logged = true;
	log_warn("%s: dropped a %zu-byte DTLS datagram, longer than the %u bytes a slot holds "
		 "(later ones are only counted)", l->s->label,
		 dtls_conn_rx_oversize_first_len(l->conn), DTLS_BATCH_SLOT);
}

static void read_records(struct dtls_link *l)
{
	uint8_t *rec = l->s->w->demux->record;

	/* Past the burst only to drain the batch: it is shared by the worker's sessions. */
	for (int i = 0; l->conn && (i < RX_BURST || dtls_conn_pending(l->conn)); i++) {
		size_t n = 0;
		int rc = dtls_conn_read(l->conn, rec, DTLS_RECORD_MAX, &n);

		if (rc == VPN_ERR_AGAIN) {
			note_oversize(l);
			return;
		}
		if (rc == VPN_ERR_CLOSED) {
			log_info("%s: the client closed DTLS", l->s->label);
			stop_conn(l);
			return;
		}
		if (rc != 0) {
			fail(l, "read failed");
			return;
		}
		on_record(l, rec, n);
	}
}

/*
 * openconnect answers its MTU probes' replies only from its main loop; when
 * the handshake and probes finish before that loop first polls, it sleeps
 * "delaying tunnel" for up to a second before it configures the tun. A few
 * keepalives (never answered, harmless to any peer) just after the handshake
 * wake it; measured: that second-long stall in 10 of 30 connects before.
 */
static const unsigned nudge_after_ms[] = { 20, 100, 300 };

#define N_NUDGES (sizeof(nudge_after_ms) / sizeof(nudge_after_ms[0]))

static void arm_nudge(struct dtls_link *l)
{
	unsigned i = l->nudges_sent;
	unsigned prev = i ? nudge_after_ms[i - 1] : 0;

	if (i < N_NUDGES)
		event_timer_arm(l->s->w->loop, &l->nudge, nudge_after_ms[i] - prev);
}

static void on_nudge(struct event_timer *t)
{
	struct dtls_link *l = container_of(t, struct dtls_link, nudge);
	uint8_t keepalive = CSTP_TYPE_KEEPALIVE;

	if (!l->conn || !l->is_up)
		return;
	if (dtls_conn_write(l->conn, &keepalive, sizeof(keepalive)) == VPN_ERR_TLS) {
		fail(l, "write failed");
		return;
	}
	l->nudges_sent++;
	arm_nudge(l);
}

static void on_established(struct dtls_link *l)
{
	struct session *s = l->s;
	int family = s->remote.family ? s->remote.family : AF_INET;

	l->is_up = true;
	l->is_active = false;
	l->quiet_logged = 0;
	/* GnuTLS's 1200 bytes would refuse openconnect's full-size MTU probe. */
	dtls_conn_set_mtu(l->conn, l->link_mtu - cstp_mtu_udp_ip_overhead(family));
	/* read_records drains what a batch brought (dtls.h). */
	dtls_conn_set_batch(l->conn, s->w->demux->batch, true);
	log_info("%s: DTLS up (%s, %s), data MTU %u", s->label, dtls_mode_name(l->choice.mode),
		 dtls_conn_description(l->conn), dtls_conn_data_mtu(l->conn));
	heard(l);
	l->nudges_sent = 0;
	l->nudge.on_expire = on_nudge;
	arm_nudge(l);
}

static void handshake(struct dtls_link *l)
{
	int rc = dtls_conn_handshake(l->conn);

	if (rc == VPN_ERR_AGAIN) {
		event_timer_arm(l->s->w->loop, &l->timer, dtls_conn_timeout_ms(l->conn));
		return;
	}
	event_timer_cancel(l->s->w->loop, &l->timer);
	if (rc != 0) {
		fail(l, rc == VPN_ERR_CLOSED ? "handshake timed out" : "handshake failed");
		return;
	}
	on_established(l);
	read_records(l);
}

static void on_io(struct event_io *io, unsigned events)
{
	struct dtls_link *l = container_of(io, struct dtls_link, io);

	(void)events;
	if (!l->is_up)
		handshake(l);
	else
		read_records(l);
}

static void on_timer(struct event_timer *t)
{
	struct dtls_link *l = container_of(t, struct dtls_link, timer);
	uint64_t now = worker_now_ms(l->s->w);

	if (!l->conn)
		return;
	if (!l->is_up) {
		handshake(l);
		return;
	}
	if (l->is_active && now - l->last_rx_ms >= l->quiet_ms) {
		l->is_active = false;
		/* An idle client's DPD interval may exceed the timeout: one line per channel. */
		log_msg(l->quiet_logged++ ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO,
			"%s: nothing on DTLS for %u s: data back on TLS", l->s->label,
			l->quiet_ms / 1000);
		return;
	}
	arm_quiet(l);
}

bool dtls_link_send_packet(struct session *s, struct outq_rec *rec)
{
	struct dtls_link *l = s->dtls;
	size_t len = rec->len - CSTP_FRAME_HEADER_LEN;
	int rc;

	if (!l || !l->is_active || !l->conn)
		return false;
	if (!l->is_corked) {
		l->is_corked = true;
		dtls_conn_cork(l->conn);
		worker_flush_later(s->w, s);
	}
	/* The frame's one type byte goes just before the packet, in the CSTP header's room. */
	rec->data[CSTP_FRAME_HEADER_LEN - DTLS_FRAME_HEADER_LEN] = CSTP_TYPE_DATA;
	rc = dtls_conn_write(l->conn, rec->data + CSTP_FRAME_HEADER_LEN - DTLS_FRAME_HEADER_LEN,
			     len + DTLS_FRAME_HEADER_LEN);
	if (rc == VPN_ERR_TOO_BIG)
		return false;
	if (rc != 0) {
		fail(l, "write failed");
		return false;
	}
	l->tx_bytes += len;
	s->tun.tx_packets++;
	s->tun.last_tx_ms = worker_now_ms(s->w);
	outq_rec_put(&s->w->pool, rec);
	return true;
}

void dtls_link_flush(struct session *s)
{
	struct dtls_link *l = s->dtls;

	if (!l || !l->is_corked)
		return;
	l->is_corked = false;
	if (l->conn && dtls_conn_uncork(l->conn) != 0)
		fail(l, "write failed");
}

static struct dtls_link *find(struct worker *w, const uint8_t *key, size_t key_len)
{
	if (key_len != DTLS_LINK_KEY_LEN)
		return NULL;
	for (struct session *s = w->sessions; s; s = s->next)
		if (s->dtls && !s->dtls->is_refused && s->phase == SESSION_PHASE_TUNNEL &&
		    memcmp(s->dtls->params.id, key, DTLS_LINK_KEY_LEN) == 0)
			return s->dtls;
	return NULL;
}

bool dtls_link_has_key(struct worker *w, const uint8_t *key, size_t key_len)
{
	return find(w, key, key_len) != NULL;
}

static void start(struct dtls_link *l, const struct msg_dtls_hello *m, int fd)
{
	struct session *s = l->s;

	/* Nothing established to protect: the client retried or its address changed. */
	stop_conn(l);
	cand_stop(&l->cand);
	l->fd = fd;
	l->params.tls = s->tls;
	if (l->handshakes++ == 0)
		event_timer_init(&l->timer, on_timer);
	if (dtls_conn_new_server(&l->conn, fd, &l->params, m->data, m->len) != 0) {
		l->params.tls = NULL;
		fail(l, "cannot start");
		return;
	}
	l->params.tls = NULL;
	if (event_io_add(s->w->loop, &l->io, fd, EVENT_READ, on_io) != 0) {
		fail(l, "cannot watch its socket");
		return;
	}
	l->is_io_added = true;
	log_debug("%s: DTLS handshake %u from port %u", s->label, l->handshakes, m->remote_port);
	handshake(l);
}

static void cand_failed(struct dtls_link_cand *c, const char *what)
{
	struct dtls_link *l = c->l;

	l->cands_failed++;
	log_info("%s: DTLS handshake from port %u %s (%s); the channel in use stays",
		 l->s->label, c->remote_port, what, c->conn ? dtls_conn_error_str(c->conn) : "-");
	cand_stop(c);
}

/* The candidate proved the keys: it becomes the channel, the old one goes. */
static void cand_take_over(struct dtls_link_cand *c)
{
	struct dtls_link *l = c->l;
	struct worker *w = l->s->w;

	stop_conn(l);
	event_timer_cancel(w->loop, &c->timer);
	if (c->is_io_added)
		event_io_del(w->loop, &c->io);
	c->is_io_added = false;
	l->fd = c->fd;
	l->conn = c->conn;
	c->fd = -1;
	c->conn = NULL;
	if (event_io_add(w->loop, &l->io, l->fd, EVENT_READ, on_io) != 0) {
		fail(l, "cannot watch its socket");
		return;
	}
	l->is_io_added = true;
	log_debug("%s: DTLS handshake from port %u replaces the channel", l->s->label,
		  c->remote_port);
	on_established(l);
	read_records(l);
}

static void cand_handshake(struct dtls_link_cand *c)
{
	struct worker *w = c->l->s->w;
	int rc = dtls_conn_handshake(c->conn);

	if (rc == VPN_ERR_AGAIN) {
		event_timer_arm(w->loop, &c->timer, dtls_conn_timeout_ms(c->conn));
		return;
	}
	event_timer_cancel(w->loop, &c->timer);
	if (rc != 0) {
		cand_failed(c, rc == VPN_ERR_CLOSED ? "timed out" : "failed");
		return;
	}
	cand_take_over(c);
}

static void on_cand_io(struct event_io *io, unsigned events)
{
	(void)events;
	cand_handshake(container_of(io, struct dtls_link_cand, io));
}

static void on_cand_timer(struct event_timer *t)
{
	struct dtls_link_cand *c = container_of(t, struct dtls_link_cand, timer);

	if (c->conn)
		cand_handshake(c);
}

/* A hello for a session whose channel is up: handshake beside it (see dtls_link.h). */
static void start_cand(struct dtls_link *l, const struct msg_dtls_hello *m, int fd)
{
	struct dtls_link_cand *c = &l->cand;
	struct session *s = l->s;

	cand_stop(c);
	c->fd = fd;
	c->remote_port = m->remote_port;
	l->handshakes++;
	event_timer_init(&c->timer, on_cand_timer);
	l->params.tls = s->tls;
	if (dtls_conn_new_server(&c->conn, fd, &l->params, m->data, m->len) != 0) {
		l->params.tls = NULL;
		cand_failed(c, "cannot start");
		return;
	}
	l->params.tls = NULL;
	if (event_io_add(s->w->loop, &c->io, fd, EVENT_READ, on_cand_io) != 0) {
		cand_failed(c, "cannot be watched");
		return;
	}
	c->is_io_added = true;
	log_debug("%s: DTLS handshake %u from port %u beside the channel in use", s->label,
		  l->handshakes, m->remote_port);
	cand_handshake(c);
}

/* Forged hellos must not churn sockets and handshakes: one start per gap at most. */
static bool may_start(struct dtls_link *l)
{
	uint64_t now = worker_now_ms(l->s->w);
	bool is_pending = l->cand.fd >= 0 || (l->conn && !l->is_up);

	if (is_pending && l->handshakes && now - l->last_hello_ms < DTLS_LINK_HELLO_GAP_MS) {
		l->hellos_dropped++;
		return false;
	}
	l->last_hello_ms = now;
	return true;
}

void dtls_link_on_socket(struct worker *w, const struct msg_dtls_hello *m, int fd)
{
	struct dtls_hello h;
	const uint8_t *key;
	size_t used, key_len;
	struct dtls_link *l = NULL;

	if (m->len <= sizeof(m->data) &&
	    dtls_hello_parse(&h, &used, m->data, m->len) == PARSE_DONE &&
	    dtls_hello_session_key(&h, &key, &key_len) == 0)
		l = find(w, key, key_len);
	if (!l) {
		dtls_demux_refuse_socket(w, fd);
		return;
	}
	if (!may_start(l)) {
		log_debug("%s: DTLS hello from port %u dropped: another handshake is under way",
			  l->s->label, m->remote_port);
		close(fd);
		return;
	}
	if (l->is_up && l->conn)
		start_cand(l, m, fd);
	else
		start(l, m, fd);
}
