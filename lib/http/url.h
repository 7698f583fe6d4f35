/* SPDX-License-Identifier: ISC */
/*
 * URLs and the text codings that ride on them: the gateway URL a user gives
 * the client (https://host[:port][/group]), the group taken from the first
 * path segment (ASA group-url, ocserv select-group-by-url), %XX escapes
 * (X-CSTP-Banner, group names) and application/x-www-form-urlencoded bodies
 * (the legacy login of PROTOCOL.md section 3.5).
 *
 * Views borrow from the text parsed. Decoders write into the caller's
 * buffer, which holds passwords in the form case: the caller wipes it.
 */
#ifndef HTTP_URL_H
#define HTTP_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/base/strview.h"

#define HTTP_URL_MAX 2048      /* whole URL text */
#define HTTP_URL_HOST_MAX 253  /* a DNS name */
#define HTTP_URL_PORT_DEFAULT 443

struct http_url {
	struct str_view host;   /* an IPv6 literal without its brackets */
	bool is_ipv6;
	bool has_port;
	uint16_t port;          /* HTTP_URL_PORT_DEFAULT when absent */
	struct str_view path;   /* starts with '/'; "/" when absent */
	struct str_view query;  /* after '?', empty when absent */
};

/*
 * "https://host[:port][/path][?query][#fragment]", or the same without
 * "https://", since users type a bare gateway name. Any other scheme, a
 * user@ part, a malformed host or port, or a byte outside visible ASCII is
 * VPN_ERR_INVALID; more than HTTP_URL_MAX bytes is VPN_ERR_TOO_BIG.
 */
int http_url_parse(struct http_url *out, struct str_view text);

/* The Host header value: host or [v6], then ":port" unless it is 443. */
void http_url_write_host(struct buf_writer *w, const struct http_url *url);

/* A request target split at the first '?' (the '?' itself in neither). */
void http_url_split_target(struct str_view target, struct str_view *out_path,
			   struct str_view *out_query);

/*
 * The first segment of a path, still %-encoded: "/sales" and "/sales/x" give
 * "sales"; "/" gives VPN_ERR_NOT_FOUND. Telling groups from paths such as
 * "/auth" or "/+CSCOE+/..." is the caller's business.
 */
int http_url_group(struct str_view path, struct str_view *out);

/*
 * %XX escapes decoded into out, NUL-terminated (out_cap counts the NUL);
 * '+' stays '+'. VPN_ERR_INVALID for a broken escape or %00 (a NUL would
 * cut the C string the result becomes), VPN_ERR_TOO_BIG if out is short.
 */
int http_url_decode(char *out, size_t out_cap, size_t *out_len, struct str_view in);

/* Every byte but A-Z a-z 0-9 - . _ ~ as %XX (upper-case hex). */
void http_url_encode(struct buf_writer *w, struct str_view in);

/*
 * The next field of a form body "a=1&b=2", name and value still encoded;
 * a field with no '=' has an empty value. 0, or VPN_ERR_NOT_FOUND at the end.
 */
int http_url_form_next(struct str_view *rest, struct str_view *out_name,
		       struct str_view *out_value);

/* http_url_decode(), with '+' decoded as a space. */
int http_url_form_decode(char *out, size_t out_cap, size_t *out_len,
			 struct str_view in);

/*
 * Finds the field whose decoded name is name (so "group%5flist" matches
 * "group_list", as ocserv allows) and decodes its value into out.
 * 0, VPN_ERR_NOT_FOUND, or http_url_form_decode()'s errors.
 */
int http_url_form_find(char *out, size_t out_cap, size_t *out_len,
		       struct str_view body, const char *name);

/* "name=value" encoded, with a leading '&' unless w is still empty. */
void http_url_form_write(struct buf_writer *w, const char *name,
			 struct str_view value);

#endif
