/* SPDX-License-Identifier: ISC */
/*
 * Phase 5, CONNECT /CSCOSSLC/tunnel (PROTOCOL.md §6): the cookie is checked
 * with authd (on any TLS connection, §1.1), an address is leased from the
 * parent (the same one again on a reconnect), and the answer carries every
 * X-CSTP header the user's group configures. An unknown cookie gets
 * ocserv's exact 401 and a log line.
 */
#ifndef GATEWAY_WORKER_ON_CONNECT_H
#define GATEWAY_WORKER_ON_CONNECT_H

#include "gateway/privsep/msg.h"
#include "gateway/worker/http_serve.h"

struct session;

void connect_on_request(struct session *s, const struct http_exchange *x);
void connect_on_cookie_result(struct session *s, const struct msg_cookie_result *m);
void connect_on_lease_result(struct session *s, const struct msg_lease_result *m);

#endif
