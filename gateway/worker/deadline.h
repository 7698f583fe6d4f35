/* SPDX-License-Identifier: ISC */
/*
 * The request deadline (AUTH phase): once a request's first byte has
 * arrived, its head and body must be complete within the configured
 * request-timeout, or the client gets 408 and the connection closes.
 * The AUTH phase's own deadline is minutes long (ocserv's auth-timeout,
 * which covers a user typing a password); without this one a client
 * sending a byte now and then (slowloris) holds a connection that long.
 * The timer lives in struct session (request_timer); these functions are
 * its only users.
 */
#ifndef GATEWAY_WORKER_DEADLINE_H
#define GATEWAY_WORKER_DEADLINE_H

struct session;

/* Once, when the session is created. */
void deadline_init(struct session *s);
/* Part of a request is in s->in: starts the clock unless it already runs. */
void deadline_request_pending(struct session *s);
/* The request is complete (or the session ends): stops the clock. */
void deadline_request_done(struct session *s);

#endif
