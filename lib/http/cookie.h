/* SPDX-License-Identifier: ISC */
/*
 * Cookies as the AnyConnect protocol uses them (PROTOCOL.md section 2.4):
 * reading a Cookie header (gateway: find "webvpn" on CONNECT), reading a
 * Set-Cookie line well enough to tell "set" from "cleared" (client), and
 * writing both the way ocserv does, attribute spelling and order included.
 *
 * Cookie values are session secrets. Nothing here copies them: parsed views
 * borrow from the caller's buffer and writers write into the caller's
 * buffer, so wiping those (buf_wipe) is the caller's job.
 */
#ifndef HTTP_COOKIE_H
#define HTTP_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/base/strview.h"
#include "lib/http/message.h"

/* What ocserv writes in the expires attribute of a cookie it clears. */
#define HTTP_COOKIE_EXPIRED_DATE "Thu, 01 Jan 1970 22:00:00 GMT"

struct http_cookie {
	struct str_view name;
	struct str_view value;
};

/*
 * The next "name=value" of a Cookie header value ("a=b; c=d"); *rest
 * shrinks. 0, VPN_ERR_NOT_FOUND past the last one, or VPN_ERR_INVALID for a
 * pair with no '=' or an empty name.
 */
int http_cookie_next(struct str_view *rest, struct http_cookie *out);

/*
 * The value of cookie name (case-sensitive) over every Cookie header.
 * 0, VPN_ERR_NOT_FOUND, or VPN_ERR_INVALID when a header is malformed or
 * the name comes twice with different values: which one counts would be a
 * guess, and a session cookie is not something to guess about.
 */
int http_cookie_find(const struct http_headers *h, const char *name,
		     struct str_view *out);

/* "Cookie: a=b; c=d" CRLF from n >= 1 cookies. */
void http_cookie_write(struct buf_writer *w, const struct http_cookie *cookies,
		       size_t n);

/* One Set-Cookie line; views borrow from the parsed header value. */
struct http_set_cookie {
	struct str_view name;
	struct str_view value;
	struct str_view expires;   /* the date text; empty when absent */
	struct str_view path;      /* empty when absent */
	bool has_max_age;
	int64_t max_age;           /* seconds; 0 or less clears */
	bool has_expires_time;     /* expires parsed as a date */
	int64_t expires_time;      /* seconds since 1970, UTC */
	bool is_secure;
	bool is_http_only;
};

/*
 * Parses a Set-Cookie header value. Unknown attributes (Domain, SameSite)
 * and ones with unreadable values are skipped, as RFC 6265 says; only a
 * missing '=' or an empty or non-token name is VPN_ERR_INVALID.
 */
int http_set_cookie_parse(struct http_set_cookie *out, struct str_view line);

/*
 * Whether the line removes the cookie at time now (seconds since 1970): an
 * empty value (openconnect drops such cookies too), Max-Age <= 0, or without
 * Max-Age an expires date not after now.
 */
bool http_set_cookie_is_cleared(const struct http_set_cookie *c, int64_t now);

/*
 * "Set-Cookie: name=value[; expires=D][; Max-Age=N][; path=P][; Secure]
 * [; HttpOnly]" CRLF, ocserv's attribute order and spelling.
 */
void http_set_cookie_write(struct buf_writer *w, const struct http_set_cookie *c);

/* ocserv's clearing line: "name=; expires=<epoch>; [path=P; ]Secure; HttpOnly". */
void http_set_cookie_write_cleared(struct buf_writer *w, const char *name,
				   const char *path);

#endif
