/* SPDX-License-Identifier: ISC */
/*
 * One request/answer of the login phases and what the answer means: the
 * cookies it sets, its status (200, the 401 of a refused login, a
 * redirect), and the aggregate-auth document in its body, which a child
 * process parses (client/auth_parser.h).
 */
#ifndef CLIENT_AUTH_EXCHANGE_H
#define CLIENT_AUTH_EXCHANGE_H

#include "client/session.h"

enum auth_answer {
	AUTH_ANSWER_DOC,      /* 200 and a document: s->auth.doc */
	AUTH_ANSWER_REFUSED,  /* 401/403: the gateway refused the login */
	AUTH_ANSWER_NOT_XML,  /* not an aggregate-auth answer: try the legacy login */
	AUTH_ANSWER_FAILED,   /* connection or protocol failure, already logged */
};

/* "https://host[:port]" + path, for <group-access>. */
void auth_exchange_url(const struct session *s, const char *path, char *out, size_t out_len);

/* POSTs doc (XML, or a form body in legacy mode) to path and reads the answer. */
enum auth_answer auth_exchange_post(struct session *s, const struct auth_doc *doc,
				    const char *path);

/* GETs path (the legacy login page) and reads the answer. */
enum auth_answer auth_exchange_get(struct session *s, const char *path);

/*
 * The login is over: ends the process that parses the gateway's documents
 * (client/auth_parser.h). The next exchange starts a new one.
 */
void auth_exchange_end_login(struct session *s);

#endif
