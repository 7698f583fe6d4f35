/* SPDX-License-Identifier: ISC */
/*
 * HTTP answers of the gateway, queued on a session: documents, the error
 * statuses with their exact real-peer shapes where clients depend on them
 * (PROTOCOL.md §2.5), and the connection handling that goes with each.
 */
#ifndef GATEWAY_WORKER_REPLY_H
#define GATEWAY_WORKER_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/buf.h"

struct session;

/* Head lines a caller adds to a 200 (Set-Cookie ...), CRLF-terminated, already built. */
struct reply_extra {
	const char *lines;
	size_t len;
};

/*
 * "HTTP/1.1 200 OK" with the body; content_type may be NULL. has_secret
 * marks answers that carry a cookie, so their buffers are wiped. When the
 * client asked for Connection: close, the session closes after it.
 */
void reply_ok(struct session *s, const char *content_type, const struct reply_extra *extra,
	      const void *body, size_t body_len, bool has_secret);

/* An error status with a short text body, then close (the request was bad or refused). */
void reply_error(struct session *s, int status, const char *reason);

/* ocserv's 404, then close. */
void reply_not_found(struct session *s);

/* "HTTP/1.1 401 Cookie is not acceptable" and nothing else, then close. */
void reply_bad_cookie(struct session *s);

/* "HTTP/1.1 401 Authentication failed", Content-Length 0, then close. */
void reply_auth_failed(struct session *s, const char *why);

/* "503 Service Unavailable" with X-Reason (openconnect prints it), then close. */
void reply_unavailable(struct session *s, const char *why);

/* The standard reason phrase of a status ("Bad Request"); "Error" when unknown. */
const char *reply_reason(int status);

#endif
