/* SPDX-License-Identifier: ISC */
/* The CONNECT answer, copied and parsed into the tunnel's settings. */
#include "client/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/conn.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/http/headers.h"

void settings_init(struct settings *st)
{
	memset(st, 0, sizeof(*st));
}

void settings_cleanup(struct settings *st)
{
	/* X-CSTP-Post-Auth-XML may carry the cookie. */
	if (st->head) {
		buf_wipe(st->head, st->head_len);
		free(st->head);
	}
	if (st->cstp_options) {
		buf_wipe(st->cstp_options, strlen(st->cstp_options));
		free(st->cstp_options);
	}
	free(st->lines);
	settings_init(st);
}

/* openconnect hands every X-CSTP-* header to the script as "Name=value" lines. */
static int collect_options(struct settings *st)
{
	const struct header_view *lines = http_headers_lines(&st->http.headers);
	size_t cap = st->head_len + 1;
	struct buf_writer w;

	st->cstp_options = malloc(cap);
	if (!st->cstp_options)
		return VPN_ERR_NOMEM;
	buf_writer_init(&w, st->cstp_options, cap - 1);
	for (size_t i = 0; i < st->http.headers.count; i++) {
		const struct header_view *h = &lines[i];

		/* Not the Post-Auth-XML: openconnect elides it, it can hold the cookie. */
		if (h->name.len > 7 && strncmp(h->name.ptr, "X-CSTP-", 7) == 0 &&
		    !str_view_eq_nocase(h->name, "X-CSTP-Post-Auth-XML"))
			buf_printf(&w, "%.*s=%.*s\n", (int)h->name.len, h->name.ptr,
				   (int)h->value.len, h->value.ptr);
	}
	st->cstp_options[w.len] = '\0';
	return buf_writer_error(&w);
}

static int fail(const char **out_why, const char *why)
{
	*out_why = why;
	return VPN_ERR_INVALID;
}

int settings_take(struct settings *st, const void *head, size_t len, const char **out_why)
{
	struct cstp_header_err err = { { NULL, 0 }, NULL };
	struct http_limits limits;
	size_t used = 0;

	settings_cleanup(st);
	*out_why = NULL;
	st->head = malloc(len);
	st->lines = malloc(CONN_HEADERS_MAX * sizeof(*st->lines));
	if (!st->head || !st->lines)
		return fail(out_why, "out of memory");
	memcpy(st->head, head, len);
	st->head_len = len;
	conn_limits(&limits);
	http_response_init_room(&st->http, &limits, "CONNECT", st->lines, CONN_HEADERS_MAX);
	if (http_response_parse(&st->http, &used, st->head, len) != PARSE_DONE)
		return fail(out_why, "the answer's head does not parse");
	if (cstp_response_parse(&st->cstp, http_headers_lines(&st->http.headers),
				st->http.headers.count, &err) != 0)
		return fail(out_why, err.reason ? err.reason : "a tunnel header does not parse");
	/* On TLS the TLS figure; ocserv in PSK mode sends no X-DTLS-MTU, old ASAs no X-CSTP-MTU. */
	if (st->cstp.mtu.is_set && !st->cstp.mtu.is_none)
		st->mtu = st->cstp.mtu.value;
	else if (st->cstp.dtls_mtu.is_set && !st->cstp.dtls_mtu.is_none)
		st->mtu = st->cstp.dtls_mtu.value;
	if (st->mtu < 576 || st->mtu > 65535)
		return fail(out_why, "no usable MTU in the answer");
	if (!st->cstp.has_address && !st->cstp.has_address6)
		return fail(out_why, "no tunnel address in the answer");
	if (st->cstp.content_encoding != CSTP_ENCODING_NONE)
		return fail(out_why, "the gateway chose a compression we did not offer");
	return collect_options(st) == 0 ? 0 : fail(out_why, "out of memory");
}

bool settings_same_addresses(const struct settings *a, const struct settings *b)
{
	if (a->cstp.has_address != b->cstp.has_address ||
	    a->cstp.has_address6 != b->cstp.has_address6)
		return false;
	if (a->cstp.has_address && !net_addr_equal(&a->cstp.address, &b->cstp.address))
		return false;
	if (a->cstp.has_address6 && !net_addr_equal(&a->cstp.address6.addr, &b->cstp.address6.addr))
		return false;
	return a->mtu == b->mtu;
}
