/* SPDX-License-Identifier: ISC */
/* Reading the webvpn cookie of a request. */
#include "gateway/worker/cookie.h"

#include "lib/base/hex.h"
#include "lib/http/cookie.h"

int cookie_from_request(uint8_t out[MSG_COOKIE_LEN], const struct http_headers *h)
{
	struct str_view v;
	int rc = http_cookie_find(h, "webvpn", &v);

	if (rc != 0)
		return rc;
	return hex_decode(out, MSG_COOKIE_LEN, v.ptr, v.len);
}
