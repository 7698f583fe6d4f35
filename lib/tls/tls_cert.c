/* SPDX-License-Identifier: ISC */
/*
 * Certificate fingerprints as users and peers write them (PROTOCOL.md §1.2):
 * the key pin "pin-sha256:<base64 SHA-256 of the SubjectPublicKeyInfo>" that
 * openconnect prints and accepts, and the upper-case hex SHA-1 of the DER
 * certificate that Cisco gateways send as server-cert-hash. Also the
 * self-signed certificate a gateway makes for itself when it has none.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

#define SHA1_LEN 20
#define SHA256_LEN 32

int tls_cert_sha1_hex(const gnutls_datum_t *der, char out[TLS_SHA1_HEX_LEN])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t digest[SHA1_LEN];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, der->data, der->size, digest) < 0)
		return VPN_ERR_TLS;
	for (size_t i = 0; i < SHA1_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * SHA1_LEN] = '\0';
	return 0;
}

static void base64(char *out, const uint8_t *in, size_t len)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;

		if (n > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = n > 1 ? abc[(v >> 6) & 63] : '=';
		out[o++] = n > 2 ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

int tls_cert_pin(const gnutls_datum_t *der, char out[TLS_PIN_LEN])
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t spki = { NULL, 0 };
	uint8_t digest[SHA256_LEN];
	int ret = VPN_ERR_TLS;

	if (gnutls_x509_crt_init(&crt) < 0)
		return VPN_ERR_NOMEM;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0 ||
	    gnutls_pubkey_init(&pub) < 0 ||
	    gnutls_pubkey_import_x509(pub, crt, 0) < 0 ||
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) < 0 ||
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, digest) < 0)
		goto out;
	memcpy(out, "pin-sha256:", 11);
	base64(out + 11, digest, sizeof(digest)); /* 44 characters + NUL */
	ret = 0;
out:
	gnutls_free(spki.data);
	gnutls_pubkey_deinit(pub);
	gnutls_x509_crt_deinit(crt);
	return ret;
}

/* The SAN carries the name again: clients match SANs, not the CN (RFC 6125). */
static int set_names(gnutls_x509_crt_t crt, const char *cn)
{
	uint8_t ip[16];
	int ret;

	ret = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
					    (unsigned)strlen(cn));
	if (ret < 0)
		return ret;
	if (inet_pton(AF_INET, cn, ip) == 1)
		return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
							    GNUTLS_FSAN_SET);
	if (inet_pton(AF_INET6, cn, ip) == 1)
		return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 16,
							    GNUTLS_FSAN_SET);
	return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, cn,
						    (unsigned)strlen(cn), GNUTLS_FSAN_SET);
}

static int fill_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *cn,
		     unsigned days)
{
	uint8_t serial[16];
	time_t now = time(NULL);
	int ret;

	if ((ret = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial))) < 0)
		return ret;
	serial[0] &= 0x7f; /* DER INTEGER: keep it positive */
	serial[0] |= 0x01; /* and without a leading zero byte */
	if ((ret = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (ret = gnutls_x509_crt_set_serial(crt, serial, sizeof(serial))) < 0 ||
	    /* an hour back, so a client with a slow clock accepts it at once */
	    (ret = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_expiration_time(crt, now + (time_t)days * 86400)) < 0 ||
	    (ret = set_names(crt, cn)) < 0 ||
	    (ret = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (ret = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
						      GNUTLS_KEY_KEY_ENCIPHERMENT)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
		return ret;
	return gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
}

static int write_file(const char *path, const gnutls_datum_t *d, mode_t mode)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return VPN_ERR_IO;
	/* an older file keeps its mode through O_CREAT; the key must not */
	if (fchmod(fd, mode) != 0) {
		close(fd);
		return VPN_ERR_IO;
	}
	n = write(fd, d->data, d->size);
	if (close(fd) != 0 || n != (ssize_t)d->size)
		return VPN_ERR_IO;
	return 0;
}

/*
 * RSA-2048 rather than ECDSA: every AnyConnect version and the legacy DTLS
 * 0.9 mode (RSA key exchange suites) work with an RSA certificate.
 */
int tls_selfsigned_write(const char *cert_path, const char *key_path,
			 const char *common_name, unsigned days)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t key_pem = { NULL, 0 }, crt_pem = { NULL, 0 };
	int ret = VPN_ERR_TLS;

	if (common_name == NULL || common_name[0] == '\0' || days == 0)
		return VPN_ERR_INVALID;
	if (gnutls_x509_privkey_init(&key) < 0 || gnutls_x509_crt_init(&crt) < 0)
		goto out;
	if (gnutls_x509_privkey_generate2(key, GNUTLS_PK_RSA, 2048, 0, NULL, 0) < 0 ||
	    fill_cert(crt, key, common_name, days) < 0 ||
	    gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &key_pem) < 0 ||
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &crt_pem) < 0)
		goto out;
	ret = write_file(key_path, &key_pem, 0600);
	if (ret == 0)
		ret = write_file(cert_path, &crt_pem, 0644);
	if (ret != 0)
		unlink(key_path);
out:
	if (key_pem.data != NULL)
		buf_wipe(key_pem.data, key_pem.size);
	gnutls_free(key_pem.data);
	gnutls_free(crt_pem.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return ret;
}
