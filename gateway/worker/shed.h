/* SPDX-License-Identifier: ISC */
/*
 * Load shedding at accept time. A connection costs a worker most before it
 * is a tunnel: the TLS handshake (public-key work) and the login. A flood of
 * them must not starve the established tunnels, so each worker caps the
 * connections it holds in TLS, AUTH and CONNECT (max-handshakes, per worker)
 * and closes new ones at once, before any TLS work, while the cap is hit.
 * What was shed is counted and logged once a second, not once a connection.
 * The counts live in struct worker (shed); only this file and the phase
 * machine (session_set_phase, session_new) touch them.
 */
#ifndef GATEWAY_WORKER_SHED_H
#define GATEWAY_WORKER_SHED_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/event/loop.h"

struct worker;
struct session;

struct shed {
	unsigned cap;                /* connections not yet in a tunnel; 0 = no cap */
	unsigned in_progress;        /* sessions in TLS, AUTH or CONNECT */
	uint64_t shed_pending;       /* shed since the last log line */
	uint64_t shed_total;
	struct event_timer log_timer;
};

void shed_init(struct worker *w, unsigned cap);
void shed_cleanup(struct worker *w);
/* For an accepted connection, before any work on it: true = close it now. */
bool shed_refuse(struct worker *w);
/* A session was created (in TLS) or moved between phases (session.c). */
void shed_on_new(struct worker *w);
void shed_on_phase(struct worker *w, unsigned from, unsigned to);

#endif
