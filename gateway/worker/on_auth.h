/* SPDX-License-Identifier: ISC */
/*
 * The login dialogue (PROTOCOL.md §3-4): the init POST and group selection
 * (a new init with group-select switches, a group URL selects), the
 * username and password rounds, asking authd, and the answer: the complete
 * document and the cookies, or the form again with the failure (held back
 * as long as authd says, to slow guessing).
 */
#ifndef GATEWAY_WORKER_ON_AUTH_H
#define GATEWAY_WORKER_ON_AUTH_H

#include <stdbool.h>

#include "gateway/privsep/msg.h"
#include "gateway/worker/http_serve.h"
#include "gateway/worker/session.h"

struct session;

/* GET paths that show the login form: "/", "/auth", "/VPN", or a group URL. */
bool auth_matches_get(const struct session *s, struct str_view path);
/* The legacy entry (§3.4): a GET gets the same first form an init does. */
void auth_on_get(struct session *s, const struct http_exchange *x);
/* Any POST: an XML init or auth-reply, or a legacy form-encoded login. */
void auth_on_post(struct session *s, const struct http_exchange *x);
/* authd answered MSG_AUTH_PASSWORD. */
void auth_on_result(struct session *s, const struct msg_auth_result *m);
/* The delay authd asked for has passed: answer now. */
void auth_on_delay_done(struct session *s);

/* For auth_cert.c: the first form again, as a failure showing message. */
void auth_send_form(struct session *s, const char *message);
/* For auth_cert.c: the password round of the user in s->auth.username. */
void auth_password_round(struct session *s);

/* Records the User-Agent of a request and the client class it implies. */
void auth_note_client(struct session *s, const struct http_request *req);

#endif
