/* SPDX-License-Identifier: ISC */
/*
 * HMAC-SHA256 (RFC 2104 over SHA-256) for callers that must not include a
 * TLS library header: the gateway tags the DTLS session keys it hands out
 * with it, so a key nobody was given is known as such without a lookup.
 */
#ifndef TLS_HMAC_H
#define TLS_HMAC_H

#include <stddef.h>
#include <stdint.h>

#define TLS_HMAC_SHA256_LEN 32

/* out = HMAC-SHA256(key, data). 0 or VPN_ERR_TLS. Nothing is kept: the caller wipes key. */
int tls_hmac_sha256(uint8_t out[TLS_HMAC_SHA256_LEN], const void *key, size_t key_len,
		    const void *data, size_t len);

#endif
