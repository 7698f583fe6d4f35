/* SPDX-License-Identifier: ISC */
/*
 * A full aggregate-auth login, the way openconnect 9.01 does it against a
 * gateway that asks for a group, a username and then a password: init,
 * init again with the group chosen, then an auth-reply per form, until the
 * gateway's "complete" hands over the webvpn session cookie.
 *
 * Ownership: struct load_auth owns the cookies it keeps (wiped by
 * load_auth_cleanup); it borrows the config, which outlives every session.
 */
#ifndef LOAD_AUTH_H
#define LOAD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/http/response.h"

#define LOAD_COOKIE_MAX 512
/* Answers a login may take before it is called a loop. */
#define LOAD_AUTH_ROUNDS_MAX 8

struct load_auth_cfg {
	const char *host;     /* Host header and the URLs in the documents */
	const char *user;
	const char *password; /* a secret; owned by main */
	const char *group;    /* chosen from the gateway's group list; NULL: none */
};

struct load_auth {
	unsigned rounds;
	bool has_sent_group;
	char context[LOAD_COOKIE_MAX]; /* webvpncontext: ties the rounds together */
	char webvpn[LOAD_COOKIE_MAX];  /* the session cookie, once logged in */
};

enum load_auth_next {
	LOAD_AUTH_SENT,   /* the next request is in the writer */
	LOAD_AUTH_DONE,   /* logged in: a->webvpn holds the cookie */
	LOAD_AUTH_FAILED, /* *out_why says why */
};

void load_auth_init(struct load_auth *a);
void load_auth_cleanup(struct load_auth *a);

/* The first request (init to "/"); 0 or a writer error. */
int load_auth_first(struct load_auth *a, const struct load_auth_cfg *cfg,
		    struct buf_writer *w);

/* Takes one answer (head and body) and writes the next request into w. */
enum load_auth_next load_auth_on_answer(struct load_auth *a, const struct load_auth_cfg *cfg,
					const struct http_response *resp,
					const uint8_t *body, size_t body_len,
					struct buf_writer *w, const char **out_why);

#endif
