/* SPDX-License-Identifier: ISC */
/* Response heads: the status line, the shared header rules, body framing. */
#include "lib/http/response.h"

#include <string.h>

#include "lib/http/message_internal.h"

void http_response_init(struct http_response *resp,
			const struct http_limits *limits,
			const char *request_method)
{
	memset(resp, 0, sizeof(*resp));
	if (limits)
		resp->limits = *limits;
	else
		http_limits_init(&resp->limits);
	resp->is_to_head = request_method && strcmp(request_method, "HEAD") == 0;
	resp->is_to_connect = request_method && strcmp(request_method, "CONNECT") == 0;
}

void http_response_init_room(struct http_response *resp,
			     const struct http_limits *limits,
			     const char *request_method,
			     struct header_view *room, size_t room_len)
{
	http_response_init(resp, limits, request_method);
	resp->headers.room = room;
	resp->headers.room_len = room ? room_len : 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* HTTP-version SP 3DIGIT [SP reason-phrase] */
static int status_line(struct http_response *resp, struct str_view line)
{
	const char *s = line.ptr;
	struct str_view version = { s, line.len < 8 ? line.len : 8 };
	int rc;

	rc = http_version_parse(&resp->minor_version, &resp->error, version);
	if (rc != 0)
		return rc;
	if (line.len < 12 || s[8] != ' ' || !is_digit(s[9]) ||
	    !is_digit(s[10]) || !is_digit(s[11]) ||
	    (line.len > 12 && s[12] != ' '))
		return http_fail(&resp->error, 400, "malformed status line");
	resp->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (resp->status < 100 || resp->status > 599)
		return http_fail(&resp->error, 400, "status code out of range");
	resp->reason.ptr = s + (line.len > 12 ? 13 : 12);
	resp->reason.len = line.len > 12 ? line.len - 13 : 0;
	return 0;
}

/* RFC 9112 section 6.3, in its order; length headers are not read when moot. */
static int framing(struct http_response *resp)
{
	int status = resp->status;
	int rc;

	if (resp->is_to_connect && status >= 200 && status < 300) {
		resp->body.kind = HTTP_BODY_TUNNEL;
		return 0;
	}
	if (resp->is_to_head || status < 200 || status == 204 || status == 304) {
		resp->body.kind = HTTP_BODY_NONE;
		return 0;
	}
	rc = http_body_framing(&resp->body, &resp->error, &resp->headers,
			       resp->minor_version, resp->limits.max_body);
	if (rc == 0 && resp->body.kind == HTTP_BODY_NONE)
		resp->body.kind = HTTP_BODY_UNTIL_CLOSE;
	return rc;
}

enum parse_result http_response_parse(struct http_response *resp,
				      size_t *out_consumed,
				      const void *data, size_t len)
{
	const char *p = data;
	size_t head_len = 0, pos = 0;
	struct str_view line;
	enum parse_result r;

	*out_consumed = 0;
	r = http_head_scan(&resp->scanned, &head_len, &resp->error, p, len,
			   resp->limits.max_head);
	if (r != PARSE_DONE)
		return r;
	if (http_head_line(&line, &resp->error, p, head_len, &pos,
			   resp->limits.max_line, 400) != 0 ||
	    status_line(resp, line) != 0 ||
	    http_head_fields(&resp->headers, &resp->error, p, head_len, pos,
			     &resp->limits) != 0 ||
	    framing(resp) != 0)
		return PARSE_INVALID;
	resp->wants_close = resp->body.kind == HTTP_BODY_UNTIL_CLOSE ||
			    http_wants_close(&resp->headers, resp->minor_version);
	*out_consumed = head_len;
	return PARSE_DONE;
}
