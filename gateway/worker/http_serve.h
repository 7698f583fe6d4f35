/* SPDX-License-Identifier: ISC */
/*
 * The AUTH phase's input handler: cuts HTTP/1.1 requests out of s->in
 * (head, then a Content-Length body), sends malformed ones away with a
 * clear status, and hands good ones to the route that serves their method
 * and path: the login dialogue, the downloader, or CONNECT.
 */
#ifndef GATEWAY_WORKER_HTTP_SERVE_H
#define GATEWAY_WORKER_HTTP_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/strview.h"
#include "lib/http/request.h"

struct session;

/* One request, valid while its handler runs (views borrow from s->in). */
struct http_exchange {
	const struct http_request *req;
	struct str_view path;        /* target without the query */
	struct str_view query;
	const uint8_t *body;
	size_t body_len;
};

/* Largest request body: an aggregate-auth document (lib/auth's bound). */
#define HTTP_SERVE_MAX_BODY (64 * 1024)

void http_serve_input(struct session *s);
/* Frees the request parser state (leaving AUTH, or the session ending). */
void http_serve_release(struct session *s);

#endif
