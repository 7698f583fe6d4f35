/* SPDX-License-Identifier: ISC */
/*
 * What HTTP requests and responses share: the bounds a parser enforces, the
 * header list it fills, and how the body that follows the head is framed.
 *
 * Line ends: only CRLF is accepted. openconnect, ocserv and Cisco peers all
 * send CRLF, and a parser that also took a bare LF would split a message
 * differently from a CRLF-only hop in front of it (a load balancer, a TLS
 * terminator), which is how request smuggling starts. The same reasoning
 * rejects obs-fold, blanks before the colon, control bytes, and
 * Content-Length together with Transfer-Encoding.
 */
#ifndef HTTP_MESSAGE_H
#define HTTP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/strview.h"

/*
 * Room inside struct http_headers: what any request and most answers need.
 * A parse never takes more lines than the room it has, whatever
 * http_limits.max_headers says.
 */
#define HTTP_HEADERS_MAX 64

struct http_limits {
	size_t max_head;     /* start line + headers + blank line, bytes */
	size_t max_line;     /* any one line of the head, CRLF included */
	size_t max_headers;  /* header lines; past HTTP_HEADERS_MAX only with a room */
	uint64_t max_body;   /* largest Content-Length or chunked body */
};

/*
 * 16 KiB head, 8 KiB line (an ASA's X-CSTP-Post-Auth-XML is a whole XML
 * document on one line; raise max_line on the client if one is cut),
 * 64 headers, 1 MiB body (auth documents are a few KiB, profiles tens).
 */
void http_limits_init(struct http_limits *limits);

/*
 * Header lines in wire order; views borrow from the parsed buffer.
 *
 * A list lives in items while it fits. A parse given a larger array (room)
 * by the owner moves the list there whole when line HTTP_HEADERS_MAX + 1
 * arrives: a CONNECT answer carries one line per split route, hundreds from
 * an ASA, while the gateway keeps one small request per session in AUTH.
 * So items is right for any list of up to HTTP_HEADERS_MAX lines (all
 * requests, lists filled by hand); http_headers_lines() is right for all.
 */
struct http_headers {
	struct header_view items[HTTP_HEADERS_MAX];
	size_t count;
	struct header_view *room;  /* borrowed, room_len views, or NULL; read past HTTP_HEADERS_MAX */
	size_t room_len;
};

/* The count lines of h, in order: in room once they outgrew items. */
const struct header_view *http_headers_lines(const struct http_headers *h);

enum http_body_kind {
	HTTP_BODY_NONE,        /* no body: the next message starts right away */
	HTTP_BODY_LENGTH,      /* exactly http_body.length bytes */
	HTTP_BODY_CHUNKED,     /* decode with lib/http/chunked.h */
	HTTP_BODY_UNTIL_CLOSE, /* response body runs until the peer closes */
	HTTP_BODY_TUNNEL,      /* 2xx to CONNECT: CSTP frames follow the head */
};

struct http_body {
	enum http_body_kind kind;
	uint64_t length; /* HTTP_BODY_LENGTH only */
};

/*
 * Why a parse returned PARSE_INVALID: a static string for the log line and
 * the status a server would answer with (400, 413, 414, 431, 501, 505).
 */
struct http_error {
	const char *reason;
	int status;
};

#endif
