/* SPDX-License-Identifier: ISC */
/*
 * The client's cookie jar for phases 2-4: what the gateway set with
 * Set-Cookie (webvpncontext between auth rounds, webvpn, webvpnc) and sends
 * back on every request. Parsing and writing are lib/http/cookie.h's; this
 * only keeps the values. A cleared cookie (empty value, expired) is dropped.
 *
 * The jar owns copies of names and values and wipes values on release:
 * webvpn is the session cookie.
 */
#ifndef CLIENT_COOKIES_H
#define CLIENT_COOKIES_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/http/message.h"

#define COOKIES_MAX 16
#define COOKIES_VALUE_MAX 4096

struct cookie_jar {
	struct {
		char *name;
		char *value;
	} items[COOKIES_MAX];
	size_t count;
};

void cookies_init(struct cookie_jar *jar);
void cookies_cleanup(struct cookie_jar *jar);

/*
 * Takes every Set-Cookie line of an answer into the jar, at time now
 * (seconds since 1970, for expiry). Lines that do not parse are skipped, as
 * browsers do. 0, VPN_ERR_NOMEM or VPN_ERR_TOO_BIG (too many cookies).
 */
int cookies_update(struct cookie_jar *jar, const struct http_headers *h, int64_t now);

/* Sets one cookie directly (--cookie, a session-token); value NULL removes it. */
int cookies_set(struct cookie_jar *jar, const char *name, const char *value);

/* The value of a cookie, or NULL. */
const char *cookies_get(const struct cookie_jar *jar, const char *name);

/* "Cookie: a=b; c=d" CRLF, or nothing when the jar is empty. */
void cookies_write_header(struct buf_writer *w, const struct cookie_jar *jar);

#endif
