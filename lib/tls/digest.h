/* SPDX-License-Identifier: ISC */
/*
 * Message digests for the protocol's integrity checks: the SHA-1 of a
 * profile file in the vpn-profile-manifest (PROTOCOL.md §5), compared
 * case-insensitively. Here because it comes from the TLS library.
 */
#ifndef TLS_DIGEST_H
#define TLS_DIGEST_H

#include <stddef.h>

#define TLS_DIGEST_SHA1_HEX_LEN 41 /* 40 digits and the NUL */

/* The SHA-1 of data[0..len) as upper-case hex, as gateways send it. 0 or VPN_ERR_TLS. */
int tls_digest_sha1_hex(const void *data, size_t len, char out[TLS_DIGEST_SHA1_HEX_LEN]);

#endif
