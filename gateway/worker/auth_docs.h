/* SPDX-License-Identifier: ISC */
/*
 * The documents of the login dialogue, in the shape each client class
 * expects (PROTOCOL.md §3.3, §4.3, §4.4): ocserv's for openconnect and
 * unknown clients, the ASA's for Cisco clients, the bare <auth> for
 * openconnect v3 and older. Built with lib/auth into a caller's writer.
 */
#ifndef GATEWAY_WORKER_AUTH_DOCS_H
#define GATEWAY_WORKER_AUTH_DOCS_H

#include <stdbool.h>

#include "lib/base/buf.h"

struct session;

enum auth_docs_form {
	AUTH_DOCS_USERNAME,  /* ocserv's first round: username and the group list */
	AUTH_DOCS_PASSWORD,  /* ocserv's second round: the password only */
	AUTH_DOCS_BOTH,      /* the ASA's one form: username, password, group list */
};

/*
 * An auth-request asking for `form`. message is shown to the user; when
 * is_failure, it reports a failed attempt (ASA: <error id="88">). The group
 * list puts s->auth.group first (or marks it selected), echoing an unknown
 * choice as ocserv does. 0 or a vpn_err.
 */
int auth_docs_request(struct buf_writer *out, const struct session *s, enum auth_docs_form form,
		      const char *message, bool is_failure);

/*
 * The auth-request with <client-cert-request/> (PROTOCOL.md §4.6): the
 * client reconnects presenting its certificate, or answers with
 * <client-cert-fail/>.
 */
int auth_docs_cert_request(struct buf_writer *out, const struct session *s);

/*
 * The complete document for the session authd just vouched for: session-id,
 * session-token (the webvpn cookie), server-cert-hash and the profile
 * manifest. The writer's buffer then holds the cookie: the caller wipes it.
 */
int auth_docs_complete(struct buf_writer *out, const struct session *s);

/* The webvpn cookie of s as sent on the wire (hex); out needs 2 * MSG_COOKIE_LEN + 1. */
void auth_docs_cookie_hex(const struct session *s, char *out);

/*
 * The Set-Cookie lines of a successful login, as ocserv writes them:
 * webvpncontext, webvpn, a cleared webvpnc, then webvpnc with the base URL,
 * the certificate hash and the profile. Secret: the caller wipes out.
 */
void auth_docs_login_cookies(struct buf_writer *out, const struct session *s);

#endif
