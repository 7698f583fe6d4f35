/* SPDX-License-Identifier: ISC */
/*
 * What the gateway's CONNECT answer said (PROTOCOL.md §6.3-6.4), kept for
 * the life of the tunnel: the answer's head is copied and parsed again
 * here, so the views of struct cstp_response borrow from our own copy, not
 * from a connection buffer that a reconnect reuses.
 */
#ifndef CLIENT_SETTINGS_H
#define CLIENT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/cstp/headers.h"
#include "lib/http/response.h"

struct settings {
	char *head;                 /* owned copy of the answer's head */
	size_t head_len;
	struct header_view *lines;  /* owned: http's header room, CONN_HEADERS_MAX views into head */
	struct http_response http;  /* views into head */
	struct cstp_response cstp;  /* views into head */
	unsigned mtu;               /* the tunnel MTU to use on TLS */
	char *cstp_options;         /* owned: every X-CSTP-* line as "Name=value\n" */
};

void settings_init(struct settings *st);
void settings_cleanup(struct settings *st);

/*
 * Copies head[0..len) (a CONNECT answer already parsed once) and fills st.
 * 0; VPN_ERR_INVALID with *out_why for an answer a tunnel cannot start
 * from (no MTU, no address, a header value that does not parse).
 */
int settings_take(struct settings *st, const void *head, size_t len, const char **out_why);

/* Whether two answers give the same addresses (a reconnect kept them). */
bool settings_same_addresses(const struct settings *a, const struct settings *b);

#endif
