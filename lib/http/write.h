/* SPDX-License-Identifier: ISC */
/*
 * Writing HTTP/1.1 heads and bodies into a struct buf_writer, with CRLF line
 * ends. Names are written exactly as given: openconnect matches CONNECT
 * response header names case-sensitively (X-CSTP-MTU, never X-Cstp-Mtu), and
 * a gateway that copies ocserv copies its spelling too.
 *
 * Like the writer itself these never fail one by one: a message that did
 * not fit, or where a caller passed a byte that would split a line (CR, LF,
 * NUL, other controls) or a name that is not a token, marks the writer
 * failed, and buf_writer_error() reports it once the message is built.
 */
#ifndef HTTP_WRITE_H
#define HTTP_WRITE_H

#include <stddef.h>

#include "lib/base/buf.h"

/* "METHOD target HTTP/1.1" CRLF */
void http_write_request_line(struct buf_writer *w, const char *method,
			     const char *target);

/* "HTTP/1.1 status reason" CRLF; status 100..599, reason may be empty. */
void http_write_status_line(struct buf_writer *w, int status, const char *reason);

/* "name: value" CRLF */
void http_write_header(struct buf_writer *w, const char *name, const char *value);

/* The same with a printf-style value. */
void http_write_headerf(struct buf_writer *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The blank line that ends a head with no body (CONNECT answers). */
void http_write_end(struct buf_writer *w);

/* "Content-Length: len" CRLF, the blank line, then the body bytes. */
void http_write_body(struct buf_writer *w, const void *body, size_t len);

#endif
