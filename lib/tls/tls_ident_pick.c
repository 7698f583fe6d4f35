/* SPDX-License-Identifier: ISC */
/*
 * Which identity answers a CertificateRequest (PROTOCOL.md §1.3): the first
 * whose chain was issued under one of the CAs the gateway listed. One
 * configured identity is always sent, listed or not, as openconnect does
 * (GNUTLS_FORCE_CLIENT_CERT), and so is the first when the gateway lists no
 * CA. When several were configured and none matches, nothing is sent and the
 * connection keeps a message naming what was asked for and what was there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

/* The message names at most this many CAs and identities. */
#define LIST_MAX 8
#define ERROR_MAX 2048

static bool is_listed(const gnutls_datum_t *dn, const gnutls_datum_t *req, int n_req)
{
	for (int i = 0; i < n_req; i++) {
		if (req[i].size == dn->size && memcmp(req[i].data, dn->data, dn->size) == 0)
			return true;
	}
	return false;
}

/* Some certificate of the chain is issued by a listed CA (or is one). */
static bool chain_matches(const struct tls_ident *id, const gnutls_datum_t *req, int n_req)
{
	bool is_match = false;

	for (unsigned i = 0; i < id->n_chain && !is_match; i++) {
		gnutls_x509_crt_t crt = NULL;
		gnutls_datum_t dn = { NULL, 0 };

		if (gnutls_x509_crt_init(&crt) < 0)
			return false;
		if (gnutls_x509_crt_import(crt, &id->chain[i].cert, GNUTLS_X509_FMT_DER) >= 0 &&
		    gnutls_x509_crt_get_raw_issuer_dn(crt, &dn) >= 0)
			is_match = is_listed(&dn, req, n_req);
		gnutls_free(dn.data);
		gnutls_x509_crt_deinit(crt);
	}
	return is_match;
}

static void append_issuer(char *out, size_t cap, const struct tls_ident *id)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t dn = { NULL, 0 };
	size_t len = strlen(out);

	if (gnutls_x509_crt_init(&crt) >= 0 &&
	    gnutls_x509_crt_import(crt, &id->chain[0].cert, GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0)
		snprintf(out + len, cap - len, " %s (issued by %s);", id->name, (char *)dn.data);
	else
		snprintf(out + len, cap - len, " %s;", id->name);
	gnutls_free(dn.data);
	gnutls_x509_crt_deinit(crt);
}

static char *describe_mismatch(const struct tls_client_ctx *ctx, const gnutls_datum_t *req,
			       int n_req)
{
	char *out = malloc(ERROR_MAX);
	size_t len;

	if (out == NULL)
		return NULL;
	snprintf(out, ERROR_MAX, "no client certificate was issued by a CA the gateway accepts; "
		 "it asked for:");
	for (int i = 0; i < n_req && i < LIST_MAX; i++) {
		gnutls_datum_t dn = { NULL, 0 };

		len = strlen(out);
		if (gnutls_x509_rdn_get2(&req[i], &dn, 0) >= 0)
			snprintf(out + len, ERROR_MAX - len, " %s;", (char *)dn.data);
		gnutls_free(dn.data);
	}
	len = strlen(out);
	snprintf(out + len, ERROR_MAX - len, " available:");
	for (size_t i = 0; i < ctx->n_idents && i < LIST_MAX; i++)
		append_issuer(out, ERROR_MAX, &ctx->idents[i]);
	return out;
}

static const struct tls_ident *choose(struct tls_conn *c, const gnutls_datum_t *req, int n_req)
{
	const struct tls_client_ctx *ctx = c->client;

	if (ctx->n_idents == 1 || n_req <= 0)
		return &ctx->idents[0];
	for (size_t i = 0; i < ctx->n_idents; i++) {
		if (chain_matches(&ctx->idents[i], req, n_req))
			return &ctx->idents[i];
	}
	c->ident_error = describe_mismatch(ctx, req, n_req);
	return NULL;
}

int tls_ident_pick(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int n_req,
		   const gnutls_pk_algorithm_t *algos, int n_algos, gnutls_pcert_st **out_chain,
		   unsigned *out_n, gnutls_privkey_t *out_key)
{
	struct tls_conn *c = gnutls_session_get_ptr(session);
	const struct tls_ident *id;

	(void)algos;
	(void)n_algos;
	*out_chain = NULL;
	*out_n = 0;
	*out_key = NULL;
	if (c == NULL || c->client == NULL || c->client->n_idents == 0)
		return 0;
	free(c->ident_error);
	c->ident_error = NULL;
	c->ident_sent = NULL;
	id = choose(c, req_ca_dn, n_req);
	if (id == NULL)
		return 0; /* an empty Certificate: the gateway decides */
	/* the context keeps ownership: GnuTLS does not free what callback 2 returns */
	*out_chain = id->chain;
	*out_n = id->n_chain;
	*out_key = id->key;
	c->ident_sent = id->name;
	return 0;
}

const char *tls_conn_identity_sent(const struct tls_conn *c)
{
	return c->ident_sent ? c->ident_sent : "";
}

const char *tls_conn_identity_error(const struct tls_conn *c)
{
	return c->ident_error ? c->ident_error : "";
}
