/* SPDX-License-Identifier: ISC */
/*
 * The client's DTLS channel (PROTOCOL.md §8; DESIGN.md "Client"): what
 * CONNECT offers and what the gateway answered (dtls_offer.c), the UDP
 * socket, the handshake and its retries, and the data path over it
 * (dtls_run.c). TLS carries the data until the handshake completes and
 * again whenever DTLS is down; dtls_switch.c makes the session follow.
 *
 * Attempts: one handshake sends its ClientHellos at 0, 1, 3, 7, 15 and 31 s
 * (AnyConnect's five retries, §8.7) and is given up DTLS_LINK_ATTEMPT_MS
 * after it began; the next attempt comes DTLS_LINK_RETRY_MS later. A DTLS
 * channel found dead by its DPD starts a new attempt at once.
 *
 * Dead channels are found two ways. The gateway's X-DTLS-DPD (30 s by
 * default) bounds an idle channel. A busy one is checked sooner: when data
 * went out and nothing at all came back for DTLS_LINK_QUIET_MS, a DPD
 * request goes out at once (again at half the wait) and the channel is dead
 * if no answer comes within DTLS_LINK_PROBE_MS. A lone answered probe costs
 * one small record, so one-way traffic raises no false alarm.
 *
 * Ownership: the link owns its UDP socket, its struct dtls_conn and the
 * secrets in params (wiped by dtls_link_reset and dtls_link_cleanup); it
 * borrows the event loop, the tun fd and the tunnel's coalescer (the
 * tunnel flushes it at the end of each loop iteration) while it runs.
 */
#ifndef CLIENT_DTLS_LINK_H
#define CLIENT_DTLS_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cstp/headers.h"
#include "lib/event/loop.h"
#include "lib/net/addr.h"
#include "lib/tls/dtls.h"

struct tls_conn;
struct net_gro;

#define DTLS_LINK_RETRANS_MS 1000   /* first retransmission; doubles */
#define DTLS_LINK_TOTAL_MS 32000    /* with the above: hellos at 0, 1, 3, 7, 15, 31 s */
#define DTLS_LINK_ATTEMPT_MS 35000  /* an attempt ends here: 4 s for the last hello's answer */
#define DTLS_LINK_RETRY_MS 60000    /* between attempts, as openconnect */
#define DTLS_LINK_DPD_GRACE_MS 2000 /* dead after DPD interval + this without a record */
#define DTLS_LINK_QUIET_MS 2000     /* data out, nothing in for this long: probe */
#define DTLS_LINK_PROBE_MS 2000     /* the probe's answer must come within this */

enum dtls_link_state {
	DTLS_LINK_OFF,        /* no DTLS on this connection (not offered, not answered, refused) */
	DTLS_LINK_CONNECTING, /* a handshake is under way; data on TLS */
	DTLS_LINK_UP,         /* data on DTLS */
	DTLS_LINK_WAITING,    /* the last attempt failed; data on TLS until retry_at_ms */
};

struct dtls_link;
/* Called after every state change, with the state left. */
typedef void (*dtls_link_change_fn)(struct dtls_link *d, enum dtls_link_state old);

struct dtls_link {
	enum dtls_link_state state;
	bool is_offered;             /* CONNECT carried our offer */
	struct dtls_offer offer;     /* its cipher lists */
	struct dtls_params params;   /* from the answer; secrets */
	struct dtls_choice choice;
	struct net_addr addr;        /* the gateway's address, port below */
	uint16_t port;               /* X-DTLS-Port */
	unsigned dpd_ms;             /* X-DTLS-DPD; 0: none */
	unsigned keepalive_ms;       /* X-DTLS-Keepalive; 0: none */
	unsigned mtu;                /* tunnel MTU while DTLS carries data */
	unsigned base_mtu;           /* the link MTU CONNECT settled on */

	int fd;                      /* connected UDP socket; -1 */
	struct dtls_conn *conn;
	/*
	 * The channel found dead, still read until a new one is up: a gateway
	 * that has not noticed yet sends there, and its packets are not lost.
	 */
	int old_fd;
	struct dtls_conn *old_conn;
	struct event_io old_io;
	struct event_loop *loop;     /* borrowed while running */
	struct event_io io;
	struct event_timer timer;    /* handshake retransmissions, DPD, keepalive, retry */
	int tun_fd;                  /* borrowed */
	struct net_gro *gro;         /* borrowed: set when tun_fd takes coalesced frames */
	dtls_link_change_fn on_change;
	void *owner;                 /* for on_change */

	uint64_t attempt_started_ms;
	uint64_t retry_at_ms;
	uint64_t last_rx_ms;          /* the last DPD-RESP: the gateway hears us */
	uint64_t last_tx_ms, dpd_sent_ms;
	uint64_t unanswered_ms;      /* the first DATA out since a record came in; 0: none */
	uint64_t probe_ms;           /* the quiet check's DPD-REQ went out; 0: none */
	bool is_probe_resent;
	unsigned attempts;           /* handshakes begun on this connection */
	const char *why;             /* static: why the last attempt or channel ended */
	uint64_t packets_in, packets_out, bytes_in, bytes_out;
	uint8_t rx[DTLS_RECORD_MAX];  /* one record read */
	uint8_t tx[DTLS_RECORD_MAX];  /* one frame to send (a DPD answer echoes rx) */
};

/* "off", "connecting", "up", "waiting". */
const char *dtls_link_state_name(enum dtls_link_state state);

void dtls_link_init(struct dtls_link *d);
/* Stops the channel and wipes the secrets; the link may be offered again. */
void dtls_link_reset(struct dtls_link *d);
void dtls_link_cleanup(struct dtls_link *d);

/*
 * dtls_offer.c. Fills the DTLS part of a CONNECT request: a fresh master
 * secret (kept in d for a legacy answer) and the two cipher lists, narrowed
 * by legacy_names (--dtls-ciphers; NULL: all we support). req's views
 * borrow from d. 0, or an error from dtls_offer_build (nothing offered).
 */
int dtls_link_offer(struct dtls_link *d, struct cstp_request *req, const char *legacy_names);

/*
 * Reads the gateway's answer into d: mode, suite, id, port, DPD, keepalive
 * and the tunnel MTU on DTLS (X-DTLS-MTU, or for PSK-NEGOTIATE computed from
 * the base MTU and tls's cipher, §6.5). tls is the connection that carried
 * CONNECT (the PSK is exported from it); gw its peer address. 0 with d
 * ready to start; VPN_ERR_NOT_FOUND when the gateway answered no DTLS;
 * another error (*out_why says why) when the answer is unusable.
 */
int dtls_link_answer(struct dtls_link *d, const struct cstp_response *r, struct tls_conn *tls,
		     const struct net_addr *gw, unsigned base_mtu, const char **out_why);

/*
 * dtls_run.c. Starts the first handshake on loop (d must have been
 * answered); packets read from DTLS go to tun_fd. 0 or an error (the link
 * is then OFF).
 */
int dtls_link_start(struct dtls_link *d, struct event_loop *loop, int tun_fd);
/* Closes the channel (close_notify when up); state OFF. */
void dtls_link_stop(struct dtls_link *d);

/*
 * Sends one IP packet as a DATA frame when DTLS is up. 0; VPN_ERR_AGAIN when
 * DTLS does not carry data now, VPN_ERR_TOO_BIG when the packet does not fit
 * a record: the caller sends it over TLS.
 */
int dtls_link_send(struct dtls_link *d, const void *packet, size_t len);

static inline bool dtls_link_is_up(const struct dtls_link *d)
{
	return d->state == DTLS_LINK_UP;
}

#endif
