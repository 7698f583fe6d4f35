/* SPDX-License-Identifier: ISC */
/*
 * Parsing an HTTP/1.x response head from a byte buffer, resumably, with the
 * same contract as lib/http/request.h. The client reads every gateway answer
 * with it; the body framing depends on the request it answers, which is why
 * the method is given at init: a 2xx to CONNECT has no body at all, the
 * stream turns into CSTP frames right after the blank line.
 *
 * Ownership: struct http_response owns nothing; after PARSE_DONE its views
 * borrow from the buffer last passed in, and the header list from the room
 * given to http_response_init_room(), if any.
 */
#ifndef HTTP_RESPONSE_H
#define HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"
#include "lib/base/strview.h"
#include "lib/http/message.h"

struct http_response {
	/* Set by http_response_init(). */
	struct http_limits limits;
	size_t scanned;
	bool is_to_head;     /* answers a HEAD: no body whatever it says */
	bool is_to_connect;  /* answers a CONNECT: a 2xx opens the tunnel */

	/* Filled by PARSE_DONE. */
	int minor_version;           /* 0 or 1 */
	int status;                  /* 100..599 */
	struct str_view reason;      /* may be empty */
	struct http_headers headers;
	struct http_body body;       /* any kind but NONE on a 2xx to GET/POST */
	bool wants_close;            /* the gateway will close after this */

	/* Filled by PARSE_INVALID. */
	struct http_error error;
};

/*
 * Ready to parse the answer to a request_method request ("GET", "POST",
 * "HEAD", "CONNECT"); limits NULL takes http_limits_init()'s.
 */
void http_response_init(struct http_response *resp,
			const struct http_limits *limits,
			const char *request_method);

/*
 * The same, with room for room_len header lines (more than the
 * HTTP_HEADERS_MAX inline ones) in the caller's array: the client reads
 * CONNECT answers, one line per split route, this way. A head with more
 * lines than limits->max_headers or room_len is PARSE_INVALID (431). The
 * room is reused by every parse and must outlive the response's use; read
 * the lines through http_headers_lines().
 */
void http_response_init_room(struct http_response *resp,
			     const struct http_limits *limits,
			     const char *request_method,
			     struct header_view *room, size_t room_len);

/*
 * Parses the head at the start of data[0..len): PARSE_DONE with the head's
 * length in *out_consumed, PARSE_NEED_MORE, or PARSE_INVALID (resp->error).
 * A 1xx answer is returned like any other; init again for the final one.
 * Status lines without a reason ("HTTP/1.1 200" or "HTTP/1.1 200 ") pass.
 */
enum parse_result http_response_parse(struct http_response *resp,
				      size_t *out_consumed,
				      const void *data, size_t len);

#endif
