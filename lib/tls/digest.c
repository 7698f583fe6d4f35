/* SPDX-License-Identifier: ISC */
/* Digests through GnuTLS, so no other file needs its headers. */
#include "lib/tls/digest.h"

#include <gnutls/crypto.h>
#include <stdio.h>

#include "lib/base/err.h"

int tls_digest_sha1_hex(const void *data, size_t len, char out[TLS_DIGEST_SHA1_HEX_LEN])
{
	unsigned char sum[20];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, data, len, sum) != 0)
		return VPN_ERR_TLS;
	for (size_t i = 0; i < sizeof(sum); i++)
		snprintf(out + 2 * i, 3, "%02X", sum[i]);
	return 0;
}
