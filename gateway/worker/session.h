/* SPDX-License-Identifier: ISC */
/*
 * One client connection inside a worker, and its phase machine:
 *
 *   TLS -> AUTH -> CONNECT -> TUNNEL -> CLOSING
 *
 * TLS runs the handshake; AUTH serves HTTP requests (group selection, the
 * login rounds, the downloader, and the CONNECT request that starts the
 * next phase); CONNECT waits for authd (cookie) and the parent (address
 * lease) and sends the CONNECT answer; TUNNEL moves CSTP frames; CLOSING
 * sends what is queued and frees the session from its timer.
 *
 * Only session_set_phase() writes s->phase, and session_close() is the one
 * way out. Phase handlers consume s->in and append to s->out; they never
 * read or write sockets (session_io.c does), so the fuzz target and the
 * unit tests can drive them without TLS.
 */
#ifndef GATEWAY_WORKER_SESSION_H
#define GATEWAY_WORKER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/privsep/msg.h"
#include "gateway/worker/client_class.h"
#include "gateway/worker/outq.h"
#include "lib/event/loop.h"
#include "lib/net/addr.h"

struct worker;
struct tls_conn;
struct http_request;
struct dtls_link;

enum session_phase {
	SESSION_PHASE_TLS = 0,
	SESSION_PHASE_AUTH,
	SESSION_PHASE_CONNECT,
	SESSION_PHASE_TUNNEL,
	SESSION_PHASE_CLOSING,
	SESSION_PHASE_COUNT,
};

/* What an outstanding request to authd or the parent is for. */
enum session_wait {
	SESSION_WAIT_NONE = 0,
	SESSION_WAIT_PASSWORD,       /* MSG_AUTH_PASSWORD sent */
	SESSION_WAIT_COOKIE_FETCH,   /* MSG_COOKIE_CHECK for a downloader GET */
	SESSION_WAIT_COOKIE_CONNECT, /* MSG_COOKIE_CHECK for CONNECT */
	SESSION_WAIT_LEASE,          /* MSG_LEASE_REQUEST sent */
	SESSION_WAIT_DELAY,          /* holding an answer back (failed login delay) */
};

/* Bytes received and not yet consumed by the phase handler. */
struct session_in {
	uint8_t *data;   /* owned */
	size_t len;
	size_t cap;
};

/* The login dialogue (AUTH phase); secrets in it are wiped when it ends. */
struct session_auth {
	enum session_client client;
	char user_agent[MSG_TEXT_MAX];
	char group[MSG_GROUP_MAX];      /* real group name chosen so far; "" = default */
	bool is_group_by_url;           /* a group URL chose it: the list offers only that one */
	char username[MSG_USER_MAX];    /* from the username round */
	char context[40 + 2 * MSG_GROUP_MAX]; /* webvpncontext value of this login; "" before the
					   username round; certificate logins add ".GROUP-HEX" */
	bool has_username;
	bool is_last_request;           /* the client sent Connection: close */
	unsigned failures;              /* wrong passwords on this connection */
	/* certificate logins (auth_cert.c): the TLS certificate passed, so the
	   username is the certificate's and authd gets MSG_AUTH_CERT */
	bool is_cert_login;
	bool is_cert_asked;             /* <client-cert-request/> went out once */
	char cert_group[MSG_GROUP_MAX]; /* cert-group-oid's value, "" when none */
	char cert_subject[MSG_TEXT_MAX];
	/* authd's answer, held back for the delay it asked for (may hold a cookie: wiped). */
	struct msg_auth_result result;
};

/* Who the session is, once authd vouched for it (login or cookie). */
struct session_ident {
	bool is_known;
	uint8_t session_id[MSG_SESSION_ID_LEN];
	uint8_t cookie[MSG_COOKIE_LEN];  /* secret: wiped on free */
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];
	uint64_t created_unix;
	struct net_addr last_ipv4;       /* from the cookie check: ask for it again */
	struct net_addr last_ipv6;
};

/* The CONNECT request's wishes, kept while authd and the parent answer. */
struct session_connect_req {
	bool wants_ipv6;
	bool has_full_ipv6;
	bool is_mobile;
	unsigned base_mtu;               /* X-CSTP-Base-MTU, 0 if absent */
	unsigned client_mtu;             /* X-CSTP-MTU, 0 if absent */
	char hostname[64];               /* X-CSTP-Hostname, checked */
};

/* The TLS data channel (TUNNEL phase). */
struct session_tunnel {
	struct net_prefix ipv4;          /* leased; family 0 when none */
	struct net_prefix ipv6;
	unsigned mtu;
	unsigned dpd_s, keepalive_s, idle_s;
	uint64_t started_ms, last_rx_ms, last_tx_ms, last_data_ms;
	uint64_t session_end_ms;         /* 0 = no session timeout */
	bool is_restricted;              /* restrict-user-to-routes */
	const struct net_prefix *allowed; /* borrowed from the config */
	size_t n_allowed;
	bool is_attached;                /* registered in the inner map, authd told */
	bool is_dpd_sent;
	bool is_ending;                  /* the session (cookie) ends, not just this connection */
	bool is_superseded;              /* a reconnect on this worker took the session over */
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets, rx_drops, tx_drops;
	struct event_timer timer;        /* DPD, idle and session timeouts */
};

struct session {
	struct worker *w;                /* borrowed: the worker that owns this session */
	uint32_t slot;                   /* index in the worker's session table */
	uint64_t serial;                 /* worker-local number for log lines */
	char label[96];                  /* "w0/s12 198.18.1.2:41234" for log lines */
	enum session_phase phase;        /* written only by session_set_phase() */
	const char *close_reason;        /* static text, set by session_close() */
	bool is_close_logged;            /* the caller logged the problem: one line per event */

	int fd;                          /* owned: the TCP connection (-1 in tests) */
	struct tls_conn *tls;            /* owned (NULL in tests and the fuzz target) */
	struct event_io io;
	bool is_io_added;
	unsigned io_events;              /* what io currently watches */
	bool is_tls_bye_sent;
	bool is_write_blocked;           /* a record waits for the socket (repeat the write) */
	bool is_pump_pending;            /* input left unread after a burst */
	bool is_lingering;               /* closed and flushed: draining input until freed */
	struct event_timer phase_timer;  /* the phase deadline; in CLOSING, the free */
	struct event_timer wait_timer;   /* delayed answers */
	struct event_timer request_timer; /* a request still arriving (deadline.h) */

	struct net_addr remote;
	uint16_t remote_port;
	uint64_t since_unix;

	struct session_in in;
	struct outq out;
	struct http_request *http;       /* owned: parser state of the request being read (AUTH) */

	enum session_wait wait;
	uint32_t wait_req_id;            /* req_id the awaited answer must carry */

	struct session_auth auth;
	struct session_ident ident;
	struct session_connect_req creq;
	struct session_tunnel tun;
	struct dtls_link *dtls;          /* owned (dtls_link.h): the DTLS channel, NULL when none */

	struct session *prev, *next;     /* the worker's list of sessions */
	struct session *flush_next;      /* the worker's list of sessions with output to send */
	bool is_flush_listed;
};

/* Name of a phase for log lines ("TLS", "AUTH", ...). */
const char *session_phase_name(enum session_phase phase);
/* True when the phase machine allows moving from one phase to the other. */
bool session_phase_allows(enum session_phase from, enum session_phase to);

/*
 * Moves s to phase `to`: checks the move is legal (an illegal one is our
 * bug: abort), logs "old -> new" at debug level and arms the phase deadline.
 */
void session_set_phase(struct session *s, enum session_phase to);

/*
 * Ends the connection: logs the reason once, detaches the session from the
 * tunnel path, tells authd and the parent, sends what is already queued and
 * frees the session from its timer (never from inside the caller's stack,
 * so callers may keep using s until they return). reason is static text.
 * A second call is ignored.
 */
void session_close(struct session *s, const char *reason);

/* session_close for a caller that has just logged why (one log line per event). */
static inline void session_close_logged(struct session *s, const char *reason)
{
	s->is_close_logged = true;
	session_close(s, reason);
}

/* Creates a session for an accepted connection (fd and tls may be -1/NULL in tests). */
int session_new(struct session **out, struct worker *w, int fd, struct tls_conn *tls,
		const struct net_addr *remote, uint16_t remote_port);
/* Frees at once; only the CLOSING timer, worker teardown and tests call this. */
void session_free(struct session *s);

/* Runs the phase handler over the bytes in s->in (after new input or a resumed wait). */
void session_process_input(struct session *s);

/* Queues bytes for sending (HTTP); closes the session when memory runs out. */
void session_send_bytes(struct session *s, const void *data, size_t len, bool has_secret);
/* Queues one record (takes ownership). */
void session_send_rec(struct session *s, struct outq_rec *rec);

/* Starts waiting for an answer: input processing pauses until session_wait_done(). */
void session_wait_begin(struct session *s, enum session_wait wait, uint32_t req_id);
/* The answer arrived: clears the wait and resumes input processing. */
void session_wait_done(struct session *s);

#endif
