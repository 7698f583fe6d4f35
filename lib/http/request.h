/* SPDX-License-Identifier: ISC */
/*
 * Parsing an HTTP/1.x request head from a byte buffer, resumably: feed the
 * buffer again each time more bytes arrive (the bytes already given must not
 * change, the buffer may move). The gateway reads every phase-2..5 request
 * with it: auth POSTs, downloader GETs, CONNECT /CSCOSSLC/tunnel.
 *
 * Ownership: struct http_request owns nothing. After PARSE_DONE its views
 * (method, target, headers) borrow from the buffer last passed in and stay
 * valid until that buffer is reused; copy what must live longer.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"
#include "lib/base/strview.h"
#include "lib/http/message.h"

struct http_request {
	/* Set by http_request_init(); how far the head was scanned. */
	struct http_limits limits;
	size_t scanned;

	/* Filled by PARSE_DONE. */
	struct str_view method;      /* case-sensitive token, e.g. "CONNECT" */
	struct str_view target;      /* as sent: "/", "/auth", "/CSCOSSLC/tunnel" */
	int minor_version;           /* 0 or 1 */
	struct http_headers headers;
	struct http_body body;       /* NONE, LENGTH or CHUNKED */
	bool wants_close;            /* no keep-alive after this exchange */

	/* Filled by PARSE_INVALID. */
	struct http_error error;
};

/* Ready to parse one request; limits NULL takes http_limits_init()'s. */
void http_request_init(struct http_request *req, const struct http_limits *limits);

/*
 * Parses the head at the start of data[0..len).
 * PARSE_DONE: the head is *out_consumed bytes long; the body (req->body)
 * starts right after it. PARSE_NEED_MORE: call again with more bytes.
 * PARSE_INVALID: req->error says why; answer req->error.status and close.
 *
 * Besides the shared head rules (lib/http/message.h) a request may not carry
 * two Host headers, nor a body on CONNECT: the bytes after a CONNECT head
 * belong to the tunnel. A missing Host is left for the caller to judge.
 */
enum parse_result http_request_parse(struct http_request *req,
				     size_t *out_consumed,
				     const void *data, size_t len);

#endif
