/* SPDX-License-Identifier: ISC */
/*
 * DTLS for both programs (PROTOCOL.md §8), next to tls.h and, like it, the
 * only way to GnuTLS for the rest of the tree. Three parts:
 *
 * 1. Suites: the names of X-DTLS-CipherSuite and X-DTLS12-CipherSuite, what
 *    the gateway answers to an offer (dtls_choose), what the client offers
 *    (dtls_offer_build) and how it reads the answer (dtls_answer_read).
 * 2. Sessions (struct dtls_conn) in the three modes: legacy Cisco DTLS 0.9
 *    resumption, Cisco DTLS 1.2 resumption (both DTLS_MODE_RESUME, the suite
 *    says which version) and PSK-NEGOTIATE. A session runs over a connected,
 *    non-blocking UDP socket the caller owns and closes. Every call that
 *    would block returns VPN_ERR_AGAIN; the handshake's retransmissions are
 *    driven by the caller's loop through dtls_conn_timeout_ms().
 * 3. The ClientHello parser the gateway uses to pick the owner of a first
 *    datagram (dtls_hello_parse): it never needs a session.
 *
 * Secrets (master secret, PSK) are copied into a session and wiped when it is
 * freed; the caller wipes its own struct dtls_params (dtls_params_wipe).
 */
#ifndef TLS_DTLS_H
#define TLS_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/base/strview.h"

struct tls_conn;
struct dtls_suite;
struct dtls_conn;

#define DTLS_MASTER_SECRET_LEN 48 /* X-DTLS-Master-Secret, bytes */
#define DTLS_SESSION_ID_LEN 32    /* X-DTLS-Session-ID, bytes */
#define DTLS_APP_ID_MAX 32        /* X-DTLS-App-ID, bytes (ClientHello session_id) */
#define DTLS_PSK_LEN 32           /* tls_conn_export_psk() */
#define DTLS_PSK_NEGOTIATE "PSK-NEGOTIATE"

enum dtls_mode {
	DTLS_MODE_NONE = 0,  /* no DTLS for this session */
	DTLS_MODE_RESUME,    /* Cisco: resume a session named by MS + SID (DTLS 0.9 or 1.2) */
	DTLS_MODE_PSK,       /* PSK-NEGOTIATE: full DTLS 1.2 handshake with the exported key */
};

/* Which CONNECT header a suite name travels in. */
enum dtls_list {
	DTLS_LIST_LEGACY = 0, /* X-DTLS-CipherSuite */
	DTLS_LIST_DTLS12,     /* X-DTLS12-CipherSuite */
};

/* "resume" / "psk" / "none", for logs and sslgatectl. */
const char *dtls_mode_name(enum dtls_mode mode);

/*
 * The suite table (static; pointers stay valid forever). Lookup matches the
 * name exactly, as both peers do. NULL when unknown.
 */
const struct dtls_suite *dtls_suite_find(enum dtls_list list, struct str_view name);
/* The i-th table entry, or NULL past the end: for tests and listings. */
const struct dtls_suite *dtls_suite_at(size_t i);
const char *dtls_suite_name(const struct dtls_suite *s);
enum dtls_list dtls_suite_list(const struct dtls_suite *s);
/* True for DTLS 1.2 (0xFEFD), false for Cisco's DTLS 0.9 (0x0100). */
bool dtls_suite_is_dtls12(const struct dtls_suite *s);
/* The TLS cipher-suite number the ServerHello carries, e.g. 0x0035. */
uint16_t dtls_suite_code(const struct dtls_suite *s);

/* A decision, on either side: which mode, which suite, which header says so. */
struct dtls_choice {
	enum dtls_mode mode;
	const struct dtls_suite *suite; /* DTLS_MODE_RESUME only */
	enum dtls_list header;          /* the answer's header */
	const char *name;               /* the answer's value (static): suite name or PSK-NEGOTIATE */
};

/* What a gateway's configuration allows (ocserv's dtls-legacy, dtls-psk). */
struct dtls_policy {
	bool is_legacy_enabled;
	bool is_psk_enabled;
	bool is_weak_allowed; /* DES-CBC3-SHA; never chosen otherwise */
};

/* A CONNECT request's offer: the names of each header, borrowed. */
struct dtls_offer_view {
	const struct str_view *legacy; /* X-DTLS-CipherSuite names */
	size_t legacy_count;
	const struct str_view *dtls12; /* X-DTLS12-CipherSuite names */
	size_t dtls12_count;
};

/*
 * Gateway (PROTOCOL.md §8.2): PSK-NEGOTIATE when offered and enabled; else a
 * match in the DTLS12 list wins over the legacy list; within a list, the
 * suites whose cipher and MAC equal those of tls (the CSTP session; NULL: no
 * preference) come first, then the higher server priority. 0, or
 * VPN_ERR_NOT_FOUND (out->mode is DTLS_MODE_NONE: send no X-DTLS-* header).
 */
int dtls_choose(struct dtls_choice *out, const struct dtls_policy *policy,
		const struct dtls_offer_view *offer, const struct tls_conn *tls);

/* Room for every name of one list, colon-separated, with its NUL. */
#define DTLS_OFFER_MAX 512

/* Client: the two header values to send; "" means "do not send this header". */
struct dtls_offer {
	char legacy[DTLS_OFFER_MAX];
	char dtls12[DTLS_OFFER_MAX];
};

/*
 * Client: builds the offer. NULL lists mean our defaults (PSK-NEGOTIATE,
 * the GCM and CBC suites; DES-CBC3-SHA only when named). A list given by the
 * user (openconnect's --dtls-ciphers / --dtls12-ciphers) is sent in the
 * user's order; when only the legacy list is given, no DTLS12 list is sent,
 * as openconnect does. 0, VPN_ERR_NOT_FOUND for an unknown name (the whole
 * offer is then empty), VPN_ERR_INVALID for an empty or over-long list.
 */
int dtls_offer_build(struct dtls_offer *out, const char *legacy_names,
		     const char *dtls12_names);

/*
 * Client: reads the gateway's answer (the values of X-DTLS-CipherSuite and
 * X-DTLS12-CipherSuite; .ptr NULL when absent). 0; VPN_ERR_NOT_FOUND when
 * neither header came (no DTLS); VPN_ERR_INVALID for a name we do not know
 * or did not offer (openconnect then gives up DTLS for the session).
 */
int dtls_answer_read(struct dtls_choice *out, const struct dtls_offer *offered,
		     struct str_view legacy, struct str_view dtls12);

/* Everything a session needs; the caller fills what its mode uses. */
struct dtls_params {
	enum dtls_mode mode;
	const struct dtls_suite *suite;   /* RESUME */
	uint8_t master_secret[DTLS_MASTER_SECRET_LEN]; /* RESUME: secret */
	uint8_t id[DTLS_SESSION_ID_LEN];  /* RESUME: the Session-ID; PSK: the App-ID */
	size_t id_len;                    /* RESUME: 32; PSK: 1..32 (client), ignored (server) */
	uint8_t psk[DTLS_PSK_LEN];        /* PSK: tls_conn_export_psk() of the CSTP session; secret */
	const struct tls_conn *tls;       /* PSK server: its cipher and MAC go first; NULL: ours.
					     Borrowed only during dtls_conn_new_server */
	unsigned retrans_ms;              /* first handshake retransmission, doubling; 0: 1000 */
	unsigned total_ms;                /* give up at the first retransmission due after
					     this; 0: 60000. With 1000 and 32000 the hellos
					     leave at 0, 1, 3, 7, 15, 31 s (AnyConnect's
					     schedule, PROTOCOL.md §8.7) and CLOSED comes at 63 s:
					     a client wanting to stop sooner frees the session */
};

/* Overwrites the secrets of p (and everything else). */
void dtls_params_wipe(struct dtls_params *p);

/*
 * A client session, or a server session for a ClientHello that arrived
 * first (possibly on another socket, so it is given here as first/first_len
 * and read before anything from fd; NULL/0 when the hello is still to come).
 * The session copies params and the datagram. fd: a connected UDP socket,
 * non-blocking, borrowed (the caller closes it after dtls_conn_free).
 * 0, VPN_ERR_INVALID (params not usable for the mode), VPN_ERR_NOMEM, VPN_ERR_TLS.
 */
int dtls_conn_new_client(struct dtls_conn **out, int fd, const struct dtls_params *params);
int dtls_conn_new_server(struct dtls_conn **out, int fd, const struct dtls_params *params,
			 const void *first, size_t first_len);
/* Frees the session and wipes its secrets; does not close the socket. */
void dtls_conn_free(struct dtls_conn *c);

/*
 * Runs the handshake as far as it goes without blocking. Call it when fd is
 * readable and when dtls_conn_timeout_ms() has passed. 0 when complete;
 * VPN_ERR_AGAIN; VPN_ERR_CLOSED when the peer did not answer within total_ms
 * (UDP blocked?); VPN_ERR_DENIED when a RESUME server did a full handshake
 * instead of resuming (possible man in the middle: do not retry);
 * VPN_ERR_TLS for any other failure (wrong secret, alert, garbage).
 */
int dtls_conn_handshake(struct dtls_conn *c);
/* During the handshake: milliseconds until dtls_conn_handshake() is due anyway. */
unsigned dtls_conn_timeout_ms(const struct dtls_conn *c);

/* Largest record plaintext a peer may send, whatever the MTU says. */
#define DTLS_RECORD_MAX 16384

/*
 * Reads one record (= one frame) into buf, whose cap must be at least
 * DTLS_RECORD_MAX (VPN_ERR_INVALID otherwise: GnuTLS would hand a longer
 * record over in pieces, and a piece would pass for a frame). 0 with
 * *out_len > 0; VPN_ERR_AGAIN when nothing (more) is there: read until
 * then, a datagram may hold several records; VPN_ERR_CLOSED on
 * close_notify; VPN_ERR_TLS. Replayed, forged and garbage datagrams are
 * dropped silently and counted (dtls_conn_discarded).
 */
int dtls_conn_read(struct dtls_conn *c, void *buf, size_t cap, size_t *out_len);
/* Records of the last datagram, and datagrams of its batch, not yet read. */
size_t dtls_conn_pending(const struct dtls_conn *c);

/*
 * Sends data as one record in one datagram. 0; VPN_ERR_TOO_BIG when longer
 * than dtls_conn_data_mtu() (or the kernel says EMSGSIZE); VPN_ERR_TLS.
 * A datagram the kernel cannot queue (EAGAIN, ENOBUFS) is dropped and
 * counted as the network would drop it: UDP never blocks the caller.
 */
int dtls_conn_write(struct dtls_conn *c, const void *data, size_t len);

/*
 * MTU, in the words of PROTOCOL.md §6.5: set_mtu takes the largest UDP
 * payload (link MTU - IP - UDP); set_data_mtu the largest record plaintext
 * (tunnel MTU + 1 type byte), choosing the UDP payload that allows it.
 * The getters answer for the negotiated cipher once the handshake is done.
 * Until set, GnuTLS's 1200 bytes of UDP payload apply: set one after the
 * handshake, or openconnect's first MTU probe (a full-size DPD) cannot be
 * echoed. GCM: set_mtu(1472) gives a data MTU of 1435 (tunnel 1434).
 */
void dtls_conn_set_mtu(struct dtls_conn *c, unsigned udp_payload);
int dtls_conn_set_data_mtu(struct dtls_conn *c, unsigned plaintext);
unsigned dtls_conn_mtu(const struct dtls_conn *c);
unsigned dtls_conn_data_mtu(const struct dtls_conn *c);

/* "(DTLS0.9)-(RSA)-(AES-256-CBC)-(SHA1)" as openconnect logs it; "" before the handshake. */
const char *dtls_conn_description(const struct dtls_conn *c);
/* Records dropped on receipt so far (replays, bad MACs, garbage). */
unsigned dtls_conn_discarded(const struct dtls_conn *c);
/* Datagrams dropped on send because the socket buffer was full. */
unsigned dtls_conn_send_drops(const struct dtls_conn *c);
/*
 * Datagrams dropped on receipt for being longer than a batch slot (a peer
 * sending past the MTU the slots hold), and the size of the first one: the
 * owner, who knows the peer, logs it.
 */
unsigned dtls_conn_rx_oversize(const struct dtls_conn *c);
size_t dtls_conn_rx_oversize_first_len(const struct dtls_conn *c);
/* Why the last call failed (static string). */
const char *dtls_conn_error_str(const struct dtls_conn *c);
/* Sends close_notify (best effort, one datagram). */
void dtls_conn_bye(struct dtls_conn *c);

/*
 * Datagram batches below GnuTLS: recvmmsg() and sendmmsg() instead of one
 * system call per record. A batch is scratch memory for every session of
 * one event loop (the caller owns it; it must outlive the sessions that use
 * it). At most one session holds received datagrams in it, and the reader
 * must drain them (read until VPN_ERR_AGAIN, or while dtls_conn_pending())
 * before another session reads; sent datagrams of another session leave
 * first when a session starts to fill it, so order on each socket holds.
 * Datagrams larger than DTLS_BATCH_SLOT are sent around it; received, they
 * are dropped and counted (dtls_conn_rx_oversize).
 */
#define DTLS_BATCH_MAX 32
#define DTLS_BATCH_SLOT 2048

struct dtls_batch;

int dtls_batch_new(struct dtls_batch **out);
void dtls_batch_free(struct dtls_batch *b);
/*
 * c sends through b while corked, and with is_rx reads through it once the
 * handshake is done (only for readers that always drain, see above).
 * NULL: plain calls.
 */
void dtls_conn_set_batch(struct dtls_conn *c, struct dtls_batch *b, bool is_rx);
/*
 * Cork: records written until uncork are held in the batch (in order, each
 * its own datagram) and leave in one sendmmsg(). On a UDP socket each run
 * of equal datagrams (the last may be shorter) is one message the kernel
 * segments (UDP_SEGMENT); where it refuses, once, the session sends one
 * message per datagram from then on. The wire sees the same datagrams.
 * Uncork: 0, or VPN_ERR_TLS when the socket failed for good; a full socket
 * buffer drops datagrams (counted in dtls_conn_send_drops), as with
 * uncorked writes.
 */
void dtls_conn_cork(struct dtls_conn *c);
int dtls_conn_uncork(struct dtls_conn *c);
/* Messages b handed to the kernel so far (a segmented run counts once). */
unsigned long dtls_batch_tx_messages(const struct dtls_batch *b);

/* --- The ClientHello parser (dtls_hello.c) ------------------------------- */

#define DTLS_HELLO_MAX_RECORD 16384   /* record payload bound */
#define DTLS_HELLO_MAX_EXTENSIONS 32  /* more is refused as garbage */
#define DTLS_HELLO_EXT_APP_ID 48018   /* ocserv's ApplicationID extension */

/*
 * One ClientHello, the first record of a datagram. Views borrow from the
 * datagram and stay valid until it is reused.
 */
struct dtls_hello {
	uint16_t record_version;   /* 0x0100 (DTLS 0.9), 0xFEFF (1.0), 0xFEFD (1.2) */
	uint64_t record_seq;       /* 48-bit record sequence number */
	uint16_t message_seq;
	uint16_t client_version;   /* same three values */
	const uint8_t *random;     /* 32 bytes */
	bool is_random_zero;       /* GnuTLS 3.6.3-3.6.12 bug; ocserv drops these */
	const uint8_t *session_id; /* 0..32 bytes */
	size_t session_id_len;
	const uint8_t *cookie;     /* 0..255 bytes */
	size_t cookie_len;
	const uint8_t *suites;     /* suite_count big-endian 16-bit numbers */
	size_t suite_count;
	const uint8_t *app_id;     /* extension 48018's ApplicationID, when sent */
	size_t app_id_len;
	size_t extension_count;
	uint16_t extensions[DTLS_HELLO_MAX_EXTENSIONS]; /* types, in the client's order */
};

/*
 * Parses the ClientHello that begins data (a received datagram). DONE with
 * *out_consumed = the record's length; NEED_MORE when data is a truncated
 * hello (a whole datagram like that is garbage); INVALID for anything else:
 * not a handshake record of epoch 0, not a ClientHello, an unknown version,
 * a fragmented hello, a bound exceeded, lengths that do not add up, a
 * repeated extension, no null compression.
 */
enum parse_result dtls_hello_parse(struct dtls_hello *out, size_t *out_consumed,
				   const uint8_t *data, size_t len);

/* The i-th offered suite number (i < suite_count). */
uint16_t dtls_hello_suite(const struct dtls_hello *h, size_t i);
bool dtls_hello_has_extension(const struct dtls_hello *h, uint16_t type);

/*
 * What names the session, in ocserv's order: the App-ID extension when
 * present, else the session_id. 0, or VPN_ERR_NOT_FOUND when both are empty.
 */
int dtls_hello_session_key(const struct dtls_hello *h, const uint8_t **out, size_t *out_len);

#endif
