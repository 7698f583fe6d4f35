/* SPDX-License-Identifier: ISC */
/*
 * The requests of phases 2-5 with the headers real clients send
 * (PROTOCOL.md §2.2, §6.1): the aggregate-auth POSTs and GETs with Accept,
 * Accept-Encoding, X-Transcend-Version, X-Aggregate-Auth and the X-Pad that
 * hides the password length; never X-AnyConnect-Platform (newer ASAs
 * refuse it). Written into the caller's writer; its sticky error says
 * whether the request fit.
 */
#ifndef CLIENT_REQUEST_H
#define CLIENT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "client/cookies.h"
#include "lib/base/buf.h"

/* Ours, when --useragent is not given: it starts with "AnyConnect" (ASAs require it). */
#define REQUEST_DEFAULT_USERAGENT "AnyConnect-compatible sslgate VPN Agent v0.1.0"

/* What every request of a session carries. Borrowed. */
struct request_common {
	const char *host;       /* Host header value: host, or host:port when not 443 */
	const char *useragent;
	const struct cookie_jar *jar; /* may be NULL */
	bool is_aggregate;      /* XML POST protocol: X-Aggregate-Auth: 1 */
};

/* A POST of an XML body (init, auth-reply), padded as openconnect pads it. */
void request_post_xml(struct buf_writer *w, const struct request_common *c, const char *path,
		      const void *body, size_t body_len);

/* A POST of a form-encoded body (legacy login). */
void request_post_form(struct buf_writer *w, const struct request_common *c, const char *path,
		       const void *body, size_t body_len);

/* A GET (legacy login page, downloader). */
void request_get(struct buf_writer *w, const struct request_common *c, const char *path);

/* X-Pad length for a body: Content-Length + pad is a multiple of 64, pad 1..64. */
size_t request_pad_len(size_t body_len);

#endif
