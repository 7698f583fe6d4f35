/* SPDX-License-Identifier: ISC */
/*
 * Pieces the request and response parsers and the writers of lib/http/
 * share; nothing outside this folder includes it.
 */
#ifndef HTTP_MESSAGE_INTERNAL_H
#define HTTP_MESSAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/http/message.h"

/* RFC 9110 token characters (methods, header names). */
bool http_is_tchar(unsigned char c);

/* Fills *err and returns VPN_ERR_INVALID, so a check reads as one line. */
int http_fail(struct http_error *err, int status, const char *reason);

/*
 * Looks for the blank line that ends a head in p[0..len) and checks every
 * byte on the way: CR only before LF, LF only after CR, no control byte but
 * HTAB. *scanned remembers how far earlier calls got (start it at 0), so a
 * head that arrives a byte at a time is scanned in linear time.
 * PARSE_DONE sets *out_head_len to the length up to and including the blank
 * line; past max_head without one is PARSE_INVALID.
 */
enum parse_result http_head_scan(size_t *scanned, size_t *out_head_len,
				 struct http_error *err, const char *p,
				 size_t len, size_t max_head);

/*
 * The line starting at *pos of a head that http_head_scan() accepted, without
 * its CRLF; moves *pos past the CRLF. Checks the line against max_line.
 */
int http_head_line(struct str_view *out, struct http_error *err,
		   const char *head, size_t head_len, size_t *pos,
		   size_t max_line, int status);

/*
 * Header lines from *pos up to the blank line that ends the head (which
 * http_head_scan() guarantees is there).
 */
int http_head_fields(struct http_headers *out, struct http_error *err,
		     const char *head, size_t head_len, size_t pos,
		     const struct http_limits *limits);

/*
 * "HTTP/1.0" or "HTTP/1.1" at the start of v; sets *out_minor. Any other
 * version is refused (505): HTTP/2 never reaches a parser of HTTP/1 heads.
 */
int http_version_parse(int *out_minor, struct http_error *err,
		       struct str_view v);

/*
 * Body framing announced by Content-Length and Transfer-Encoding, checked
 * for the smuggling shapes: differing or malformed lengths, a transfer coding
 * other than plain "chunked", both headers at once, chunked in HTTP/1.0.
 * HTTP_BODY_NONE means neither header was present.
 */
int http_body_framing(struct http_body *out, struct http_error *err,
		      const struct http_headers *h, int minor_version,
		      uint64_t max_body);

/* HTTP/1.0 without keep-alive, or "Connection: close". */
bool http_wants_close(const struct http_headers *h, int minor_version);

/*
 * Marks a writer failed, so a message with a forbidden byte (CR, LF, NUL in
 * a header value) can never be sent: buf_writer_error() then reports it.
 */
void http_writer_poison(struct buf_writer *w);

#endif
