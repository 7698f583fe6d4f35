/* SPDX-License-Identifier: ISC */
/*
 * TLS for both programs, behind one interface: no file outside lib/tls/
 * includes a TLS library header. A tls_conn runs over a non-blocking socket
 * the caller owns (the caller closes it); every call that would block returns
 * VPN_ERR_AGAIN and tls_conn_wants_write() says which readiness to wait for.
 *
 * Trust policy lives in the caller: the client handshake completes even with
 * an untrusted certificate, and tls_conn_peer() reports what was found, so
 * the client can refuse, check a pin, or ask the user before it sends a byte.
 *
 * DTLS (legacy resumption, DTLS 1.2, PSK) and its negotiation are in dtls.h.
 */
#ifndef TLS_TLS_H
#define TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tls_server_ctx;
struct tls_client_ctx;
struct tls_conn;

/* Once per process, before anything else here; 0 or VPN_ERR_TLS. */
int tls_global_init(void);
void tls_global_cleanup(void);

/* "pin-sha256:" + base64 of SHA-256 over the SubjectPublicKeyInfo. */
#define TLS_PIN_LEN 64
/* SHA-1 of the DER certificate, upper-case hex (server-cert-hash). */
#define TLS_SHA1_HEX_LEN 41

struct tls_server_config {
	const char *cert_file;   /* PEM chain, leaf first */
	const char *key_file;    /* PEM private key */
	const char *ca_file;     /* client-certificate CAs; NULL: none requested */
	const char *crl_file;    /* PEM CRLs of those CAs (tls_verify.c); NULL: none */
	const char *priorities;  /* GnuTLS priority string; NULL: project default */
	bool is_tls12_max;       /* cisco-client-compat: no TLS 1.3 (PROTOCOL.md §1.1);
				    ignored when priorities is set */
};

/*
 * The project defaults: the server offers TLS 1.3 and 1.2 in its own order
 * with ECDHE/DHE key exchange only; the client offers TLS 1.3 and 1.2.
 * A context borrows nothing from cfg; each connection borrows its context,
 * which must outlive it.
 */
int tls_server_ctx_new(struct tls_server_ctx **out, const struct tls_server_config *cfg);
void tls_server_ctx_free(struct tls_server_ctx *ctx);
/* The server certificate's SHA-1 (DER, upper-case hex) and key pin. */
void tls_server_ctx_cert_sha1(const struct tls_server_ctx *ctx, char out[TLS_SHA1_HEX_LEN]);
void tls_server_ctx_pin(const struct tls_server_ctx *ctx, char out[TLS_PIN_LEN]);

/*
 * Writes a new self-signed certificate and key (PEM, key mode 0600) for
 * common_name, valid for `days`. For a gateway started with no certificate.
 */
int tls_selfsigned_write(const char *cert_path, const char *key_path,
			 const char *common_name, unsigned days);

/*
 * One client identity (tls_ident.c): cert is a PEM file (chain, leaf first),
 * a PKCS#12 file, or a pkcs11: URL; key a PEM file or pkcs11: URL, NULL when
 * it is in cert (PEM, PKCS#12) or is the token object cert names.
 */
struct tls_identity {
	const char *cert;
	const char *key;
};
#define TLS_IDENTITIES_MAX 32

/*
 * Asked for a PKCS#12 or PEM-key passphrase or a token PIN. what names the
 * file or token; attempt counts from 0. Writes a NUL-terminated secret into
 * out and returns 0, or returns a negative value to give up.
 */
struct tls_secret_prompt {
	int (*ask)(void *arg, const char *what, unsigned attempt, char *out, size_t out_len);
	void *arg;               /* borrowed: must outlive the client context */
};

struct tls_client_config {
	const char *ca_file;      /* NULL: the system trust store */
	/*
	 * The caller trusts by key pin alone: no trust anchors are loaded
	 * (the system store costs megabytes of heap), and tls_conn_peer()
	 * then reports every certificate untrusted.
	 */
	bool is_pinned;
	const char *hostname;     /* SNI and the name the certificate must match */
	const char *cert_file;    /* a client identity (struct tls_identity's cert),
				     optional */
	const char *key_file;     /* optional; NULL when in cert_file */
	const char *priorities;   /* NULL: project default */
	/* More identities; cert_file, when set, is one more, listed first. */
	const struct tls_identity *identities;
	size_t n_identities;
	const char *key_password; /* passphrase or PIN; tried once before the prompt */
	struct tls_secret_prompt prompt;  /* ask == NULL: never ask */
};

int tls_client_ctx_new(struct tls_client_ctx **out, const struct tls_client_config *cfg);
void tls_client_ctx_free(struct tls_client_ctx *ctx);

int tls_conn_new_server(struct tls_conn **out, struct tls_server_ctx *ctx, int fd);
int tls_conn_new_client(struct tls_conn **out, struct tls_client_ctx *ctx, int fd);
/* Frees the session and wipes its secrets; does not close the socket. */
void tls_conn_free(struct tls_conn *c);

/* 0 when the handshake is complete, VPN_ERR_AGAIN, or VPN_ERR_TLS. */
int tls_conn_handshake(struct tls_conn *c);
/* After VPN_ERR_AGAIN: true when the call waits for the socket to be writable. */
bool tls_conn_wants_write(const struct tls_conn *c);

/* Largest plaintext of one record; a read with cap >= this keeps boundaries. */
#define TLS_RECORD_MAX 16384

/*
 * Reads at most one record's plaintext into buf. 0 with *out_len > 0 on
 * data; VPN_ERR_AGAIN; VPN_ERR_CLOSED on close_notify or EOF; VPN_ERR_TLS.
 * CSTP needs record boundaries: one frame is one record (PROTOCOL.md §7.1).
 * With cap < TLS_RECORD_MAX the rest of a longer record comes next call.
 * A renegotiation the peer starts is carried out inside read (and write).
 */
int tls_conn_read(struct tls_conn *c, void *buf, size_t cap, size_t *out_len);
/*
 * Bytes already taken from the socket (plaintext GnuTLS decrypted, or
 * ciphertext read ahead) and waiting: epoll will not report them, so read
 * until VPN_ERR_AGAIN or check this before sleeping.
 */
size_t tls_conn_pending(const struct tls_conn *c);
/*
 * Read-ahead (off by default): one recv() takes up to 32 KiB, however many
 * records that is, instead of two recv() per record. Only for callers that
 * read until VPN_ERR_AGAIN or look at tls_conn_pending() before they wait
 * (the tunnel phases); the buffer exists only while it holds data.
 */
void tls_conn_set_read_ahead(struct tls_conn *c, bool is_on);

/*
 * Sends data as exactly one record (len <= 16384). On VPN_ERR_AGAIN the
 * record is kept and the same call must be repeated with the same data
 * (GnuTLS semantics); other returns: 0, VPN_ERR_CLOSED, VPN_ERR_TLS,
 * VPN_ERR_TOO_BIG (longer than the session's record size).
 */
int tls_conn_write(struct tls_conn *c, const void *data, size_t len);
/*
 * Cork: records written until uncork are held (as ciphertext, each still its
 * own record, up to 256 KiB) and leave in as few sends as possible.
 * Uncork: 0 once all is sent; VPN_ERR_AGAIN: wait for writable, call again.
 */
void tls_conn_cork(struct tls_conn *c);
int tls_conn_uncork(struct tls_conn *c);

/*
 * Starts a rekey (PROTOCOL.md §7.6): TLS 1.3 KeyUpdate asking the peer to
 * update too; TLS 1.2 renegotiation (client: a new handshake; server: a
 * HelloRequest, the client's answer is handled inside tls_conn_read).
 * 0, VPN_ERR_AGAIN (finishes inside later reads and writes), VPN_ERR_TLS.
 */
int tls_conn_rekey(struct tls_conn *c);

/* Why the last call failed, for the caller's log line (static string). */
const char *tls_conn_error_str(const struct tls_conn *c);

/* Sends close_notify (best effort, never blocks for long). */
void tls_conn_bye(struct tls_conn *c);

/* The PSK-NEGOTIATE key: RFC 5705 exporter, "EXPORTER-openconnect-psk", no context. */
int tls_conn_export_psk(struct tls_conn *c, uint8_t out[32]);

/* What the MTU arithmetic of PROTOCOL.md §6.5 needs about the session. */
struct tls_cipher_info {
	bool is_tls13;
	bool is_aead;
	bool is_etm;             /* CBC with encrypt-then-MAC (RFC 7366): MAC after padding */
	unsigned block_size;     /* 0 for AEAD and stream ciphers */
	unsigned mac_len;        /* 0 for AEAD */
	unsigned explicit_iv_len;
	unsigned tag_len;
	const char *description; /* e.g. "(TLS1.2)-(ECDHE-SECP256R1)-(RSA-SHA256)-(AES-256-GCM)";
				    owned by the connection, valid until the next handshake */
};
int tls_conn_cipher(const struct tls_conn *c, struct tls_cipher_info *out);

/* What the client learned about the server's certificate. */
struct tls_peer {
	bool is_trusted;          /* chain to a trusted CA and hostname match */
	char reason[128];         /* why not trusted, for the user */
	char pin[TLS_PIN_LEN];    /* pin-sha256:... of the leaf's public key */
	char sha1[TLS_SHA1_HEX_LEN]; /* SHA-1 of the leaf DER certificate */
};
int tls_conn_peer(const struct tls_conn *c, struct tls_peer *out);
/*
 * Client, after a handshake: the leaf certificate as the gateway sent it
 * (DER), borrowed until c is freed. For a caller that checked it once with
 * tls_conn_peer() and wants to know it is the very same certificate again.
 */
int tls_conn_peer_der(const struct tls_conn *c, const uint8_t **out, size_t *out_len);

/*
 * Client, after a handshake: which identity was sent (its cert as the user
 * named it, "" for none), and why none could be chosen when the gateway's
 * CertificateRequest named CAs that no identity chains to (the CAs asked
 * for and the identities available), "" when that did not happen. Both
 * strings are owned by the connection.
 */
const char *tls_conn_identity_sent(const struct tls_conn *c);
const char *tls_conn_identity_error(const struct tls_conn *c);

/* Gateway: what the client's certificate said and whether it was trusted. */
struct tls_client_cert {
	bool is_present;          /* the client sent a certificate */
	bool is_valid;            /* chains to ca_file, in date, not revoked (crl_file) */
	char reason[128];         /* why not valid, for the log and the user */
	char subject[256];        /* the leaf's subject DN, for the log */
	char issuer[256];         /* its issuer DN */
	char cn[128];             /* subject CN; "" when absent */
	char email[128];          /* first rfc822Name SAN, else emailAddress in the DN */
	char user_field[128];     /* the subject's user_oid value (tls_conn_client_cert) */
	char group_field[128];    /* the subject's group_oid value */
};
/*
 * Fills out from the client's certificate. user_oid and group_oid (dotted,
 * e.g. "2.5.4.3"; NULL: none) pick subject DN fields; the OID 0.9.2342.
 * 19200300.100.1.1 (UID) and any other attribute work. 0 (also for an
 * absent or untrusted certificate: see is_present/is_valid), VPN_ERR_INVALID
 * on a client connection, VPN_ERR_TLS.
 */
int tls_conn_client_cert(const struct tls_conn *c, const char *user_oid, const char *group_oid,
			 struct tls_client_cert *out);

/* Gateway: the client's certificate subject, when one was presented and verified. */
int tls_conn_client_cert_cn(const struct tls_conn *c, char *out, size_t out_len);

#endif
