/* SPDX-License-Identifier: ISC */
/* HMAC through GnuTLS, so no other file needs its headers. */
#include "lib/tls/hmac.h"

#include <gnutls/crypto.h>

#include "lib/base/err.h"

int tls_hmac_sha256(uint8_t out[TLS_HMAC_SHA256_LEN], const void *key, size_t key_len,
		    const void *data, size_t len)
{
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, key_len, data, len, out) != 0)
		return VPN_ERR_TLS;
	return 0;
}
