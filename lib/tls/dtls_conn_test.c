/* SPDX-License-Identifier: ISC */
/*
 * DTLS sessions in the three modes (PROTOCOL.md §8.3-8.5), our client
 * against our server over a datagram socketpair, each server started from
 * the ClientHello the test took off its socket, as the gateway's
 * demultiplexer will hand it over. The expected suite numbers, versions and
 * session descriptions are PROTOCOL.md's and the lab logs' (openconnect
 * 9.01 printing "(DTLS0.9)-(RSA)-(AES-256-CBC)-(SHA1)" against ocserv).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

static struct tls_test_env env;

/* PROTOCOL.md §8.2: name, header, suite number, DTLS 1.2 or 0.9, GnuTLS cipher name. */
struct expected_suite {
	enum dtls_list list;
	const char *name;
	uint16_t code;
	bool is_dtls12;
	const char *cipher;
};

static const struct expected_suite expected[] = {
	{ DTLS_LIST_LEGACY, "AES256-SHA", 0x0035, false, "AES-256-CBC" },
	{ DTLS_LIST_LEGACY, "AES128-SHA", 0x002F, false, "AES-128-CBC" },
	{ DTLS_LIST_LEGACY, "DES-CBC3-SHA", 0x000A, false, "3DES-CBC" },
	{ DTLS_LIST_LEGACY, "OC-DTLS1_2-AES128-GCM", 0x009C, true, "AES-128-GCM" },
	{ DTLS_LIST_LEGACY, "OC-DTLS1_2-AES256-GCM", 0x009D, true, "AES-256-GCM" },
	{ DTLS_LIST_DTLS12, "ECDHE-RSA-AES256-GCM-SHA384", 0xC030, true, "AES-256-GCM" },
	{ DTLS_LIST_DTLS12, "ECDHE-RSA-AES128-GCM-SHA256", 0xC02F, true, "AES-128-GCM" },
	{ DTLS_LIST_DTLS12, "AES256-GCM-SHA384", 0x009D, true, "AES-256-GCM" },
	{ DTLS_LIST_DTLS12, "AES128-GCM-SHA256", 0x009C, true, "AES-128-GCM" },
	{ DTLS_LIST_DTLS12, "DHE-RSA-AES256-SHA", 0x0039, true, "AES-256-CBC" },
	{ DTLS_LIST_DTLS12, "DHE-RSA-AES128-SHA", 0x0033, true, "AES-128-CBC" },
	{ DTLS_LIST_DTLS12, "AES256-SHA", 0x0035, true, "AES-256-CBC" },
	{ DTLS_LIST_DTLS12, "AES128-SHA", 0x002F, true, "AES-128-CBC" },
};

#define EXPECTED_COUNT (sizeof(expected) / sizeof(expected[0]))
#define PUMP_MS 5000

static void resume_params(struct dtls_params *p, const struct dtls_suite *s)
{
	memset(p, 0, sizeof(*p));
	p->mode = DTLS_MODE_RESUME;
	p->suite = s;
	for (size_t i = 0; i < DTLS_MASTER_SECRET_LEN; i++)
		p->master_secret[i] = (uint8_t)(0xA0 + i);
	for (size_t i = 0; i < DTLS_SESSION_ID_LEN; i++)
		p->id[i] = (uint8_t)(0x10 + i);
	p->id_len = DTLS_SESSION_ID_LEN;
	p->retrans_ms = 100;
	p->total_ms = 2000;
}

static const struct dtls_suite *find(enum dtls_list list, const char *name)
{
	const struct dtls_suite *s = dtls_suite_find(list, str_view_of(name));

	assert_non_null(s);
	return s;
}

static void read_one(struct dtls_conn *c, int fd, uint8_t *buf, size_t cap, size_t *out_len)
{
	int ret = VPN_ERR_AGAIN;

	for (int i = 0; i < 100 && ret == VPN_ERR_AGAIN; i++) {
		ret = dtls_conn_read(c, buf, cap, out_len);
		if (ret == VPN_ERR_AGAIN)
			(void)tls_test_ready(fd, false);
	}
	assert_int_equal(ret, 0);
}

/* A 128-byte ping as lab traffic carried it: type 0x00 + the IP packet, and a DPD. */
static void exchange(struct tls_test_dtls *p)
{
	uint8_t out[129];
	static uint8_t in[DTLS_RECORD_MAX];
	size_t n = 0;

	out[0] = 0x00;
	out[1] = 0x45;
	for (size_t i = 2; i < sizeof(out); i++)
		out[i] = (uint8_t)i;
	assert_int_equal(dtls_conn_write(p->c, out, sizeof(out)), 0);
	read_one(p->s, p->fds[0], in, sizeof(in), &n);
	assert_int_equal(n, sizeof(out));
	assert_memory_equal(in, out, n);
	assert_int_equal(dtls_conn_write(p->s, "\x03", 1), 0);
	read_one(p->c, p->fds[1], in, sizeof(in), &n);
	assert_int_equal(n, 1);
	assert_int_equal(in[0], 0x03);
	assert_int_equal(dtls_conn_write(p->c, "\x04", 1), 0);
	read_one(p->s, p->fds[0], in, sizeof(in), &n);
	assert_int_equal(n, 1);
	assert_int_equal(in[0], 0x04);
}

static void expect_failure(int ret, const struct dtls_conn *c)
{
	if (ret == 0 || ret == VPN_ERR_AGAIN)
		fail_msg("handshake ended with %d (%s), expected a failure", ret,
			 dtls_conn_error_str(c));
}

static void check_description(const struct dtls_conn *c, const struct expected_suite *e)
{
	const char *d = dtls_conn_description(c);
	char cipher[32];

	assert_non_null(strstr(d, e->is_dtls12 ? "(DTLS1.2)" : "(DTLS0.9)"));
	snprintf(cipher, sizeof(cipher), "(%s)", e->cipher);
	assert_non_null(strstr(d, cipher));
}

static void table_matches_protocol(void **state)
{
	size_t n = 0;

	(void)state;
	for (const struct expected_suite *e = expected; e < expected + EXPECTED_COUNT; e++) {
		const struct dtls_suite *s = find(e->list, e->name);

		assert_string_equal(dtls_suite_name(s), e->name);
		assert_int_equal(dtls_suite_list(s), e->list);
		assert_int_equal(dtls_suite_code(s), e->code);
		assert_int_equal(dtls_suite_is_dtls12(s), e->is_dtls12);
	}
	while (dtls_suite_at(n) != NULL)
		n++;
	assert_int_equal(n, EXPECTED_COUNT);
	assert_null(dtls_suite_find(DTLS_LIST_DTLS12, str_view_of("OC-DTLS1_2-AES256-GCM")));
	assert_null(dtls_suite_find(DTLS_LIST_LEGACY, str_view_of("AES256-SHA ")));
}

/* Every suite of both lists: a resumed handshake, then data both ways. */
static void resume_every_suite(void **state)
{
	(void)state;
	for (const struct expected_suite *e = expected; e < expected + EXPECTED_COUNT; e++) {
		struct dtls_params params;
		struct tls_test_dtls p;
		int rc, rs;

		resume_params(&params, find(e->list, e->name));
		assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
		tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
		if (rc != 0 || rs != 0)
			fail_msg("%s: client %d (%s), server %d (%s)", e->name, rc,
				 dtls_conn_error_str(p.c), rs, dtls_conn_error_str(p.s));
		check_description(p.c, e);
		assert_string_equal(dtls_conn_description(p.c), dtls_conn_description(p.s));
		exchange(&p);
		tls_test_dtls_close(&p);
		dtls_params_wipe(&params);
	}
}

/* The two strings openconnect 9.01 logged against ocserv 1.1.6 (PROTOCOL.md §8.2). */
static void descriptions_as_openconnect_logs(void **state)
{
	static const struct { enum dtls_list list; const char *name, *desc; } seen[] = {
		{ DTLS_LIST_LEGACY, "AES256-SHA", "(DTLS0.9)-(RSA)-(AES-256-CBC)-(SHA1)" },
		{ DTLS_LIST_DTLS12, "AES256-GCM-SHA384", "(DTLS1.2)-(RSA)-(AES-256-GCM)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		struct dtls_params params;
		struct tls_test_dtls p;
		int rc, rs;

		resume_params(&params, find(seen[i].list, seen[i].name));
		assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
		tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
		assert_int_equal(rc, 0);
		assert_int_equal(rs, 0);
		assert_string_equal(dtls_conn_description(p.c), seen[i].desc);
		tls_test_dtls_close(&p);
	}
}

static void wrong_master_secret_fails(void **state)
{
	struct dtls_params cp, sp;
	struct tls_test_dtls p;
	int rc, rs;

	(void)state;
	resume_params(&cp, find(DTLS_LIST_LEGACY, "AES256-SHA"));
	sp = cp;
	sp.master_secret[47] ^= 1;
	cp.total_ms = sp.total_ms = 800;
	assert_int_equal(tls_test_dtls_open(&p, &cp, &sp), 0);
	tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
	expect_failure(rc, p.c);
	expect_failure(rs, p.s);
	tls_test_dtls_close(&p);
}

/* A gateway that does not know the Session-ID cannot resume and has no certificate. */
static void unknown_session_id_fails(void **state)
{
	struct dtls_params cp, sp;
	struct tls_test_dtls p;
	int rc, rs;

	(void)state;
	resume_params(&cp, find(DTLS_LIST_DTLS12, "AES256-GCM-SHA384"));
	sp = cp;
	sp.id[0] ^= 0xFF;
	cp.total_ms = sp.total_ms = 800;
	assert_int_equal(tls_test_dtls_open(&p, &cp, &sp), 0);
	tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
	expect_failure(rc, p.c);
	assert_int_equal(rs, VPN_ERR_TLS);
	tls_test_dtls_close(&p);
}

static void bad_params_refused(void **state)
{
	struct dtls_params params;
	struct dtls_conn *c = NULL;

	(void)state;
	resume_params(&params, NULL);
	assert_int_equal(dtls_conn_new_client(&c, -1, &params), VPN_ERR_INVALID);
	resume_params(&params, find(DTLS_LIST_LEGACY, "AES128-SHA"));
	params.id_len = 31;
	assert_int_equal(dtls_conn_new_server(&c, -1, &params, NULL, 0), VPN_ERR_INVALID);
	params.mode = DTLS_MODE_NONE;
	assert_int_equal(dtls_conn_new_client(&c, -1, &params), VPN_ERR_INVALID);
	params.mode = DTLS_MODE_PSK;
	params.id_len = 0; /* a PSK client must carry the App-ID */
	assert_int_equal(dtls_conn_new_client(&c, -1, &params), VPN_ERR_INVALID);
	dtls_conn_free(NULL);
}

/* A TLS pair as the CSTP channel; prio forces its cipher. */
static void open_tls(struct tls_pair *tp, const char *prio)
{
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key };
	struct tls_client_config ccfg = { .ca_file = env.cert, .hostname = "vpn.example.test",
					  .priorities = prio };

	assert_int_equal(tls_test_pair_open(tp, &scfg, &ccfg), 0);
	assert_int_equal(tls_test_pair_handshake(tp), 0);
}

static void psk_params(struct dtls_params *p, struct tls_conn *tls, const struct tls_conn *prefer)
{
	memset(p, 0, sizeof(*p));
	p->mode = DTLS_MODE_PSK;
	assert_int_equal(tls_conn_export_psk(tls, p->psk), 0);
	for (size_t i = 0; i < DTLS_APP_ID_MAX; i++) /* vectors/08's X-DTLS-App-ID bytes */
		p->id[i] = (uint8_t)"\x76\x92\x34\xbc\x77\xc6\x5d\x92\xbb\xed\xe8\xf6\x76\x12\x44\xba"
				   "\x97\xc4\x9d\x08\x4a\x09\x5d\xee\xaa\x64\x0b\x97\x01\x59\x2b\xbe"[i];
	p->id_len = DTLS_APP_ID_MAX;
	p->tls = prefer;
	p->retrans_ms = 100;
	p->total_ms = 2000;
}

/*
 * PSK-NEGOTIATE keyed by both ends' exporters of one TLS session; the
 * server puts the TLS cipher first, as ocserv's lab answer did
 * (TLS AES-256-GCM -> (DTLS1.2)-(PSK)-(AES-256-GCM)).
 */
static void psk_with_exporter(void **state)
{
	static const struct { const char *tls_prio, *desc; } cases[] = {
		{ "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM",
		  "(DTLS1.2)-(PSK)-(AES-256-GCM)" },
		{ "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM",
		  "(DTLS1.2)-(PSK)-(AES-128-GCM)" },
		{ "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305",
		  "(DTLS1.2)-(PSK)-(CHACHA20-POLY1305)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dtls_params cp, sp;
		struct tls_test_dtls p;
		struct tls_pair tp;
		int rc, rs;

		open_tls(&tp, cases[i].tls_prio);
		psk_params(&cp, tp.c, NULL);
		psk_params(&sp, tp.s, tp.s);
		assert_memory_equal(cp.psk, sp.psk, DTLS_PSK_LEN);
		assert_int_equal(tls_test_dtls_open(&p, &cp, &sp), 0);
		tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
		assert_int_equal(rc, 0);
		assert_int_equal(rs, 0);
		assert_string_equal(dtls_conn_description(p.c), cases[i].desc);
		exchange(&p);
		tls_test_dtls_close(&p);
		tls_test_pair_close(&tp);
	}
}

static void open_resumed(struct tls_test_dtls *p, const char *suite)
{
	struct dtls_params params;
	int rc, rs;

	resume_params(&params, find(DTLS_LIST_LEGACY, suite));
	assert_int_equal(tls_test_dtls_open(p, &params, &params), 0);
	tls_test_dtls_pump(p, PUMP_MS, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	/* A 1500-byte link, as the gateway sets it after the handshake. */
	dtls_conn_set_mtu(p->c, 1472);
	dtls_conn_set_mtu(p->s, 1472);
	dtls_params_wipe(&params);
}

/* DATA record n: type 0x00 and an IPv4-looking packet of a size n picks, filled with n. */
static size_t data_record(uint8_t *out, unsigned n)
{
	size_t len = 1 + 20 + (size_t)n * 97 % 1300;

	memset(out, (int)n, len);
	out[0] = 0x00;
	out[1] = 0x45;
	return len;
}

/* Reads until AGAIN; every record must be the next one expected, whole. */
static unsigned drain_records(struct dtls_conn *c, int fd, unsigned next)
{
	static uint8_t in[DTLS_RECORD_MAX];
	uint8_t want[DTLS_BATCH_SLOT];
	size_t n = 0;

	(void)tls_test_ready(fd, false);
	while (dtls_conn_read(c, in, sizeof(in), &n) == 0) {
		size_t len = data_record(want, next);

		assert_int_equal(n, len);
		assert_memory_equal(in, want, len);
		next++;
	}
	assert_int_equal(dtls_conn_pending(c), 0);
	return next;
}

/*
 * Two sessions share one batch, as a worker's do: each one's corked records
 * leave in order on its own socket when the other starts to fill the batch
 * or at uncork, and a server reading through the batch gets them in order,
 * several per recvmmsg.
 */
static void batch_keeps_order_per_session(void **state)
{
	struct tls_test_dtls a, b;
	struct dtls_batch *batch;
	uint8_t rec[DTLS_BATCH_SLOT];
	unsigned sent_a = 0, sent_b = 100, got;

	(void)state;
	open_resumed(&a, "OC-DTLS1_2-AES256-GCM");
	open_resumed(&b, "AES256-SHA");
	assert_int_equal(dtls_batch_new(&batch), 0);
	dtls_conn_set_batch(a.c, batch, false);
	dtls_conn_set_batch(b.c, batch, false);
	dtls_conn_set_batch(a.s, batch, true);
	dtls_conn_set_batch(b.s, batch, true);
	dtls_conn_cork(a.c);
	dtls_conn_cork(b.c);
	for (int i = 0; i < 6; i++, sent_a++)
		assert_int_equal(dtls_conn_write(a.c, rec, data_record(rec, sent_a)), 0);
	/* still held: nothing on the wire yet */
	assert_false(tls_test_ready(a.fds[0], false));
	for (int i = 0; i < 3; i++, sent_b++)
		assert_int_equal(dtls_conn_write(b.c, rec, data_record(rec, sent_b)), 0);
	assert_true(tls_test_ready(a.fds[0], false));
	for (int i = 0; i < 3; i++, sent_a++)
		assert_int_equal(dtls_conn_write(a.c, rec, data_record(rec, sent_a)), 0);
	assert_int_equal(dtls_conn_uncork(a.c), 0);
	assert_int_equal(dtls_conn_uncork(b.c), 0);
	got = drain_records(a.s, a.fds[0], 0);
	assert_int_equal(got, sent_a);
	got = drain_records(b.s, b.fds[0], 100);
	assert_int_equal(got, sent_b);
	assert_int_equal(dtls_conn_send_drops(a.c) + dtls_conn_send_drops(b.c), 0);
	/* Uncorked, the batch is not used for sending: straight out. */
	assert_int_equal(dtls_conn_write(a.c, rec, data_record(rec, sent_a++)), 0);
	assert_int_equal(drain_records(a.s, a.fds[0], got = sent_a - 1), sent_a);
	tls_test_dtls_close(&a);
	tls_test_dtls_close(&b);
	dtls_batch_free(batch);
}

/*
 * Replayed datagrams in the middle of a batch: GnuTLS drops each, and the
 * record after them must still come out of the same read, not wait in the
 * batch for the next datagram to wake the reader (epoll cannot report it).
 */
static void batch_skips_replays(void **state)
{
	struct tls_test_dtls a;
	struct dtls_batch *batch;
	uint8_t rec[DTLS_BATCH_SLOT], wire[DTLS_BATCH_SLOT + 64];
	ssize_t wire_len;

	(void)state;
	open_resumed(&a, "OC-DTLS1_2-AES256-GCM");
	assert_int_equal(dtls_batch_new(&batch), 0);
	dtls_conn_set_batch(a.s, batch, true);
	assert_int_equal(dtls_conn_write(a.c, rec, data_record(rec, 0)), 0);
	(void)tls_test_ready(a.fds[0], false);
	wire_len = recv(a.fds[0], wire, sizeof(wire), MSG_PEEK);
	assert_true(wire_len > 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(send(a.fds[1], wire, (size_t)wire_len, 0), wire_len);
	assert_int_equal(dtls_conn_write(a.c, rec, data_record(rec, 1)), 0);
	assert_int_equal(drain_records(a.s, a.fds[0], 0), 2);
	assert_int_equal(dtls_conn_discarded(a.s), 3);
	tls_test_dtls_close(&a);
	dtls_batch_free(batch);
}

/*
 * More corked datagrams (300, about 200 KiB of records, flushed 32 at a
 * time) than the socket queues: the rest are dropped and counted, never
 * reordered, and the caller is not told to wait.
 */
static void batch_full_socket_drops(void **state)
{
	struct tls_test_dtls a;
	struct dtls_batch *batch;
	uint8_t rec[DTLS_BATCH_SLOT];
	static uint8_t in[DTLS_RECORD_MAX];
	unsigned sent = 0, got = 0;
	size_t n;

	(void)state;
	open_resumed(&a, "OC-DTLS1_2-AES256-GCM");
	assert_int_equal(dtls_batch_new(&batch), 0);
	dtls_conn_set_batch(a.c, batch, false);
	dtls_conn_set_batch(a.s, batch, true);
	dtls_conn_cork(a.c);
	for (; sent < 300; sent++)
		assert_int_equal(dtls_conn_write(a.c, rec, data_record(rec, sent)), 0);
	assert_int_equal(dtls_conn_uncork(a.c), 0);
	(void)tls_test_ready(a.fds[0], false);
	while (dtls_conn_read(a.s, in, sizeof(in), &n) == 0) {
		assert_int_equal(n, data_record(rec, got));
		got++;
	}
	if (!(got > 0 && got < sent))
		fail_msg("got %u of %u, %u drops", got, sent, dtls_conn_send_drops(a.c));
	assert_int_equal(got + dtls_conn_send_drops(a.c), sent);
	tls_test_dtls_close(&a);
	dtls_batch_free(batch);
}

/* Keys from two different TLS sessions: nothing may come of it. */
static void psk_wrong_key_fails(void **state)
{
	struct dtls_params cp, sp;
	struct tls_test_dtls p;
	struct tls_pair a, b;
	int rc, rs;

	(void)state;
	open_tls(&a, NULL);
	open_tls(&b, NULL);
	psk_params(&cp, a.c, NULL);
	psk_params(&sp, b.s, b.s);
	cp.total_ms = sp.total_ms = 800;
	assert_int_equal(tls_test_dtls_open(&p, &cp, &sp), 0);
	tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
	expect_failure(rc, p.c);
	expect_failure(rs, p.s);
	tls_test_dtls_close(&p);
	tls_test_pair_close(&a);
	tls_test_pair_close(&b);
}

static int setup(void **state)
{
	(void)state;
	return tls_test_env_init(&env, "vpn.example.test");
}

static int teardown(void **state)
{
	(void)state;
	tls_test_env_cleanup(&env);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_matches_protocol),
		cmocka_unit_test(resume_every_suite),
		cmocka_unit_test(descriptions_as_openconnect_logs),
		cmocka_unit_test(wrong_master_secret_fails),
		cmocka_unit_test(unknown_session_id_fails),
		cmocka_unit_test(bad_params_refused),
		cmocka_unit_test(psk_with_exporter),
		cmocka_unit_test(psk_wrong_key_fails),
		cmocka_unit_test(batch_keeps_order_per_session),
		cmocka_unit_test(batch_skips_replays),
		cmocka_unit_test(batch_full_socket_drops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
