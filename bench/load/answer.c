/* SPDX-License-Identifier: ISC */
/* One gateway answer, head and Content-Length body, from a receive buffer. */
#include "bench/load/answer.h"

#include <string.h>

#include "bench/load/conn.h"

void load_answer_init(struct load_answer *a, const char *request_method)
{
	memset(a, 0, sizeof(*a));
	http_response_init(&a->resp, NULL, request_method);
}

static enum parse_result invalid(struct load_answer *a, const char *why)
{
	a->why = why;
	return PARSE_INVALID;
}

enum parse_result load_answer_read(struct load_answer *a, const uint8_t *data, size_t len,
				   const uint8_t **out_body, size_t *out_body_len,
				   size_t *out_consumed)
{
	uint64_t body_len = 0;

	if (!a->has_head) {
		enum parse_result r = http_response_parse(&a->resp, &a->head_len, data, len);

		if (r == PARSE_INVALID)
			return invalid(a, a->resp.error.reason);
		if (r == PARSE_NEED_MORE)
			return len >= LOAD_CONN_IN_MAX ? invalid(a, "answer head too long") : r;
		a->has_head = true;
	}
	if (a->resp.status >= 300) {
		/* a refusal ends the session whatever its body says; skip it */
		*out_body = data + a->head_len;
		*out_body_len = 0;
		*out_consumed = a->head_len;
		return PARSE_DONE;
	}
	switch (a->resp.body.kind) {
	case HTTP_BODY_NONE:
	case HTTP_BODY_TUNNEL:
		break;
	case HTTP_BODY_LENGTH:
		body_len = a->resp.body.length;
		/* the whole answer must fit the receive buffer to be parsed at once */
		if (body_len > LOAD_CONN_IN_MAX - a->head_len)
			return invalid(a, "answer body too long");
		break;
	default:
		return invalid(a, "answer body not framed by Content-Length");
	}
	if (len - a->head_len < body_len)
		return PARSE_NEED_MORE;
	*out_body = data + a->head_len;
	*out_body_len = (size_t)body_len;
	*out_consumed = a->head_len + (size_t)body_len;
	return PARSE_DONE;
}
