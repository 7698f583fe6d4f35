/* SPDX-License-Identifier: ISC */
/*
 * Built instead of tls_key_rsa.c when libcrypto is not there: every key
 * signs through GnuTLS alone, only more slowly (tls_key_rsa.c says why).
 */
#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

int tls_key_rsa_load(struct tls_key_rsa **out, const gnutls_datum_t *pem)
{
	return VPN_ERR_UNSUPPORTED;
}

int tls_key_rsa_sign(struct tls_key_rsa *k, gnutls_sign_algorithm_t algo,
		     const gnutls_datum_t *in, gnutls_datum_t *out)
{
	return VPN_ERR_UNSUPPORTED;
}

void tls_key_rsa_free(struct tls_key_rsa *k)
{
}
