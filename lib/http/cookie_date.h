/* SPDX-License-Identifier: ISC */
/*
 * Dates in a Set-Cookie expires attribute, read with RFC 6265's forgiving
 * algorithm (section 5.1.1): it takes IMF-fixdate ("Thu, 01 Jan 1970
 * 22:00:00 GMT", ocserv's form), RFC 850 and asctime dates alike, which is
 * what a client meeting unknown gateways needs.
 */
#ifndef HTTP_COOKIE_DATE_H
#define HTTP_COOKIE_DATE_H

#include <stdint.h>

#include "lib/base/strview.h"

/* Seconds since 1970 UTC into *out: 0, or VPN_ERR_INVALID. */
int http_cookie_date_parse(int64_t *out, struct str_view text);

#endif
