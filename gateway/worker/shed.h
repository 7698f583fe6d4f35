/* SPDX-License-Identifier: ISC */
/*
 * Load shedding at accept time, and the CPU order that keeps tunnels first.
 * A connection costs a worker most before it is a tunnel: the TLS handshake
 * (public-key work) and the login. A flood of them must not starve the
 * established tunnels, so each worker
 *   - caps the connections it holds in TLS, AUTH and CONNECT
 *     (max-handshakes) and, per source, those one IPv4 address or one IPv6
 *     /64 holds (max-handshakes-per-ip), closing new ones right after
 *     accept, before any TLS work, while a cap is hit;
 *   - puts those connections in the event loop's bulk class, so each loop
 *     iteration serves every ready tunnel first and only a few of them.
 * Both caps are per worker: the kernel spreads one source's connections
 * over the workers' SO_REUSEPORT sockets, so a source may hold up to
 * workers x max-handshakes-per-ip in all.
 * What was shed is counted and logged once a second, not once a connection.
 * The counts live in struct worker (shed); only this file and the phase
 * machine (session_set_phase, session_new) touch them.
 */
#ifndef GATEWAY_WORKER_SHED_H
#define GATEWAY_WORKER_SHED_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/event/loop.h"
#include "gateway/worker/shed_table.h"
#include "lib/net/addr.h"

struct worker;
struct session;

/* What one cap shed since the last log line. */
struct shed_count {
	uint64_t pending;
	uint64_t total;
};

struct shed {
	unsigned cap;                /* connections not yet in a tunnel; 0 = no cap */
	unsigned cap_per_source;     /* the same per source; 0 = no cap */
	unsigned in_progress;        /* sessions in TLS, AUTH or CONNECT */
	struct shed_count by_cap;    /* refused for max-handshakes (or a full table) */
	struct shed_count by_source; /* refused for max-handshakes-per-ip */
	/* Per source (shed_table.h); empty when cap_per_source is 0. At most
	 * the cap's entries, or GW_SESSIONS_LIMIT without one. */
	struct shed_table table;
	uint32_t epoch;              /* log intervals so far */
	uint32_t sources_shed;       /* distinct sources refused in this interval */
	struct shed_source worst;    /* a copy of the one refused most in it */
	struct event_timer log_timer;
};

/*
 * cap: max-handshakes; the per-source cap comes from w->cfg (none without
 * one). Without memory for the table the per-source cap is off (logged).
 */
void shed_init(struct worker *w, unsigned cap);
void shed_cleanup(struct worker *w);
/* For a connection from remote just accepted, before any work on it: true = close it now. */
bool shed_refuse(struct worker *w, const struct net_addr *remote);
/* A session was created (in TLS) or is moving from its phase to another (session.c). */
void shed_on_new(struct session *s);
void shed_on_phase(struct session *s, unsigned to);
/* Puts a watched session in the loop class its phase calls for. */
void shed_classify(struct session *s);

#endif
