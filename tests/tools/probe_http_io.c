/* SPDX-License-Identifier: ISC */
/* Reading one HTTP answer with lib/http's response parser, within the deadline. */
#include <string.h>

#include "lib/http/message.h"
#include "lib/http/response.h"
#include "tests/tools/probe_net.h"

static void copy_view(char *out, size_t cap, struct str_view v)
{
	size_t n = v.len < cap - 1 ? v.len : cap - 1;

	memcpy(out, v.ptr, n);
	out[n] = '\0';
}

static void take_head(struct probe_http_answer *out, const struct http_response *resp,
		      const uint8_t *buf, size_t head_len)
{
	out->status = resp->status;
	copy_view(out->reason, sizeof(out->reason), resp->reason);
	for (size_t i = 0; i < resp->headers.count; i++)
		if (str_view_eq_nocase(resp->headers.items[i].name, "X-Reason"))
			copy_view(out->x_reason, sizeof(out->x_reason), resp->headers.items[i].value);
	copy_view(out->headers, sizeof(out->headers),
		  (struct str_view){ (const char *)buf, head_len });
}

/* The body (Content-Length only) and whatever follows, both bounded. */
static void take_rest(struct probe_conn *c, struct probe_http_answer *out,
		      const struct http_response *resp, uint8_t *buf, size_t have, size_t cap)
{
	size_t want = 0;

	if (resp->body.kind == HTTP_BODY_LENGTH)
		want = resp->body.length < sizeof(out->body) ? (size_t)resp->body.length :
		       sizeof(out->body);
	while (have < want && have < cap) {
		ssize_t n = probe_recv(c, buf + have, cap - have, probe_left_ms(c));

		if (n <= 0)
			break;
		have += (size_t)n;
	}
	if (want > have)
		want = have;
	memcpy(out->body, buf, want);
	out->body_len = want;
	out->extra_len = have - want < sizeof(out->extra) ? have - want : sizeof(out->extra);
	memcpy(out->extra, buf + want, out->extra_len);
}

int probe_http_read(struct probe_conn *c, const char *request_method,
		    struct probe_http_answer *out)
{
	static const size_t cap = 64 * 1024;
	uint8_t buf[64 * 1024];
	size_t len = 0, head_len = 0;
	struct http_response resp;
	enum parse_result pr = PARSE_NEED_MORE;

	memset(out, 0, sizeof(*out));
	http_response_init(&resp, NULL, request_method);
	while (pr == PARSE_NEED_MORE && len < cap) {
		ssize_t n = probe_recv(c, buf + len, cap - len, probe_left_ms(c));

		if (n <= 0)
			return -1;
		len += (size_t)n;
		pr = http_response_parse(&resp, &head_len, buf, len);
	}
	if (pr != PARSE_DONE) {
		c->r->outcome = PROBE_ERROR;
		probe_result_detail(c->r, "unparsable answer: %s",
				    pr == PARSE_INVALID ? resp.error.reason : "too long");
		return -1;
	}
	take_head(out, &resp, buf, head_len);
	memmove(buf, buf + head_len, len - head_len);
	take_rest(c, out, &resp, buf, len - head_len, cap);
	c->r->outcome = PROBE_HTTP;
	c->r->status = out->status;
	memcpy(c->r->reason, out->reason, sizeof(c->r->reason));
	if (out->x_reason[0])
		probe_result_add(c->r, "x_reason", "%s", out->x_reason);
	return 0;
}
