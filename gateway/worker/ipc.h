/* SPDX-License-Identifier: ISC */
/*
 * The worker's end of the privsep sockets (gateway/privsep/msg.h): sending
 * requests to authd and the parent without blocking the loop, and checking
 * and dispatching what they send back. Answers find their session through
 * the req_id (worker_session_by_req), so a late answer for a session that
 * has gone, or that moved on, is dropped.
 */
#ifndef GATEWAY_WORKER_IPC_H
#define GATEWAY_WORKER_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/privsep/msg.h"

struct worker;
struct worker_chan;
struct session;

/* Takes ownership of fd and watches it. 0 or a vpn_err. */
int worker_chan_open(struct worker *w, struct worker_chan *c, const char *name, int fd);
void worker_chan_close(struct worker *w, struct worker_chan *c);

/*
 * Sends one message (h->len and h->type must be set). A message the socket
 * does not take now is kept and sent when it drains; has_secret wipes that
 * copy afterwards. 0, or VPN_ERR_NOMEM / VPN_ERR_IO when the channel is gone.
 */
int worker_chan_send(struct worker *w, struct worker_chan *c, void *msg, size_t len,
		     bool has_secret);

/* Reports a malformed request from s's source address to authd, for scoring. */
void worker_report_bad_request(struct session *s, uint32_t points);

/*
 * Checks one received datagram (msg_check: length against its type,
 * strings NUL-terminated in place, address families) and hands it to its
 * handler when the channel may send that type. Returns VPN_ERR_INVALID for
 * a datagram that fits no message (logged).
 */
int worker_ipc_dispatch(struct worker *w, struct worker_chan *c, uint8_t *buf, size_t len);

#endif
