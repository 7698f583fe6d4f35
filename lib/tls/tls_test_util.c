/* SPDX-License-Identifier: ISC */
/* Test fixtures for tls_test.c: certificates, session pairs, raw records. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/tls_test_util.h"

/* Copies the token after the first `key` found after `from` (up to whitespace). */
static int token_after(const char *text, const char *from, const char *key, char *out,
		       size_t out_len)
{
	const char *p = from ? strstr(text, from) : text;
	size_t n;

	if (p == NULL || (p = strstr(p, key)) == NULL)
		return -1;
	p += strlen(key);
	n = strcspn(p, " \t\r\n");
	if (n == 0 || n >= out_len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int run_certtool(struct tls_test_env *env)
{
	char cmd[256];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "certtool --certificate-info --infile %s 2>/dev/null",
		 env->cert);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	n = fread(env->certtool_info, 1, sizeof(env->certtool_info) - 1, f);
	env->certtool_info[n] = '\0';
	if (pclose(f) != 0)
		return -1;
	memcpy(env->certtool_pin, "pin-sha256:", 11);
	if (token_after(env->certtool_info, NULL, "pin-sha256:", env->certtool_pin + 11,
			sizeof(env->certtool_pin) - 11) != 0)
		return -1;
	return token_after(env->certtool_info, "Fingerprint:", "sha1:", env->certtool_sha1,
			   sizeof(env->certtool_sha1));
}

/* An ECDSA certificate made by certtool, to run our key wrapper over P-256. */
static int make_ec_cert(struct tls_test_env *env, const char *gateway_name)
{
	char cmd[1024];
	FILE *f;

	f = fopen(env->ec_template, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "cn = %s\ndns_name = %s\nexpiration_days = 30\n"
		"tls_www_server\nsigning_key\n", gateway_name, gateway_name);
	if (fclose(f) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile %s"
		 " >/dev/null 2>&1 && certtool --generate-self-signed --load-privkey %s"
		 " --template %s --outfile %s >/dev/null 2>&1",
		 env->ec_key, env->ec_key, env->ec_template, env->ec_cert);
	return system(cmd) == 0 ? 0 : -1;
}

static int make_p12(struct tls_test_env *env)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "certtool --load-certificate %s --load-privkey %s --to-p12 --outder"
		 " --empty-password --p12-name alice --outfile %s >/dev/null 2>&1",
		 env->client_cert, env->client_key, env->client_p12);
	return system(cmd) == 0 ? 0 : -1;
}

int tls_test_env_init(struct tls_test_env *env, const char *gateway_name)
{
	memset(env, 0, sizeof(*env));
	snprintf(env->dir, sizeof(env->dir), "/tmp/sslgate-tls-XXXXXX");
	if (mkdtemp(env->dir) == NULL)
		return -1;
	snprintf(env->cert, sizeof(env->cert), "%s/cert.pem", env->dir);
	snprintf(env->key, sizeof(env->key), "%s/key.pem", env->dir);
	snprintf(env->client_cert, sizeof(env->client_cert), "%s/alice.pem", env->dir);
	snprintf(env->client_key, sizeof(env->client_key), "%s/alice-key.pem", env->dir);
	snprintf(env->keylog, sizeof(env->keylog), "%s/keylog.txt", env->dir);
	snprintf(env->client_p12, sizeof(env->client_p12), "%s/alice.p12", env->dir);
	snprintf(env->ec_cert, sizeof(env->ec_cert), "%s/ec.pem", env->dir);
	snprintf(env->ec_key, sizeof(env->ec_key), "%s/ec-key.pem", env->dir);
	snprintf(env->ec_template, sizeof(env->ec_template), "%s/ec.tmpl", env->dir);
	setenv("SSLKEYLOGFILE", env->keylog, 1);
	if (tls_global_init() != 0 ||
	    tls_selfsigned_write(env->cert, env->key, gateway_name, 30) != 0 ||
	    tls_selfsigned_write(env->client_cert, env->client_key, "alice", 30) != 0 ||
	    run_certtool(env) != 0 || make_ec_cert(env, gateway_name) != 0 ||
	    make_p12(env) != 0) {
		fprintf(stderr, "tls test setup failed in %s\n", env->dir);
		return -1;
	}
	return 0;
}

void tls_test_env_cleanup(struct tls_test_env *env)
{
	const char *files[] = { env->cert, env->key, env->client_cert, env->client_key,
				env->keylog, env->client_p12, env->ec_cert, env->ec_key, env->ec_template };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(env->dir);
	tls_global_cleanup();
}

int tls_test_pair_open(struct tls_pair *p, const struct tls_server_config *scfg,
		       const struct tls_client_config *ccfg)
{
	memset(p, 0, sizeof(*p));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p->fds) != 0)
		return VPN_ERR_IO;
	int ret = tls_server_ctx_new(&p->sctx, scfg);

	if (ret == 0)
		ret = tls_client_ctx_new(&p->cctx, ccfg);
	if (ret == 0)
		ret = tls_conn_new_server(&p->s, p->sctx, p->fds[0]);
	if (ret == 0)
		ret = tls_conn_new_client(&p->c, p->cctx, p->fds[1]);
	if (ret != 0)
		tls_test_pair_close(p);
	return ret;
}

void tls_test_pair_close(struct tls_pair *p)
{
	tls_conn_free(p->c);
	tls_conn_free(p->s);
	tls_client_ctx_free(p->cctx);
	tls_server_ctx_free(p->sctx);
	close(p->fds[0]);
	close(p->fds[1]);
	memset(p, 0, sizeof(*p));
}

bool tls_test_ready(int fd, bool is_write)
{
	struct pollfd pfd = { .fd = fd, .events = is_write ? POLLOUT : POLLIN };

	return poll(&pfd, 1, 10) == 1;
}

size_t tls_test_raw_records(int fd, size_t *lens, size_t max)
{
	static uint8_t raw[256 * 1024];
	size_t len = 0, pos = 0, count = 0;
	ssize_t n;

	while (len < sizeof(raw) && (n = read(fd, raw + len, sizeof(raw) - len)) > 0)
		len += (size_t)n;
	while (pos + 5 <= len && count < max) {
		size_t rec = (size_t)raw[pos + 3] << 8 | raw[pos + 4];

		if (raw[pos] != 23) /* application_data, also TLS 1.3's outer type */
			return 0;
		lens[count++] = rec;
		pos += 5 + rec;
	}
	return pos == len ? count : 0;
}

size_t tls_test_record_len(const struct tls_cipher_info *info, size_t plain_len)
{
	size_t block = info->block_size;

	if (info->is_tls13)
		return plain_len + 1 + info->tag_len; /* inner content type, no padding */
	if (info->is_aead)
		return info->explicit_iv_len + plain_len + info->tag_len;
	if (info->is_etm) /* RFC 7366: pad the plaintext, MAC the ciphertext */
		return info->explicit_iv_len + (plain_len / block + 1) * block + info->mac_len;
	return info->explicit_iv_len + ((plain_len + info->mac_len) / block + 1) * block;
}
