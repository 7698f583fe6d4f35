/* SPDX-License-Identifier: ISC */
/* CSTP frames of a load session: the client's side of PROTOCOL.md section 7. */
#include "bench/load/tunnel.h"

#include <string.h>
#include <sys/socket.h>

#include "lib/base/err.h"
#include "lib/cstp/frame.h"
#include "lib/cstp/headers.h"

/* Largest DPD payload echoed back: an MTU probe fits. */
#define DPD_ECHO_MAX 2048

void load_tunnel_init(struct load_tunnel *t, uint16_t echo_id)
{
	memset(t, 0, sizeof(*t));
	t->echo_id = echo_id;
}

/* Keeps what a DTLS session will need; the answer's views die with `in`. */
static void keep_dtls(struct load_tunnel *t, const struct cstp_response *cr,
		      const struct dtls_offer *offer)
{
	struct dtls_choice choice;

	if (offer == NULL ||
	    dtls_answer_read(&choice, offer, cr->dtls_cipher, cr->dtls12_cipher) != 0 ||
	    choice.mode != DTLS_MODE_PSK)
		return;
	if (cr->app_id.len == 0 || cr->app_id.len > DTLS_APP_ID_MAX || !cr->dtls_port.is_set ||
	    cr->dtls_port.value == 0 || cr->dtls_port.value > 65535) {
		t->dtls_why = "DTLS offered without App-ID or port";
		return;
	}
	memcpy(t->app_id, cr->app_id.bytes, cr->app_id.len);
	t->app_id_len = cr->app_id.len;
	t->dtls_port = (uint16_t)cr->dtls_port.value;
	t->has_dtls = true;
}

int load_tunnel_on_answer(struct load_tunnel *t, const struct http_response *resp,
			  const struct dtls_offer *offer, const char **out_why)
{
	struct cstp_response cr;

	if (resp->status != 200) {
		*out_why = "CONNECT refused";
		return VPN_ERR_DENIED;
	}
	if (cstp_response_parse(&cr, resp->headers.items, resp->headers.count, NULL) != 0) {
		*out_why = "unreadable CONNECT answer";
		return VPN_ERR_INVALID;
	}
	if (!cr.has_address || cr.address.family != AF_INET) {
		*out_why = "no IPv4 address in the CONNECT answer";
		return VPN_ERR_INVALID;
	}
	t->addr = cr.address;
	t->dpd_interval = cr.dpd.is_set ? cr.dpd.value : 0;
	keep_dtls(t, &cr, offer);
	return 0;
}

static int queue_frame(struct load_conn *c, uint8_t type, const void *payload, size_t len)
{
	uint8_t frame[CSTP_FRAME_HEADER_LEN + DPD_ECHO_MAX];
	struct buf_writer w;

	buf_writer_init(&w, frame, sizeof(frame));
	if (cstp_frame_write(&w, type, payload, len) != 0)
		return VPN_ERR_TOO_BIG;
	return load_conn_queue(c, frame, w.len);
}

enum load_tunnel_act load_tunnel_frame(struct load_tunnel *t, bool is_dtls, uint8_t type,
				       const uint8_t *payload, size_t len)
{
	switch (type) {
	case CSTP_TYPE_DPD_REQ:
		if (len > DPD_ECHO_MAX)
			return LOAD_TUNNEL_NONE;
		t->gw_dpd_answered++;
		return LOAD_TUNNEL_DPD_RESP;
	case CSTP_TYPE_DPD_RESP:
		if (len == LOAD_DPD_PROBE_LEN && memcmp(payload, LOAD_DPD_PROBE, len) == 0) {
			if (is_dtls)
				t->dtls_dpd_answered++;
			else
				t->dpd_answered++;
		}
		return LOAD_TUNNEL_NONE;
	case CSTP_TYPE_DATA:
		if (load_icmp_is_reply(payload, len, &t->addr, t->echo_id))
			t->echo_answered++;
		return LOAD_TUNNEL_NONE;
	case CSTP_TYPE_DISCONNECT:
	case CSTP_TYPE_TERMINATE:
		return LOAD_TUNNEL_END;
	default:
		return LOAD_TUNNEL_NONE; /* keepalives, compressed data we never asked for */
	}
}

static int on_frame(struct load_tunnel *t, struct load_conn *c, const struct cstp_frame *f,
		    const char **out_why)
{
	switch (load_tunnel_frame(t, false, f->type, f->payload, f->payload_len)) {
	case LOAD_TUNNEL_DPD_RESP:
		return queue_frame(c, CSTP_TYPE_DPD_RESP, f->payload, f->payload_len);
	case LOAD_TUNNEL_END:
		*out_why = "the gateway ended the session";
		return VPN_ERR_CLOSED;
	default:
		return 0;
	}
}

int load_tunnel_read(struct load_tunnel *t, struct load_conn *c, const char **out_why)
{
	size_t pos = 0;
	int ret = 0;

	while (ret == 0 && pos < c->in_len) {
		struct cstp_frame f;
		size_t used = 0;
		enum parse_result r = cstp_frame_decode(&f, &used, c->in + pos, c->in_len - pos,
							CSTP_FRAME_DEFAULT_MAX_PAYLOAD);

		if (r == PARSE_NEED_MORE)
			break;
		if (r == PARSE_INVALID) {
			*out_why = "broken CSTP stream";
			ret = VPN_ERR_INVALID;
			break;
		}
		ret = on_frame(t, c, &f, out_why);
		if (ret == VPN_ERR_TOO_BIG)
			*out_why = "send queue full";
		pos += used;
	}
	load_conn_consume(c, pos);
	return ret;
}

void load_tunnel_echo(struct load_tunnel *t, const struct net_addr *target,
		      uint8_t out[LOAD_ICMP_PACKET_LEN])
{
	load_icmp_echo(out, &t->addr, target, t->echo_id, ++t->echo_seq);
	t->echo_sent++;
}

int load_tunnel_probe(struct load_tunnel *t, struct load_conn *c,
		      const struct net_addr *target)
{
	uint8_t pkt[CSTP_FRAME_HEADER_LEN + LOAD_ICMP_PACKET_LEN];
	int ret;

	ret = queue_frame(c, CSTP_TYPE_DPD_REQ, LOAD_DPD_PROBE, LOAD_DPD_PROBE_LEN);
	if (ret != 0)
		return ret;
	t->dpd_sent++;
	if (target == NULL)
		return 0;
	if (cstp_frame_header(pkt, CSTP_TYPE_DATA, LOAD_ICMP_PACKET_LEN) != 0)
		return VPN_ERR_TOO_BIG;
	load_tunnel_echo(t, target, pkt + CSTP_FRAME_HEADER_LEN);
	return load_conn_queue(c, pkt, sizeof(pkt));
}

int load_tunnel_bye(struct load_conn *c)
{
	static const uint8_t user_logout = CSTP_REASON_USER;

	return queue_frame(c, CSTP_TYPE_DISCONNECT, &user_logout, 1);
}
