/* SPDX-License-Identifier: ISC */
/* Building and queueing the gateway's HTTP answers. */
#include "gateway/worker/reply.h"

#include <stdio.h>

#include "gateway/worker/session.h"
#include "lib/http/write.h"

/* A head: status line and a few headers (the body is queued separately). */
#define HEAD_MAX 4096

static const struct {
	int status;
	const char *reason;
} reasons[] = {
	{ 200, "OK" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 411, "Length Required" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 503, "Service Unavailable" },
	{ 505, "HTTP Version Not Supported" },
};

const char *reply_reason(int status)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Error";
}

static void send_head(struct session *s, struct buf_writer *w, bool has_secret)
{
	if (buf_writer_error(w) != 0) {
		buf_wipe(w->data, w->cap);
		session_close(s, "answer did not fit its buffer");
		return;
	}
	session_send_bytes(s, w->data, w->len, has_secret);
	if (has_secret)
		buf_wipe(w->data, w->len);
}

void reply_ok(struct session *s, const char *content_type, const struct reply_extra *extra,
	      const void *body, size_t body_len, bool has_secret)
{
	uint8_t head[HEAD_MAX];
	struct buf_writer w;

	buf_writer_init(&w, head, sizeof(head));
	http_write_status_line(&w, 200, "OK");
	if (s->auth.is_last_request)
		http_write_header(&w, "Connection", "close");
	if (content_type)
		http_write_header(&w, "Content-Type", content_type);
	/* ocserv's auth answers carry it; harmless for the rest. */
	http_write_header(&w, "X-Transcend-Version", "1");
	if (extra && extra->len)
		buf_write_bytes(&w, extra->lines, extra->len);
	http_write_headerf(&w, "Content-Length", "%zu", body_len);
	http_write_end(&w);
	send_head(s, &w, has_secret);
	if (body_len && s->phase != SESSION_PHASE_CLOSING)
		session_send_bytes(s, body, body_len, has_secret);
	if (s->auth.is_last_request)
		session_close(s, "request served (Connection: close)");
}

void reply_error(struct session *s, int status, const char *reason)
{
	uint8_t head[HEAD_MAX];
	char body[256];
	struct buf_writer w;
	int n;

	n = snprintf(body, sizeof(body), "%d %s: %s\n", status, reply_reason(status), reason);
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	buf_writer_init(&w, head, sizeof(head));
	http_write_status_line(&w, status, reply_reason(status));
	http_write_header(&w, "Content-Type", "text/plain");
	http_write_header(&w, "Connection", "close");
	http_write_body(&w, body, (size_t)n);
	send_head(s, &w, false);
	session_close(s, reason);
}

void reply_not_found(struct session *s)
{
	/* ocserv's exact answer (lower-case "Content-length" included). */
	static const char text[] =
		"HTTP/1.1 404 Not found\r\n"
		"Content-length: 50\r\n"
		"Connection: close\r\n"
		"\r\n"
		"<html><body><h1>404 Not Found</h1></body></html>\r\n";

	session_send_bytes(s, text, sizeof(text) - 1, false);
	session_close(s, "unknown URL");
}

void reply_bad_cookie(struct session *s)
{
	static const char text[] = "HTTP/1.1 401 Cookie is not acceptable\r\n\r\n";

	session_send_bytes(s, text, sizeof(text) - 1, false);
	session_close(s, "cookie not acceptable");
}

void reply_auth_failed(struct session *s, const char *why)
{
	static const char text[] = "HTTP/1.1 401 Authentication failed\r\nContent-Length: 0\r\n\r\n";

	session_send_bytes(s, text, sizeof(text) - 1, false);
	session_close(s, why);
}

void reply_unavailable(struct session *s, const char *why)
{
	uint8_t head[HEAD_MAX];
	struct buf_writer w;

	buf_writer_init(&w, head, sizeof(head));
	http_write_status_line(&w, 503, reply_reason(503));
	http_write_header(&w, "X-Reason", why);
	http_write_header(&w, "Connection", "close");
	http_write_body(&w, NULL, 0);
	send_head(s, &w, false);
	session_close(s, why);
}
