/* SPDX-License-Identifier: ISC */
/*
 * Client identities: the certificate chains and keys the client may show
 * when a gateway asks for one (PROTOCOL.md §1.3). Each comes from a PEM
 * pair, a PKCS#12 file or a pkcs11: URL (smartcards, HSMs: GnuTLS finds the
 * token through p11-kit). Secrets come from the configured password first,
 * then from the caller's prompt; which identity is sent is decided per
 * handshake in tls_ident_pick.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs12.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

/* Certificates one identity's chain may hold. */
#define CHAIN_MAX 16
/* Passphrase or PIN prompts per file or token before giving up. */
#define ASK_MAX 3
#define SECRET_MAX 256

static bool is_url(const char *s)
{
	return s != NULL && strncmp(s, "pkcs11:", 7) == 0;
}

/*
 * The secret for try number attempt: the configured password on the first
 * try only (a wrong PIN retried would lock the token), then the prompt.
 */
static int get_secret(const struct tls_ident_secret *sec, const char *what, unsigned attempt,
		      char *out, size_t out_len)
{
	unsigned asked = attempt;

	if (sec->password != NULL) {
		if (attempt == 0) {
			snprintf(out, out_len, "%s", sec->password);
			return 0;
		}
		asked--;
	}
	if (sec->prompt.ask == NULL || asked >= ASK_MAX)
		return -1;
	out[0] = '\0';
	return sec->prompt.ask(sec->prompt.arg, what, asked, out, out_len) < 0 ? -1 : 0;
}

static int on_pin(void *arg, int attempt, const char *token_url, const char *token_label,
		  unsigned flags, char *pin, size_t pin_max)
{
	const struct tls_ident_secret *sec = arg;
	char what[256];

	(void)token_url;
	(void)flags;
	snprintf(what, sizeof(what), "PIN for token '%s'", token_label ? token_label : "?");
	if (attempt < 0 || get_secret(sec, what, (unsigned)attempt, pin, pin_max) < 0)
		return GNUTLS_E_PKCS11_PIN_ERROR;
	return 0;
}

static void free_chain(gnutls_pcert_st *chain, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gnutls_pcert_deinit(&chain[i]);
	gnutls_free(chain);
}

static int import_key_data(gnutls_privkey_t key, const struct tls_ident_secret *sec,
			   const char *path, const gnutls_datum_t *data)
{
	char pass[SECRET_MAX], what[300];
	int ret;

	if (gnutls_privkey_import_x509_raw(key, data, GNUTLS_X509_FMT_PEM, NULL, 0) >= 0)
		return 0;
	snprintf(what, sizeof(what), "passphrase for %s", path);
	ret = VPN_ERR_DENIED;
	for (unsigned i = 0; get_secret(sec, what, i, pass, sizeof(pass)) == 0; i++) {
		if (gnutls_privkey_import_x509_raw(key, data, GNUTLS_X509_FMT_PEM, pass, 0) >= 0) {
			ret = 0;
			break;
		}
	}
	buf_wipe(pass, sizeof(pass));
	return ret;
}

static int load_key(struct tls_ident *id, const struct tls_ident_secret *sec, const char *path)
{
	gnutls_datum_t data = { NULL, 0 };
	int ret;

	if (gnutls_privkey_init(&id->key) < 0)
		return VPN_ERR_NOMEM;
	if (is_url(path)) {
		/* the callback stays with the key: a token may ask again when it signs */
		gnutls_privkey_set_pin_function(id->key, on_pin, (void *)sec);
		return gnutls_privkey_import_url(id->key, path, 0) < 0 ? VPN_ERR_TLS : 0;
	}
	if (gnutls_load_file(path, &data) < 0)
		return VPN_ERR_IO;
	ret = import_key_data(id->key, sec, path, &data);
	buf_wipe(data.data, data.size);
	gnutls_free(data.data);
	return ret;
}

static int load_pem_chain(struct tls_ident *id, const char *path)
{
	gnutls_pcert_st chain[CHAIN_MAX];
	unsigned n = CHAIN_MAX;

	if (gnutls_pcert_list_import_x509_file(chain, &n, path, GNUTLS_X509_FMT_PEM, NULL, NULL,
					       0) < 0 || n == 0)
		return VPN_ERR_TLS;
	id->chain = gnutls_calloc(n, sizeof(*id->chain));
	if (id->chain == NULL) {
		for (unsigned i = 0; i < n; i++)
			gnutls_pcert_deinit(&chain[i]);
		return VPN_ERR_NOMEM;
	}
	memcpy(id->chain, chain, n * sizeof(*chain));
	id->n_chain = n;
	return 0;
}

static int load_url_cert(struct tls_ident *id, const struct tls_ident_secret *sec,
			 const char *url)
{
	gnutls_x509_crt_t crt = NULL;
	int ret = VPN_ERR_TLS;

	if (gnutls_x509_crt_init(&crt) < 0)
		return VPN_ERR_NOMEM;
	gnutls_x509_crt_set_pin_function(crt, on_pin, (void *)sec);
	id->chain = gnutls_calloc(1, sizeof(*id->chain));
	if (id->chain != NULL && gnutls_x509_crt_import_url(crt, url, 0) >= 0 &&
	    gnutls_pcert_import_x509(&id->chain[0], crt, 0) >= 0) {
		id->n_chain = 1;
		ret = 0;
	}
	gnutls_x509_crt_deinit(crt);
	return ret;
}

/* A key named by the certificate's URL: the same object, as a private key. */
static char *key_url_of(const char *cert_url)
{
	const char *t = strstr(cert_url, "type=cert");
	size_t len = strlen(cert_url) + sizeof("type=private");
	char *url;

	if (t == NULL)
		return strdup(cert_url); /* GnuTLS looks for the private-key class itself */
	url = malloc(len);
	if (url != NULL)
		snprintf(url, len, "%.*stype=private%s", (int)(t - cert_url), cert_url, t + 9);
	return url;
}

/* The chain and key of one PKCS#12 file, trying secrets until one opens it. */
static int parse_p12(struct tls_ident *id, gnutls_pkcs12_t p12, const char *pass)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t *chain = NULL;
	unsigned n = 0;
	int ret;

	if (gnutls_pkcs12_simple_parse(p12, pass, &key, &chain, &n, NULL, NULL, NULL, 0) < 0)
		return VPN_ERR_DENIED;
	ret = VPN_ERR_NOMEM;
	id->chain = gnutls_calloc(n, sizeof(*id->chain));
	if (id->chain != NULL && gnutls_pcert_import_x509_list(id->chain, chain, &n, 0) >= 0) {
		id->n_chain = n;
		ret = gnutls_privkey_init(&id->key) < 0 ? VPN_ERR_NOMEM : 0;
	}
	if (ret == 0 && gnutls_privkey_import_x509(id->key, key,
						   GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) >= 0)
		key = NULL;
	else if (ret == 0)
		ret = VPN_ERR_TLS;
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(chain[i]);
	gnutls_free(chain);
	gnutls_x509_privkey_deinit(key);
	return ret;
}

static int try_p12(struct tls_ident *id, const struct tls_ident_secret *sec, const char *path,
		   const gnutls_datum_t *data)
{
	gnutls_pkcs12_t p12 = NULL;
	char pass[SECRET_MAX], what[300];
	int ret = VPN_ERR_TLS;

	if (gnutls_pkcs12_init(&p12) < 0)
		return VPN_ERR_NOMEM;
	if (gnutls_pkcs12_import(p12, data, GNUTLS_X509_FMT_DER, 0) < 0)
		goto out;
	/* unprotected files: an empty password, or none at all */
	if ((ret = parse_p12(id, p12, "")) != VPN_ERR_DENIED ||
	    (ret = parse_p12(id, p12, NULL)) != VPN_ERR_DENIED)
		goto out;
	snprintf(what, sizeof(what), "passphrase for %s", path);
	for (unsigned i = 0; get_secret(sec, what, i, pass, sizeof(pass)) == 0; i++) {
		if ((ret = parse_p12(id, p12, pass)) != VPN_ERR_DENIED)
			break;
	}
	buf_wipe(pass, sizeof(pass));
out:
	gnutls_pkcs12_deinit(p12);
	return ret;
}

static int load_files(struct tls_ident *id, const struct tls_ident_secret *sec,
		      const struct tls_identity *spec)
{
	gnutls_datum_t data = { NULL, 0 };
	int ret;

	if (spec->key == NULL) {
		if (gnutls_load_file(spec->cert, &data) < 0)
			return VPN_ERR_IO;
		ret = try_p12(id, sec, spec->cert, &data);
		buf_wipe(data.data, data.size);
		gnutls_free(data.data);
		if (ret != VPN_ERR_TLS)
			return ret;
	}
	ret = load_pem_chain(id, spec->cert);
	if (ret == 0)
		ret = load_key(id, sec, spec->key ? spec->key : spec->cert);
	return ret;
}

static void ident_cleanup(struct tls_ident *id)
{
	free_chain(id->chain, id->n_chain);
	gnutls_privkey_deinit(id->key);
	free(id->name);
	memset(id, 0, sizeof(*id));
}

static int ident_load(struct tls_ident *id, const struct tls_ident_secret *sec,
		      const struct tls_identity *spec)
{
	char *key_url = NULL;
	int ret;

	id->name = strdup(spec->cert);
	if (id->name == NULL)
		return VPN_ERR_NOMEM;
	if (!is_url(spec->cert))
		return load_files(id, sec, spec);
	ret = load_url_cert(id, sec, spec->cert);
	if (ret == 0 && spec->key == NULL && (key_url = key_url_of(spec->cert)) == NULL)
		ret = VPN_ERR_NOMEM;
	if (ret == 0)
		ret = load_key(id, sec, spec->key ? spec->key : key_url);
	free(key_url);
	return ret;
}

static int copy_secret(struct tls_ident_secret *sec, const struct tls_client_config *cfg)
{
	sec->prompt = cfg->prompt;
	if (cfg->key_password == NULL)
		return 0;
	sec->password = strdup(cfg->key_password);
	return sec->password == NULL ? VPN_ERR_NOMEM : 0;
}

int tls_ident_load_all(struct tls_client_ctx *ctx, const struct tls_client_config *cfg)
{
	struct tls_identity first = { cfg->cert_file, cfg->key_file };
	size_t n = cfg->n_identities + (cfg->cert_file != NULL);
	int ret;

	if (n == 0)
		return 0;
	if (n > TLS_IDENTITIES_MAX)
		return VPN_ERR_TOO_BIG;
	ret = copy_secret(&ctx->secret, cfg);
	if (ret != 0)
		return ret;
	ctx->idents = calloc(n, sizeof(*ctx->idents));
	if (ctx->idents == NULL)
		return VPN_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct tls_identity *spec = i == 0 && cfg->cert_file ? &first
				: &cfg->identities[i - (cfg->cert_file != NULL)];

		if (spec->cert == NULL)
			return VPN_ERR_INVALID;
		ret = ident_load(&ctx->idents[i], &ctx->secret, spec);
		ctx->n_idents = i + 1;
		if (ret != 0)
			return ret;
	}
	gnutls_certificate_set_retrieve_function2(ctx->cred, tls_ident_pick);
	return 0;
}

void tls_ident_free_all(struct tls_client_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_idents; i++)
		ident_cleanup(&ctx->idents[i]);
	free(ctx->idents);
	ctx->idents = NULL;
	ctx->n_idents = 0;
	if (ctx->secret.password != NULL)
		buf_wipe(ctx->secret.password, strlen(ctx->secret.password));
	free(ctx->secret.password);
	ctx->secret.password = NULL;
}
