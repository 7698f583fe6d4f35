/* SPDX-License-Identifier: ISC */
/*
 * The webvpn session cookie as it travels: the hex form of authd's 32
 * random bytes, in a Cookie header. openconnect sends only "webvpn=" on
 * CONNECT; browsers and Cisco clients may send others alongside.
 */
#ifndef GATEWAY_WORKER_COOKIE_H
#define GATEWAY_WORKER_COOKIE_H

#include <stdint.h>

#include "gateway/privsep/msg.h"
#include "lib/http/message.h"

/*
 * The webvpn cookie of a request, decoded into out. 0; VPN_ERR_NOT_FOUND
 * when there is none; VPN_ERR_INVALID when it is not 64 hex digits or the
 * Cookie header is malformed. The caller wipes out.
 */
int cookie_from_request(uint8_t out[MSG_COOKIE_LEN], const struct http_headers *h);

#endif
