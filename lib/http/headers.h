/* SPDX-License-Identifier: ISC */
/*
 * Looking up parsed headers. Names compare case-insensitively here, as HTTP
 * says; the writers in lib/http/write.h keep the case they are given,
 * because openconnect compares CONNECT response header names byte for byte.
 * Every view returned borrows from the buffer the headers were parsed from.
 */
#ifndef HTTP_HEADERS_H
#define HTTP_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/strview.h"
#include "lib/http/message.h"

/* The value of the first header called name: 0 or VPN_ERR_NOT_FOUND. */
int http_headers_get(const struct http_headers *h, const char *name,
		     struct str_view *out);

/*
 * Every value of a repeated header, in wire order: start with *pos = 0 and
 * call while it returns true (X-CSTP-DNS, X-CSTP-Split-Include, Set-Cookie).
 */
bool http_headers_next(const struct http_headers *h, const char *name,
		       size_t *pos, struct str_view *out);

/* How many headers are called name. */
size_t http_headers_count(const struct http_headers *h, const char *name);

/*
 * The next element of a comma-separated list, blanks around it removed;
 * empty elements ("a,,b") are skipped as RFC 9110 asks. *rest shrinks.
 */
bool http_headers_list_next(struct str_view *rest, struct str_view *out);

/*
 * Whether any header called name lists token (case-insensitive), e.g.
 * Connection: close, or Transfer-Encoding: chunked.
 */
bool http_headers_has_token(const struct http_headers *h, const char *name,
			    const char *token);

#endif
