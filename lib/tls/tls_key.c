/* SPDX-License-Identifier: ISC */
/*
 * The gateway's private key. GnuTLS never holds the key itself: it gets an
 * external key whose callbacks all end in key_use(), the one place that
 * signs or decrypts. Moving the key out of the workers (DESIGN.md, "the
 * server's private key") means replacing key_use() with a request to authd.
 * An RSA key also goes to tls_key_rsa.c, which key_use() asks first.
 */
#include <stdlib.h>

#include <gnutls/abstract.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

struct tls_key {
	gnutls_privkey_t real;
	struct tls_key_rsa *rsa; /* the same key for libcrypto; NULL: GnuTLS signs */
};

enum key_op {
	KEY_OP_SIGN_DATA,   /* hash-and-sign (EdDSA) */
	KEY_OP_SIGN_HASH,   /* sign a digest; RSA_RAW: a PKCS#1 DigestInfo */
	KEY_OP_DECRYPT,     /* RSA key exchange, when a priority string allows it */
};

static int key_use(struct tls_key *k, enum key_op op, gnutls_sign_algorithm_t algo,
		   const gnutls_datum_t *in, gnutls_datum_t *out)
{
	switch (op) {
	case KEY_OP_SIGN_DATA:
		return gnutls_privkey_sign_data2(k->real, algo, 0, in, out);
	case KEY_OP_SIGN_HASH:
		/* the fast signer first; a scheme it does not do falls through */
		if (k->rsa != NULL) {
			int ret = tls_key_rsa_sign(k->rsa, algo, in, out);

			if (ret != VPN_ERR_UNSUPPORTED)
				return ret == 0 ? 0 : GNUTLS_E_PK_SIGN_FAILED;
		}
		/* GnuTLS hands RSA PKCS#1 v1.5 over already wrapped in a DigestInfo */
		if (algo == GNUTLS_SIGN_RSA_RAW)
			return gnutls_privkey_sign_hash2(k->real, 0,
							 GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA,
							 in, out);
		return gnutls_privkey_sign_hash2(k->real, algo, 0, in, out);
	case KEY_OP_DECRYPT:
		return gnutls_privkey_decrypt_data(k->real, 0, in, out);
	}
	return GNUTLS_E_INVALID_REQUEST;
}

static int on_sign_data(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *userdata,
			unsigned flags, const gnutls_datum_t *data, gnutls_datum_t *sig)
{
	return key_use(userdata, KEY_OP_SIGN_DATA, algo, data, sig);
}

static int on_sign_hash(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *userdata,
			unsigned flags, const gnutls_datum_t *hash, gnutls_datum_t *sig)
{
	return key_use(userdata, KEY_OP_SIGN_HASH, algo, hash, sig);
}

static int on_decrypt(gnutls_privkey_t key, void *userdata, const gnutls_datum_t *ct,
		      gnutls_datum_t *pt)
{
	return key_use(userdata, KEY_OP_DECRYPT, GNUTLS_SIGN_UNKNOWN, ct, pt);
}

/* What GnuTLS asks before it picks a signature scheme for this key. */
static int on_info(gnutls_privkey_t key, unsigned flags, void *userdata)
{
	struct tls_key *k = userdata;
	unsigned bits = 0;
	int pk = gnutls_privkey_get_pk_algorithm(k->real, &bits);

	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO)
		return pk;
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO_BITS)
		return (int)bits;
	if (flags & GNUTLS_PRIVKEY_INFO_HAVE_SIGN_ALGO) {
		gnutls_sign_algorithm_t algo = GNUTLS_FLAGS_TO_SIGN_ALGO(flags);

		return gnutls_sign_supports_pk_algorithm(algo, (gnutls_pk_algorithm_t)pk);
	}
	if (flags & GNUTLS_PRIVKEY_INFO_SIGN_ALGO)
		return 0; /* no preference: let the handshake choose */
	return GNUTLS_E_INVALID_REQUEST;
}

static void on_deinit(gnutls_privkey_t key, void *userdata)
{
	tls_key_free(userdata);
}

/* k->real from the file, and k->rsa too when the fast signer takes the key. */
static int read_real_key(struct tls_key *k, const char *key_file)
{
	gnutls_datum_t pem = { NULL, 0 };
	int ret;

	ret = gnutls_load_file(key_file, &pem);
	if (ret < 0)
		return VPN_ERR_IO;
	ret = gnutls_privkey_init(&k->real);
	if (ret == 0)
		ret = gnutls_privkey_import_x509_raw(k->real, &pem, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (ret == 0 && tls_key_rsa_load(&k->rsa, &pem) != 0)
		k->rsa = NULL; /* not a key it takes: GnuTLS signs alone */
	gnutls_memset(pem.data, 0, pem.size);
	gnutls_free(pem.data);
	return ret < 0 ? VPN_ERR_TLS : 0;
}

/*
 * On success *out_wrapped owns *out: whoever frees the wrapper (the
 * credentials it is given to) frees the key. *out stays valid until then.
 */
int tls_key_load(struct tls_key **out, gnutls_privkey_t *out_wrapped, const char *key_file)
{
	struct tls_key *k;
	gnutls_privkey_t wrapped = NULL;
	int ret;

	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return VPN_ERR_NOMEM;
	ret = read_real_key(k, key_file);
	if (ret != 0)
		goto fail;
	ret = VPN_ERR_TLS;
	if (gnutls_privkey_init(&wrapped) < 0)
		goto fail;
	if (gnutls_privkey_import_ext4(wrapped, k, on_sign_data, on_sign_hash, on_decrypt,
				       on_deinit, on_info,
				       GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0)
		goto fail;
	*out = k;
	*out_wrapped = wrapped;
	return 0;
fail:
	gnutls_privkey_deinit(wrapped);
	tls_key_free(k);
	return ret;
}

void tls_key_free(struct tls_key *key)
{
	if (key == NULL)
		return;
	tls_key_rsa_free(key->rsa);
	gnutls_privkey_deinit(key->real); /* GnuTLS zeroes the key material */
	free(key);
}
