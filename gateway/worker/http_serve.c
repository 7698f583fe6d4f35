/* SPDX-License-Identifier: ISC */
/* Requests in the AUTH phase: framing, rejection of malformed ones, routing. */
#include "gateway/worker/http_serve.h"

#include <stdlib.h>
#include <string.h>

#include "gateway/worker/deadline.h"
#include "gateway/worker/downloader.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/on_auth.h"
#include "gateway/worker/on_connect.h"
#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/session_io.h"
#include "lib/base/buf.h"
#include "lib/base/log.h"
#include "lib/http/url.h"

/* Points a malformed request costs its source with authd. */
#define BAD_HTTP_POINTS 10

struct route {
	const char *method;
	bool (*matches)(const struct session *s, struct str_view path);
	void (*serve)(struct session *s, const struct http_exchange *x);
};

static bool is_tunnel_path(const struct session *s, struct str_view path)
{
	(void)s;
	/* ocserv also takes it without the slash, which one vendor's client sends. */
	return str_view_eq(path, "/CSCOSSLC/tunnel") || str_view_eq(path, "CSCOSSLC/tunnel");
}

static bool any_path(const struct session *s, struct str_view path)
{
	(void)s;
	(void)path;
	return true;
}

/* In table order: the first match serves the request. */
static const struct route routes[] = {
	{ "CONNECT", is_tunnel_path, connect_on_request },
	{ "GET", download_matches, download_on_request },
	{ "GET", auth_matches_get, auth_on_get },
	{ "POST", any_path, auth_on_post },
};

static void route(struct session *s, const struct http_exchange *x)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!str_view_eq(x->req->method, routes[i].method) || !routes[i].matches(s, x->path))
			continue;
		routes[i].serve(s, x);
		return;
	}
	log_info("%s: %.*s %.*s: not found", s->label, (int)x->req->method.len,
		 x->req->method.ptr, (int)x->path.len, x->path.ptr);
	s->is_close_logged = true;
	reply_not_found(s);
}

static void reject(struct session *s, int status, const char *reason)
{
	log_warn("%s: bad HTTP request: %s", s->label, reason);
	s->is_close_logged = true;
	worker_report_bad_request(s, BAD_HTTP_POINTS);
	reply_error(s, status, reason);
}

/* Parses one request at the start of s->in; true when one was served. */
static bool serve_one(struct session *s)
{
	struct http_exchange x;
	size_t head_len = 0, held;
	enum parse_result r;

	if (!s->http) {
		struct http_limits limits;

		s->http = malloc(sizeof(*s->http));
		if (!s->http) {
			session_close(s, "out of memory for a request");
			return false;
		}
		http_limits_init(&limits);
		limits.max_body = HTTP_SERVE_MAX_BODY;
		http_request_init(s->http, &limits);
	}
	r = http_request_parse(s->http, &head_len, s->in.data, s->in.len);
	if (r == PARSE_NEED_MORE) {
		deadline_request_pending(s);
		return false;
	}
	if (r == PARSE_INVALID) {
		reject(s, s->http->error.status, s->http->error.reason);
		return false;
	}
	if (s->http->body.kind == HTTP_BODY_CHUNKED) {
		/* Neither real client sends one; refusing keeps one body path to get right. */
		reject(s, 411, "chunked request bodies are not accepted");
		return false;
	}
	memset(&x, 0, sizeof(x));
	x.req = s->http;
	if (s->http->body.kind == HTTP_BODY_LENGTH) {
		size_t total = head_len + (size_t)s->http->body.length;

		if (session_in_reserve(s, total) != 0) {
			reject(s, 413, "request body too large");
			return false;
		}
		if (s->in.len < total) {
			deadline_request_pending(s);
			return false;
		}
		x.body = s->in.data + head_len;
		x.body_len = (size_t)s->http->body.length;
	}
	deadline_request_done(s);
	http_url_split_target(s->http->target, &x.path, &x.query);
	s->auth.is_last_request = s->http->wants_close;
	held = s->in.len;
	route(s, &x);
	session_in_consume(s, head_len + x.body_len);
	/* A login's password and a CONNECT's cookie: nothing reads a served
	 * request again, and what consume leaves behind would stay until
	 * overwritten (or be freed with the session, unwiped). */
	if (s->in.len < held)
		buf_wipe(s->in.data + s->in.len, held - s->in.len);
	/* The next request starts a new parse (and CONNECT ends the phase). */
	if (s->http) {
		struct http_limits limits = s->http->limits;

		http_request_init(s->http, &limits);
	}
	return true;
}

void http_serve_input(struct session *s)
{
	while (s->phase == SESSION_PHASE_AUTH && s->wait == SESSION_WAIT_NONE && s->in.len > 0)
		if (!serve_one(s))
			return;
}

void http_serve_release(struct session *s)
{
	free(s->http);
	s->http = NULL;
}
