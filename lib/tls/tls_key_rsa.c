/* SPDX-License-Identifier: ISC */
/*
 * RSA signatures with the gateway's key through libcrypto. A full handshake
 * signs once, and that signature was most of a worker's CPU per login:
 * nettle's side-channel-silent exponentiation takes 0.99 ms for RSA-2048 on
 * the bench machine, libcrypto's (also constant-time and blinded, checked
 * against the public exponent, with AVX-512 IFMA where the CPU has it)
 * 0.21 ms. Only the private-key operation moves: GnuTLS still runs the
 * handshake and chooses the scheme, tls_key.c hands the digest over, and
 * anything this file does not handle stays with GnuTLS.
 *
 * Owns: k->pkey (the key, freed and cleared by libcrypto on free).
 */
#include <limits.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

struct tls_key_rsa {
	EVP_PKEY *pkey;
};

/* An encrypted key never reaches here (GnuTLS imported it without a
 * password first); this keeps libcrypto from ever prompting for one. */
static int no_password(char *buf, int size, int rwflag, void *arg)
{
	return -1;
}

/* The schemes GnuTLS asks for with an rsaEncryption key: PKCS#1 v1.5 as a
 * ready DigestInfo (RSA_RAW, TLS 1.2) and PSS over a digest (TLS 1.3). */
static int scheme_of(gnutls_sign_algorithm_t algo, const EVP_MD **out_md)
{
	switch (algo) {
	case GNUTLS_SIGN_RSA_RAW:
		*out_md = NULL;
		return 0;
	case GNUTLS_SIGN_RSA_PSS_RSAE_SHA256:
		*out_md = EVP_sha256();
		return 0;
	case GNUTLS_SIGN_RSA_PSS_RSAE_SHA384:
		*out_md = EVP_sha384();
		return 0;
	case GNUTLS_SIGN_RSA_PSS_RSAE_SHA512:
		*out_md = EVP_sha512();
		return 0;
	default:
		return VPN_ERR_UNSUPPORTED;
	}
}

static int set_padding(EVP_PKEY_CTX *ctx, const EVP_MD *md)
{
	if (md == NULL)
		return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 ? 0 : VPN_ERR_TLS;
	/* TLS 1.3 (RFC 8446 §4.2.3): the salt is as long as the digest */
	if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) <= 0)
		return VPN_ERR_TLS;
	return 0;
}

int tls_key_rsa_sign(struct tls_key_rsa *k, gnutls_sign_algorithm_t algo,
		     const gnutls_datum_t *in, gnutls_datum_t *out)
{
	const EVP_MD *md;
	EVP_PKEY_CTX *ctx;
	unsigned char *sig = NULL;
	size_t len = 0;
	int ret;

	ret = scheme_of(algo, &md);
	if (ret != 0)
		return ret;
	if (md != NULL && in->size != (unsigned)EVP_MD_get_size(md))
		return VPN_ERR_INVALID;
	ctx = EVP_PKEY_CTX_new(k->pkey, NULL);
	if (ctx == NULL)
		return VPN_ERR_NOMEM;
	ret = VPN_ERR_TLS;
	if (EVP_PKEY_sign_init(ctx) <= 0 || set_padding(ctx, md) != 0 ||
	    EVP_PKEY_sign(ctx, NULL, &len, in->data, in->size) <= 0 || len > UINT_MAX)
		goto out;
	ret = VPN_ERR_NOMEM;
	sig = gnutls_malloc(len); /* GnuTLS frees the signature */
	if (sig == NULL)
		goto out;
	ret = VPN_ERR_TLS;
	if (EVP_PKEY_sign(ctx, sig, &len, in->data, in->size) <= 0)
		goto out;
	out->data = sig;
	out->size = (unsigned)len;
	sig = NULL;
	ret = 0;
out:
	gnutls_free(sig);
	EVP_PKEY_CTX_free(ctx);
	if (ret != 0)
		ERR_clear_error();
	return ret;
}

/*
 * One signature at load time, in the process that loads the key: libcrypto
 * reads its config, fetches the algorithms and seeds its generator lazily,
 * and the workers that inherit the key run where opening files is denied.
 */
static int warm_up(struct tls_key_rsa *k)
{
	unsigned char digest[32] = { 0 };
	gnutls_datum_t in = { digest, sizeof(digest) }, sig = { NULL, 0 };
	int ret = tls_key_rsa_sign(k, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, &in, &sig);

	gnutls_free(sig.data);
	return ret;
}

int tls_key_rsa_load(struct tls_key_rsa **out, const gnutls_datum_t *pem)
{
	struct tls_key_rsa *k;
	EVP_PKEY *pkey;
	BIO *bio;
	int ret;

	if (pem->size > INT_MAX)
		return VPN_ERR_TOO_BIG;
	bio = BIO_new_mem_buf(pem->data, (int)pem->size);
	if (bio == NULL)
		return VPN_ERR_NOMEM;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	BIO_free(bio);
	if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		ERR_clear_error();
		return VPN_ERR_UNSUPPORTED;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return VPN_ERR_NOMEM;
	}
	k->pkey = pkey;
	ret = warm_up(k);
	if (ret != 0) {
		tls_key_rsa_free(k);
		return VPN_ERR_UNSUPPORTED;
	}
	*out = k;
	return 0;
}

void tls_key_rsa_free(struct tls_key_rsa *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}
