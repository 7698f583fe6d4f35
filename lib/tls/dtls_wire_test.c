/* SPDX-License-Identifier: ISC */
/*
 * DTLS as seen on the wire: the datagrams our sessions send, read raw off
 * the socketpair and checked against what the lab recorded between
 * openconnect 9.01 and ocserv 1.1.6 (PROTOCOL.md §8.3, §8.5, §6.5, NOTES.md
 * F9/F10), and what the sessions do with datagrams that are lost, replayed,
 * forged or not DTLS at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

static struct tls_test_env env;

#define PUMP_MS 5000
#define CT_CCS 20
#define CT_HANDSHAKE 22

struct record {
	uint8_t type;
	uint16_t version;
	uint16_t epoch;
	uint64_t seq;
	const uint8_t *body;
	size_t len;
};

/* The records of one datagram (DTLS record header: 13 bytes). */
static size_t split_records(const uint8_t *d, size_t len, struct record *out, size_t max)
{
	size_t pos = 0, n = 0;

	while (pos + 13 <= len && n < max) {
		struct record *r = &out[n++];

		r->type = d[pos];
		r->version = (uint16_t)(d[pos + 1] << 8 | d[pos + 2]);
		r->epoch = (uint16_t)(d[pos + 3] << 8 | d[pos + 4]);
		r->seq = 0;
		for (size_t i = 5; i < 11; i++)
			r->seq = r->seq << 8 | d[pos + i];
		r->len = (size_t)d[pos + 11] << 8 | d[pos + 12];
		r->body = d + pos + 13;
		pos += 13 + r->len;
	}
	assert_int_equal(pos, len);
	return n;
}

static const struct dtls_suite *find(enum dtls_list list, const char *name)
{
	const struct dtls_suite *s = dtls_suite_find(list, str_view_of(name));

	assert_non_null(s);
	return s;
}

static void resume_params(struct dtls_params *p, enum dtls_list list, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->mode = DTLS_MODE_RESUME;
	p->suite = find(list, name);
	memset(p->master_secret, 0x5c, DTLS_MASTER_SECRET_LEN);
	for (size_t i = 0; i < DTLS_SESSION_ID_LEN; i++)
		p->id[i] = (uint8_t)(0xB8 ^ i);
	p->id_len = DTLS_SESSION_ID_LEN;
	p->retrans_ms = 50;
	p->total_ms = 2000;
}

static void open_tls(struct tls_pair *tp, const char *prio)
{
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key };
	struct tls_client_config ccfg = { .ca_file = env.cert, .hostname = "vpn.example.test",
					  .priorities = prio };

	assert_int_equal(tls_test_pair_open(tp, &scfg, &ccfg), 0);
	assert_int_equal(tls_test_pair_handshake(tp), 0);
}

static void psk_params(struct dtls_params *p, struct tls_conn *tls, bool is_server)
{
	memset(p, 0, sizeof(*p));
	p->mode = DTLS_MODE_PSK;
	assert_int_equal(tls_conn_export_psk(tls, p->psk), 0);
	memset(p->id, 0x76, DTLS_APP_ID_MAX);
	p->id_len = DTLS_APP_ID_MAX;
	p->tls = is_server ? tls : NULL;
	p->retrans_ms = 50;
	p->total_ms = 2000;
}

static void handshake(struct tls_test_dtls *p)
{
	int rc, rs;

	tls_test_dtls_pump(p, PUMP_MS, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
}

static int read_now(struct dtls_conn *c, uint8_t *buf, size_t cap, size_t *out_len)
{
	return dtls_conn_read(c, buf, cap, out_len);
}

/* Legacy: the hello names the Session-ID, offers one suite, and no EMS/ETM. */
static void check_resume_hello(const struct tls_test_dtls *p, const struct dtls_params *params,
			       uint16_t version, uint16_t suite, const uint16_t *exts,
			       size_t n_exts)
{
	struct dtls_hello h;
	size_t consumed;

	assert_int_equal(dtls_hello_parse(&h, &consumed, p->hello, p->hello_len), PARSE_DONE);
	assert_int_equal(consumed, p->hello_len);
	assert_int_equal(h.record_version, version);
	assert_int_equal(h.client_version, version);
	assert_false(h.is_random_zero);
	assert_int_equal(h.session_id_len, 32);
	assert_memory_equal(h.session_id, params->id, 32);
	assert_int_equal(h.suite_count, 1);
	assert_int_equal(dtls_hello_suite(&h, 0), suite);
	assert_int_equal(h.extension_count, n_exts);
	for (size_t i = 0; i < n_exts; i++)
		assert_int_equal(h.extensions[i], exts[i]);
}

static void captured_resume_hellos(void **state)
{
	static const uint16_t ext09[] = { 35, 65281, 28 };
	static const uint16_t ext12[] = { 13, 35, 65281, 28 };
	struct dtls_params params;
	struct tls_test_dtls p;

	(void)state;
	resume_params(&params, DTLS_LIST_LEGACY, "AES256-SHA");
	assert_int_equal(tls_test_dtls_open(&p, &params, NULL), 0);
	check_resume_hello(&p, &params, 0x0100, 0x0035, ext09, 3);
	tls_test_dtls_close(&p);
	resume_params(&params, DTLS_LIST_DTLS12, "AES256-GCM-SHA384");
	assert_int_equal(tls_test_dtls_open(&p, &params, NULL), 0);
	check_resume_hello(&p, &params, 0xFEFD, 0x009D, ext12, 4);
	tls_test_dtls_close(&p);
}

static bool is_psk_suite(uint16_t code)
{
	/* the suites openconnect 9.01 offered in the lab, all plain PSK */
	static const uint16_t lab[] = { 0x00A9, 0xCCAB, 0xC0A5, 0x008D,
					0x00A8, 0xC0A4, 0x008C, 0x00AE };

	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++)
		if (lab[i] == code)
			return true;
	return false;
}

static void captured_psk_hello(void **state)
{
	struct dtls_params params;
	struct tls_test_dtls p;
	struct tls_pair tp;
	struct dtls_hello h;
	const uint8_t *key;
	size_t consumed, key_len;

	(void)state;
	open_tls(&tp, NULL);
	psk_params(&params, tp.c, false);
	assert_int_equal(tls_test_dtls_open(&p, &params, NULL), 0);
	assert_int_equal(dtls_hello_parse(&h, &consumed, p.hello, p.hello_len), PARSE_DONE);
	assert_int_equal(h.record_version, 0xFEFF);
	assert_int_equal(h.client_version, 0xFEFD);
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), 0);
	assert_int_equal(key_len, DTLS_APP_ID_MAX);
	assert_memory_equal(key, params.id, DTLS_APP_ID_MAX);
	assert_false(dtls_hello_has_extension(&h, DTLS_HELLO_EXT_APP_ID));
	assert_int_equal(dtls_hello_suite(&h, 0), 0x00A9);
	for (size_t i = 0; i < h.suite_count; i++)
		if (!is_psk_suite(dtls_hello_suite(&h, i)))
			fail_msg("suite 0x%04x is not one of the lab's PSK suites",
				 dtls_hello_suite(&h, i));
	tls_test_dtls_close(&p);
	tls_test_pair_close(&tp);
}

/* Takes every datagram waiting on fd, keeps copies, puts them back through peer. */
static size_t take_all(int fd, int peer, uint8_t (*out)[2048], size_t *lens, size_t max)
{
	size_t n = 0;
	ssize_t got;

	while (n < max && (got = tls_test_recv(fd, out[n], sizeof(out[n]), 50)) > 0)
		lens[n++] = (size_t)got;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(send(peer, out[i], lens[i], 0), (ssize_t)lens[i]);
	return n;
}

/*
 * DTLS 0.9 on the wire as the lab saw ocserv answer: ServerHello (message_seq
 * 0, our session id, the suite), CCS at epoch 0 with the 3-byte body
 * 01 00 01, then the Finished at epoch 1.
 */
static void server_flight_09(void **state)
{
	uint8_t dgrams[8][2048];
	size_t lens[8], n;
	struct record recs[16];
	size_t n_recs = 0;
	struct dtls_params params;
	struct tls_test_dtls p;
	const uint8_t *sh;

	(void)state;
	resume_params(&params, DTLS_LIST_LEGACY, "AES256-SHA");
	assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
	assert_int_equal(dtls_conn_handshake(p.s), VPN_ERR_AGAIN);
	n = take_all(p.fds[1], p.fds[0], dgrams, lens, 8);
	for (size_t i = 0; i < n; i++)
		n_recs += split_records(dgrams[i], lens[i], recs + n_recs, 16 - n_recs);
	assert_int_equal(n_recs, 3);
	assert_int_equal(recs[0].type, CT_HANDSHAKE);
	assert_int_equal(recs[0].version, 0x0100);
	sh = recs[0].body;
	assert_int_equal(sh[0], 2); /* server_hello */
	assert_int_equal(sh[4] << 8 | sh[5], 0); /* message_seq */
	assert_int_equal(sh[12] << 8 | sh[13], 0x0100);
	assert_int_equal(sh[46], 32);
	assert_memory_equal(sh + 47, params.id, 32);
	assert_int_equal(sh[79] << 8 | sh[80], 0x0035);
	assert_int_equal(sh[81], 0); /* null compression */
	assert_int_equal(recs[1].type, CT_CCS);
	assert_int_equal(recs[1].epoch, 0);
	assert_int_equal(recs[1].seq, 1);
	assert_int_equal(recs[1].len, 3);
	assert_memory_equal(recs[1].body, "\x01\x00\x01", 3);
	assert_int_equal(recs[2].type, CT_HANDSHAKE);
	assert_int_equal(recs[2].epoch, 1);
	assert_int_equal(recs[2].seq, 0);
	handshake(&p);
	tls_test_dtls_close(&p);
}

static void replay_is_dropped(void **state)
{
	struct dtls_params params;
	struct tls_test_dtls p;
	uint8_t dgram[2048];
	static uint8_t in[DTLS_RECORD_MAX];
	ssize_t n;
	size_t got;
	unsigned before;

	(void)state;
	resume_params(&params, DTLS_LIST_LEGACY, "AES128-SHA");
	assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
	handshake(&p);
	assert_int_equal(dtls_conn_write(p.c, "\x00" "first", 6), 0);
	n = tls_test_recv(p.fds[0], dgram, sizeof(dgram), 100);
	assert_true(n > 0);
	assert_int_equal(send(p.fds[1], dgram, (size_t)n, 0), n);
	assert_int_equal(send(p.fds[1], dgram, (size_t)n, 0), n);
	before = dtls_conn_discarded(p.s);
	/* a buffer that could not hold any record is refused, nothing is read */
	assert_int_equal(read_now(p.s, in, DTLS_RECORD_MAX - 1, &got), VPN_ERR_INVALID);
	assert_int_equal(read_now(p.s, in, sizeof(in), &got), 0);
	assert_int_equal(got, 6);
	assert_int_equal(read_now(p.s, in, sizeof(in), &got), VPN_ERR_AGAIN);
	assert_int_equal(dtls_conn_discarded(p.s), before + 1);
	assert_int_equal(dtls_conn_write(p.c, "\x00" "second", 7), 0);
	assert_int_equal(read_now(p.s, in, sizeof(in), &got), 0);
	assert_memory_equal(in, "\x00" "second", 7);
	tls_test_dtls_close(&p);
}

/* Garbage, truncated and forged datagrams, and a stray ClientHello: dropped, counted. */
static void garbage_is_dropped(void **state)
{
	static const char junk[] = "\x17\xfe\xfd garbage that is no record";
	struct dtls_params params;
	struct tls_test_dtls p;
	uint8_t dgram[2048];
	static uint8_t in[DTLS_RECORD_MAX];
	size_t got;
	ssize_t n;

	(void)state;
	resume_params(&params, DTLS_LIST_DTLS12, "AES256-GCM-SHA384");
	assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
	handshake(&p);
	assert_int_equal(dtls_conn_write(p.c, "\x00" "real", 5), 0);
	n = tls_test_recv(p.fds[0], dgram, sizeof(dgram), 100);
	assert_true(n > 13);
	send(p.fds[1], junk, sizeof(junk) - 1, 0);
	send(p.fds[1], dgram, (size_t)n - 5, 0);   /* truncated */
	dgram[n - 1] ^= 0x80;                      /* forged tag */
	send(p.fds[1], dgram, (size_t)n, 0);
	send(p.fds[1], p.hello, p.hello_len, 0);   /* an old ClientHello again */
	for (int i = 0; i < 6; i++)
		assert_int_equal(read_now(p.s, in, sizeof(in), &got), VPN_ERR_AGAIN);
	assert_true(dtls_conn_discarded(p.s) >= 2);
	assert_int_equal(dtls_conn_write(p.c, "\x00" "after", 6), 0);
	assert_int_equal(read_now(p.s, in, sizeof(in), &got), 0);
	assert_memory_equal(in, "\x00" "after", 6);
	assert_int_equal(dtls_conn_write(p.s, "\x03", 1), 0);
	assert_int_equal(read_now(p.c, in, sizeof(in), &got), 0);
	tls_test_dtls_close(&p);
}

/* Sends len bytes from c and returns the datagram's length on fd. */
static size_t wire_len(struct dtls_conn *c, int fd, size_t len)
{
	static uint8_t data[2048];
	uint8_t dgram[2048];
	ssize_t n;

	memset(data, 0x45, sizeof(data));
	assert_int_equal(dtls_conn_write(c, data, len), 0);
	n = tls_test_recv(fd, dgram, sizeof(dgram), 100);
	assert_true(n > 0);
	return (size_t)n;
}

/*
 * PROTOCOL.md §6.5, base MTU 1500 over IPv4 (1472 bytes of UDP payload):
 * AES-GCM leaves 1434 bytes of tunnel MTU (13 header + 8 nonce + 16 tag +
 * 1 type), in PSK and X-DTLS12 alike; AES256-SHA in DTLS 0.9 is given
 * 1406 (94 bytes with a whole block of padding) and a 1407-byte record fits.
 */
static void mtu_matches_protocol(void **state)
{
	static const uint8_t too_big[1436];
	struct dtls_params cp, sp;
	struct tls_test_dtls p;
	struct tls_pair tp;

	(void)state;
	open_tls(&tp, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM");
	psk_params(&cp, tp.c, false);
	psk_params(&sp, tp.s, true);
	assert_int_equal(tls_test_dtls_open(&p, &cp, &sp), 0);
	handshake(&p);
	dtls_conn_set_mtu(p.c, 1500 - 20 - 8);
	assert_int_equal(dtls_conn_data_mtu(p.c) - 1, 1434);
	assert_int_equal(wire_len(p.c, p.fds[0], 1435), 1472);
	assert_int_equal(dtls_conn_write(p.c, too_big, sizeof(too_big)), VPN_ERR_TOO_BIG);
	tls_test_dtls_close(&p);
	tls_test_pair_close(&tp);

	resume_params(&cp, DTLS_LIST_DTLS12, "AES256-GCM-SHA384");
	assert_int_equal(tls_test_dtls_open(&p, &cp, &cp), 0);
	handshake(&p);
	assert_int_equal(dtls_conn_set_data_mtu(p.s, 1434 + 1), 0);
	assert_int_equal(dtls_conn_mtu(p.s), 1472);
	assert_int_equal(wire_len(p.s, p.fds[1], 1435), 1472);
	tls_test_dtls_close(&p);

	resume_params(&cp, DTLS_LIST_LEGACY, "AES256-SHA");
	assert_int_equal(tls_test_dtls_open(&p, &cp, &cp), 0);
	handshake(&p);
	assert_int_equal(dtls_conn_set_data_mtu(p.c, 1406 + 1), 0);
	assert_true(dtls_conn_mtu(p.c) <= 1472);
	/* 13 header + 16 IV + (1407 + 20 MAC + 1) padded to 16 */
	assert_int_equal(wire_len(p.c, p.fds[0], 1407), 13 + 16 + 1440);
	tls_test_dtls_close(&p);
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
		cmocka_unit_test(captured_resume_hellos),
		cmocka_unit_test(captured_psk_hello),
		cmocka_unit_test(server_flight_09),
		cmocka_unit_test(replay_is_dropped),
		cmocka_unit_test(garbage_is_dropped),
		cmocka_unit_test(mtu_matches_protocol),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
