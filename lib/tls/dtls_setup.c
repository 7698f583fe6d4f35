/* SPDX-License-Identifier: ISC */
/*
 * What each DTLS mode puts into a new session (PROTOCOL.md §8.3-8.5 and
 * DESIGN.md "DTLS with GnuTLS"):
 *
 * RESUME: both sides load the same "cached" session with
 * gnutls_session_set_premaster (version, suite, the client's master secret,
 * the gateway's session id); the client's ClientHello names that id and the
 * server answers ServerHello + ChangeCipherSpec + Finished. No certificate
 * is exchanged. The server turns off the extended-master-secret and
 * safe-renegotiation requirements, which Cisco clients do not meet.
 *
 * PSK: a full DTLS 1.2 handshake with plain PSK key exchange. The key is the
 * CSTP session's exporter; the client's identity is the literal "psk" and
 * its ClientHello session_id carries the App-ID, which is how a gateway
 * found this session before the server side was created.
 */
#include <stdio.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/tls/tls_internal.h"

#define SERVER_RESUME_FLAGS ":%NO_SESSION_HASH:%DISABLE_SAFE_RENEGOTIATION"
/* openconnect's choice: any DTLS version, PSK only (the hello it sends is DTLS 1.0 framed) */
#define CLIENT_PSK_PRIORITIES "NORMAL:-VERS-ALL:+VERS-DTLS1.2:+VERS-DTLS1.0:-KX-ALL:+PSK:%COMPAT"
#define SERVER_PSK_BASE "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK"
#define PSK_IDENTITY "psk"
#define PRIORITY_MAX 512

/* The server's PSK ciphers and MACs, best first; the CSTP session's go in front. */
static const gnutls_cipher_algorithm_t psk_ciphers[] = {
	GNUTLS_CIPHER_AES_256_GCM, GNUTLS_CIPHER_AES_128_GCM, GNUTLS_CIPHER_CHACHA20_POLY1305,
	GNUTLS_CIPHER_AES_256_CCM, GNUTLS_CIPHER_AES_128_CCM, GNUTLS_CIPHER_AES_256_CBC,
	GNUTLS_CIPHER_AES_128_CBC,
};
static const gnutls_mac_algorithm_t psk_macs[] = {
	GNUTLS_MAC_AEAD, GNUTLS_MAC_SHA1, GNUTLS_MAC_SHA256, GNUTLS_MAC_SHA384,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int set_priority(struct dtls_conn *c, const char *prio)
{
	return gnutls_priority_set_direct(c->session, prio, NULL) < 0 ? VPN_ERR_TLS : 0;
}

static int load_premaster(struct dtls_conn *c, const struct dtls_params *p, unsigned entity)
{
	const struct dtls_suite *s = p->suite;
	gnutls_datum_t master = { (unsigned char *)p->master_secret, DTLS_MASTER_SECRET_LEN };
	gnutls_datum_t sid = { (unsigned char *)p->id, DTLS_SESSION_ID_LEN };

	if (gnutls_session_set_premaster(c->session, entity, s->version, s->kx, s->cipher,
					 s->mac, GNUTLS_COMP_NULL, &master, &sid) < 0)
		return VPN_ERR_TLS;
	return 0;
}

static bool is_resume_usable(const struct dtls_params *p)
{
	return p->suite != NULL && p->id_len == DTLS_SESSION_ID_LEN;
}

static int setup_resume_client(struct dtls_conn *c, const struct dtls_params *p)
{
	int ret;

	if (!is_resume_usable(p))
		return VPN_ERR_INVALID;
	ret = set_priority(c, p->suite->priority);
	if (ret == 0)
		ret = load_premaster(c, p, GNUTLS_CLIENT);
	return ret;
}

static int setup_psk_client(struct dtls_conn *c, const struct dtls_params *p)
{
	gnutls_datum_t key = { (unsigned char *)p->psk, DTLS_PSK_LEN };
	gnutls_datum_t app_id = { (unsigned char *)p->id, (unsigned)p->id_len };

	if (p->id_len == 0 || p->id_len > DTLS_APP_ID_MAX)
		return VPN_ERR_INVALID;
	if (set_priority(c, CLIENT_PSK_PRIORITIES) != 0 ||
	    gnutls_session_set_id(c->session, &app_id) < 0 ||
	    gnutls_psk_allocate_client_credentials(&c->psk_client) < 0)
		return VPN_ERR_TLS;
	/* the credentials keep their own copy and wipe it when freed */
	if (gnutls_psk_set_client_credentials(c->psk_client, PSK_IDENTITY, &key,
					      GNUTLS_PSK_KEY_RAW) < 0 ||
	    gnutls_credentials_set(c->session, GNUTLS_CRD_PSK, c->psk_client) < 0)
		return VPN_ERR_TLS;
	return 0;
}

int dtls_setup_client(struct dtls_conn *c, const struct dtls_params *p)
{
	return p->mode == DTLS_MODE_RESUME ? setup_resume_client(c, p) : setup_psk_client(c, p);
}

static int setup_resume_server(struct dtls_conn *c, const struct dtls_params *p)
{
	char prio[PRIORITY_MAX];
	int ret;

	if (!is_resume_usable(p))
		return VPN_ERR_INVALID;
	snprintf(prio, sizeof(prio), "%s%s", p->suite->priority, SERVER_RESUME_FLAGS);
	ret = set_priority(c, prio);
	if (ret == 0)
		ret = load_premaster(c, p, GNUTLS_SERVER);
	if (ret != 0)
		return ret;
	/*
	 * The recipe proven against the real peers sets certificate credentials
	 * for the suite's key exchange (DESIGN.md). Empty ones suffice, since a
	 * resumption signs nothing, and a hello that does not resume then fails
	 * for want of a certificate instead of starting a full handshake.
	 */
	if (gnutls_certificate_allocate_credentials(&c->cert) < 0 ||
	    gnutls_credentials_set(c->session, GNUTLS_CRD_CERTIFICATE, c->cert) < 0)
		return VPN_ERR_TLS;
	gnutls_certificate_server_set_request(c->session, GNUTLS_CERT_IGNORE);
	return 0;
}

/* The key is the one exported for the session the gateway already found. */
static int on_psk_wanted(gnutls_session_t session, const char *identity, gnutls_datum_t *key)
{
	struct dtls_conn *c = gnutls_session_get_ptr(session);

	(void)identity; /* "psk" from openconnect; it arrives too late to choose anything */
	key->data = gnutls_malloc(DTLS_PSK_LEN);
	if (key->data == NULL)
		return -1;
	memcpy(key->data, c->psk, DTLS_PSK_LEN);
	key->size = DTLS_PSK_LEN;
	return 0;
}

/* "+NAME" for each algorithm, the preferred one first, each once. */
static void append_algorithms(struct buf_writer *w, const char *(*name_of)(int),
			      int preferred, const int *all, size_t count)
{
	bool is_known = false;

	for (size_t i = 0; i < count; i++)
		is_known = is_known || all[i] == preferred;
	if (is_known)
		buf_printf(w, ":+%s", name_of(preferred));
	for (size_t i = 0; i < count; i++)
		if (all[i] != preferred)
			buf_printf(w, ":+%s", name_of(all[i]));
}

static const char *cipher_name(int a)
{
	return gnutls_cipher_get_name((gnutls_cipher_algorithm_t)a);
}

static const char *mac_name(int a)
{
	return gnutls_mac_get_name((gnutls_mac_algorithm_t)a);
}

static int psk_server_priority(char *out, const struct tls_conn *tls)
{
	int ciphers[COUNT(psk_ciphers)], macs[COUNT(psk_macs)];
	int want_cipher = -1, want_mac = -1;
	struct buf_writer w;

	for (size_t i = 0; i < COUNT(psk_ciphers); i++)
		ciphers[i] = psk_ciphers[i];
	for (size_t i = 0; i < COUNT(psk_macs); i++)
		macs[i] = psk_macs[i];
	if (tls != NULL && tls->is_handshake_done) {
		want_cipher = gnutls_cipher_get(tls->session);
		want_mac = gnutls_mac_get(tls->session);
	}
	buf_writer_init(&w, out, PRIORITY_MAX);
	buf_write_str(&w, SERVER_PSK_BASE ":-CIPHER-ALL");
	append_algorithms(&w, cipher_name, want_cipher, ciphers, COUNT(ciphers));
	buf_write_str(&w, ":-MAC-ALL");
	append_algorithms(&w, mac_name, want_mac, macs, COUNT(macs));
	buf_write_u8(&w, '\0');
	return buf_writer_error(&w);
}

static int setup_psk_server(struct dtls_conn *c, const struct dtls_params *p)
{
	char prio[PRIORITY_MAX];

	if (psk_server_priority(prio, p->tls) != 0 || set_priority(c, prio) != 0)
		return VPN_ERR_TLS;
	memcpy(c->psk, p->psk, DTLS_PSK_LEN);
	if (gnutls_psk_allocate_server_credentials(&c->psk_server) < 0)
		return VPN_ERR_TLS;
	gnutls_psk_set_server_credentials_function(c->psk_server, on_psk_wanted);
	if (gnutls_credentials_set(c->session, GNUTLS_CRD_PSK, c->psk_server) < 0)
		return VPN_ERR_TLS;
	return 0;
}

int dtls_setup_server(struct dtls_conn *c, const struct dtls_params *p)
{
	return p->mode == DTLS_MODE_RESUME ? setup_resume_server(c, p) : setup_psk_server(c, p);
}
