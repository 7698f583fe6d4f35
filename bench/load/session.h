/* SPDX-License-Identifier: ISC */
/*
 * One simulated client: TLS, the full login, CONNECT and then the tunnel
 * over TLS and, when the gateway agrees, DTLS, driven by the shared event
 * loop. Phases:
 *
 *   IDLE -> CONNECTING (TCP, TLS) -> AUTH -> CONNECT -> TUNNEL -> CLOSED
 *
 * with CLOSED reachable from every phase, and AUTH -> CLOSED as the happy
 * end of a login-only session. Only set_phase() in session.c writes the
 * phase; every end goes through load_session_close().
 *
 * The driver learns about moves through ctx->on_phase. That hook may count
 * and arm timers but must not act on a session (start, probe, close): it
 * runs in the middle of the session's own handlers.
 *
 * Ownership: a session owns its connection and its cookies; it borrows
 * ctx (and, through it, the loop, the TLS context and the secrets), which
 * outlives every session.
 */
#ifndef LOAD_SESSION_H
#define LOAD_SESSION_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench/load/answer.h"
#include "bench/load/auth.h"
#include "bench/load/conn.h"
#include "bench/load/dtls.h"
#include "bench/load/tunnel.h"
#include "lib/event/loop.h"
#include "lib/tls/tls.h"

enum load_phase {
	LOAD_PHASE_IDLE = 0,
	LOAD_PHASE_CONNECTING,
	LOAD_PHASE_AUTH,
	LOAD_PHASE_CONNECT,
	LOAD_PHASE_TUNNEL,
	LOAD_PHASE_CLOSED,
	LOAD_PHASE_COUNT,
};

struct load_session;

/* What every session shares; owned by main. */
struct load_ctx {
	struct event_loop *loop;
	struct tls_client_ctx *tls;
	struct sockaddr_in server;
	struct load_auth_cfg auth;
	const char *pin;            /* "pin-sha256:..." the gateway must show; NULL: any */
	uint8_t *pinned_der;        /* owned: the certificate whose key last matched pin */
	size_t pinned_der_len;
	bool is_login_only;         /* close once logged in, no CONNECT */
	bool is_dtls;               /* offer DTLS in CONNECT (PSK-NEGOTIATE) */
	struct dtls_offer offer;    /* what CONNECT offers when is_dtls */
	unsigned phase_timeout_ms;  /* bound on every phase before TUNNEL */
	void (*on_phase)(struct load_session *s, enum load_phase old);
	void *owner;                /* the driver, for on_phase */
};

struct load_session {
	struct load_ctx *ctx;
	unsigned index;
	enum load_phase phase;
	struct load_conn conn;
	struct load_answer answer;
	struct load_auth auth;
	struct load_tunnel tunnel;
	struct load_dtls dtls;
	struct event_timer deadline;
	struct event_timer dpd;     /* our DPD requests, every X-CSTP-DPD seconds */
	bool is_logged_in;
	const char *why;            /* why it closed; NULL: ended by us, or still fine */
	uint64_t started_ms;        /* loop time of load_session_start() */
};

/* "connecting", "auth", ... for log lines and reports. */
const char *load_phase_name(enum load_phase phase);

/* Allocates the buffers; 0 or VPN_ERR_NOMEM. */
int load_session_init(struct load_session *s, struct load_ctx *ctx, unsigned index);
void load_session_cleanup(struct load_session *s);

/* From IDLE or CLOSED: a fresh connection and login. Failing to start
 * closes the session at once (s->why). */
void load_session_start(struct load_session *s);

/*
 * In TUNNEL: a DPD request on CSTP, one on DTLS when it is up, and an echo
 * to target (when not NULL) over DTLS when it is up, else over CSTP.
 */
void load_session_probe(struct load_session *s, const struct net_addr *target);

/*
 * Ends the session. why NULL means we end it: a tunnel says DISCONNECT
 * (user logout) and TLS says close_notify. Otherwise why is a static
 * string kept in s->why. Does nothing when already CLOSED or IDLE.
 */
void load_session_close(struct load_session *s, const char *why);

#endif
