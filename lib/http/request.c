/* SPDX-License-Identifier: ISC */
/* Request heads: the request line, then the shared header rules. */
#include "lib/http/request.h"

#include <string.h>

#include "lib/http/headers.h"
#include "lib/http/message_internal.h"

void http_request_init(struct http_request *req, const struct http_limits *limits)
{
	memset(req, 0, sizeof(*req));
	if (limits)
		req->limits = *limits;
	else
		http_limits_init(&req->limits);
}

/* The bytes up to the next space (or the end), advancing *line past it. */
static struct str_view take_word(struct str_view *line)
{
	const char *sp = memchr(line->ptr, ' ', line->len);
	struct str_view word = { line->ptr, sp ? (size_t)(sp - line->ptr) : line->len };

	line->ptr += sp ? word.len + 1 : word.len;
	line->len -= sp ? word.len + 1 : word.len;
	return word;
}

static bool is_method(struct str_view v)
{
	for (size_t i = 0; i < v.len; i++)
		if (!http_is_tchar((unsigned char)v.ptr[i]))
			return false;
	return v.len > 0;
}

/*
 * Any visible ASCII: the form is the caller's business, since ocserv takes
 * "CSCOSSLC/tunnel" without its slash from one vendor's client.
 */
static bool is_target(struct str_view v)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] <= ' ' || v.ptr[i] >= 0x7f)
			return false;
	return v.len > 0;
}

/* method SP request-target SP HTTP-version, single spaces only. */
static int request_line(struct http_request *req, struct str_view line)
{
	req->method = take_word(&line);
	if (!is_method(req->method))
		return http_fail(&req->error, 400, "malformed method");
	req->target = take_word(&line);
	if (!is_target(req->target))
		return http_fail(&req->error, 400, "malformed request target");
	if (memchr(line.ptr, ' ', line.len))
		return http_fail(&req->error, 400, "malformed request line");
	return http_version_parse(&req->minor_version, &req->error, line);
}

static int request_rules(struct http_request *req)
{
	const struct http_body *b = &req->body;

	/* Two Hosts can route one request two ways on two hops. */
	if (http_headers_count(&req->headers, "Host") > 1)
		return http_fail(&req->error, 400, "duplicate Host");
	if (str_view_eq(req->method, "CONNECT")) {
		if (b->kind == HTTP_BODY_CHUNKED ||
		    (b->kind == HTTP_BODY_LENGTH && b->length > 0))
			return http_fail(&req->error, 400, "body on CONNECT");
		req->body.kind = HTTP_BODY_NONE;
	}
	return 0;
}

enum parse_result http_request_parse(struct http_request *req,
				     size_t *out_consumed,
				     const void *data, size_t len)
{
	const char *p = data;
	size_t head_len = 0, pos = 0;
	struct str_view line;
	enum parse_result r;

	*out_consumed = 0;
	r = http_head_scan(&req->scanned, &head_len, &req->error, p, len,
			   req->limits.max_head);
	if (r != PARSE_DONE)
		return r;
	if (http_head_line(&line, &req->error, p, head_len, &pos,
			   req->limits.max_line, 414) != 0 ||
	    request_line(req, line) != 0 ||
	    http_head_fields(&req->headers, &req->error, p, head_len, pos,
			     &req->limits) != 0 ||
	    http_body_framing(&req->body, &req->error, &req->headers,
			      req->minor_version, req->limits.max_body) != 0 ||
	    request_rules(req) != 0)
		return PARSE_INVALID;
	req->wants_close = http_wants_close(&req->headers, req->minor_version);
	*out_consumed = head_len;
	return PARSE_DONE;
}
