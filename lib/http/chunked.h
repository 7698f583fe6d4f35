/* SPDX-License-Identifier: ISC */
/*
 * A resumable decoder for "Transfer-Encoding: chunked" bodies that works in
 * place, as picohttpparser's phr_decode_chunked does: give it whatever bytes
 * arrived, it moves the body bytes among them to the front and remembers
 * where it stopped inside the chunk framing. Neither real peer sends chunked
 * bodies; this exists because HTTP/1.1 allows them and a fronting proxy may.
 *
 * Bounds: the whole body (sum of chunk sizes) by max_body, a chunk-size line
 * with its extensions by HTTP_CHUNKED_LINE_MAX, the trailer section by
 * HTTP_CHUNKED_TRAILER_MAX. Lines end in CRLF only, as in heads.
 */
#ifndef HTTP_CHUNKED_H
#define HTTP_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define HTTP_CHUNKED_LINE_MAX 1024
#define HTTP_CHUNKED_TRAILER_MAX 8192

/* Decoder state; caller-owned storage, nothing to clean up. */
struct http_chunked {
	int state;          /* private: where in the framing the input stopped */
	uint64_t size;      /* chunk-size being read, then data left in it */
	uint64_t total;     /* body bytes so far */
	uint64_t max_body;
	size_t line_len;    /* bytes of the current size line or of the trailer */
	unsigned digits;
};

void http_chunked_init(struct http_chunked *dec, uint64_t max_body);

/*
 * Decodes buf[0..len) in place. The body bytes found are moved to
 * buf[0..*out_len); *out_consumed input bytes were used up.
 * PARSE_NEED_MORE: all len bytes were consumed; call again with the next
 * ones. PARSE_DONE: the body ended (last chunk and trailers);
 * buf[*out_consumed..len) is whatever follows it, left untouched.
 * PARSE_INVALID: never valid; the decoder stays in that state.
 */
enum parse_result http_chunked_decode(struct http_chunked *dec, size_t *out_len,
				      size_t *out_consumed, void *buf, size_t len);

#endif
