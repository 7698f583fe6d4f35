/* SPDX-License-Identifier: ISC */
/* CSTP over TLS for one session: frames in, frames out, liveness timers. */
#include "gateway/worker/tunnel.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/worker/dtls_link.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/session.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/tun_io.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/frame.h"
#include "lib/tls/tls.h"

/* Frames waiting for a slow client before new packets for it are dropped. */
#define TX_QUEUE_MAX 512
/* Points a garbage CSTP stream costs the source with authd. */
#define BAD_FRAME_POINTS 10

static void on_timer(struct event_timer *t);

void tunnel_init(struct session *s)
{
	event_timer_init(&s->tun.timer, on_timer);
}

static struct outq_rec *frame_rec(struct session *s, uint8_t type, const void *payload,
				  size_t len)
{
	struct outq_rec *rec = outq_rec_get(&s->w->pool, CSTP_FRAME_HEADER_LEN + len);

	if (!rec)
		return NULL;
	cstp_frame_header(rec->data, type, len);
	if (len)
		memcpy(rec->data + CSTP_FRAME_HEADER_LEN, payload, len);
	rec->len = CSTP_FRAME_HEADER_LEN + len;
	return rec;
}

static void send_frame(struct session *s, uint8_t type, const void *payload, size_t len)
{
	struct outq_rec *rec = frame_rec(s, type, payload, len);

	if (!rec) {
		session_close(s, "out of memory for a CSTP frame");
		return;
	}
	s->tun.last_tx_ms = worker_now_ms(s->w);
	session_send_rec(s, rec);
}

void tunnel_send_packet(struct session *s, struct outq_rec *rec)
{
	if (s->phase != SESSION_PHASE_TUNNEL || s->out.count >= TX_QUEUE_MAX) {
		s->tun.tx_drops++;
		outq_rec_put(&s->w->pool, rec);
		return;
	}
	if (dtls_link_send_packet(s, rec))
		return;
	cstp_frame_header(rec->data, CSTP_TYPE_DATA, rec->len - CSTP_FRAME_HEADER_LEN);
	s->tun.tx_packets++;
	s->tun.tx_bytes += rec->len - CSTP_FRAME_HEADER_LEN;
	s->tun.last_tx_ms = worker_now_ms(s->w);
	session_send_rec(s, rec);
}

static bool owns_source(const struct session *s, const uint8_t *pkt, size_t len)
{
	struct net_addr src;

	if (inner_map_packet_src(pkt, len, &src) != 0)
		return false;
	if (src.family == AF_INET)
		return s->tun.ipv4.addr.family == AF_INET &&
		       memcmp(src.bytes, s->tun.ipv4.addr.bytes, 4) == 0;
	return s->tun.ipv6.addr.family == AF_INET6 &&
	       memcmp(src.bytes, s->tun.ipv6.addr.bytes, 16) == 0;
}

/* restrict-user-to-routes: only the networks the group routes into the tunnel. */
static bool may_reach(const struct session *s, const uint8_t *pkt, size_t len)
{
	struct net_addr dst;

	if (!s->tun.is_restricted)
		return true;
	if (inner_map_packet_dst(pkt, len, &dst) != 0)
		return false;
	for (size_t i = 0; i < s->tun.n_allowed; i++)
		if (net_prefix_contains(&s->tun.allowed[i], &dst))
			return true;
	return false;
}

bool tunnel_on_packet(struct session *s, const uint8_t *pkt, size_t len)
{
	/* A client may only speak from the address it was given: no spoofing into the LAN. */
	if (!owns_source(s, pkt, len)) {
		s->tun.rx_drops++;
		log_debug("%s: dropped a packet with a foreign source address", s->label);
		return false;
	}
	if (!may_reach(s, pkt, len)) {
		s->tun.rx_drops++;
		return false;
	}
	s->tun.last_data_ms = worker_now_ms(s->w);
	s->tun.rx_packets++;
	tun_io_write(s->w, pkt, len);
	return true;
}

static void on_data(struct session *s, const struct cstp_frame *f)
{
	if (tunnel_on_packet(s, f->payload, f->payload_len))
		s->tun.rx_bytes += f->payload_len;
}

static void on_disconnect(struct session *s, const struct cstp_frame *f)
{
	struct cstp_disconnect d;

	cstp_disconnect_read(&d, f);
	if (d.has_reason && d.reason == CSTP_REASON_USER) {
		/* The user logged out: the cookie dies with the session (§7.4). */
		s->tun.is_ending = true;
		session_close(s, "client disconnected (logout)");
		return;
	}
	/* 0x91 and the rest: the client comes back with its cookie; answer as ocserv does. */
	send_frame(s, CSTP_TYPE_DISCONNECT, NULL, 0);
	session_close(s, "client disconnected (will reconnect)");
}

static void on_frame(struct session *s, const struct cstp_frame *f)
{
	s->tun.last_rx_ms = worker_now_ms(s->w);
	s->tun.is_dpd_sent = false;
	switch (f->type) {
	case CSTP_TYPE_DATA:
		on_data(s, f);
		break;
	case CSTP_TYPE_DPD_REQ:
		/* Same payload back: openconnect measures the path with it. */
		send_frame(s, CSTP_TYPE_DPD_RESP, f->payload, f->payload_len);
		break;
	case CSTP_TYPE_DISCONNECT:
		on_disconnect(s, f);
		break;
	case CSTP_TYPE_DPD_RESP:
	case CSTP_TYPE_KEEPALIVE:
		break;
	default:
		/* Compression was never offered; unknown types are ignored, as ocserv does. */
		log_debug("%s: ignored CSTP %s frame (type 0x%02x, %zu bytes)", s->label,
			  cstp_type_name(f->type), f->type, f->payload_len);
		break;
	}
}

/*
 * With TLS, s->in holds exactly what one record brought (session_io.c reads
 * one record into an empty buffer, and the buffer fits the largest one), so
 * a frame that is still incomplete runs past its record. PROTOCOL.md §7.1:
 * both real peers need one frame per record and ocserv closes here; waiting
 * for the rest would swallow the frames that follow. True when it closed.
 */
static bool frame_split(struct session *s, size_t off)
{
	size_t have = s->in.len - off;
	unsigned want = have >= 6 ? (unsigned)s->in.data[off + 4] << 8 | s->in.data[off + 5] : 0;

	log_warn("%s: CSTP frame runs past its TLS record (have %zu bytes, frame needs %u)",
		 s->label, have, want + CSTP_FRAME_HEADER_LEN);
	worker_report_bad_request(s, BAD_FRAME_POINTS);
	send_frame(s, CSTP_TYPE_DISCONNECT, NULL, 0);
	session_close_logged(s, "CSTP frame longer than its TLS record");
	return true;
}

void tunnel_on_input(struct session *s)
{
	size_t off = 0;

	while (s->phase == SESSION_PHASE_TUNNEL && off < s->in.len) {
		struct cstp_frame f;
		size_t used = 0;
		enum parse_result r = cstp_frame_decode(&f, &used, s->in.data + off,
							s->in.len - off,
							CSTP_FRAME_DEFAULT_MAX_PAYLOAD);

		if (r == PARSE_NEED_MORE) {
			if (s->tls && frame_split(s, off))
				return;
			break;
		}
		if (r == PARSE_INVALID) {
			log_warn("%s: garbage on the CSTP channel: header %02x %02x %02x %02x", s->label,
				 s->in.data[off], s->in.len - off > 1 ? s->in.data[off + 1] : 0,
				 s->in.len - off > 2 ? s->in.data[off + 2] : 0,
				 s->in.len - off > 3 ? s->in.data[off + 3] : 0);
			worker_report_bad_request(s, BAD_FRAME_POINTS);
			send_frame(s, CSTP_TYPE_DISCONNECT, NULL, 0);
			session_close_logged(s, "garbage on the CSTP channel");
			return;
		}
		on_frame(s, &f);
		off += used;
	}
	session_in_consume(s, off);
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

static void arm(struct session *s);

static void on_timer(struct event_timer *t)
{
	struct session *s = container_of(t, struct session, tun.timer);
	uint64_t now = worker_now_ms(s->w);
	uint64_t dpd = (uint64_t)s->tun.dpd_s * 1000;

	if (s->phase != SESSION_PHASE_TUNNEL)
		return;
	if (s->tun.session_end_ms && now >= s->tun.session_end_ms) {
		tunnel_terminate(s, "session timeout");
		return;
	}
	if (s->tun.idle_s && now - s->tun.last_data_ms >= (uint64_t)s->tun.idle_s * 1000) {
		tunnel_terminate(s, "idle timeout");
		return;
	}
	if (dpd && now - s->tun.last_rx_ms >= 3 * dpd) {
		/* Dead peer: keep the session, its client may come back with the cookie. */
		session_close(s, "dead peer: nothing received for three DPD intervals");
		return;
	}
	if (dpd && now - s->tun.last_rx_ms >= 2 * dpd && !s->tun.is_dpd_sent) {
		s->tun.is_dpd_sent = true;
		send_frame(s, CSTP_TYPE_DPD_REQ, NULL, 0);
	}
	arm(s);
}

static void arm(struct session *s)
{
	uint64_t now = worker_now_ms(s->w);
	uint64_t dpd = (uint64_t)s->tun.dpd_s * 1000;
	uint64_t next = s->tun.session_end_ms;

	if (s->tun.idle_s)
		next = min_deadline(next, s->tun.last_data_ms + (uint64_t)s->tun.idle_s * 1000);
	if (dpd)
		next = min_deadline(next, s->tun.last_rx_ms +
					  (s->tun.is_dpd_sent ? 3 : 2) * dpd);
	if (!next)
		return;
	/* A timer that fires early just re-arms; one that fires late lets a dead peer linger. */
	event_timer_arm(s->w->loop, &s->tun.timer, next > now ? next - now : 0);
}

static void notify_authd(struct session *s, enum msg_type type, const char *reason)
{
	struct msg_session_event m;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, type, sizeof(m), 0);
	memcpy(m.session_id, s->ident.session_id, sizeof(m.session_id));
	m.ipv4 = s->tun.ipv4.addr;
	m.ipv6 = s->tun.ipv6.addr;
	snprintf(m.reason, sizeof(m.reason), "%s", reason ? reason : "");
	worker_chan_send(s->w, &s->w->authd, &m, sizeof(m), false);
}

/*
 * A client that reconnects before this worker noticed its old connection
 * die (a NAT dropped it silently) has two connections here for one
 * session. The old one goes quietly: the lease, the route and authd's
 * record now belong to the new one, so it must not release or detach them.
 */
static void supersede_older(struct session *s)
{
	for (struct session *o = s->w->sessions; o; o = o->next) {
		if (o == s || !o->tun.is_attached ||
		    memcmp(o->ident.session_id, s->ident.session_id, sizeof(o->ident.session_id)) != 0)
			continue;
		o->tun.is_superseded = true;
		session_close(o, "replaced by a reconnect of the same session");
	}
}

int tunnel_start(struct session *s, const struct tunnel_params *p)
{
	uint64_t now = worker_now_ms(s->w);
	int rc = 0;

	s->tun.ipv4 = p->ipv4;
	s->tun.ipv6 = p->ipv6;
	s->tun.mtu = p->mtu;
	s->tun.dpd_s = p->dpd_s;
	s->tun.keepalive_s = p->keepalive_s;
	s->tun.idle_s = p->idle_s;
	s->tun.is_restricted = p->is_restricted;
	s->tun.allowed = p->allowed;
	s->tun.n_allowed = p->n_allowed;
	s->tun.started_ms = now;
	s->tun.last_rx_ms = now;
	s->tun.last_tx_ms = now;
	s->tun.last_data_ms = now;
	s->tun.session_end_ms = 0;
	supersede_older(s);
	if (p->session_timeout_s) {
		uint64_t end_unix = s->ident.created_unix + p->session_timeout_s;
		uint64_t now_unix = (uint64_t)time(NULL);

		s->tun.session_end_ms = now + (end_unix > now_unix ? (end_unix - now_unix) * 1000 : 0);
	}
	if (p->ipv4.addr.family)
		rc = inner_map_put(&s->w->inner, &p->ipv4.addr, s);
	if (rc == 0 && p->ipv6.addr.family)
		rc = inner_map_put(&s->w->inner, &p->ipv6.addr, s);
	s->tun.is_attached = true;
	if (rc != 0)
		return rc;
	session_set_phase(s, SESSION_PHASE_TUNNEL);
	session_in_shrink(s);
	/* session_io_pump reads until AGAIN or comes back later: safe to read ahead. */
	if (s->tls)
		tls_conn_set_read_ahead(s->tls, true);
	notify_authd(s, MSG_SESSION_ATTACHED, "tunnel up");
	arm(s);
	return 0;
}

void tunnel_terminate(struct session *s, const char *reason)
{
	if (s->phase == SESSION_PHASE_CLOSING)
		return;
	if (s->phase == SESSION_PHASE_TUNNEL)
		send_frame(s, CSTP_TYPE_DISCONNECT, NULL, 0);
	s->tun.is_ending = true;
	session_close(s, reason);
}

void tunnel_detach(struct session *s)
{
	struct msg_lease_release rel;

	dtls_link_free(s);
	if (s->w->loop)
		event_timer_cancel(s->w->loop, &s->tun.timer);
	if (!s->tun.is_attached && s->wait != SESSION_WAIT_LEASE)
		return;
	if (s->tun.ipv4.addr.family)
		inner_map_del(&s->w->inner, &s->tun.ipv4.addr, s);
	if (s->tun.ipv6.addr.family)
		inner_map_del(&s->w->inner, &s->tun.ipv6.addr, s);
	if (s->tun.is_superseded) {
		s->tun.is_attached = false;
		return;
	}
	/* Also when the lease answer is still on its way: the parent reads in order. */
	memset(&rel, 0, sizeof(rel));
	msg_init(&rel.h, MSG_LEASE_RELEASE, sizeof(rel), 0);
	memcpy(rel.session_id, s->ident.session_id, sizeof(rel.session_id));
	worker_chan_send(s->w, &s->w->parent, &rel, sizeof(rel), false);
	if (s->tun.is_attached)
		notify_authd(s, s->tun.is_ending ? MSG_SESSION_END : MSG_SESSION_DETACHED,
			     s->close_reason);
	s->tun.is_attached = false;
}
