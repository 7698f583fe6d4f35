/* SPDX-License-Identifier: ISC */
/*
 * The DTLS channel at run time: attempts (UDP socket + handshake, driven by
 * the loop's readiness and one timer), the frames that arrive on it, DPD
 * and keepalive by the gateway's X-DTLS-DPD / X-DTLS-Keepalive (a DPD-REQ
 * after a DPD interval without news, dead after the interval plus a grace),
 * and giving up or starting over. News is a DPD-RESP only: the gateway's
 * data, DPD-REQs and keepalives prove the path towards us, not that it
 * hears us, and with UDP cut towards it ocserv keeps sending them (seen).
 * The quiet check (dtls_link.h) looks at any record, since it only decides
 * when to ask; the answer to its DPD-REQ decides. Every state change goes
 * through set_state(), which tells the owner.
 */
#include "client/dtls_link.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/mtu.h"
#include "lib/dtls/frame.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"

#define TICK_MS 250          /* DPD and keepalive look-ups while up */
#define READ_BUDGET 64       /* records per wake-up, so tun and TLS are served too */

static const char *const state_names[] = {
	[DTLS_LINK_OFF] = "off",
	[DTLS_LINK_CONNECTING] = "connecting",
	[DTLS_LINK_UP] = "up",
	[DTLS_LINK_WAITING] = "waiting",
};

const char *dtls_link_state_name(enum dtls_link_state state)
{
	return state <= DTLS_LINK_WAITING ? state_names[state] : "?";
}

void dtls_link_init(struct dtls_link *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->io.fd = -1;
	d->old_fd = -1;
	d->old_io.fd = -1;
	d->tun_fd = -1;
	event_timer_init(&d->timer, NULL);
}

/* Ends the current attempt or channel: session, socket, interest. */
static void close_channel(struct dtls_link *d)
{
	if (d->io.fd >= 0 && d->loop)
		event_io_del(d->loop, &d->io);
	d->io.fd = -1;
	dtls_conn_free(d->conn);
	d->conn = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static void close_old(struct dtls_link *d)
{
	if (d->old_io.fd >= 0 && d->loop)
		event_io_del(d->loop, &d->old_io);
	d->old_io.fd = -1;
	dtls_conn_free(d->old_conn);
	d->old_conn = NULL;
	if (d->old_fd >= 0)
		close(d->old_fd);
	d->old_fd = -1;
}

void dtls_link_stop(struct dtls_link *d)
{
	if (d->state == DTLS_LINK_UP && d->conn)
		dtls_conn_bye(d->conn);
	close_channel(d);
	close_old(d);
	if (d->loop)
		event_timer_cancel(d->loop, &d->timer);
	d->loop = NULL;
	d->state = DTLS_LINK_OFF;
}

void dtls_link_reset(struct dtls_link *d)
{
	dtls_link_stop(d);
	dtls_params_wipe(&d->params);
	buf_wipe(&d->choice, sizeof(d->choice));
	d->is_offered = false;
	d->attempts = 0;
	d->why = NULL;
}

void dtls_link_cleanup(struct dtls_link *d)
{
	dtls_link_reset(d);
	dtls_link_init(d);
}

static void set_state(struct dtls_link *d, enum dtls_link_state next)
{
	enum dtls_link_state old = d->state;

	d->state = next;
	if (old != next && d->on_change)
		d->on_change(d, old);
}

static uint64_t now_ms(const struct dtls_link *d)
{
	return event_loop_now(d->loop);
}

static void arm(struct dtls_link *d, uint64_t delay_ms)
{
	event_timer_arm(d->loop, &d->timer, delay_ms);
}

/* The attempt failed: data stays on TLS until the next one. */
static void give_up(struct dtls_link *d, const char *why)
{
	d->why = why;
	close_channel(d);
	d->retry_at_ms = now_ms(d) + DTLS_LINK_RETRY_MS;
	log_info("DTLS: %s; data goes over TLS, next DTLS attempt in %u s", why,
		 DTLS_LINK_RETRY_MS / 1000);
	set_state(d, DTLS_LINK_WAITING);
	arm(d, DTLS_LINK_RETRY_MS);
}

/* No more DTLS on this connection (the gateway would only refuse again). */
static void give_up_for_good(struct dtls_link *d, const char *why)
{
	d->why = why;
	close_channel(d);
	event_timer_cancel(d->loop, &d->timer);
	log_warn("DTLS: %s; data stays on TLS", why);
	set_state(d, DTLS_LINK_OFF);
}

static void on_io(struct event_io *io, unsigned events);
static void begin_attempt(struct dtls_link *d);

/* The PSK cipher decides the data MTU only now (§6.5 step 4); legacy suites knew it. */
static void settle_mtu(struct dtls_link *d)
{
	unsigned data;

	if (d->params.mode == DTLS_MODE_PSK) {
		dtls_conn_set_mtu(d->conn, d->base_mtu - cstp_mtu_udp_ip_overhead(d->addr.family));
		data = dtls_conn_data_mtu(d->conn);
		if (data > 1 && data - 1 < d->mtu) {
			log_info("DTLS: the PSK cipher leaves room for %u-byte packets, not %u",
				 data - 1, d->mtu);
			d->mtu = data - 1;
		}
	} else if (dtls_conn_set_data_mtu(d->conn, d->mtu + DTLS_FRAME_HEADER_LEN) != 0) {
		log_warn("DTLS: cannot set the data MTU to %u", d->mtu);
	}
}

static void on_connected(struct dtls_link *d)
{
	uint64_t now = now_ms(d);

	close_old(d);
	settle_mtu(d);
	d->last_rx_ms = d->last_tx_ms = now;
	d->dpd_sent_ms = 0;
	d->unanswered_ms = 0;
	d->probe_ms = 0;
	d->is_probe_resent = false;
	log_info("DTLS: connected (%s mode, %s) after %llu ms, tunnel MTU %u",
		 dtls_mode_name(d->params.mode), dtls_conn_description(d->conn),
		 (unsigned long long)(now - d->attempt_started_ms), d->mtu);
	set_state(d, DTLS_LINK_UP);
	arm(d, TICK_MS);
}

static void step_handshake(struct dtls_link *d)
{
	uint64_t now = now_ms(d);
	uint64_t end = d->attempt_started_ms + DTLS_LINK_ATTEMPT_MS;
	unsigned wait;
	int ret;

	if (now >= end) {
		give_up(d, "no answer to the DTLS handshake (UDP blocked?)");
		return;
	}
	ret = dtls_conn_handshake(d->conn);
	switch (ret) {
	case 0:
		on_connected(d);
		return;
	case VPN_ERR_AGAIN:
		wait = dtls_conn_timeout_ms(d->conn);
		arm(d, now + wait < end ? wait : end - now);
		return;
	case VPN_ERR_CLOSED:
		give_up(d, "no answer to the DTLS handshake (UDP blocked?)");
		return;
	case VPN_ERR_DENIED:
		give_up_for_good(d, "the gateway did not resume the DTLS session");
		return;
	default:
		log_debug("DTLS: handshake failed: %s", dtls_conn_error_str(d->conn));
		give_up(d, "the DTLS handshake failed");
		return;
	}
}

static int open_socket(struct dtls_link *d)
{
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (d->addr.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(d->port);
		memcpy(&sin->sin_addr, d->addr.bytes, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(d->port);
		memcpy(&sin6->sin6_addr, d->addr.bytes, 16);
		len = sizeof(*sin6);
	}
	d->fd = socket(d->addr.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		return VPN_ERR_IO;
	if (connect(d->fd, (struct sockaddr *)&ss, len) != 0)
		return VPN_ERR_IO;
	return 0;
}

static void begin_attempt(struct dtls_link *d)
{
	char text[NET_ADDR_STRLEN];

	close_channel(d);
	d->attempts++;
	d->attempt_started_ms = now_ms(d);
	net_addr_format(&d->addr, text, sizeof(text));
	if (open_socket(d) != 0 || dtls_conn_new_client(&d->conn, d->fd, &d->params) != 0 ||
	    event_io_add(d->loop, &d->io, d->fd, EVENT_READ, on_io) != 0) {
		give_up(d, "cannot set up a DTLS session");
		return;
	}
	log_debug("DTLS: attempt %u, %s mode (%s) to %s port %u", d->attempts,
		  dtls_mode_name(d->params.mode), d->choice.name, text, d->port);
	set_state(d, DTLS_LINK_CONNECTING);
	step_handshake(d);
}

static void on_old_io(struct event_io *io, unsigned events);

/* The dead channel goes on being read (see old_conn); it sends nothing more. */
static void retire(struct dtls_link *d)
{
	close_old(d);
	if (!d->conn)
		return;
	event_io_del(d->loop, &d->io);
	d->io.fd = -1;
	d->old_conn = d->conn;
	d->old_fd = d->fd;
	d->conn = NULL;
	d->fd = -1;
	if (event_io_add(d->loop, &d->old_io, d->old_fd, EVENT_READ, on_old_io) != 0)
		close_old(d);
}

/* The channel was up and is no more: try again at once, data on TLS meanwhile. */
static void lost(struct dtls_link *d, const char *why)
{
	d->why = why;
	log_warn("DTLS: %s; data goes over TLS", why);
	retire(d);
	begin_attempt(d);
}

static int send_frame(struct dtls_link *d, uint8_t type, const void *payload, size_t len)
{
	struct buf_writer w;
	int ret;

	buf_writer_init(&w, d->tx, sizeof(d->tx));
	if (dtls_frame_write(&w, type, payload, len) != 0)
		return VPN_ERR_TOO_BIG;
	ret = dtls_conn_write(d->conn, d->tx, w.len);
	if (ret == 0)
		d->last_tx_ms = now_ms(d);
	return ret;
}

int dtls_link_send(struct dtls_link *d, const void *packet, size_t len)
{
	int ret;

	if (d->state != DTLS_LINK_UP)
		return VPN_ERR_AGAIN;
	/* The tunnel MTU bounds what tun gives us; a bigger packet is not DTLS's. */
	if (len > d->mtu)
		return VPN_ERR_TOO_BIG;
	ret = send_frame(d, CSTP_TYPE_DATA, packet, len);
	if (ret == 0) {
		if (!d->unanswered_ms)
			d->unanswered_ms = d->last_tx_ms;
		d->packets_out++;
		d->bytes_out += len;
		return 0;
	}
	if (ret == VPN_ERR_TOO_BIG)
		return ret;
	lost(d, "DTLS write failed");
	return VPN_ERR_AGAIN;
}

/* A full tun queue drops the packet, as a router would. */
static void to_tun(struct dtls_link *d, const uint8_t *pkt, size_t len)
{
	if (d->gro)
		net_gro_write(d->gro, pkt, len);
	else
		net_tun_write(d->tun_fd, pkt, len);
}

static void on_record(struct dtls_link *d, const uint8_t *rec, size_t len)
{
	struct dtls_frame f;
	size_t used = 0;

	if (dtls_frame_decode(&f, &used, rec, len, DTLS_FRAME_DEFAULT_MAX_PAYLOAD) != PARSE_DONE)
		return;
	d->unanswered_ms = 0;
	switch (f.type) {
	case CSTP_TYPE_DATA:
		d->packets_in++;
		d->bytes_in += f.payload_len;
		to_tun(d, f.payload, f.payload_len);
		break;
	case CSTP_TYPE_DPD_REQ:
		/* Byte for byte: a padded DPD is an MTU probe (§8.6). */
		send_frame(d, CSTP_TYPE_DPD_RESP, f.payload, f.payload_len);
		break;
	case CSTP_TYPE_DPD_RESP:
		d->last_rx_ms = now_ms(d);
		d->dpd_sent_ms = 0;
		d->probe_ms = 0;
		d->is_probe_resent = false;
		break;
	default:
		/* KEEPALIVE needs nothing; the session's end comes over TLS. */
		break;
	}
}

static void read_records(struct dtls_link *d)
{
	for (int i = 0; i < READ_BUDGET && d->state == DTLS_LINK_UP; i++) {
		size_t len = 0;
		int ret = dtls_conn_read(d->conn, d->rx, sizeof(d->rx), &len);

		if (ret == VPN_ERR_AGAIN)
			return;
		if (ret != 0) {
			lost(d, ret == VPN_ERR_CLOSED ? "the gateway closed the DTLS channel"
						      : "DTLS read failed");
			return;
		}
		on_record(d, d->rx, len);
	}
}

static void on_old_io(struct event_io *io, unsigned events)
{
	struct dtls_link *d = container_of(io, struct dtls_link, old_io);
	struct dtls_frame f;

	(void)events;
	for (int i = 0; i < READ_BUDGET && d->old_conn; i++) {
		size_t len = 0, used = 0;
		int ret = dtls_conn_read(d->old_conn, d->rx, sizeof(d->rx), &len);

		if (ret == VPN_ERR_AGAIN)
			return;
		if (ret != 0) {
			close_old(d);
			return;
		}
		if (dtls_frame_decode(&f, &used, d->rx, len, DTLS_FRAME_DEFAULT_MAX_PAYLOAD) ==
		    PARSE_DONE && f.type == CSTP_TYPE_DATA) {
			d->packets_in++;
			d->bytes_in += f.payload_len;
			to_tun(d, f.payload, f.payload_len);
		}
	}
}

static void on_io(struct event_io *io, unsigned events)
{
	struct dtls_link *d = container_of(io, struct dtls_link, io);

	(void)events;
	if (d->state == DTLS_LINK_CONNECTING)
		step_handshake(d);
	else if (d->state == DTLS_LINK_UP)
		read_records(d);
}

/*
 * Data went out and nothing came back: ask at once rather than wait for the
 * DPD interval (dtls_link.h). True when the channel was found dead.
 */
static bool check_quiet(struct dtls_link *d, uint64_t now)
{
	if (d->probe_ms) {
		if (now - d->probe_ms >= DTLS_LINK_PROBE_MS) {
			lost(d, "dead peer detected on DTLS (data went out, DPD unanswered)");
			return true;
		}
		/* One lost datagram must not cost the channel. */
		if (!d->is_probe_resent && now - d->probe_ms >= DTLS_LINK_PROBE_MS / 2) {
			d->is_probe_resent = true;
			send_frame(d, CSTP_TYPE_DPD_REQ, NULL, 0);
		}
		return false;
	}
	if (d->unanswered_ms && now - d->unanswered_ms >= DTLS_LINK_QUIET_MS) {
		log_debug("DTLS: DPD request, data out and nothing in for %llu ms",
			  (unsigned long long)(now - d->unanswered_ms));
		d->probe_ms = now;
		send_frame(d, CSTP_TYPE_DPD_REQ, NULL, 0);
	}
	return false;
}

static void tick_up(struct dtls_link *d)
{
	uint64_t now = now_ms(d);
	uint64_t resend = d->dpd_ms / 2 > 1000 ? d->dpd_ms / 2 : 1000;

	if (check_quiet(d, now))
		return;
	if (d->dpd_ms && now - d->last_rx_ms >= d->dpd_ms + DTLS_LINK_DPD_GRACE_MS) {
		lost(d, "dead peer detected on DTLS");
		return;
	}
	if (d->dpd_ms && now - d->last_rx_ms >= d->dpd_ms &&
	    (!d->dpd_sent_ms || now - d->dpd_sent_ms >= resend)) {
		d->dpd_sent_ms = now;
		log_debug("DTLS: DPD request, %llu ms without news",
			  (unsigned long long)(now - d->last_rx_ms));
		send_frame(d, CSTP_TYPE_DPD_REQ, NULL, 0);
	}
	if (d->keepalive_ms && now - d->last_tx_ms >= d->keepalive_ms)
		send_frame(d, CSTP_TYPE_KEEPALIVE, NULL, 0);
	arm(d, TICK_MS);
}

static void on_timer(struct event_timer *timer)
{
	struct dtls_link *d = container_of(timer, struct dtls_link, timer);

	switch (d->state) {
	case DTLS_LINK_CONNECTING:
		step_handshake(d);
		break;
	case DTLS_LINK_UP:
		tick_up(d);
		break;
	case DTLS_LINK_WAITING:
		if (now_ms(d) >= d->retry_at_ms)
			begin_attempt(d);
		else
			arm(d, d->retry_at_ms - now_ms(d));
		break;
	case DTLS_LINK_OFF:
		break;
	}
}

int dtls_link_start(struct dtls_link *d, struct event_loop *loop, int tun_fd)
{
	if (d->params.mode == DTLS_MODE_NONE)
		return VPN_ERR_INVALID;
	d->loop = loop;
	d->tun_fd = tun_fd;
	event_timer_init(&d->timer, on_timer);
	begin_attempt(d);
	return d->state == DTLS_LINK_CONNECTING || d->state == DTLS_LINK_UP ? 0 : VPN_ERR_IO;
}
