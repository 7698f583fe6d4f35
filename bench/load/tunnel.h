/* SPDX-License-Identifier: ISC */
/*
 * A load session's tunnel: the CONNECT answer, then frames both ways on
 * CSTP here, and on DTLS through bench/load/dtls.c, which shares the frame
 * handling. It answers the gateway's DPD requests as a client must, sends
 * its own DPD requests and echo requests when probed, and counts what came
 * back, which is how the bench tells that a session really works.
 *
 * Ownership: plain values only; CSTP frames are read from and queued on the
 * session's struct load_conn, which the caller passes in.
 */
#ifndef LOAD_TUNNEL_H
#define LOAD_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "bench/load/conn.h"
#include "bench/load/icmp.h"
#include "lib/cstp/frame.h"
#include "lib/http/response.h"
#include "lib/net/addr.h"
#include "lib/tls/dtls.h"

/* A DPD request's payload; gateways echo it byte for byte. */
#define LOAD_DPD_PROBE "sslgate-load"
#define LOAD_DPD_PROBE_LEN (sizeof(LOAD_DPD_PROBE) - 1)

struct load_tunnel {
	struct net_addr addr;      /* our inner IPv4 address, from the gateway */
	uint32_t dpd_interval;     /* X-CSTP-DPD, seconds; 0 when absent */
	uint16_t echo_id;
	uint16_t echo_seq;
	unsigned dpd_sent;
	unsigned dpd_answered;     /* our CSTP DPD requests the gateway answered */
	unsigned dtls_dpd_sent;
	unsigned dtls_dpd_answered;
	unsigned gw_dpd_answered;  /* the gateway's DPD requests we answered */
	unsigned echo_sent;
	unsigned echo_answered;

	/* What the CONNECT answer said about DTLS (PSK-NEGOTIATE only). */
	bool has_dtls;
	uint16_t dtls_port;
	uint8_t app_id[DTLS_APP_ID_MAX];
	size_t app_id_len;
	const char *dtls_why;      /* why DTLS did not come up or went down; NULL */
};

void load_tunnel_init(struct load_tunnel *t, uint16_t echo_id);

/*
 * The CONNECT answer's headers: 0 when the tunnel is up with an IPv4
 * address, else VPN_ERR_DENIED / VPN_ERR_INVALID with *out_why. offer is
 * what the request offered for DTLS (NULL: nothing); a PSK-NEGOTIATE answer
 * with an App-ID and a port sets has_dtls.
 */
int load_tunnel_on_answer(struct load_tunnel *t, const struct http_response *resp,
			  const struct dtls_offer *offer, const char **out_why);

enum load_tunnel_act {
	LOAD_TUNNEL_NONE,     /* counted, nothing to send */
	LOAD_TUNNEL_DPD_RESP, /* answer with DPD-RESP, the same payload, same channel */
	LOAD_TUNNEL_END,      /* the gateway ended the session */
};

/* One frame from either channel: counts it and says what to do. */
enum load_tunnel_act load_tunnel_frame(struct load_tunnel *t, bool is_dtls, uint8_t type,
				       const uint8_t *payload, size_t len);

/* The next echo request to target, in out; counts it as sent. */
void load_tunnel_echo(struct load_tunnel *t, const struct net_addr *target,
		      uint8_t out[LOAD_ICMP_PACKET_LEN]);

/*
 * Handles every whole frame at the front of c->in and consumes it. 0;
 * VPN_ERR_CLOSED when the gateway ended the session (DISCONNECT or
 * TERMINATE); VPN_ERR_INVALID for a broken stream; a queue error.
 */
int load_tunnel_read(struct load_tunnel *t, struct load_conn *c, const char **out_why);

/* Queues a DPD request and, with target set, an echo request to it, on CSTP. */
int load_tunnel_probe(struct load_tunnel *t, struct load_conn *c,
		      const struct net_addr *target);

/* Queues a DISCONNECT saying the user logged out. */
int load_tunnel_bye(struct load_conn *c);

#endif
