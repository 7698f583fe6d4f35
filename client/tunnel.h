/* SPDX-License-Identifier: ISC */
/*
 * The tunnel on this side: the tun device, what the vpnc-script was told,
 * and the data channel over TLS (CSTP frames, DPD, keepalive; PROTOCOL.md
 * §7). The tun device outlives reconnects; the data channel is set up for
 * each TLS connection.
 *
 * Ownership: the tunnel owns the tun fd (with its frame buffer and
 * coalescer when it has offloads), the script environment and the event
 * loop and the DTLS link; it borrows the session's TLS connection while
 * TUNNEL runs.
 */
#ifndef CLIENT_TUNNEL_H
#define CLIENT_TUNNEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/dtls_link.h"
#include "client/script.h"
#include "lib/cstp/frame.h"
#include "lib/event/loop.h"
#include "lib/net/offload.h"

/* One frame, header included, at the largest payload a TLS record carries. */
#define TUNNEL_FRAME_MAX (CSTP_FRAME_HEADER_LEN + CSTP_FRAME_DEFAULT_MAX_PAYLOAD)
/* Packets read from tun per wake-up, so the TLS side is served too. */
#define TUNNEL_TUN_BUDGET 64
/* How often timers (DPD, keepalive) and the stop flag are looked at. */
#define TUNNEL_TICK_MS 250

struct tunnel {
	int tun_fd;                  /* -1 until CONNECT opened it */
	bool is_tun_offload;         /* frames, not packets (lib/net/offload.h) */
	uint8_t *tun_frame;          /* owned: one frame read; allocated when TUNNEL first runs */
	struct net_gso_iter gso;     /* that frame's packets still to send, while has_gso */
	bool has_gso;
	struct net_gro *gro;         /* owned: coalesces writes to an offload tun; as tun_frame */
	int gro_fd;                  /* the tun fd gro writes to */
	char ifname[IFNAMSIZ];
	bool is_configured;          /* the script ran "connect": "disconnect" must run */
	struct script_env env;       /* what the script was last told */

	struct event_loop *loop;
	struct event_io tun_io;
	struct event_io tls_io;
	struct event_timer tick;
	void *owner;                 /* the session, for the callbacks */
	int notify_fd;               /* --background: told once when the tunnel is up; -1 */

	uint64_t last_rx_ms;         /* any record from the gateway */
	uint64_t last_tx_ms;         /* any record to the gateway */
	uint64_t dpd_sent_ms;        /* 0: no DPD outstanding */
	unsigned dpd_ms;             /* 0: none */
	unsigned keepalive_ms;       /* 0: none */
	uint64_t rekey_at_ms;        /* 0: never */

	uint8_t rx[2 * TUNNEL_FRAME_MAX]; /* records as they arrive, reassembled */
	size_t rx_len;
	bool is_draining;            /* records held by the TLS cork wait for the socket */
	uint8_t data_out[TUNNEL_FRAME_MAX]; /* a data frame TLS did not take yet */
	size_t data_out_len;
	uint8_t ctl_out[TUNNEL_FRAME_MAX];  /* a control frame waiting behind it */
	size_t ctl_out_len;

	bool is_done;                /* the loop decided; see next */
	bool is_ended_by_gateway;    /* DISCONNECT or TERMINATE came: no goodbye */
	bool is_rekey;               /* the loop ended for a new-tunnel rekey */
	int next;                    /* enum session_phase to move to */
	const char *why;             /* static: why the loop ended */

	uint64_t packets_in, packets_out;

	struct dtls_link dtls;       /* the DTLS channel of the current connection */
	struct dtls_batch *dtls_batch; /* owned: a tun burst leaves in one sendmmsg; NULL: none */
	unsigned mtu;                /* the adapter's MTU now */
	bool is_mtu_tls;             /* it is X-CSTP-MTU, the figure for data over TLS */
};

void tunnel_init(struct tunnel *t);
/*
 * Opens the tun device (name: as net_tun_open) with offloads when the
 * kernel grants them, else a plain one. 0 or net_tun_open's errors.
 */
int tunnel_open_tun(struct tunnel *t, const char *name);
/* Closes the tun fd and frees the loop; the script's disconnect is closing.c's job. */
void tunnel_cleanup(struct tunnel *t);

#endif
