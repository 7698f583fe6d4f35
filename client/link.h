/* SPDX-License-Identifier: ISC */
/*
 * Connections to the gateway: the RESOLVE and TLS phases, and the same
 * steps for the extra connections later phases open (the downloader's, a
 * new one when the gateway closed the last). Every connection passes the
 * server trust check (client/trust.h) before a byte of HTTP is sent.
 */
#ifndef CLIENT_LINK_H
#define CLIENT_LINK_H

#include "client/session.h"

/* The session's wait bounds: its phase deadline and the stop flag. */
struct conn_wait link_wait(const struct session *s);

/*
 * Opens c to the gateway and checks its certificate. 0, or an error after
 * logging why (connection failure, refused certificate).
 */
int link_open(struct session *s, struct conn *c);

/* Opens the session's own connection again if the gateway closed it. */
int link_ensure(struct session *s);

/* The Host header value: host or [v6], then ":port" unless it is 443. */
void link_host_header(const struct session *s, char *out, size_t out_len);

/* Parses the URL of the command line (and -g) into s->gw. 0 or VPN_ERR_INVALID. */
int link_set_gateway(struct session *s, const char *url, const char *usergroup);

#endif
