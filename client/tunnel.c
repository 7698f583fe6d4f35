/* SPDX-License-Identifier: ISC */
/*
 * TUNNEL: packets between the tun device and the gateway over TLS, one
 * CSTP frame per TLS record (PROTOCOL.md §7.1), until the link is lost
 * (RECONNECT), the gateway ends the session or we are asked to stop
 * (CLOSING). The loop's callbacks are thin: they move bytes and note times;
 * the tick decides about DPD, keepalive and stopping (openconnect's
 * keepalive_action rules, §7.3).
 */
#include "client/tunnel.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/dtls_switch.h"
#include "client/phases.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"

/*
 * Flows the coalescer holds at once: a desktop has a few bulk flows at a
 * time, and each slot may fill 64 KiB of memory.
 */
#define TUNNEL_GRO_FLOWS 4

void tunnel_init(struct tunnel *t)
{
	memset(t, 0, sizeof(*t));
	t->tun_fd = -1;
	t->tun_io.fd = -1;
	t->tls_io.fd = -1;
	t->notify_fd = -1;
	script_env_init(&t->env);
	dtls_link_init(&t->dtls);
}

int tunnel_open_tun(struct tunnel *t, const char *name)
{
	int ret = net_tun_open_offload(name, t->ifname, sizeof(t->ifname), &t->tun_fd);

	t->is_tun_offload = ret == 0;
	if (ret != VPN_ERR_UNSUPPORTED)
		return ret;
	log_debug("tun offloads refused by the kernel: a plain device");
	return net_tun_open(name, t->ifname, sizeof(t->ifname), &t->tun_fd);
}

void tunnel_cleanup(struct tunnel *t)
{
	if (t->tun_fd >= 0)
		close(t->tun_fd);
	t->tun_fd = -1;
	net_gro_free(t->gro);
	t->gro = NULL;
	free(t->tun_frame);
	t->tun_frame = NULL;
	t->has_gso = false;
	if (t->notify_fd >= 0)
		close(t->notify_fd);
	t->notify_fd = -1;
	dtls_link_cleanup(&t->dtls);
	/* After the link: its sessions flush into the batch as they go. */
	dtls_batch_free(t->dtls_batch);
	t->dtls_batch = NULL;
	event_loop_free(t->loop);
	t->loop = NULL;
	script_env_cleanup(&t->env);
}

static struct session *owner(struct tunnel *t)
{
	return t->owner;
}

/* Ends the loop; the first decision wins. */
static void finish(struct tunnel *t, enum session_phase next, const char *why)
{
	if (t->is_done)
		return;
	t->is_done = true;
	t->next = (int)next;
	t->why = why;
	event_loop_stop(t->loop);
}

/* What the sockets should wake us for: TLS writable only while a frame waits. */
static void update_interest(struct tunnel *t)
{
	bool is_blocked = t->data_out_len || t->ctl_out_len || t->is_draining;

	event_io_modify(t->loop, &t->tls_io, EVENT_READ | (is_blocked ? EVENT_WRITE : 0));
	event_io_modify(t->loop, &t->tun_io, is_blocked ? 0 : EVENT_READ);
}

/* Tries the waiting frames, data first (GnuTLS wants the same record again). */
static int flush(struct tunnel *t)
{
	struct tls_conn *tls = owner(t)->conn.tls;
	uint8_t *bufs[2] = { t->data_out, t->ctl_out };
	size_t *lens[2] = { &t->data_out_len, &t->ctl_out_len };

	for (int i = 0; i < 2; i++) {
		int ret;

		if (*lens[i] == 0)
			continue;
		ret = tls_conn_write(tls, bufs[i], *lens[i]);
		if (ret == VPN_ERR_AGAIN)
			return ret;
		if (ret != 0)
			return ret;
		*lens[i] = 0;
		t->last_tx_ms = event_loop_now(t->loop);
	}
	return 0;
}

static void send_frame(struct tunnel *t, uint8_t type, const void *payload, size_t len)
{
	struct buf_writer w;
	int ret;

	if (t->ctl_out_len)
		return; /* one control frame is waiting: this one is not urgent */
	buf_writer_init(&w, t->ctl_out, sizeof(t->ctl_out));
	if (cstp_frame_write(&w, type, payload, len) != 0)
		return;
	t->ctl_out_len = w.len;
	ret = flush(t);
	if (ret != 0 && ret != VPN_ERR_AGAIN)
		finish(t, SESSION_PHASE_RECONNECT, "TLS write failed");
	update_interest(t);
}

static void on_frame(struct tunnel *t, const struct cstp_frame *f)
{
	struct cstp_disconnect d;

	switch (f->type) {
	case CSTP_TYPE_DATA:
		t->packets_in++;
		/* A full tun queue drops the packet, as a router would. */
		if (t->gro)
			net_gro_write(t->gro, f->payload, f->payload_len);
		else
			net_tun_write(t->tun_fd, f->payload, f->payload_len);
		break;
	case CSTP_TYPE_DPD_REQ:
		send_frame(t, CSTP_TYPE_DPD_RESP, f->payload, f->payload_len);
		break;
	case CSTP_TYPE_DPD_RESP:
		t->dpd_sent_ms = 0;
		break;
	case CSTP_TYPE_KEEPALIVE:
		break;
	case CSTP_TYPE_DISCONNECT:
		cstp_disconnect_read(&d, f);
		log_info("the gateway ended the session (%s%s%.*s)",
			 d.has_reason ? cstp_reason_name(d.reason) : "no reason",
			 d.text_len ? ": " : "", (int)d.text_len, (const char *)d.text);
		t->is_ended_by_gateway = true;
		finish(t, SESSION_PHASE_CLOSING, "session ended by the gateway");
		break;
	case CSTP_TYPE_TERMINATE:
		t->is_ended_by_gateway = true;
		finish(t, SESSION_PHASE_CLOSING, "session terminated by the gateway");
		break;
	default:
		/* COMPRESSED was never offered; unknown types are ignored, as ocserv does. */
		log_debug("ignoring a %s frame (type 0x%02x, %zu bytes)", cstp_type_name(f->type),
			  f->type, f->payload_len);
		break;
	}
}

/* Decodes every whole frame in rx and keeps the rest. */
static void drain_rx(struct tunnel *t)
{
	size_t pos = 0;

	while (!t->is_done && pos < t->rx_len) {
		struct cstp_frame f;
		size_t used = 0;
		enum parse_result r = cstp_frame_decode(&f, &used, t->rx + pos, t->rx_len - pos,
							 CSTP_FRAME_DEFAULT_MAX_PAYLOAD);

		if (r == PARSE_NEED_MORE)
			break;
		if (r == PARSE_INVALID) {
			finish(t, SESSION_PHASE_CLOSING, "the gateway sent a malformed CSTP frame");
			return;
		}
		on_frame(t, &f);
		pos += used;
	}
	memmove(t->rx, t->rx + pos, t->rx_len - pos);
	t->rx_len -= pos;
}

static void read_tls(struct tunnel *t)
{
	struct tls_conn *tls = owner(t)->conn.tls;

	while (!t->is_done) {
		size_t got = 0;
		int ret = tls_conn_read(tls, t->rx + t->rx_len, sizeof(t->rx) - t->rx_len, &got);

		if (ret == VPN_ERR_AGAIN)
			return;
		if (ret != 0) {
			finish(t, SESSION_PHASE_RECONNECT, ret == VPN_ERR_CLOSED
				   ? "the gateway closed the connection" : "TLS read failed");
			return;
		}
		t->rx_len += got;
		t->last_rx_ms = event_loop_now(t->loop);
		drain_rx(t);
	}
}

static void pump_tun(struct tunnel *t);

static void on_tls(struct event_io *io, unsigned events)
{
	struct tunnel *t = container_of(io, struct tunnel, tls_io);
	int ret;

	if (events & (EVENT_READ | EVENT_ERROR))
		read_tls(t);
	if (!t->is_done && t->is_draining) {
		ret = tls_conn_uncork(owner(t)->conn.tls);
		if (ret != 0 && ret != VPN_ERR_AGAIN)
			finish(t, SESSION_PHASE_RECONNECT, "TLS write failed");
		t->is_draining = ret == VPN_ERR_AGAIN;
	}
	if (!t->is_done && (t->data_out_len || t->ctl_out_len)) {
		ret = flush(t);
		if (ret != 0 && ret != VPN_ERR_AGAIN)
			finish(t, SESSION_PHASE_RECONNECT, "TLS write failed");
	}
	/* A frame TLS stopped in the middle of: its other packets wait for no tun read. */
	if (!t->is_done && t->has_gso && !t->data_out_len && !t->ctl_out_len && !t->is_draining) {
		pump_tun(t);
		return;
	}
	/* Always: a drain that just ended must let tun be read again. */
	update_interest(t);
}

/*
 * Corks the DTLS session for a tun burst (sends only: the link's reader
 * stops after a budget, so it must not read through a shared batch).
 * Returns the session corked, NULL when DTLS is not up.
 */
static struct dtls_conn *dtls_cork(struct tunnel *t)
{
	struct dtls_conn *c = t->dtls.state == DTLS_LINK_UP ? t->dtls.conn : NULL;

	if (!c || (!t->dtls_batch && dtls_batch_new(&t->dtls_batch) != 0))
		return NULL;
	dtls_conn_set_batch(c, t->dtls_batch, false);
	dtls_conn_cork(c);
	return c;
}

/*
 * The burst's DTLS datagrams leave in one sendmmsg. If the link replaced
 * its session meanwhile, the old one flushed when it was retired or freed
 * (dtls_conn_set_batch), so only a session still in the link is uncorked.
 */
static void dtls_uncork(struct tunnel *t, struct dtls_conn *c)
{
	if (c && (c == t->dtls.conn || c == t->dtls.old_conn) && dtls_conn_uncork(c) != 0)
		log_debug("DTLS: a batch of datagrams could not be sent");
}

/*
 * The next packet from tun into out: 0 with *out_len, VPN_ERR_AGAIN when tun
 * has none (or may_read is false and no frame is under way), VPN_ERR_IO. An
 * offload device gives frames: their packets come one by one, and a frame
 * whose packets TLS could not all take yet stays in t->gso for the next call.
 */
static int next_packet(struct tunnel *t, bool may_read, uint8_t *out, size_t *out_len)
{
	size_t len = 0;
	int ret;

	if (!t->tun_frame)
		return net_tun_read(t->tun_fd, out, CSTP_FRAME_DEFAULT_MAX_PAYLOAD, out_len);
	for (;;) {
		if (t->has_gso) {
			ret = net_gso_next(&t->gso, out, CSTP_FRAME_DEFAULT_MAX_PAYLOAD, out_len);
			if (ret == 0)
				return 0;
			/* NOT_FOUND: done; TOO_BIG cannot pass our MTU: the rest is dropped */
			t->has_gso = false;
		}
		if (!may_read)
			return VPN_ERR_AGAIN;
		/* Each read takes a frame off the device, so this ends at AGAIN. */
		ret = net_tun_read(t->tun_fd, t->tun_frame, NET_OFFLOAD_FRAME_MAX, &len);
		if (ret != 0)
			return ret;
		t->has_gso = net_gso_begin(&t->gso, t->tun_frame, len) == 0;
		if (!t->has_gso)
			log_debug("tun gave a frame we cannot split (%zu bytes)", len);
	}
}

/*
 * Packets from tun, one record each, corked: the batch leaves in as few
 * sends as the socket takes (lib/tls keeps records whole and in order).
 * The budget counts packets read; the frame under way when it runs out
 * still goes whole (unless TLS blocks: on_tls resumes it), so none of its
 * packets waits on a tun that may not wake us again.
 */
static void pump_tun(struct tunnel *t)
{
	struct tls_conn *tls = owner(t)->conn.tls;
	uint8_t *payload = t->data_out + CSTP_FRAME_HEADER_LEN;
	struct dtls_conn *corked = dtls_cork(t);
	int ret = 0;

	tls_conn_cork(tls);
	for (int i = 0; (i < TUNNEL_TUN_BUDGET || t->has_gso) && !t->is_done &&
			t->data_out_len == 0; i++) {
		size_t len = 0;

		ret = next_packet(t, i < TUNNEL_TUN_BUDGET, payload, &len);
		if (ret == VPN_ERR_AGAIN)
			break;
		if (ret != 0) {
			dtls_uncork(t, corked);
			finish(t, SESSION_PHASE_CLOSING, "the tun device failed");
			return;
		}
		t->packets_out++;
		/* DTLS when it is up; TLS meanwhile and for what DTLS cannot take. */
		if (dtls_link_send(&t->dtls, payload, len) == 0)
			continue;
		cstp_frame_header(t->data_out, CSTP_TYPE_DATA, len);
		t->data_out_len = CSTP_FRAME_HEADER_LEN + len;
		ret = flush(t);
		if (ret != 0 && ret != VPN_ERR_AGAIN)
			finish(t, SESSION_PHASE_RECONNECT, "TLS write failed");
	}
	dtls_uncork(t, corked);
	ret = tls_conn_uncork(tls);
	if (ret != 0 && ret != VPN_ERR_AGAIN)
		finish(t, SESSION_PHASE_RECONNECT, "TLS write failed");
	t->is_draining = ret == VPN_ERR_AGAIN;
	update_interest(t);
}

static void on_tun(struct event_io *io, unsigned events)
{
	(void)events;
	pump_tun(container_of(io, struct tunnel, tun_io));
}

/* The coalesced packets of this iteration's records go to tun now. */
static void on_iteration_end(struct event_loop *loop, void *ctx)
{
	struct tunnel *t = ctx;

	(void)loop;
	if (t->gro)
		net_gro_flush(t->gro);
}

/*
 * X-CSTP-Rekey-Method (PROTOCOL.md §7.6): "ssl" renegotiates on this
 * connection (a TLS 1.3 KeyUpdate inside lib/tls); "new-tunnel", or an
 * "ssl" rekey that fails, reconnects with the cookie, as openconnect does.
 */
static void rekey(struct tunnel *t)
{
	struct session *s = owner(t);
	int ret;

	t->rekey_at_ms = 0;
	if (s->settings.cstp.rekey_method == CSTP_REKEY_SSL) {
		ret = tls_conn_rekey(s->conn.tls);
		if (ret == 0 || ret == VPN_ERR_AGAIN) {
			log_debug("TUNNEL: TLS rekey started");
			return;
		}
	}
	t->is_rekey = true;
	finish(t, SESSION_PHASE_RECONNECT, "rekey: a new tunnel");
}

/* DPD and keepalive (openconnect's rules), rekey, and the stop flag. */
static void on_tick(struct event_timer *timer)
{
	struct tunnel *t = container_of(timer, struct tunnel, tick);
	struct session *s = owner(t);
	uint64_t now = event_loop_now(t->loop);

	if (s->stop && *s->stop) {
		finish(t, SESSION_PHASE_CLOSING, "disconnect requested by signal");
		return;
	}
	if (t->dpd_ms && now - t->last_rx_ms >= 2ull * t->dpd_ms) {
		finish(t, SESSION_PHASE_RECONNECT, "dead peer detected: no answer from the gateway");
		return;
	}
	if (t->dpd_ms && now - t->last_rx_ms >= t->dpd_ms &&
	    (!t->dpd_sent_ms || now - t->dpd_sent_ms >= t->dpd_ms / 2)) {
		t->dpd_sent_ms = now;
		send_frame(t, CSTP_TYPE_DPD_REQ, NULL, 0);
	}
	if (t->keepalive_ms && now - t->last_tx_ms >= t->keepalive_ms)
		send_frame(t, CSTP_TYPE_KEEPALIVE, NULL, 0);
	if (t->rekey_at_ms && now >= t->rekey_at_ms)
		rekey(t);
	event_timer_arm(t->loop, &t->tick, TUNNEL_TICK_MS);
}

static unsigned seconds_ms(const struct cstp_num *n)
{
	return n->is_set && !n->is_none ? n->value * 1000u : 0;
}

/* Offload buffers when the tunnel first runs, not before (the client's RSS). */
static int start_offload(struct tunnel *t)
{
	if (!t->is_tun_offload)
		return 0;
	/* A device opened anew (after a closing) needs a coalescer of its own. */
	if (t->gro && t->gro_fd != t->tun_fd) {
		net_gro_free(t->gro);
		t->gro = NULL;
	}
	if (!t->tun_frame)
		t->tun_frame = malloc(NET_OFFLOAD_FRAME_MAX);
	if (!t->gro)
		t->gro = net_gro_new(t->tun_fd, TUNNEL_GRO_FLOWS);
	t->gro_fd = t->tun_fd;
	if (!t->tun_frame || !t->gro)
		return VPN_ERR_NOMEM;
	t->dtls.gro = t->gro;
	event_loop_on_iteration_end(t->loop, on_iteration_end, t);
	return 0;
}

static int start(struct session *s)
{
	struct tunnel *t = &s->tunnel;
	int ret = 0;

	if (!t->loop && event_loop_new(&t->loop) != 0)
		return VPN_ERR_NOMEM;
	if (start_offload(t) != 0)
		return VPN_ERR_NOMEM;
	t->owner = s;
	t->is_done = false;
	t->is_rekey = false;
	t->why = NULL;
	t->data_out_len = t->ctl_out_len = 0;
	t->is_draining = false;
	t->dpd_sent_ms = 0;
	t->dpd_ms = seconds_ms(&s->settings.cstp.dpd);
	t->keepalive_ms = seconds_ms(&s->settings.cstp.keepalive);
	t->rekey_at_ms = 0;
	if (s->settings.cstp.rekey_method == CSTP_REKEY_SSL ||
	    s->settings.cstp.rekey_method == CSTP_REKEY_NEW_TUNNEL)
		t->rekey_at_ms = seconds_ms(&s->settings.cstp.rekey_time);
	/* The first frames may have come with the CONNECT answer. */
	t->rx_len = s->conn.extra_len < sizeof(t->rx) ? s->conn.extra_len : 0;
	memcpy(t->rx, s->conn.buf + s->conn.head_len, t->rx_len);
	event_loop_run_once(t->loop, 0); /* refresh the loop's clock */
	t->last_rx_ms = t->last_tx_ms = event_loop_now(t->loop);
	if (t->rekey_at_ms)
		t->rekey_at_ms += t->last_rx_ms;
	/* read_tls reads until AGAIN, and run() checks what is pending before the loop. */
	tls_conn_set_read_ahead(s->conn.tls, true);
	ret = event_io_add(t->loop, &t->tls_io, s->conn.fd, EVENT_READ, on_tls);
	if (ret == 0)
		ret = event_io_add(t->loop, &t->tun_io, t->tun_fd, EVENT_READ, on_tun);
	event_timer_init(&t->tick, on_tick);
	if (ret == 0)
		ret = event_timer_arm(t->loop, &t->tick, TUNNEL_TICK_MS);
	/* While DTLS shakes hands, TLS already carries the data. */
	if (ret == 0)
		dtls_switch_start(s);
	return ret;
}

static void stop(struct tunnel *t)
{
	event_timer_cancel(t->loop, &t->tick);
	if (t->tls_io.fd >= 0)
		event_io_del(t->loop, &t->tls_io);
	if (t->tun_io.fd >= 0)
		event_io_del(t->loop, &t->tun_io);
}

enum session_phase tunnel_run(struct session *s)
{
	struct tunnel *t = &s->tunnel;

	if (start(s) != 0) {
		stop(t);
		dtls_switch_stop(s);
		return session_close(s, "cannot start the data channel");
	}
	log_info("connected: tun %s, MTU %u, DPD %u s, keepalive %u s", t->ifname, t->mtu,
		 t->dpd_ms / 1000, t->keepalive_ms / 1000);
	if (t->notify_fd >= 0) {
		/* --background: the parent may exit now; a failed write changes nothing here. */
		if (write(t->notify_fd, "u", 1) != 1)
			log_debug("the waiting parent is gone");
		close(t->notify_fd);
		t->notify_fd = -1;
	}
	drain_rx(t);
	/* TLS may hold decrypted records already; epoll would not say so. */
	if (!t->is_done && tls_conn_pending(s->conn.tls))
		read_tls(t);
	/* Those records' packets must not wait for the loop's first wake-up. */
	on_iteration_end(t->loop, t);
	while (!t->is_done)
		if (event_loop_run_once(t->loop, -1) != 0)
			finish(t, SESSION_PHASE_CLOSING, "the event loop failed");
	on_iteration_end(t->loop, t);
	stop(t);
	dtls_switch_stop(s);
	log_debug("TUNNEL: %s after %llu packets in, %llu out", t->why,
		  (unsigned long long)t->packets_in, (unsigned long long)t->packets_out);
	if (t->next == SESSION_PHASE_CLOSING)
		return session_close(s, t->why);
	if (t->is_rekey)
		log_info("rekey: reconnecting with the session cookie");
	else
		log_warn("lost the gateway: %s", t->why);
	return SESSION_PHASE_RECONNECT;
}
