/* SPDX-License-Identifier: ISC */
/*
 * The gateway side: one context per process (certificate chain, key,
 * client-certificate CAs, priorities) and the sessions accepted with it.
 */
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

/*
 * TLS 1.2 and 1.3 only (both peers work with either, PROTOCOL.md §1.1); our
 * order, not the client's; no RSA key exchange, so every session has
 * forward secrecy. Renegotiation stays at GnuTLS's default: only with RFC
 * 5746 (the CSTP "ssl" rekey needs it), while clients without it may still
 * connect and simply never renegotiate.
 */
#define SERVER_PRIORITIES "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA"
/* cisco-client-compat: AnyConnect fails with TLS 1.3 (PROTOCOL.md §1.1) */
#define SERVER_PRIORITIES_TLS12 "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.2:-RSA"

/* The most certificates a chain file may hold. */
#define CHAIN_MAX 16

static int load_chain(struct tls_server_ctx *ctx, const char *cert_file, const char *key_file)
{
	gnutls_pcert_st chain[CHAIN_MAX];
	unsigned n = CHAIN_MAX;
	gnutls_privkey_t wrapped = NULL;
	struct tls_key *key = NULL;
	int ret;

	if (gnutls_pcert_list_import_x509_file(chain, &n, cert_file, GNUTLS_X509_FMT_PEM,
					       NULL, NULL, 0) < 0 || n == 0)
		return VPN_ERR_TLS;
	ret = tls_cert_sha1_hex(&chain[0].cert, ctx->sha1);
	if (ret == 0)
		ret = tls_cert_pin(&chain[0].cert, ctx->pin);
	if (ret == 0)
		ret = tls_key_load(&key, &wrapped, key_file);
	if (ret == 0 && gnutls_certificate_set_key(ctx->cred, NULL, 0, chain, (int)n,
						   wrapped) < 0)
		ret = VPN_ERR_TLS; /* also a key that does not match the certificate */
	if (ret == 0)
		return 0; /* the credentials own the chain and the key now */
	gnutls_privkey_deinit(wrapped);
	for (unsigned i = 0; i < n; i++)
		gnutls_pcert_deinit(&chain[i]);
	return ret;
}

static int set_priorities(gnutls_priority_t *out, const char *custom, const char *fallback)
{
	const char *err_pos;

	if (gnutls_priority_init(out, custom ? custom : fallback, &err_pos) < 0)
		return VPN_ERR_INVALID;
	return 0;
}

int tls_server_ctx_new(struct tls_server_ctx **out, const struct tls_server_config *cfg)
{
	struct tls_server_ctx *ctx;
	int ret = VPN_ERR_TLS;

	if (cfg->cert_file == NULL || cfg->key_file == NULL)
		return VPN_ERR_INVALID;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return VPN_ERR_NOMEM;
	if (gnutls_certificate_allocate_credentials(&ctx->cred) < 0)
		goto fail;
	ret = load_chain(ctx, cfg->cert_file, cfg->key_file);
	if (ret != 0)
		goto fail;
	/* RFC 7919 groups, for clients that offer only finite-field DHE */
	gnutls_certificate_set_known_dh_params(ctx->cred, GNUTLS_SEC_PARAM_MEDIUM);
	if (cfg->ca_file != NULL) {
		ret = VPN_ERR_TLS;
		if (gnutls_certificate_set_x509_trust_file(ctx->cred, cfg->ca_file,
							   GNUTLS_X509_FMT_PEM) <= 0)
			goto fail;
		ctx->is_cert_requested = true;
	}
	/* after the CAs: GnuTLS keeps only CRLs signed by a CA it already has */
	if (cfg->crl_file != NULL) {
		ret = cfg->ca_file == NULL ? VPN_ERR_INVALID : VPN_ERR_TLS;
		if (cfg->ca_file == NULL ||
		    gnutls_certificate_set_x509_crl_file(ctx->cred, cfg->crl_file,
							 GNUTLS_X509_FMT_PEM) < 0)
			goto fail;
	}
	ret = set_priorities(&ctx->prio, cfg->priorities,
			     cfg->is_tls12_max ? SERVER_PRIORITIES_TLS12 : SERVER_PRIORITIES);
	if (ret != 0)
		goto fail;
	*out = ctx;
	return 0;
fail:
	tls_server_ctx_free(ctx);
	return ret;
}

void tls_server_ctx_free(struct tls_server_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->prio != NULL)
		gnutls_priority_deinit(ctx->prio);
	if (ctx->cred != NULL)
		gnutls_certificate_free_credentials(ctx->cred);
	free(ctx);
}

void tls_server_ctx_cert_sha1(const struct tls_server_ctx *ctx, char out[TLS_SHA1_HEX_LEN])
{
	memcpy(out, ctx->sha1, TLS_SHA1_HEX_LEN);
}

void tls_server_ctx_pin(const struct tls_server_ctx *ctx, char out[TLS_PIN_LEN])
{
	memcpy(out, ctx->pin, TLS_PIN_LEN);
}

int tls_conn_new_server(struct tls_conn **out, struct tls_server_ctx *ctx, int fd)
{
	struct tls_conn *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return VPN_ERR_NOMEM;
	c->is_server = true;
	if (gnutls_init(&c->session, GNUTLS_SERVER | GNUTLS_NONBLOCK) < 0) {
		free(c);
		return VPN_ERR_TLS;
	}
	tls_conn_setup(c, fd);
	if (gnutls_priority_set(c->session, ctx->prio) < 0 ||
	    gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, ctx->cred) < 0) {
		tls_conn_free(c);
		return VPN_ERR_TLS;
	}
	/*
	 * Ask, never require: Cisco clients leave the certificate out of later
	 * connections and are known by their cookie then (PROTOCOL.md §1.3).
	 */
	if (ctx->is_cert_requested)
		gnutls_certificate_server_set_request(c->session, GNUTLS_CERT_REQUEST);
	*out = c;
	return 0;
}

int tls_conn_client_cert_cn(const struct tls_conn *c, char *out, size_t out_len)
{
	const gnutls_datum_t *certs;
	unsigned n = 0, status = 0;
	gnutls_x509_crt_t crt = NULL;
	size_t len = out_len;
	int ret;

	if (out_len == 0)
		return VPN_ERR_TOO_BIG;
	out[0] = '\0';
	certs = gnutls_certificate_get_peers(c->session, &n);
	if (!c->is_server || certs == NULL || n == 0)
		return VPN_ERR_NOT_FOUND;
	if (gnutls_certificate_verify_peers2(c->session, &status) < 0 || status != 0)
		return VPN_ERR_DENIED;
	if (gnutls_x509_crt_init(&crt) < 0)
		return VPN_ERR_NOMEM;
	ret = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER);
	if (ret == 0)
		ret = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
						    out, &len);
	gnutls_x509_crt_deinit(crt);
	if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
		return VPN_ERR_TOO_BIG;
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return VPN_ERR_NOT_FOUND;
	return ret < 0 ? VPN_ERR_TLS : 0;
}
