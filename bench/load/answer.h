/* SPDX-License-Identifier: ISC */
/*
 * Reading one HTTP answer of the gateway (head and body) from the front of
 * a session's receive buffer, resumably: call again as bytes arrive. The
 * gateways frame auth answers with Content-Length and a CONNECT answer has
 * no body, so chunked and until-close bodies are refused rather than
 * carried as code nobody runs.
 *
 * Ownership: the views in resp and *out_body borrow from the buffer given;
 * they are valid until its bytes are consumed.
 */
#ifndef LOAD_ANSWER_H
#define LOAD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/http/response.h"

struct load_answer {
	struct http_response resp;
	bool has_head;
	size_t head_len;
	const char *why; /* static reason after PARSE_INVALID */
};

/* Ready for the answer to a request_method request ("POST", "CONNECT"). */
void load_answer_init(struct load_answer *a, const char *request_method);

/*
 * PARSE_DONE once head and body are all in data[0..len): *out_body and
 * *out_body_len give the body, *out_consumed the bytes the whole answer
 * took. PARSE_NEED_MORE, or PARSE_INVALID with a->why.
 */
enum parse_result load_answer_read(struct load_answer *a, const uint8_t *data, size_t len,
				   const uint8_t **out_body, size_t *out_body_len,
				   size_t *out_consumed);

#endif
