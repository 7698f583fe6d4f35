/* SPDX-License-Identifier: ISC */
/* Reading the webvpn cookie of a request. */
#include "gateway/worker/cookie.h"

#include "lib/base/err.h"
#include "lib/http/cookie.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cookie_from_request(uint8_t out[MSG_COOKIE_LEN], const struct http_headers *h)
{
	struct str_view v;
	int rc = http_cookie_find(h, "webvpn", &v);

	if (rc != 0)
		return rc;
	if (v.len != 2 * MSG_COOKIE_LEN)
		return VPN_ERR_INVALID;
	for (size_t i = 0; i < MSG_COOKIE_LEN; i++) {
		int hi = hex_value(v.ptr[2 * i]);
		int lo = hex_value(v.ptr[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return VPN_ERR_INVALID;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
