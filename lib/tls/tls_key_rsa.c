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
 * The key reaches libcrypto as numbers GnuTLS already parsed, not as PEM:
 * libcrypto's decoders, fetched for every format it reads, were 0.2 MiB of
 * its pages in the parent (of 3.8 MiB), for a file GnuTLS reads anyway.
 *
 * Owns: k->pkey (the key, freed and cleared by libcrypto on free).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gnutls/x509.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

struct tls_key_rsa {
	EVP_PKEY *pkey;
};

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

/* The eight numbers of an RSA private key, as GnuTLS exports them. */
enum rsa_part { RSA_N, RSA_E, RSA_D, RSA_P, RSA_Q, RSA_U, RSA_E1, RSA_E2, RSA_PARTS };

static const char *const part_names[RSA_PARTS] = {
	[RSA_N] = OSSL_PKEY_PARAM_RSA_N,
	[RSA_E] = OSSL_PKEY_PARAM_RSA_E,
	[RSA_D] = OSSL_PKEY_PARAM_RSA_D,
	[RSA_P] = OSSL_PKEY_PARAM_RSA_FACTOR1,
	[RSA_Q] = OSSL_PKEY_PARAM_RSA_FACTOR2,
	[RSA_U] = OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
	[RSA_E1] = OSSL_PKEY_PARAM_RSA_EXPONENT1,
	[RSA_E2] = OSSL_PKEY_PARAM_RSA_EXPONENT2,
};

/* OpenSSL 3.0 has no OSSL_PARAM_clear_free: the values are the key. */
static void wipe_params(OSSL_PARAM *params)
{
	for (OSSL_PARAM *p = params; p && p->key; p++)
		if (p->data)
			OPENSSL_cleanse(p->data, p->data_size);
}

/* parts (secret) become numbers in bld; the numbers are cleared on free. */
static EVP_PKEY *pkey_from_parts(gnutls_datum_t parts[RSA_PARTS])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *nums[RSA_PARTS] = { NULL };
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	bool is_ok = bld != NULL;

	for (int i = 0; is_ok && i < RSA_PARTS; i++) {
		if (parts[i].size > INT_MAX)
			is_ok = false;
		else
			nums[i] = BN_bin2bn(parts[i].data, (int)parts[i].size, NULL);
		is_ok = is_ok && nums[i] && OSSL_PARAM_BLD_push_BN(bld, part_names[i], nums[i]);
	}
	if (is_ok)
		params = OSSL_PARAM_BLD_to_param(bld);
	if (params)
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (ctx && EVP_PKEY_fromdata_init(ctx) > 0 &&
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	wipe_params(params);
	OSSL_PARAM_free(params);
	for (int i = 0; i < RSA_PARTS; i++)
		BN_clear_free(nums[i]);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* An RSA key's numbers; VPN_ERR_UNSUPPORTED for any other key or an
 * encrypted one (GnuTLS imported it with its password first). */
static int parts_of(const gnutls_datum_t *pem, gnutls_datum_t parts[RSA_PARTS])
{
	gnutls_x509_privkey_t key;
	int ret;

	if (gnutls_x509_privkey_init(&key) < 0)
		return VPN_ERR_NOMEM;
	ret = gnutls_x509_privkey_import(key, pem, GNUTLS_X509_FMT_PEM);
	if (ret == 0 && gnutls_x509_privkey_get_pk_algorithm(key) != GNUTLS_PK_RSA)
		ret = GNUTLS_E_UNKNOWN_PK_ALGORITHM;
	if (ret == 0)
		ret = gnutls_x509_privkey_export_rsa_raw2(key, &parts[RSA_N], &parts[RSA_E],
							  &parts[RSA_D], &parts[RSA_P],
							  &parts[RSA_Q], &parts[RSA_U],
							  &parts[RSA_E1], &parts[RSA_E2]);
	gnutls_x509_privkey_deinit(key); /* GnuTLS zeroes the key material */
	return ret == 0 ? 0 : VPN_ERR_UNSUPPORTED;
}

int tls_key_rsa_load(struct tls_key_rsa **out, const gnutls_datum_t *pem)
{
	gnutls_datum_t parts[RSA_PARTS] = { { NULL, 0 } };
	struct tls_key_rsa *k;
	EVP_PKEY *pkey = NULL;
	int ret;

	ret = parts_of(pem, parts);
	if (ret == 0)
		pkey = pkey_from_parts(parts);
	for (int i = 0; i < RSA_PARTS; i++) {
		if (parts[i].data)
			gnutls_memset(parts[i].data, 0, parts[i].size);
		gnutls_free(parts[i].data);
	}
	if (pkey == NULL) {
		ERR_clear_error();
		return ret == VPN_ERR_NOMEM ? ret : VPN_ERR_UNSUPPORTED;
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
