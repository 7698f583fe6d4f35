/* SPDX-License-Identifier: ISC */
/*
 * The requests a load session sends, as openconnect 9.01 sends them (its
 * User-Agent and aggregate-auth headers; gateways pick behaviour by them):
 * the auth POSTs with their XML documents and CONNECT /CSCOSSLC/tunnel.
 * Each request is written whole into w, one TLS record's worth at most.
 */
#ifndef LOAD_REQUEST_H
#define LOAD_REQUEST_H

#include "lib/auth/doc.h"
#include "lib/base/buf.h"
#include "lib/tls/dtls.h"

#define LOAD_USER_AGENT "Open AnyConnect VPN Agent v9.01-3"

/*
 * POST target carrying doc. cookie_value NULL or "" sends no Cookie line.
 * 0, or VPN_ERR_TOO_BIG / VPN_ERR_INVALID from the writers.
 */
int load_request_post(struct buf_writer *w, const char *host, const char *target,
		      const char *cookie_name, const char *cookie_value,
		      const struct auth_doc *doc);

/*
 * CONNECT with the webvpn cookie, asking for IPv4 only, offering the DTLS
 * suites of offer's legacy list (NULL: no DTLS) with a fresh random master
 * secret, as openconnect always sends one.
 */
int load_request_connect(struct buf_writer *w, const char *host, const char *webvpn,
			 const char *hostname, const struct dtls_offer *offer);

#endif
