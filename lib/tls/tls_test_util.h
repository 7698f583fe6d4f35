/* SPDX-License-Identifier: ISC */
/*
 * Helpers for the tests of lib/tls: a temporary directory with certificates
 * and what certtool says about them, TLS and DTLS session pairs over
 * socketpairs, a raw look at the records on the wire, and a gnutls-cli run
 * for the exporter check.
 */
#ifndef TLS_TLS_TEST_UTIL_H
#define TLS_TLS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/types.h>

#include "lib/tls/dtls.h"
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

/* dtls_test_util.c from here on. */

/* Runs both handshakes of a TLS pair: 0 when both are done, else an error. */
int tls_test_pair_handshake(struct tls_pair *p);

/*
 * DTLS sessions over an AF_UNIX datagram socketpair, opened the way a
 * gateway does it: the client sends its first ClientHello, the test takes
 * it off the server's socket (kept in hello) and the server session starts
 * from that datagram. server NULL: the client alone, nobody answers.
 */
struct tls_test_dtls {
	int fds[2];                /* [0] the server's end, [1] the client's */
	struct dtls_conn *s;
	struct dtls_conn *c;
	uint8_t hello[4096];       /* the client's first datagram */
	size_t hello_len;
};

int tls_test_dtls_open(struct tls_test_dtls *p, const struct dtls_params *client,
		       const struct dtls_params *server);
void tls_test_dtls_close(struct tls_test_dtls *p);
/*
 * Drives both handshakes, sleeping in poll until a socket is readable or a
 * retransmission is due, until both are done, one fails, or max_ms pass.
 */
void tls_test_dtls_pump(struct tls_test_dtls *p, unsigned max_ms, int *out_client,
			int *out_server);
/* One datagram from fd within wait_ms: its length, or -1. */
ssize_t tls_test_recv(int fd, void *buf, size_t cap, unsigned wait_ms);
/* A nonblocking UDP socket bound to a free loopback port (its address in *out), or -1. */
int tls_test_udp_bound(struct sockaddr_in *out);
/* Milliseconds on the monotonic clock. */
uint64_t tls_test_now_ms(void);

#endif
