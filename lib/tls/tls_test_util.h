/* SPDX-License-Identifier: ISC */
/*
 * Helpers for tls_test.c only: a temporary directory with certificates and
 * what certtool says about them, session pairs over socketpairs, a raw look
 * at the records on the wire, and a gnutls-cli run for the exporter check.
 */
#ifndef TLS_TLS_TEST_UTIL_H
#define TLS_TLS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/tls/tls.h"

struct tls_test_env {
	char dir[64];
	char cert[128], key[128];               /* the gateway's, self-signed */
	char client_cert[128], client_key[128]; /* CN "alice", self-signed */
	char client_p12[128];                   /* the same, PKCS#12 without password */
	char ec_cert[128], ec_key[128];         /* the gateway's, ECDSA P-256, by certtool */
	char ec_template[128];
	char keylog[128];                       /* SSLKEYLOGFILE */
	char certtool_pin[TLS_PIN_LEN];         /* as certtool prints them */
	char certtool_sha1[TLS_SHA1_HEX_LEN];
	char certtool_info[16384];
};

/* Sets SSLKEYLOGFILE, initialises lib/tls and writes both certificates. */
int tls_test_env_init(struct tls_test_env *env, const char *gateway_name);
void tls_test_env_cleanup(struct tls_test_env *env);

struct tls_pair {
	int fds[2];                 /* [0] the server's end, [1] the client's */
	struct tls_server_ctx *sctx;
	struct tls_client_ctx *cctx;
	struct tls_conn *s;
	struct tls_conn *c;
};

int tls_test_pair_open(struct tls_pair *p, const struct tls_server_config *scfg,
		       const struct tls_client_config *ccfg);
void tls_test_pair_close(struct tls_pair *p);

/* Whether fd is readable (or writable) within a few milliseconds. */
bool tls_test_ready(int fd, bool is_write);

/* Drains fd raw and returns how many TLS application-data records it held. */
size_t tls_test_raw_records(int fd, size_t *lens, size_t max);
/* The record length (after the 5-byte header) for plain_len bytes of data. */
size_t tls_test_record_len(const struct tls_cipher_info *info, size_t plain_len);

/*
 * Serves one gnutls-cli connection on 127.0.0.1 with the test certificate
 * and priorities prio; gives our exported PSK and the one gnutls-cli
 * printed. 0, 77 when gnutls-cli is missing, -1 on failure.
 */
int tls_test_cli_export(const struct tls_test_env *env, const char *prio,
			uint8_t ours[32], uint8_t theirs[32]);

#endif
