/* SPDX-License-Identifier: ISC */
/*
 * The gateway's view of a client certificate: checked against the
 * client-certificate CAs and their CRLs, in date, and the subject fields a
 * gateway maps to a user and group (CN, a configured OID, the SAN e-mail).
 * The handshake only asks for a certificate (tls_server.c); whether an
 * untrusted one ends the login is the caller's decision.
 */
#include <stdio.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

#define OID_EMAIL "1.2.840.113549.1.9.1"
/* SAN entries looked at for an e-mail address. */
#define SAN_MAX 32

/* The most telling reason first: what a user or admin can act on. */
static void describe(unsigned status, char *out, size_t out_len)
{
	static const struct {
		unsigned bit;
		const char *text;
	} reasons[] = {
		{ GNUTLS_CERT_REVOKED, "the certificate is revoked" },
		{ GNUTLS_CERT_EXPIRED, "the certificate has expired" },
		{ GNUTLS_CERT_NOT_ACTIVATED, "the certificate is not yet valid" },
		{ GNUTLS_CERT_SIGNER_NOT_FOUND, "the certificate is not issued by a trusted CA" },
		{ GNUTLS_CERT_SIGNER_NOT_CA, "the certificate's issuer is not a CA" },
		{ GNUTLS_CERT_INSECURE_ALGORITHM, "the certificate uses an insecure algorithm" },
		{ GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED, "the CRL is out of date" },
		{ GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE, "the CRL is not yet valid" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (status & reasons[i].bit) {
			snprintf(out, out_len, "%s", reasons[i].text);
			return;
		}
	}
	snprintf(out, out_len, "the certificate could not be verified (status 0x%x)", status);
}

/* "" when the field is absent or longer than out. */
static void dn_field(gnutls_x509_crt_t crt, const char *oid, char *out, size_t out_len)
{
	size_t len = out_len;

	if (oid == NULL || oid[0] == '\0' ||
	    gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, out, &len) < 0)
		out[0] = '\0';
}

static void dn_text(gnutls_datum_t *dn, int ret, char *out, size_t out_len)
{
	if (ret >= 0)
		snprintf(out, out_len, "%s", (const char *)dn->data);
	else
		out[0] = '\0';
	gnutls_free(dn->data);
	dn->data = NULL;
}

static void email_of(gnutls_x509_crt_t crt, char *out, size_t out_len)
{
	for (unsigned i = 0; i < SAN_MAX; i++) {
		size_t len = out_len;
		unsigned critical = 0;
		int type = gnutls_x509_crt_get_subject_alt_name(crt, i, out, &len, &critical);

		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_RFC822NAME)
			return;
	}
	dn_field(crt, OID_EMAIL, out, out_len);
}

static int fill_fields(const gnutls_datum_t *der, const char *user_oid, const char *group_oid,
		       struct tls_client_cert *out)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t dn = { NULL, 0 };

	if (gnutls_x509_crt_init(&crt) < 0)
		return VPN_ERR_NOMEM;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return VPN_ERR_TLS;
	}
	dn_text(&dn, gnutls_x509_crt_get_dn3(crt, &dn, 0), out->subject, sizeof(out->subject));
	dn_text(&dn, gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0), out->issuer,
		sizeof(out->issuer));
	dn_field(crt, GNUTLS_OID_X520_COMMON_NAME, out->cn, sizeof(out->cn));
	dn_field(crt, user_oid, out->user_field, sizeof(out->user_field));
	dn_field(crt, group_oid, out->group_field, sizeof(out->group_field));
	email_of(crt, out->email, sizeof(out->email));
	gnutls_x509_crt_deinit(crt);
	return 0;
}

int tls_conn_client_cert(const struct tls_conn *c, const char *user_oid, const char *group_oid,
			 struct tls_client_cert *out)
{
	const gnutls_datum_t *certs;
	unsigned n = 0, status = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!c->is_server)
		return VPN_ERR_INVALID;
	certs = gnutls_certificate_get_peers(c->session, &n);
	if (certs == NULL || n == 0)
		return 0;
	out->is_present = true;
	ret = fill_fields(&certs[0], user_oid, group_oid, out);
	if (ret != 0)
		return ret;
	/* the chain, dates and the CRLs loaded with the trust list */
	if (gnutls_certificate_verify_peers2(c->session, &status) < 0)
		snprintf(out->reason, sizeof(out->reason), "the certificate could not be verified");
	else if (status != 0)
		describe(status, out->reason, sizeof(out->reason));
	else
		out->is_valid = true;
	return 0;
}
