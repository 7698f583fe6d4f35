/* SPDX-License-Identifier: ISC */
/*
 * The gateway key's signatures: the libcrypto signer (tls_key_rsa.c) must
 * produce what GnuTLS itself would (PKCS#1 v1.5 is deterministic, so byte
 * for byte) or what the certificate's public key verifies (PSS is salted),
 * and everything it does not take must still sign through GnuTLS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <gnutls/crypto.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"
#include "lib/tls/tls_test_util.h"

/* RFC 8017 §9.2, note 1: the DER DigestInfo prefix of a SHA-256 digest. */
static const uint8_t SHA256_DIGEST_INFO[19] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

static struct tls_test_env env;

static int setup(void **state)
{
	(void)state;
	return tls_test_env_init(&env, "gw.sslgate.test");
}

static int teardown(void **state)
{
	(void)state;
	tls_test_env_cleanup(&env);
	return 0;
}

static void read_file(const char *path, gnutls_datum_t *out)
{
	assert_int_equal(gnutls_load_file(path, out), 0);
}

static void cert_pubkey(const char *cert_file, gnutls_pubkey_t *out)
{
	gnutls_datum_t pem;
	gnutls_x509_crt_t crt;

	read_file(cert_file, &pem);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM), 0);
	assert_int_equal(gnutls_pubkey_init(out), 0);
	assert_int_equal(gnutls_pubkey_import_x509(*out, crt, 0), 0);
	gnutls_x509_crt_deinit(crt);
	gnutls_free(pem.data);
}

/* The libcrypto signer for env.key, or a skip when it is not built. */
static struct tls_key_rsa *fast_key(void)
{
	struct tls_key_rsa *k = NULL;
	gnutls_datum_t pem;
	int ret;

	read_file(env.key, &pem);
	ret = tls_key_rsa_load(&k, &pem);
	gnutls_free(pem.data);
	if (ret == VPN_ERR_UNSUPPORTED)
		skip(); /* built without libcrypto */
	assert_int_equal(ret, 0);
	return k;
}

static void digest_of(gnutls_digest_algorithm_t alg, const char *text, uint8_t *out,
		      gnutls_datum_t *out_datum)
{
	assert_int_equal(gnutls_hash_fast(alg, text, strlen(text), out), 0);
	out_datum->data = out;
	out_datum->size = gnutls_hash_get_len(alg);
}

static void pss_verifies(void **state)
{
	static const struct {
		gnutls_sign_algorithm_t sign;
		gnutls_digest_algorithm_t hash;
	} schemes[] = {
		{ GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, GNUTLS_DIG_SHA256 },
		{ GNUTLS_SIGN_RSA_PSS_RSAE_SHA384, GNUTLS_DIG_SHA384 },
		{ GNUTLS_SIGN_RSA_PSS_RSAE_SHA512, GNUTLS_DIG_SHA512 },
	};
	struct tls_key_rsa *k = fast_key();
	gnutls_pubkey_t pub;

	(void)state;
	cert_pubkey(env.cert, &pub);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		uint8_t digest[64];
		gnutls_datum_t hash, sig = { NULL, 0 };

		digest_of(schemes[i].hash, "TLS 1.3, server CertificateVerify", digest, &hash);
		assert_int_equal(tls_key_rsa_sign(k, schemes[i].sign, &hash, &sig), 0);
		assert_int_equal(sig.size, 256); /* RSA-2048 */
		assert_int_equal(gnutls_pubkey_verify_hash2(pub, schemes[i].sign, 0, &hash, &sig), 0);
		/* and the check can fail: a changed digest does not verify */
		digest[0] ^= 1;
		assert_true(gnutls_pubkey_verify_hash2(pub, schemes[i].sign, 0, &hash, &sig) < 0);
		gnutls_free(sig.data);
	}
	gnutls_pubkey_deinit(pub);
	tls_key_rsa_free(k);
}

/* TLS 1.2 hands over a DigestInfo to be padded (RSA_RAW): deterministic. */
static void pkcs1_matches_gnutls(void **state)
{
	struct tls_key_rsa *k = fast_key();
	gnutls_privkey_t real;
	gnutls_pubkey_t pub;
	gnutls_datum_t pem, digest, info, ours = { NULL, 0 }, theirs = { NULL, 0 };
	uint8_t hash[32], wrapped[sizeof(SHA256_DIGEST_INFO) + 32];

	(void)state;
	digest_of(GNUTLS_DIG_SHA256, "TLS 1.2, ServerKeyExchange params", hash, &digest);
	memcpy(wrapped, SHA256_DIGEST_INFO, sizeof(SHA256_DIGEST_INFO));
	memcpy(wrapped + sizeof(SHA256_DIGEST_INFO), hash, sizeof(hash));
	info.data = wrapped;
	info.size = sizeof(wrapped);
	assert_int_equal(tls_key_rsa_sign(k, GNUTLS_SIGN_RSA_RAW, &info, &ours), 0);

	read_file(env.key, &pem);
	assert_int_equal(gnutls_privkey_init(&real), 0);
	assert_int_equal(gnutls_privkey_import_x509_raw(real, &pem, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
	assert_int_equal(gnutls_privkey_sign_hash2(real, 0, GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA,
						   &info, &theirs), 0);
	assert_int_equal(ours.size, theirs.size);
	assert_memory_equal(ours.data, theirs.data, ours.size);

	cert_pubkey(env.cert, &pub);
	assert_int_equal(gnutls_pubkey_verify_hash2(pub, GNUTLS_SIGN_RSA_SHA256, 0, &digest, &ours), 0);

	gnutls_pubkey_deinit(pub);
	gnutls_privkey_deinit(real);
	gnutls_free(pem.data);
	gnutls_free(ours.data);
	gnutls_free(theirs.data);
	tls_key_rsa_free(k);
}

static void refuses_what_it_does_not_do(void **state)
{
	struct tls_key_rsa *k = fast_key(), *ec = NULL;
	uint8_t digest[48] = { 0 };
	gnutls_datum_t hash = { digest, 32 }, sig = { NULL, 0 }, pem;

	(void)state;
	/* a scheme that is not RSA: GnuTLS's, not an error */
	assert_int_equal(tls_key_rsa_sign(k, GNUTLS_SIGN_ECDSA_SHA256, &hash, &sig),
			 VPN_ERR_UNSUPPORTED);
	/* a digest that is not the scheme's length */
	hash.size = 48;
	assert_int_equal(tls_key_rsa_sign(k, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, &hash, &sig),
			 VPN_ERR_INVALID);
	assert_null(sig.data);
	/* an ECDSA key stays with GnuTLS */
	read_file(env.ec_key, &pem);
	assert_int_equal(tls_key_rsa_load(&ec, &pem), VPN_ERR_UNSUPPORTED);
	assert_null(ec);
	gnutls_free(pem.data);
	tls_key_rsa_free(k);
	tls_key_rsa_free(NULL);
}

/* Through the wrapper GnuTLS is given: both key types sign and verify. */
static void wrapped_keys_sign(void **state)
{
	const char *keys[] = { env.key, env.ec_key }, *certs[] = { env.cert, env.ec_cert };
	const gnutls_sign_algorithm_t algos[] = { GNUTLS_SIGN_RSA_PSS_RSAE_SHA256,
						  GNUTLS_SIGN_ECDSA_SECP256R1_SHA256 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct tls_key *k = NULL;
		gnutls_privkey_t wrapped = NULL;
		gnutls_pubkey_t pub;
		uint8_t digest[32];
		gnutls_datum_t hash, sig = { NULL, 0 };

		assert_int_equal(tls_key_load(&k, &wrapped, keys[i]), 0);
		digest_of(GNUTLS_DIG_SHA256, "signed through key_use()", digest, &hash);
		assert_int_equal(gnutls_privkey_sign_hash2(wrapped, algos[i], 0, &hash, &sig), 0);
		cert_pubkey(certs[i], &pub);
		assert_int_equal(gnutls_pubkey_verify_hash2(pub, algos[i], 0, &hash, &sig), 0);
		gnutls_pubkey_deinit(pub);
		gnutls_free(sig.data);
		gnutls_privkey_deinit(wrapped); /* frees k too */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pss_verifies),
		cmocka_unit_test(pkcs1_matches_gnutls),
		cmocka_unit_test(refuses_what_it_does_not_do),
		cmocka_unit_test(wrapped_keys_sign),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
