/* SPDX-License-Identifier: ISC */
/*
 * A session's DTLS channel (PROTOCOL.md §8). Chosen at CONNECT from the
 * client's offer, announced in the CONNECT answer, started when the parent
 * hands over a socket connected to the client (the demux, dtls_demux.c)
 * with the first ClientHello. While it is up and the client was heard on
 * it lately, packets to the client go over it; the TLS channel stays for
 * control and takes data back when UDP goes quiet (switch-to-tcp-timeout).
 * Data, DPD and keepalives may arrive on either channel at any time.
 *
 * A hello for a session whose channel is up starts a candidate beside it:
 * the session id travels in clear, so anyone can send one. The candidate
 * takes over only once its handshake completes (which proves the sender
 * knows the master secret or the PSK); until then the live channel carries
 * on untouched, and a failed or timed-out candidate is simply dropped.
 * One candidate per session; a newer hello replaces it, at most one per
 * DTLS_LINK_HELLO_GAP_MS.
 */
#ifndef GATEWAY_WORKER_DTLS_LINK_H
#define GATEWAY_WORKER_DTLS_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/event/loop.h"
#include "lib/tls/dtls.h"

struct session;
struct worker;
struct outq_rec;
struct cstp_request;
struct cstp_response;
struct gw_net_settings;
struct tunnel_params;
struct msg_dtls_hello;
struct msg_session_info;

/* Hellos that would replace an unfinished handshake closer together than this are dropped. */
#define DTLS_LINK_HELLO_GAP_MS 1000

struct dtls_link;

/* A handshake started while the channel was up (owned by its dtls_link). */
struct dtls_link_cand {
	struct dtls_link *l;          /* borrowed: the owner */
	int fd;                       /* owned: -1 when there is no candidate */
	struct dtls_conn *conn;       /* owned */
	struct event_io io;
	bool is_io_added;
	struct event_timer timer;     /* handshake retransmissions */
	uint16_t remote_port;         /* for log lines */
};

/*
 * The key (Session-ID or App-ID) a session's client echoes in its hellos.
 * Clients treat it as opaque bytes; we lay it out as: the owning worker's
 * index (byte 0), DTLS_LINK_KEY_RANDOM_LEN random bytes, then a tag, the
 * first DTLS_LINK_KEY_TAG_LEN bytes of HMAC-SHA256(secret, the bytes before
 * it). The secret is the gateway's (made once by the parent, shared by every
 * worker it forks), so a key the gateway never made fails the tag at the
 * first worker that reads it and costs the parent nothing.
 */
#define DTLS_LINK_KEY_LEN DTLS_SESSION_ID_LEN
#define DTLS_LINK_KEY_TAG_LEN 16
#define DTLS_LINK_KEY_RANDOM_LEN (DTLS_LINK_KEY_LEN - 1 - DTLS_LINK_KEY_TAG_LEN)
#define DTLS_LINK_SECRET_LEN 32

struct dtls_link {
	struct session *s;            /* borrowed: the owner */
	struct dtls_params params;    /* owned; secrets wiped on free */
	struct dtls_choice choice;
	unsigned link_mtu;            /* X-CSTP-Base-MTU of the answer */
	unsigned quiet_ms;            /* switch-to-tcp-timeout */
	int fd;                       /* owned: connected UDP socket, -1 before a hello */
	struct dtls_conn *conn;       /* owned; NULL before a hello and after a failure */
	struct event_io io;
	bool is_io_added;
	struct event_timer timer;     /* handshake retransmissions, then the quiet check */
	struct event_timer nudge;     /* keepalives just after the handshake (dtls_link_io.c) */
	unsigned nudges_sent;
	bool is_refused;              /* no-udp for this user: no headers went out */
	bool is_up;                   /* handshake complete */
	bool is_active;               /* packets to the client go over DTLS */
	bool is_corked;               /* records held for one sendmmsg at the next flush */
	bool is_oversize_logged;      /* a too-long datagram was logged (once per session) */
	uint64_t last_rx_ms;
	uint64_t rx_bytes, tx_bytes;  /* IP packet bytes over DTLS */
	uint64_t discarded;           /* records dropped by channels already closed */
	uint64_t oversized;           /* datagrams too long for a slot, channels already closed */
	unsigned handshakes;          /* started, for log lines */
	unsigned quiet_logged;        /* quiet spells since the handshake (log once) */
	struct dtls_link_cand cand;   /* the replacement in progress, if any */
	uint64_t last_hello_ms;       /* when the last handshake started */
	uint64_t hellos_dropped;      /* refused by DTLS_LINK_HELLO_GAP_MS */
	unsigned cands_failed;        /* candidates dropped before completing */
};

/* Fills out with a fresh gateway secret (the caller wipes it). 0 or VPN_ERR_IO. */
int dtls_link_secret_make(uint8_t out[DTLS_LINK_SECRET_LEN]);
/* Writes a key for worker index under secret. 0, VPN_ERR_IO or VPN_ERR_TLS. */
int dtls_link_key_make(const uint8_t secret[DTLS_LINK_SECRET_LEN], uint8_t out[DTLS_LINK_KEY_LEN],
		       unsigned worker_index);
/* The worker a key made under secret belongs to; -1 when its length or tag is wrong. */
int dtls_link_key_owner(const uint8_t secret[DTLS_LINK_SECRET_LEN], const uint8_t *key,
			size_t key_len);

/*
 * CONNECT: keeps what the answer and the handshake need from the request
 * (master secret, suite lists) and chooses the mode and suite. s->dtls stays
 * NULL when DTLS is off or nothing matches. 0 or VPN_ERR_NOMEM.
 */
int dtls_link_offer(struct session *s, const struct cstp_request *req);

/*
 * Adds the X-DTLS-* headers to the CONNECT answer (nothing when s->dtls is
 * NULL or the group says no-udp, which also refuses hellos). In legacy mode
 * X-DTLS-MTU and X-CSTP-MTU carry the DTLS figure of the chosen suite
 * (§6.5), and out->mtu follows.
 */
void dtls_link_fill_reply(const struct session *s, struct cstp_response *r,
			  const struct gw_net_settings *net, struct tunnel_params *out);

/* True when a session of w in TUNNEL has this key. */
bool dtls_link_has_key(struct worker *w, const uint8_t *key, size_t key_len);

/* The parent's socket for a first ClientHello (takes fd). */
void dtls_link_on_socket(struct worker *w, const struct msg_dtls_hello *m, int fd);

/*
 * Sends a packet from the tun over DTLS when that is the active channel:
 * true if taken. Records are corked until dtls_link_flush, which the
 * session's flush (after the tun burst) calls.
 */
bool dtls_link_send_packet(struct session *s, struct outq_rec *rec);
/* Sends what dtls_link_send_packet held back (one sendmmsg). */
void dtls_link_flush(struct session *s);

/* Fills the DTLS fields of a session listing. */
void dtls_link_fill_info(const struct session *s, struct msg_session_info *m);

/* Closes the channel and frees s->dtls (NULL is fine). */
void dtls_link_free(struct session *s);

#endif
