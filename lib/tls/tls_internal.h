/* SPDX-License-Identifier: ISC */
/*
 * What the files of lib/tls/ share with each other and with nobody else:
 * the GnuTLS-backed structs behind the opaque types of tls.h and dtls.h.
 *
 * Ownership: a context owns its credentials, priority cache and (server)
 * key; a connection borrows its context, which must outlive it, and owns its
 * session, its cork and read-ahead buffers and its cipher description string.
 */
#ifndef TLS_TLS_INTERNAL_H
#define TLS_TLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "lib/tls/dtls.h"
#include "lib/tls/tls.h"

struct tls_key;

struct tls_server_ctx {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	bool is_cert_requested;    /* ca_file given: ask (never require) */
	char sha1[TLS_SHA1_HEX_LEN];
	char pin[TLS_PIN_LEN];
};

/*
 * A client identity (tls_ident.c): owns its chain, key and name; the key may
 * call back for a PIN through the context's secret (tls_ident_secret).
 */
struct tls_ident {
	char *name;                /* the cert as the user named it */
	gnutls_pcert_st *chain;    /* leaf first */
	unsigned n_chain;
	gnutls_privkey_t key;
};

/* What a key or token needs to ask for its secret; lives in the context. */
struct tls_ident_secret {
	char *password;            /* owned copy, wiped; NULL: none given */
	struct tls_secret_prompt prompt;
};

struct tls_client_ctx {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	char *hostname;            /* owned copy; NULL: no name check */
	bool is_sni_sent;          /* false for IP literals (RFC 6066 §3) */
	struct tls_ident *idents;  /* owned, n_idents of them */
	size_t n_idents;
	struct tls_ident_secret secret;
};

/* Ciphertext held back while corked, flushed by uncork; bounded. */
#define TLS_CORK_MAX (256 * 1024)
/* Ciphertext one recv() may bring ahead of what GnuTLS asked for. */
#define TLS_READ_AHEAD (32 * 1024)

struct tls_conn {
	gnutls_session_t session;
	int fd;                    /* borrowed: the caller closes it */
	bool is_server;
	bool is_handshake_done;
	bool is_rehandshaking;     /* a renegotiation runs under read/write */
	bool is_corked;
	bool wants_write;
	int last_error;            /* last fatal GnuTLS code, for the log */
	int last_errno;            /* errno of the last failed send/recv */
	char *description;         /* gnutls_session_get_desc(), owned */
	struct tls_client_ctx *client;  /* borrowed; NULL on the server */
	uint8_t *out;              /* corked ciphertext: [out_pos, out_end) */
	size_t out_cap;
	size_t out_pos;
	size_t out_end;
	bool is_read_ahead;        /* tls_conn_set_read_ahead() */
	uint8_t *in;               /* read-ahead ciphertext: [in_pos, in_end); freed when empty */
	size_t in_pos;
	size_t in_end;
	const char *ident_sent;    /* client: borrowed from the context's identity */
	char *ident_error;         /* client: owned, why no identity was chosen */
};

/* tls_cert.c: fingerprints of one DER certificate. */
int tls_cert_sha1_hex(const gnutls_datum_t *der, char out[TLS_SHA1_HEX_LEN]);
int tls_cert_pin(const gnutls_datum_t *der, char out[TLS_PIN_LEN]);

/*
 * tls_key.c: loads the server key and wraps it so GnuTLS signs through us.
 * *out_wrapped owns *out: freeing the wrapper (or the credentials it was
 * given to) frees the key.
 */
int tls_key_load(struct tls_key **out, gnutls_privkey_t *out_wrapped, const char *key_file);
void tls_key_free(struct tls_key *key);

/*
 * tls_key_rsa.c (tls_key_rsa_none.c without libcrypto): the fast signer
 * tls_key.c tries first. load: VPN_ERR_UNSUPPORTED for a key it does not
 * take (not RSA, no libcrypto). sign: VPN_ERR_UNSUPPORTED for a scheme it
 * does not do; on success out->data is gnutls_malloc'ed, as GnuTLS expects.
 */
struct tls_key_rsa;
int tls_key_rsa_load(struct tls_key_rsa **out, const gnutls_datum_t *pem);
int tls_key_rsa_sign(struct tls_key_rsa *k, gnutls_sign_algorithm_t algo,
		     const gnutls_datum_t *in, gnutls_datum_t *out);
void tls_key_rsa_free(struct tls_key_rsa *k);

/*
 * tls_ident.c: loads cfg's identities into ctx (and ctx->secret) and
 * installs the certificate-retrieve callback when there is any.
 */
int tls_ident_load_all(struct tls_client_ctx *ctx, const struct tls_client_config *cfg);
void tls_ident_free_all(struct tls_client_ctx *ctx);
/* tls_ident_pick.c: the callback GnuTLS calls on a CertificateRequest. */
int tls_ident_pick(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int n_req,
		   const gnutls_pk_algorithm_t *algos, int n_algos, gnutls_pcert_st **out_chain,
		   unsigned *out_n, gnutls_privkey_t *out_key);

/* tls_conn.c: the common half of a new session, after gnutls_init. */
int tls_conn_setup(struct tls_conn *c, int fd);

/*
 * DTLS (dtls.h). A suite is a static table row: its name in one of the two
 * CONNECT headers and what GnuTLS needs to resume it.
 */
struct dtls_suite {
	const char *name;
	enum dtls_list list;
	uint16_t code;             /* the suite number on the wire */
	unsigned server_prio;      /* higher wins (PROTOCOL.md §8.2) */
	bool is_weak;              /* offered or chosen only when asked for */
	gnutls_protocol_t version; /* GNUTLS_DTLS0_9 or GNUTLS_DTLS1_2 */
	gnutls_kx_algorithm_t kx;
	gnutls_cipher_algorithm_t cipher;
	gnutls_mac_algorithm_t mac;
	const char *priority;      /* exactly this suite; the server adds RESUME flags */
};

/* Whether this session's socket segments a run of datagrams for us (dtls_batch.c). */
enum dtls_gso {
	DTLS_GSO_UNTRIED,          /* a UDP socket; the first segmented send will tell */
	DTLS_GSO_WORKS,
	DTLS_GSO_REFUSED,          /* not UDP, or the kernel said no: one datagram per message */
};

/*
 * Ownership: a DTLS session owns its GnuTLS session and credentials, the
 * copy of the first datagram until it is read, its copy of the PSK (wiped)
 * and its description; it borrows fd, the static suite and its batch.
 */
struct dtls_conn {
	gnutls_session_t session;
	gnutls_psk_client_credentials_t psk_client;
	gnutls_psk_server_credentials_t psk_server;
	gnutls_certificate_credentials_t cert;  /* RESUME server: empty (dtls_setup.c) */
	int fd;                    /* borrowed, connected UDP */
	enum dtls_mode mode;
	bool is_server;
	bool is_handshake_done;
	uint8_t *first;            /* datagram received elsewhere, read before fd */
	size_t first_len;
	uint8_t psk[DTLS_PSK_LEN]; /* server: handed to GnuTLS when it asks */
	int last_error;            /* last fatal GnuTLS code */
	int last_errno;            /* errno of the last failed send/recv */
	unsigned send_drops;
	unsigned rx_oversize;      /* batched datagrams past DTLS_BATCH_SLOT, dropped (dtls_batch.c) */
	size_t rx_oversize_first_len; /* the first one's size on the wire */
	char *description;         /* gnutls_session_get_desc(), owned */
	struct dtls_batch *batch;  /* borrowed: dtls_conn_set_batch(); NULL: plain recv/send */
	bool is_batch_rx;          /* reads go through batch too */
	bool is_corked;
	bool has_send_failed;      /* a corked datagram met a hard socket error */
	enum dtls_gso gso;         /* how corked runs of equal datagrams leave */
};

/* dtls_setup.c: mode-specific half of a new session (priorities, keys). */
int dtls_setup_client(struct dtls_conn *c, const struct dtls_params *p);
int dtls_setup_server(struct dtls_conn *c, const struct dtls_params *p);

#endif
