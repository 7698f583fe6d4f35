/* SPDX-License-Identifier: ISC */
/*
 * The client side: trust anchors, the name to check, an optional identity,
 * and what was learned about the gateway's certificate. The handshake never
 * fails for trust reasons; tls_conn_peer() reports and the caller decides
 * (DESIGN.md, "Trust").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

/* What openconnect offers (PROTOCOL.md §1.1), minus TLS 1.0 and 1.1. */
#define CLIENT_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%COMPAT"

static bool is_ip_literal(const char *name)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

static int load_trust(gnutls_certificate_credentials_t cred, const char *ca_file)
{
	if (ca_file == NULL)
		return gnutls_certificate_set_x509_system_trust(cred) < 0 ? VPN_ERR_TLS : 0;
	if (gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM) <= 0)
		return VPN_ERR_TLS;
	return 0;
}

int tls_client_ctx_new(struct tls_client_ctx **out, const struct tls_client_config *cfg)
{
	struct tls_client_ctx *ctx;
	const char *err_pos;
	int ret = VPN_ERR_TLS;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return VPN_ERR_NOMEM;
	if (gnutls_certificate_allocate_credentials(&ctx->cred) < 0)
		goto fail;
	ret = cfg->is_pinned ? 0 : load_trust(ctx->cred, cfg->ca_file);
	if (ret == 0)
		ret = tls_ident_load_all(ctx, cfg);
	if (ret != 0)
		goto fail;
	ret = VPN_ERR_INVALID;
	if (gnutls_priority_init(&ctx->prio, cfg->priorities ? cfg->priorities : CLIENT_PRIORITIES,
				 &err_pos) < 0)
		goto fail;
	if (cfg->hostname != NULL) {
		ret = VPN_ERR_NOMEM;
		ctx->hostname = strdup(cfg->hostname);
		if (ctx->hostname == NULL)
			goto fail;
		ctx->is_sni_sent = !is_ip_literal(cfg->hostname);
	}
	*out = ctx;
	return 0;
fail:
	tls_client_ctx_free(ctx);
	return ret;
}

void tls_client_ctx_free(struct tls_client_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->prio != NULL)
		gnutls_priority_deinit(ctx->prio);
	if (ctx->cred != NULL)
		gnutls_certificate_free_credentials(ctx->cred);
	tls_ident_free_all(ctx);
	free(ctx->hostname);
	free(ctx);
}

int tls_conn_new_client(struct tls_conn **out, struct tls_client_ctx *ctx, int fd)
{
	struct tls_conn *c;
	int ret = 0;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return VPN_ERR_NOMEM;
	c->client = ctx;
	/* send our certificate even when its issuer is not in the server's list (§1.3) */
	if (gnutls_init(&c->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_FORCE_CLIENT_CERT) < 0) {
		free(c);
		return VPN_ERR_TLS;
	}
	tls_conn_setup(c, fd);
	gnutls_session_set_ptr(c->session, c); /* tls_ident_pick finds the identities */
	if (gnutls_priority_set(c->session, ctx->prio) < 0 ||
	    gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, ctx->cred) < 0)
		ret = VPN_ERR_TLS;
	if (ret == 0 && ctx->is_sni_sent &&
	    gnutls_server_name_set(c->session, GNUTLS_NAME_DNS, ctx->hostname,
				   strlen(ctx->hostname)) < 0)
		ret = VPN_ERR_TLS;
	if (ret != 0) {
		tls_conn_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

static void describe_status(unsigned status, char *out, size_t out_len)
{
	gnutls_datum_t text = { NULL, 0 };

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) < 0) {
		snprintf(out, out_len, "certificate verification failed (0x%x)", status);
		return;
	}
	snprintf(out, out_len, "%s", (const char *)text.data);
	gnutls_free(text.data);
}

int tls_conn_peer(const struct tls_conn *c, struct tls_peer *out)
{
	const gnutls_datum_t *certs;
	const char *hostname = c->client ? c->client->hostname : NULL;
	unsigned n = 0, status = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!c->is_handshake_done)
		return VPN_ERR_INVALID;
	certs = gnutls_certificate_get_peers(c->session, &n);
	if (certs == NULL || n == 0)
		return VPN_ERR_NOT_FOUND;
	ret = tls_cert_sha1_hex(&certs[0], out->sha1);
	if (ret == 0)
		ret = tls_cert_pin(&certs[0], out->pin);
	if (ret != 0)
		return ret;
	/* with no hostname configured only the chain is checked */
	if (gnutls_certificate_verify_peers3(c->session, hostname, &status) < 0) {
		snprintf(out->reason, sizeof(out->reason), "certificate could not be verified");
		return 0;
	}
	out->is_trusted = status == 0;
	if (!out->is_trusted)
		describe_status(status, out->reason, sizeof(out->reason));
	return 0;
}

int tls_conn_peer_der(const struct tls_conn *c, const uint8_t **out, size_t *out_len)
{
	const gnutls_datum_t *certs;
	unsigned n = 0;

	if (!c->is_handshake_done)
		return VPN_ERR_INVALID;
	certs = gnutls_certificate_get_peers(c->session, &n);
	if (certs == NULL || n == 0)
		return VPN_ERR_NOT_FOUND;
	*out = certs[0].data;
	*out_len = certs[0].size;
	return 0;
}
