/* SPDX-License-Identifier: ISC */
/* The DTLS channel of a load session: handshake, records, frames. */
#include "bench/load/dtls.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/dtls/frame.h"

/*
 * Give up on a handshake after this: the load test checks sessions within
 * 20 s, and hellos at 0, 1, 3 and 7 s are plenty on a lossless link.
 */
#define HANDSHAKE_TOTAL_MS 10000
/* The largest UDP payload on the test links (1500 - IPv4 - UDP). */
#define LINK_UDP_PAYLOAD 1472

static int fail(struct load_tunnel *t, int err, const char *why)
{
	t->dtls_why = why;
	return err;
}

void load_dtls_init(struct load_dtls *d, struct event_loop *loop, event_timer_fn on_retrans)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->io.fd = -1;
	d->loop = loop;
	event_timer_init(&d->retrans, on_retrans);
}

static int open_socket(struct load_dtls *d, const struct sockaddr_in *server, uint16_t port)
{
	struct sockaddr_in to = *server;

	to.sin_port = htons(port);
	d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		return VPN_ERR_IO;
	if (connect(d->fd, (const struct sockaddr *)&to, sizeof(to)) != 0)
		return VPN_ERR_IO;
	return 0;
}

int load_dtls_start(struct load_dtls *d, struct load_tunnel *t, struct tls_conn *tls,
		    const struct sockaddr_in *server, event_io_fn on_io)
{
	struct dtls_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.mode = DTLS_MODE_PSK;
	memcpy(p.id, t->app_id, t->app_id_len);
	p.id_len = t->app_id_len;
	p.total_ms = HANDSHAKE_TOTAL_MS;
	ret = tls_conn_export_psk(tls, p.psk);
	if (ret != 0) {
		dtls_params_wipe(&p);
		return fail(t, ret, "cannot export the DTLS key");
	}
	ret = open_socket(d, server, t->dtls_port);
	if (ret == 0)
		ret = dtls_conn_new_client(&d->dtls, d->fd, &p);
	dtls_params_wipe(&p);
	if (ret != 0)
		return fail(t, ret, "cannot start DTLS");
	if (event_io_add(d->loop, &d->io, d->fd, EVENT_READ, on_io) != 0)
		return fail(t, VPN_ERR_IO, "cannot watch the UDP socket");
	return load_dtls_step(d, t);
}

static int send_frame(struct load_dtls *d, uint8_t type, const void *payload, size_t len)
{
	uint8_t rec[DTLS_FRAME_HEADER_LEN + LOAD_ICMP_PACKET_LEN + 2048];
	struct buf_writer w;

	buf_writer_init(&w, rec, sizeof(rec));
	if (dtls_frame_write(&w, type, payload, len) != 0)
		return VPN_ERR_TOO_BIG;
	return dtls_conn_write(d->dtls, rec, w.len);
}

static int handshake(struct load_dtls *d, struct load_tunnel *t)
{
	int ret = dtls_conn_handshake(d->dtls);

	if (ret == VPN_ERR_AGAIN) {
		event_timer_arm(d->loop, &d->retrans, dtls_conn_timeout_ms(d->dtls));
		return 0;
	}
	event_timer_cancel(d->loop, &d->retrans);
	/* no answer (CLOSED) is not the gateway ending the session */
	if (ret != 0)
		return fail(t, VPN_ERR_TLS, ret == VPN_ERR_CLOSED ? "DTLS handshake timed out" :
								    "DTLS handshake failed");
	/* GnuTLS starts from 1200 bytes; the gateway's MTU probes are larger */
	dtls_conn_set_mtu(d->dtls, LINK_UDP_PAYLOAD);
	d->is_up = true;
	return 0;
}

/* Every record waiting, each one frame. */
static int read_records(struct load_dtls *d, struct load_tunnel *t)
{
	uint8_t rec[DTLS_RECORD_MAX];

	for (;;) {
		struct dtls_frame f;
		size_t len = 0, used = 0;
		int ret = dtls_conn_read(d->dtls, rec, sizeof(rec), &len);

		if (ret == VPN_ERR_AGAIN)
			return 0;
		/* close_notify ends the channel, not the session: CSTP carries on */
		if (ret == VPN_ERR_CLOSED)
			return fail(t, VPN_ERR_TLS, "the gateway closed DTLS");
		if (ret != 0)
			return fail(t, ret, "DTLS read failed");
		if (dtls_frame_decode(&f, &used, rec, len, DTLS_FRAME_DEFAULT_MAX_PAYLOAD) !=
		    PARSE_DONE)
			continue; /* an empty record: not worth a session */
		switch (load_tunnel_frame(t, true, f.type, f.payload, f.payload_len)) {
		case LOAD_TUNNEL_DPD_RESP:
			ret = send_frame(d, CSTP_TYPE_DPD_RESP, f.payload, f.payload_len);
			if (ret != 0)
				return fail(t, ret, "DTLS write failed");
			break;
		case LOAD_TUNNEL_END:
			t->dtls_why = "the gateway ended the session over DTLS";
			return VPN_ERR_CLOSED;
		default:
			break;
		}
	}
}

int load_dtls_step(struct load_dtls *d, struct load_tunnel *t)
{
	if (!d->is_up) {
		int ret = handshake(d, t);

		if (ret != 0 || !d->is_up)
			return ret;
	}
	return read_records(d, t);
}

int load_dtls_probe(struct load_dtls *d, struct load_tunnel *t, const struct net_addr *target)
{
	uint8_t pkt[LOAD_ICMP_PACKET_LEN];
	int ret;

	if (!d->is_up)
		return 0;
	ret = send_frame(d, CSTP_TYPE_DPD_REQ, LOAD_DPD_PROBE, LOAD_DPD_PROBE_LEN);
	if (ret != 0)
		return fail(t, ret, "DTLS write failed");
	t->dtls_dpd_sent++;
	if (target == NULL)
		return 0;
	load_tunnel_echo(t, target, pkt);
	ret = send_frame(d, CSTP_TYPE_DATA, pkt, sizeof(pkt));
	return ret != 0 ? fail(t, ret, "DTLS write failed") : 0;
}

void load_dtls_stop(struct load_dtls *d)
{
	event_timer_cancel(d->loop, &d->retrans);
	if (d->io.fd >= 0)
		event_io_del(d->loop, &d->io);
	if (d->dtls != NULL) {
		if (d->is_up)
			dtls_conn_bye(d->dtls);
		dtls_conn_free(d->dtls);
	}
	if (d->fd >= 0)
		close(d->fd);
	d->dtls = NULL;
	d->fd = -1;
	d->is_up = false;
}
