/* SPDX-License-Identifier: ISC */
/*
 * The DTLS ClientHello parser over one arbitrary datagram, as the gateway's
 * shared UDP socket would receive it before any authentication. Beyond not
 * crashing: every view of a parsed hello lies inside the record, the bounds
 * hold, the record alone parses the same, a shorter cut asks for more, and
 * a verdict of garbage does not change when bytes follow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tls/dtls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(const uint8_t *p, size_t len, const uint8_t *start, size_t total)
{
	if (len > 0 && (p < start || p + len > start + total))
		abort();
}

static void check_done(const struct dtls_hello *h, const uint8_t *data, size_t consumed)
{
	const uint8_t *key;
	size_t key_len;

	check_inside(h->random, 32, data, consumed);
	check_inside(h->session_id, h->session_id_len, data, consumed);
	check_inside(h->cookie, h->cookie_len, data, consumed);
	check_inside(h->suites, 2 * h->suite_count, data, consumed);
	check_inside(h->app_id, h->app_id_len, data, consumed);
	if (h->session_id_len > 32 || h->cookie_len > 255 || h->suite_count == 0 ||
	    h->extension_count > DTLS_HELLO_MAX_EXTENSIONS || consumed > 13 + DTLS_HELLO_MAX_RECORD)
		abort();
	if (dtls_hello_session_key(h, &key, &key_len) == 0)
		check_inside(key, key_len, data, consumed);
	else if (h->session_id_len != 0 || h->app_id_len != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtls_hello h, again;
	size_t consumed = 0, consumed2 = 0;
	enum parse_result r = dtls_hello_parse(&h, &consumed, data, size);
	uint8_t *longer;

	if (r == PARSE_DONE) {
		if (consumed == 0 || consumed > size)
			abort();
		check_done(&h, data, consumed);
		if (dtls_hello_parse(&again, &consumed2, data, consumed) != PARSE_DONE ||
		    consumed2 != consumed || again.session_id_len != h.session_id_len ||
		    again.suite_count != h.suite_count)
			abort();
		if (dtls_hello_parse(&again, &consumed2, data, consumed - 1) != PARSE_NEED_MORE)
			abort();
		return 0;
	}
	if (consumed != 0)
		abort();
	if (r != PARSE_INVALID)
		return 0;
	longer = malloc(size + 1);
	if (longer == NULL)
		return 0;
	if (size > 0)
		memcpy(longer, data, size);
	longer[size] = 0x00;
	if (dtls_hello_parse(&again, &consumed2, longer, size + 1) != PARSE_INVALID)
		abort();
	free(longer);
	return 0;
}
