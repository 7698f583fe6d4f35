/* SPDX-License-Identifier: ISC */
/*
 * One VPN session of the client and its phase machine (DESIGN.md, "Client";
 * PROTOCOL.md §1-7 follow Cisco's phases):
 *
 *   RESOLVE -> TLS -> GROUP -> AUTH -> DOWNLOAD -> CONNECT -> TUNNEL -> CLOSING -> DONE
 *
 * TLS is also entered again for the downloader's own connection and for
 * reconnects (TUNNEL -> RECONNECT -> RESOLVE -> TLS -> CONNECT, no new
 * login). TUNNEL and TUNNEL_DTLS ("DTLS_UP") alternate inside one data
 * channel as DTLS comes and goes (client/dtls_switch.c).
 *
 * A session is made of parts; each handler works on the parts it needs.
 * Ownership: the session owns its connection, its cookie (wiped on
 * release), its tunnel settings and the tunnel; it borrows the options
 * (argv) and the stop flag (main.c's signal handler writes it).
 */
#ifndef CLIENT_SESSION_H
#define CLIENT_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/auth_flow.h"
#include "client/conn.h"
#include "client/options.h"
#include "client/prefs.h"
#include "client/settings.h"
#include "client/tunnel.h"
#include "lib/tls/tls.h"

enum session_phase {
	SESSION_PHASE_RESOLVE,     /* gateway name -> address */
	SESSION_PHASE_TLS,         /* TCP + TLS handshake + server trust (seed phase 1) */
	SESSION_PHASE_GROUP,       /* init POST, group list, group choice (phase 2) */
	SESSION_PHASE_AUTH,        /* auth-reply rounds until complete (phase 3) */
	SESSION_PHASE_DOWNLOAD,    /* profile, on its own TLS connection (phase 4) */
	SESSION_PHASE_CONNECT,     /* CONNECT /CSCOSSLC/tunnel, tun, vpnc-script (phase 5) */
	SESSION_PHASE_TUNNEL,      /* packets over TLS, DPD, keepalive */
	SESSION_PHASE_TUNNEL_DTLS, /* packets over DTLS, control over TLS */
	SESSION_PHASE_RECONNECT,   /* link lost: wait, then reconnect with the cookie */
	SESSION_PHASE_CLOSING,     /* disconnect, script, restore the system */
	SESSION_PHASE_DONE,
	SESSION_PHASE_COUNT,
};

/* Where the gateway is; filled from the URL on the command line. */
struct session_gateway {
	char host[256];          /* name or address literal, as typed */
	uint16_t port;
	char path[256];          /* group URL path, "/" when none */
	char server_key[300];    /* "host:port", for prefs */
	struct net_addr addr;    /* the resolved address we connect to */
	bool is_resolved;
};

struct session {
	enum session_phase phase;
	uint64_t deadline_ms;        /* monotonic; 0: the phase has none */
	bool is_reconnecting;        /* TLS leads to CONNECT, not GROUP */
	bool is_downloading;         /* TLS leads to DOWNLOAD */
	const char *close_reason;    /* static; set once, by session_close() */
	int exit_code;               /* the process's, once DONE */

	const struct options *opts;  /* borrowed */
	const volatile sig_atomic_t *stop; /* borrowed: non-zero once SIGINT/SIGTERM came */
	struct prefs prefs;
	bool has_prefs;

	struct session_gateway gw;
	struct tls_client_ctx *tls_ctx; /* owned */
	struct conn conn;               /* the current TLS connection */
	char peer_pin[TLS_PIN_LEN];     /* of the last accepted server certificate */
	char peer_sha1[TLS_SHA1_HEX_LEN];

	struct auth_flow auth;          /* phases 2-3, cookie included */
	struct settings settings;       /* what CONNECT said */
	struct tunnel tunnel;           /* tun, script, data channel */
	uint64_t reconnect_started_ms;
	unsigned reconnect_attempts;
};

/* "RESOLVE", "TLS", ... for log lines. */
const char *session_phase_name(enum session_phase phase);

/* Whether the machine may move from one phase to the other. */
bool session_phase_is_legal(enum session_phase from, enum session_phase to);

/*
 * The only writer of s->phase: checks the move (an illegal one is our own
 * bug: it aborts), logs "old -> new" at debug level and arms the new
 * phase's deadline.
 */
void session_set_phase(struct session *s, enum session_phase next);

/*
 * Where a session ends: records the first reason (a static string), logs
 * it as an error unless the user asked to stop, and returns CLOSING for the
 * handler to hand back.
 */
enum session_phase session_close(struct session *s, const char *reason);

/* Milliseconds left before the phase deadline (at least 1), or -1 for none. */
int session_time_left(const struct session *s);
/* Monotonic milliseconds. */
uint64_t session_now_ms(void);

void session_init(struct session *s, const struct options *opts,
		  const volatile sig_atomic_t *stop);
/* Releases what the session still holds and wipes the cookie. */
void session_cleanup(struct session *s);

/* Runs the phase handlers until DONE; returns the exit code. */
int session_run(struct session *s);

#endif
