/* SPDX-License-Identifier: ISC */
/*
 * What a worker does when authd's socket closes (authd died; the parent
 * restarts it, gateway/parent/authd_respawn.c): it keeps its established
 * tunnels, which need no authd, answers the requests still waiting for
 * authd with 503, and drains: no new connections, exit after the last
 * session. New workers attached to the new authd serve everyone else.
 */
#ifndef GATEWAY_WORKER_WORKER_AUTHD_H
#define GATEWAY_WORKER_WORKER_AUTHD_H

struct worker;

/* The authd channel is already closed. */
void worker_authd_lost(struct worker *w);

#endif
