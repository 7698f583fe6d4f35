/* SPDX-License-Identifier: ISC */
/*
 * lib/tls against real values: fingerprints as Debian's certtool prints them,
 * record sizes as they appear on the wire, the exporter as gnutls-cli (the
 * stack openconnect and ocserv use) computes it. Sessions run non-blocking
 * over socketpairs; the gnutls-cli check uses a loopback TCP socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/digest.h"
#include "lib/tls/tls.h"
#include "lib/tls/tls_test_util.h"

#define GATEWAY_NAME "vpn.example.test"

static struct tls_test_env env;

static void selfsigned_matches_certtool(void **state)
{
	struct tls_server_config cfg = { .cert_file = env.cert, .key_file = env.key };
	struct tls_server_ctx *ctx;
	char pin[TLS_PIN_LEN], sha1[TLS_SHA1_HEX_LEN];
	struct stat st;

	(void)state;
	assert_int_equal(stat(env.key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(tls_server_ctx_new(&ctx, &cfg), 0);
	tls_server_ctx_pin(ctx, pin);
	tls_server_ctx_cert_sha1(ctx, sha1);
	assert_string_equal(pin, env.certtool_pin);
	assert_int_equal(strcasecmp(sha1, env.certtool_sha1), 0);
	for (const char *p = sha1; *p; p++) /* Cisco's server-cert-hash form */
		assert_true((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F'));
	assert_int_equal(strlen(sha1), 40);
	assert_non_null(strstr(env.certtool_info, "DNSname: " GATEWAY_NAME));
	assert_non_null(strstr(env.certtool_info, "CN=" GATEWAY_NAME));
	tls_server_ctx_free(ctx);
}

static void bad_inputs_are_refused(void **state)
{
	struct tls_server_config cfg = { .cert_file = env.cert, .key_file = env.cert };
	struct tls_server_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(tls_server_ctx_new(&ctx, &cfg), VPN_ERR_TLS); /* no key in it */
	cfg.key_file = env.key;
	cfg.priorities = "NORMAL:+NO-SUCH-THING";
	assert_int_equal(tls_server_ctx_new(&ctx, &cfg), VPN_ERR_INVALID);
	assert_int_equal(tls_selfsigned_write(env.cert, env.key, "", 1), VPN_ERR_INVALID);
}

/* Both sides' handshakes, alternating; AGAIN must name a ready direction. */
static void pump_handshake(struct tls_pair *p)
{
	int rs = VPN_ERR_AGAIN, rc = VPN_ERR_AGAIN;

	for (int i = 0; i < 100 && (rs != 0 || rc != 0); i++) {
		if (rc != 0)
			rc = tls_conn_handshake(p->c);
		if (rs != 0)
			rs = tls_conn_handshake(p->s);
		assert_true(rc == 0 || rc == VPN_ERR_AGAIN);
		assert_true(rs == 0 || rs == VPN_ERR_AGAIN);
		if (rs == VPN_ERR_AGAIN && rc == VPN_ERR_AGAIN)
			assert_true(tls_test_ready(p->fds[0], tls_conn_wants_write(p->s)) ||
				    tls_test_ready(p->fds[1], tls_conn_wants_write(p->c)));
	}
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
}

static void open_pair(struct tls_pair *p, const char *prio, const char *ca, const char *host)
{
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key,
					  .priorities = prio };
	struct tls_client_config ccfg = { .ca_file = ca, .hostname = host };

	assert_int_equal(tls_test_pair_open(p, &scfg, &ccfg), 0);
	pump_handshake(p);
}

/* Reads one record, waiting (boundedly) for it to arrive. */
static void read_one(struct tls_conn *c, void *buf, size_t cap, size_t *out_len)
{
	int ret = VPN_ERR_AGAIN;

	for (int i = 0; i < 100 && ret == VPN_ERR_AGAIN; i++)
		ret = tls_conn_read(c, buf, cap, out_len);
	assert_int_equal(ret, 0);
}

static const char *const versions[] = {
	"NORMAL:-VERS-ALL:+VERS-TLS1.2:-RSA:-CIPHER-ALL:+AES-256-GCM",
	"NORMAL:-VERS-ALL:+VERS-TLS1.3",
	/* also makes the key sign PKCS#1 v1.5, the RSA_RAW path of tls_key.c */
	("NORMAL:-VERS-ALL:+VERS-TLS1.2:-RSA:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1"
	 ":-SIGN-ALL:+SIGN-RSA-SHA256"),
};

/*
 * Each write is one record on the wire (counted from the raw socket), and
 * its size is what tls_conn_cipher says the overhead is (PROTOCOL.md §6.5).
 */
static void one_record_per_write(void **state)
{
	static const size_t sizes[] = { 1, 8, 1407, TLS_RECORD_MAX };
	static uint8_t data[TLS_RECORD_MAX];
	struct tls_cipher_info info;
	size_t lens[8];
	size_t n;

	(void)state;
	memset(data, 0x5a, sizeof(data));
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		struct tls_pair p;

		open_pair(&p, versions[v], NULL, GATEWAY_NAME);
		assert_int_equal(tls_conn_cipher(p.c, &info), 0);
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			assert_int_equal(tls_conn_write(p.c, data, sizes[i]), 0);
		n = tls_test_raw_records(p.fds[0], lens, 8);
		assert_int_equal(n, sizeof(sizes) / sizeof(sizes[0]));
		for (size_t i = 0; i < n; i++)
			assert_int_equal(lens[i], tls_test_record_len(&info, sizes[i]));
		assert_int_equal(tls_conn_write(p.c, data, TLS_RECORD_MAX + 1), VPN_ERR_TOO_BIG);
		tls_test_pair_close(&p);
	}
}

static void cipher_info_describes_session(void **state)
{
	struct tls_cipher_info info;
	struct tls_pair p;

	(void)state;
	open_pair(&p, versions[0], NULL, GATEWAY_NAME);
	assert_int_equal(tls_conn_cipher(p.s, &info), 0);
	assert_false(info.is_tls13);
	assert_true(info.is_aead);
	assert_int_equal(info.explicit_iv_len, 8);
	assert_int_equal(info.tag_len, 16);
	assert_int_equal(info.mac_len, 0);
	assert_non_null(strstr(info.description, "(TLS1.2)"));
	assert_non_null(strstr(info.description, "(AES-256-GCM)"));
	tls_test_pair_close(&p);

	open_pair(&p, versions[2], NULL, GATEWAY_NAME);
	assert_int_equal(tls_conn_cipher(p.c, &info), 0);
	assert_false(info.is_aead);
	assert_int_equal(info.block_size, 16);
	assert_int_equal(info.explicit_iv_len, 16);
	assert_int_equal(info.mac_len, 20);
	assert_non_null(strstr(info.description, "(RSA-SHA256)"));
	tls_test_pair_close(&p);
}

/* The key wrapper with ECDSA: TLS 1.3 needs the curve-bound scheme. */
static void ecdsa_key_signs(void **state)
{
	static const char *const signs[] = { "(ECDSA-SHA256)", "(ECDSA-SECP256R1-SHA256)" };
	struct tls_server_config scfg = { .cert_file = env.ec_cert, .key_file = env.ec_key };
	struct tls_client_config ccfg = { .ca_file = env.ec_cert, .hostname = GATEWAY_NAME };
	struct tls_cipher_info info;
	struct tls_peer peer;
	struct tls_pair p;

	(void)state;
	for (size_t v = 0; v < 2; v++) {
		scfg.priorities = versions[v];
		assert_int_equal(tls_test_pair_open(&p, &scfg, &ccfg), 0);
		pump_handshake(&p);
		assert_int_equal(tls_conn_cipher(p.c, &info), 0);
		assert_non_null(strstr(info.description, signs[v]));
		assert_int_equal(tls_conn_peer(p.c, &peer), 0);
		assert_true(peer.is_trusted);
		tls_test_pair_close(&p);
	}
}

/* Reads keep boundaries, corked or not; a corked write stays off the wire. */
static void reads_keep_record_boundaries(void **state)
{
	static const char *const frames[] = { "S", "STF\x01", "a somewhat longer record" };
	char buf[TLS_RECORD_MAX];
	struct tls_pair p;
	size_t len;

	(void)state;
	open_pair(&p, NULL, NULL, GATEWAY_NAME);
	for (int corked = 0; corked < 2; corked++) {
		if (corked)
			tls_conn_cork(p.s);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(tls_conn_write(p.s, frames[i], strlen(frames[i])), 0);
		if (corked) {
			assert_false(tls_test_ready(p.fds[1], false));
			assert_int_equal(tls_conn_uncork(p.s), 0);
		}
		for (size_t i = 0; i < 3; i++) {
			read_one(p.c, buf, sizeof(buf), &len);
			assert_int_equal(len, strlen(frames[i]));
			assert_memory_equal(buf, frames[i], len);
		}
		assert_int_equal(tls_conn_pending(p.c), 0);
		assert_int_equal(tls_conn_read(p.c, buf, sizeof(buf), &len), VPN_ERR_AGAIN);
	}
	tls_conn_bye(p.s);
	assert_int_equal(tls_conn_read(p.c, buf, sizeof(buf), &len), VPN_ERR_CLOSED);
	tls_test_pair_close(&p);
}

/* Reads what has arrived; each record must be the next one, whole. */
static void drain_in_order(struct tls_conn *c, size_t *received)
{
	static uint8_t buf[TLS_RECORD_MAX];
	size_t len;

	while (tls_conn_read(c, buf, sizeof(buf), &len) == 0) {
		assert_int_equal(len, TLS_RECORD_MAX);
		assert_int_equal(buf[0], (uint8_t)*received);
		assert_int_equal(buf[len - 1], (uint8_t)*received);
		(*received)++;
	}
}

/* Corking more than the cork buffer holds, over a full socket: AGAIN, then order kept. */
static void cork_overflow_run(bool is_read_ahead)
{
	enum { RECORDS = 40 }; /* 640 KiB: past the 256 KiB buffer and the socket's */
	static uint8_t rec[TLS_RECORD_MAX];
	size_t sent = 0, received = 0;
	int agains = 0, ret;
	struct tls_pair p;

	open_pair(&p, NULL, NULL, GATEWAY_NAME);
	/* 16 KiB records against 32 KiB reads: most records straddle two reads. */
	tls_conn_set_read_ahead(p.c, is_read_ahead);
	tls_conn_cork(p.s);
	for (int i = 0; i < 1000 && sent < RECORDS; i++) {
		memset(rec, (int)sent, sizeof(rec));
		ret = tls_conn_write(p.s, rec, sizeof(rec));
		if (ret == 0) {
			sent++;
			continue;
		}
		assert_int_equal(ret, VPN_ERR_AGAIN);
		assert_true(tls_conn_wants_write(p.s));
		agains++;
		drain_in_order(p.c, &received);
	}
	assert_int_equal(sent, RECORDS);
	for (int i = 0; i < 1000 && (ret = tls_conn_uncork(p.s)) == VPN_ERR_AGAIN; i++)
		drain_in_order(p.c, &received);
	assert_int_equal(ret, 0);
	for (int i = 0; i < 1000 && received < RECORDS; i++)
		drain_in_order(p.c, &received);
	assert_int_equal(received, RECORDS);
	assert_true(agains > 0);
	tls_test_pair_close(&p);
}

static void cork_overflow_keeps_order(void **state)
{
	(void)state;
	cork_overflow_run(false);
	cork_overflow_run(true);
}

/*
 * Read-ahead: a burst of CSTP frames (the DPD request openconnect sends,
 * PROTOCOL.md §7.1, and data frames of every size up to a full packet)
 * leaves corked in one send and is taken by one recv(); every read still
 * gives exactly one record, in order, and what waits is reported pending.
 */
static void read_ahead_keeps_records(void **state)
{
	static const uint8_t dpd_req[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x03, 0x00 };
	enum { FRAMES = 24 };
	static uint8_t frame[1500], buf[TLS_RECORD_MAX];
	struct tls_pair p;
	size_t len;

	(void)state;
	open_pair(&p, NULL, NULL, GATEWAY_NAME);
	tls_conn_set_read_ahead(p.c, true);
	tls_conn_cork(p.s);
	for (size_t i = 0; i < FRAMES; i++) {
		size_t n = i == 0 ? sizeof(dpd_req) : 8 + i * 61;

		memset(frame, (int)i, n);
		if (i == 0)
			memcpy(frame, dpd_req, n);
		assert_int_equal(tls_conn_write(p.s, frame, n), 0);
	}
	assert_int_equal(tls_conn_uncork(p.s), 0);
	assert_true(tls_test_ready(p.fds[1], false));
	for (size_t i = 0; i < FRAMES; i++) {
		read_one(p.c, buf, sizeof(buf), &len);
		if (i == 0) {
			assert_int_equal(len, sizeof(dpd_req));
			assert_memory_equal(buf, dpd_req, len);
			/* 17 KiB of records came in that one recv(): none left in the socket */
			assert_true(tls_conn_pending(p.c) > 0);
			assert_false(tls_test_ready(p.fds[1], false));
			continue;
		}
		assert_int_equal(len, 8 + i * 61);
		assert_int_equal(buf[0], (uint8_t)i);
		assert_int_equal(buf[len - 1], (uint8_t)i);
	}
	assert_int_equal(tls_conn_pending(p.c), 0);
	assert_int_equal(tls_conn_read(p.c, buf, sizeof(buf), &len), VPN_ERR_AGAIN);
	tls_conn_bye(p.s);
	assert_int_equal(tls_conn_read(p.c, buf, sizeof(buf), &len), VPN_ERR_CLOSED);
	tls_test_pair_close(&p);
}

static void export_psk_matches(void **state)
{
	uint8_t a[32], b[32], zero[32] = { 0 };

	(void)state;
	for (size_t v = 0; v < 2; v++) {
		struct tls_pair p;

		open_pair(&p, versions[v], NULL, GATEWAY_NAME);
		assert_int_equal(tls_conn_export_psk(p.s, a), 0);
		assert_int_equal(tls_conn_export_psk(p.c, b), 0);
		assert_memory_equal(a, b, 32);
		assert_memory_not_equal(a, zero, 32);
		tls_test_pair_close(&p);
	}
}

static void peer_trust(void **state)
{
	struct tls_peer peer;
	struct tls_pair p;
	const uint8_t *der;
	size_t der_len;
	char sha1[TLS_DIGEST_SHA1_HEX_LEN];

	(void)state;
	/* the system store does not know a fresh self-signed certificate */
	open_pair(&p, NULL, NULL, GATEWAY_NAME);
	assert_int_equal(tls_conn_peer(p.c, &peer), 0);
	assert_false(peer.is_trusted);
	assert_true(strlen(peer.reason) > 0);
	assert_string_equal(peer.pin, env.certtool_pin);
	assert_int_equal(strcasecmp(peer.sha1, env.certtool_sha1), 0);
	/* the leaf as sent: its SHA-1 is the fingerprint certtool printed */
	assert_int_equal(tls_conn_peer_der(p.c, &der, &der_len), 0);
	assert_int_equal(tls_digest_sha1_hex(der, der_len, sha1), 0);
	assert_int_equal(strcasecmp(sha1, env.certtool_sha1), 0);
	assert_int_equal(tls_conn_peer_der(p.s, &der, &der_len), VPN_ERR_NOT_FOUND);
	tls_test_pair_close(&p);

	open_pair(&p, NULL, env.cert, GATEWAY_NAME);
	assert_int_equal(tls_conn_peer(p.c, &peer), 0);
	assert_true(peer.is_trusted);
	assert_string_equal(peer.reason, "");
	tls_test_pair_close(&p);

	open_pair(&p, NULL, env.cert, "other.example.test");
	assert_int_equal(tls_conn_peer(p.c, &peer), 0);
	assert_false(peer.is_trusted);
	assert_non_null(strstr(peer.reason, "name in the certificate does not match"));
	tls_test_pair_close(&p);
}

/* SNI in the ClientHello for a name, none for an address literal (RFC 6066 §3). */
static void client_hello_sni(void **state)
{
	static const char *const hosts[] = { GATEWAY_NAME, "198.18.0.1" };
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key };
	uint8_t hello[4096];
	struct tls_pair p;
	ssize_t n;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct tls_client_config ccfg = { .hostname = hosts[i] };

		assert_int_equal(tls_test_pair_open(&p, &scfg, &ccfg), 0);
		assert_int_equal(tls_conn_handshake(p.c), VPN_ERR_AGAIN);
		assert_false(tls_conn_wants_write(p.c)); /* sent; now waits to read */
		n = read(p.fds[0], hello, sizeof(hello));
		assert_true(n > 5);
		assert_int_equal(hello[0], 22); /* handshake record */
		if (i == 0)
			assert_non_null(memmem(hello, (size_t)n, hosts[i], strlen(hosts[i])));
		else
			assert_null(memmem(hello, (size_t)n, hosts[i], strlen(hosts[i])));
		tls_test_pair_close(&p);
	}
}

/* Renegotiation (TLS 1.2) and KeyUpdate (1.3) from either side; data flows after. */
static void rekey_keeps_session(void **state)
{
	uint8_t before[32], after[32];
	char buf[64];
	size_t len;

	(void)state;
	for (size_t v = 0; v < 2; v++) {
		for (int by_server = 0; by_server < 2; by_server++) {
			struct tls_pair p;
			struct tls_conn *starter, *other;
			int ret;

			open_pair(&p, versions[v], NULL, GATEWAY_NAME);
			starter = by_server ? p.s : p.c;
			other = by_server ? p.c : p.s;
			assert_int_equal(tls_conn_export_psk(p.c, before), 0);
			ret = tls_conn_rekey(starter);
			assert_true(ret == 0 || ret == VPN_ERR_AGAIN);
			for (int i = 0; i < 50; i++) {
				tls_conn_read(other, buf, sizeof(buf), &len);
				tls_conn_read(starter, buf, sizeof(buf), &len);
			}
			assert_int_equal(tls_conn_write(starter, "ping", 4), 0);
			read_one(other, buf, sizeof(buf), &len);
			assert_memory_equal(buf, "ping", 4);
			assert_int_equal(tls_conn_write(other, "pong", 4), 0);
			read_one(starter, buf, sizeof(buf), &len);
			assert_memory_equal(buf, "pong", 4);
			assert_int_equal(tls_conn_export_psk(p.c, after), 0);
			/* a renegotiation makes a new master secret; KeyUpdate does not */
			if (v == 0)
				assert_memory_not_equal(before, after, 32);
			tls_test_pair_close(&p);
		}
	}
}

static void client_certificate_cn(void **state)
{
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key,
					  .ca_file = env.client_cert };
	struct tls_client_config ccfg = { .hostname = GATEWAY_NAME,
					  .cert_file = env.client_cert,
					  .key_file = env.client_key };
	char cn[64];
	struct tls_pair p;

	(void)state;
	assert_int_equal(tls_test_pair_open(&p, &scfg, &ccfg), 0);
	pump_handshake(&p);
	assert_int_equal(tls_conn_client_cert_cn(p.s, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "alice");
	assert_int_equal(tls_conn_client_cert_cn(p.s, cn, 3), VPN_ERR_TOO_BIG);
	tls_test_pair_close(&p);

	/* the same identity from a PKCS#12 file */
	ccfg.cert_file = env.client_p12;
	ccfg.key_file = NULL;
	assert_int_equal(tls_test_pair_open(&p, &scfg, &ccfg), 0);
	pump_handshake(&p);
	assert_int_equal(tls_conn_client_cert_cn(p.s, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "alice");
	tls_test_pair_close(&p);

	/* requested, not required: a client without one still connects */
	ccfg.cert_file = NULL;
	ccfg.key_file = NULL;
	assert_int_equal(tls_test_pair_open(&p, &scfg, &ccfg), 0);
	pump_handshake(&p);
	assert_int_equal(tls_conn_client_cert_cn(p.s, cn, sizeof(cn)), VPN_ERR_NOT_FOUND);
	tls_test_pair_close(&p);
}

/* GnuTLS writes SSLKEYLOGFILE itself (set in main before the first session). */
static void keylog_file_is_written(void **state)
{
	char line[256] = "";
	FILE *f;

	(void)state;
	f = fopen(env.keylog, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_true(strncmp(line, "CLIENT_", 7) == 0 || strncmp(line, "SERVER_", 7) == 0);
}

/* Our exporter against gnutls-cli's --keymatexport, over loopback TCP. */
static void export_psk_matches_gnutls_cli(void **state)
{
	uint8_t ours[32], theirs[32];
	int ret;

	(void)state;
	for (size_t v = 0; v < 2; v++) {
		ret = tls_test_cli_export(&env, versions[v], ours, theirs);
		if (ret == 77)
			skip();
		assert_int_equal(ret, 0);
		assert_memory_equal(ours, theirs, 32);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(selfsigned_matches_certtool),
		cmocka_unit_test(bad_inputs_are_refused),
		cmocka_unit_test(one_record_per_write),
		cmocka_unit_test(cipher_info_describes_session),
		cmocka_unit_test(ecdsa_key_signs),
		cmocka_unit_test(reads_keep_record_boundaries),
		cmocka_unit_test(cork_overflow_keeps_order),
		cmocka_unit_test(read_ahead_keeps_records),
		cmocka_unit_test(export_psk_matches),
		cmocka_unit_test(peer_trust),
		cmocka_unit_test(client_hello_sni),
		cmocka_unit_test(rekey_keeps_session),
		cmocka_unit_test(client_certificate_cn),
		cmocka_unit_test(keylog_file_is_written),
		cmocka_unit_test(export_psk_matches_gnutls_cli),
	};
	int failed;

	if (tls_test_env_init(&env, GATEWAY_NAME) != 0)
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	tls_test_env_cleanup(&env);
	return failed;
}
