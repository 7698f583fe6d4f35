/* SPDX-License-Identifier: ISC */
/*
 * The ClientHello parser against hellos as the lab saw openconnect 9.01
 * (GnuTLS 3.7.9) send them to ocserv 1.1.6 (PROTOCOL.md §8.3, §8.5, NOTES.md
 * F9/F10): DTLS 0.9 resumption with record and hello version 0x0100, one
 * suite 0x0035, extensions 35, 65281, 28; DTLS 1.2 resumption (0xFEFD, suite
 * 0x009D, extensions 13, 35, 65281, 28); PSK with record 0xFEFF, hello 0xFEFD,
 * the App-ID as session_id and eight PSK suites; and the older App-ID
 * extension 48018. Session ids and App-IDs are the ones of vectors/08 and
 * /09. Every hello is fed whole and cut at every byte, against a guard page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/testutil.h"
#include "lib/tls/dtls.h"

/* vectors/09: X-DTLS-Session-ID */
static const uint8_t session_id[32] = {
	0xb8, 0x9e, 0xaf, 0x66, 0x17, 0x4e, 0x4a, 0xef, 0x16, 0xcc, 0x16, 0x43, 0x21, 0x9d, 0x6c, 0x60,
	0x66, 0x7a, 0x6f, 0xe8, 0x8c, 0x8b, 0x8d, 0x31, 0x69, 0x3e, 0xbd, 0xa5, 0x24, 0xa4, 0xd9, 0x32,
};

/* vectors/08: X-DTLS-App-ID */
static const uint8_t app_id[32] = {
	0x76, 0x92, 0x34, 0xbc, 0x77, 0xc6, 0x5d, 0x92, 0xbb, 0xed, 0xe8, 0xf6, 0x76, 0x12, 0x44, 0xba,
	0x97, 0xc4, 0x9d, 0x08, 0x4a, 0x09, 0x5d, 0xee, 0xaa, 0x64, 0x0b, 0x97, 0x01, 0x59, 0x2b, 0xbe,
};

/* The DTLS 0.9 resumption hello, byte by byte (116 bytes, as openconnect's). */
static const uint8_t hello09[] = {
	0x16, 0x01, 0x00,                   /* handshake record, version 0x0100 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* epoch 0, sequence 0 */
	0x00, 0x67,                         /* record length 103 */
	0x01, 0x00, 0x00, 0x5b,             /* client_hello, length 91 */
	0x00, 0x00,                         /* message_seq 0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x5b, /* fragment offset 0, length 91 */
	0x01, 0x00,                         /* client_version 0x0100 */
	0x5f, 0x3e, 0x01, 0x22, 0x9a, 0x7b, 0x55, 0xc0, 0x13, 0x8e, 0x2d, 0x61, 0x04, 0xf9,
	0x70, 0xbb, 0x31, 0x5c, 0x86, 0x0d, 0xe2, 0x47, 0x19, 0xaa, 0x6b, 0x03, 0xd8, 0x52,
	0x90, 0x1f, 0x7e, 0xc4,             /* random */
	0x20,                               /* session_id: 32 bytes, vectors/09 */
	0xb8, 0x9e, 0xaf, 0x66, 0x17, 0x4e, 0x4a, 0xef, 0x16, 0xcc, 0x16, 0x43, 0x21, 0x9d, 0x6c, 0x60,
	0x66, 0x7a, 0x6f, 0xe8, 0x8c, 0x8b, 0x8d, 0x31, 0x69, 0x3e, 0xbd, 0xa5, 0x24, 0xa4, 0xd9, 0x32,
	0x00,                               /* no cookie */
	0x00, 0x02, 0x00, 0x35,             /* one suite: TLS_RSA_WITH_AES_256_CBC_SHA */
	0x01, 0x00,                         /* null compression */
	0x00, 0x0f,                         /* extensions: 15 bytes */
	0x00, 0x23, 0x00, 0x00,             /* session_ticket, empty */
	0xff, 0x01, 0x00, 0x01, 0x00,       /* renegotiation_info, empty */
	0x00, 0x1c, 0x00, 0x02, 0x40, 0x00, /* record_size_limit 16384 */
};

/* Offsets into hello09 for the mutations below. */
enum {
	AT_TYPE = 0, AT_VERSION = 1, AT_EPOCH = 3, AT_REC_LEN = 11, AT_HS_TYPE = 13,
	AT_FRAG_OFF = 19, AT_FRAG_LEN = 22, AT_CLIENT_VERSION = 25, AT_RANDOM = 27,
	AT_SID_LEN = 59, AT_COOKIE_LEN = 92, AT_SUITES_LEN = 93, AT_COMP_LEN = 97,
	AT_COMP = 98, AT_EXT_LEN = 99, AT_EXT = 101,
};

struct ext {
	uint16_t type;
	const uint8_t *body;
	size_t len;
};

/* A hello with the given fields, framed as a record (for the shapes not spelt out above). */
static size_t build(uint8_t *out, size_t cap, uint16_t rec_version, uint16_t version,
		    const uint8_t *sid, size_t sid_len, const uint16_t *suites, size_t n_suites,
		    const struct ext *exts, size_t n_exts)
{
	uint8_t body[1024];
	struct buf_writer b, w;
	size_t ext_len = 0;

	for (size_t i = 0; i < n_exts; i++)
		ext_len += 4 + exts[i].len;
	buf_writer_init(&b, body, sizeof(body));
	buf_write_be16(&b, version);
	for (int i = 0; i < 32; i++)
		buf_write_u8(&b, (uint8_t)(i * 7 + 1));
	buf_write_u8(&b, (uint8_t)sid_len);
	buf_write_bytes(&b, sid, sid_len);
	buf_write_u8(&b, 0);
	buf_write_be16(&b, (uint16_t)(2 * n_suites));
	for (size_t i = 0; i < n_suites; i++)
		buf_write_be16(&b, suites[i]);
	buf_write_bytes(&b, "\x01\x00", 2);
	buf_write_be16(&b, (uint16_t)ext_len);
	for (size_t i = 0; i < n_exts; i++) {
		buf_write_be16(&b, exts[i].type);
		buf_write_be16(&b, (uint16_t)exts[i].len);
		buf_write_bytes(&b, exts[i].body, exts[i].len);
	}
	assert_int_equal(buf_writer_error(&b), 0);
	buf_writer_init(&w, out, cap);
	buf_write_u8(&w, 22);
	buf_write_be16(&w, rec_version);
	buf_write_bytes(&w, "\0\0\0\0\0\0\0\0", 8);
	buf_write_be16(&w, (uint16_t)(12 + b.len));
	buf_write_u8(&w, 1);
	buf_write_u8(&w, 0);
	buf_write_be16(&w, (uint16_t)b.len);
	buf_write_bytes(&w, "\0\0\0\0\0\0", 6); /* message_seq, fragment offset, length's top */
	buf_write_be16(&w, (uint16_t)b.len);
	buf_write_bytes(&w, body, b.len);
	assert_int_equal(buf_writer_error(&w), 0);
	return w.len;
}

static const uint8_t sig_algs[] = { 0x00, 0x04, 0x04, 0x01, 0x08, 0x04 };
static const uint8_t reneg[] = { 0x00 };
static const uint8_t size_limit[] = { 0x40, 0x00 };

/* Parses data whole, then checks that every shorter cut asks for more. */
static void parse_all_ways(struct dtls_hello *out, const uint8_t *data, size_t len)
{
	struct guarded g;
	size_t consumed = 99;

	for (size_t cut = 0; cut < len; cut++) {
		struct dtls_hello h;

		assert_int_equal(guarded_init(&g, data, cut), 0);
		assert_int_equal(dtls_hello_parse(&h, &consumed, g.data, cut), PARSE_NEED_MORE);
		assert_int_equal(consumed, 0);
		guarded_cleanup(&g);
	}
	assert_int_equal(guarded_init(&g, data, len), 0);
	assert_int_equal(dtls_hello_parse(out, &consumed, g.data, len), PARSE_DONE);
	assert_int_equal(consumed, len);
	/* the views point into the guarded copy: move them to data before it goes */
	if (out->session_id_len)
		out->session_id = data + (out->session_id - g.data);
	if (out->app_id_len)
		out->app_id = data + (out->app_id - g.data);
	out->suites = data + (out->suites - g.data);
	out->random = data + (out->random - g.data);
	guarded_cleanup(&g);
}

static void legacy_09_hello(void **state)
{
	struct dtls_hello h;
	const uint8_t *key;
	size_t key_len;

	(void)state;
	parse_all_ways(&h, hello09, sizeof(hello09));
	assert_int_equal(h.record_version, 0x0100);
	assert_int_equal(h.client_version, 0x0100);
	assert_int_equal(h.record_seq, 0);
	assert_int_equal(h.message_seq, 0);
	assert_memory_equal(h.random, hello09 + AT_RANDOM, 32);
	assert_false(h.is_random_zero);
	assert_int_equal(h.session_id_len, 32);
	assert_memory_equal(h.session_id, session_id, 32);
	assert_int_equal(h.cookie_len, 0);
	assert_int_equal(h.suite_count, 1);
	assert_int_equal(dtls_hello_suite(&h, 0), 0x0035);
	assert_int_equal(h.extension_count, 3);
	assert_int_equal(h.extensions[0], 35);
	assert_int_equal(h.extensions[1], 65281);
	assert_int_equal(h.extensions[2], 28);
	assert_false(dtls_hello_has_extension(&h, 23)); /* no extended master secret */
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), 0);
	assert_int_equal(key_len, 32);
	assert_memory_equal(key, session_id, 32);
}

static void dtls12_resume_hello(void **state)
{
	static const uint16_t suites[] = { 0x009D };
	const struct ext exts[] = { { 13, sig_algs, sizeof(sig_algs) }, { 35, NULL, 0 },
				    { 65281, reneg, 1 }, { 28, size_limit, 2 } };
	uint8_t buf[512];
	size_t len = build(buf, sizeof(buf), 0xFEFD, 0xFEFD, session_id, 32, suites, 1, exts, 4);
	struct dtls_hello h;

	(void)state;
	parse_all_ways(&h, buf, len);
	assert_int_equal(h.record_version, 0xFEFD);
	assert_int_equal(h.client_version, 0xFEFD);
	assert_int_equal(dtls_hello_suite(&h, 0), 0x009D);
	assert_int_equal(h.extension_count, 4);
	assert_true(dtls_hello_has_extension(&h, 13));
	assert_memory_equal(h.session_id, session_id, 32);
}

static void psk_hello(void **state)
{
	static const uint16_t suites[] = { 0x00A9, 0xCCAB, 0xC0A5, 0x008D,
					   0x00A8, 0xC0A4, 0x008C, 0x00AE };
	const struct ext exts[] = { { 13, sig_algs, sizeof(sig_algs) }, { 35, NULL, 0 },
				    { 65281, reneg, 1 }, { 28, size_limit, 2 } };
	uint8_t buf[512];
	size_t len = build(buf, sizeof(buf), 0xFEFF, 0xFEFD, app_id, 32, suites, 8, exts, 4);
	struct dtls_hello h;
	const uint8_t *key;
	size_t key_len;

	(void)state;
	parse_all_ways(&h, buf, len);
	assert_int_equal(h.record_version, 0xFEFF);
	assert_int_equal(h.client_version, 0xFEFD);
	assert_int_equal(h.suite_count, 8);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(dtls_hello_suite(&h, i), suites[i]);
	assert_false(dtls_hello_has_extension(&h, DTLS_HELLO_EXT_APP_ID));
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), 0);
	assert_memory_equal(key, app_id, 32);
}

/* Older openconnect: App-ID in extension 48018, which ocserv reads first. */
static void app_id_extension_wins(void **state)
{
	static const uint16_t suites[] = { 0x00A9 };
	uint8_t ext_body[33], buf[512], other[32];
	const struct ext exts[] = { { 35, NULL, 0 }, { DTLS_HELLO_EXT_APP_ID, ext_body, 33 } };
	struct dtls_hello h;
	const uint8_t *key;
	size_t key_len, len;

	(void)state;
	ext_body[0] = 32;
	memcpy(ext_body + 1, app_id, 32);
	memset(other, 0x11, sizeof(other));
	len = build(buf, sizeof(buf), 0xFEFF, 0xFEFD, other, 32, suites, 1, exts, 2);
	parse_all_ways(&h, buf, len);
	assert_int_equal(h.app_id_len, 32);
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), 0);
	assert_int_equal(key_len, 32);
	assert_memory_equal(key, app_id, 32);
	len = build(buf, sizeof(buf), 0xFEFF, 0xFEFD, NULL, 0, suites, 1, exts, 1);
	parse_all_ways(&h, buf, len);
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), VPN_ERR_NOT_FOUND);
}

static enum parse_result parse_mutated(size_t at, uint8_t value)
{
	uint8_t copy[sizeof(hello09)];
	struct dtls_hello h;
	size_t consumed;

	memcpy(copy, hello09, sizeof(copy));
	copy[at] = value;
	return dtls_hello_parse(&h, &consumed, copy, sizeof(copy));
}

static void garbage_is_invalid(void **state)
{
	static const struct { size_t at; uint8_t value; } cases[] = {
		{ AT_TYPE, 23 },                 /* application data */
		{ AT_VERSION, 0x03 },            /* TLS 1.x record */
		{ AT_VERSION + 1, 0xFC },        /* 0x01FC */
		{ AT_EPOCH + 1, 1 },             /* epoch 1: encrypted */
		{ AT_REC_LEN, 0x40 },            /* past DTLS_HELLO_MAX_RECORD */
		{ AT_REC_LEN + 1, 0x66 },        /* record one byte short of the hello */
		{ AT_HS_TYPE, 2 },               /* server_hello */
		{ AT_FRAG_OFF + 2, 1 },          /* a fragment */
		{ AT_FRAG_LEN + 2, 0x5a },       /* fragment shorter than the message */
		{ AT_CLIENT_VERSION, 0x03 },     /* TLS 1.2 in a DTLS record */
		{ AT_SID_LEN, 33 },              /* session_id over 32 */
		{ AT_SID_LEN, 31 },              /* lengths no longer add up */
		{ AT_COOKIE_LEN, 1 },
		{ AT_SUITES_LEN + 1, 3 },        /* odd */
		{ AT_SUITES_LEN + 1, 0 },        /* none */
		{ AT_COMP_LEN, 0 },
		{ AT_COMP, 1 },                  /* deflate only: no null method */
		{ AT_EXT_LEN + 1, 0x10 },        /* extensions longer than the hello */
		{ AT_EXT_LEN + 1, 0x0e },        /* a byte left over */
		{ AT_EXT + 3, 1 },               /* session_ticket overruns the list */
		{ AT_EXT + 1, 0x1c },            /* record_size_limit twice */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (parse_mutated(cases[i].at, cases[i].value) != PARSE_INVALID)
			fail_msg("byte %zu = 0x%02x was accepted", cases[i].at, cases[i].value);
}

static void odd_inputs(void **state)
{
	static const uint16_t suites[] = { 0x0035 };
	uint8_t buf[2048], body[64] = { 0 };
	struct ext exts[DTLS_HELLO_MAX_EXTENSIONS + 1];
	struct dtls_hello h;
	size_t consumed, len;

	(void)state;
	/* a hello followed by another record in the same datagram: only the hello */
	memcpy(buf, hello09, sizeof(hello09));
	memcpy(buf + sizeof(hello09), "\x17\xfe\xfd", 3);
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, sizeof(hello09) + 3), PARSE_DONE);
	assert_int_equal(consumed, sizeof(hello09));
	/* all-zero random: parsed, and flagged */
	memcpy(buf, hello09, sizeof(hello09));
	memset(buf + AT_RANDOM, 0, 32);
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, sizeof(hello09)), PARSE_DONE);
	assert_true(h.is_random_zero);
	/* extensions: the bound holds, an empty App-ID is refused */
	for (size_t i = 0; i < DTLS_HELLO_MAX_EXTENSIONS + 1; i++)
		exts[i] = (struct ext){ (uint16_t)(0x1000 + i), NULL, 0 };
	len = build(buf, sizeof(buf), 0xFEFD, 0xFEFD, NULL, 0, suites, 1, exts,
		    DTLS_HELLO_MAX_EXTENSIONS);
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, len), PARSE_DONE);
	len = build(buf, sizeof(buf), 0xFEFD, 0xFEFD, NULL, 0, suites, 1, exts,
		    DTLS_HELLO_MAX_EXTENSIONS + 1);
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, len), PARSE_INVALID);
	exts[0] = (struct ext){ DTLS_HELLO_EXT_APP_ID, body, 1 };
	len = build(buf, sizeof(buf), 0xFEFD, 0xFEFD, NULL, 0, suites, 1, exts, 1);
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, len), PARSE_INVALID);
	/* no extensions at all is allowed (DTLS 1.0 clients) */
	len = build(buf, sizeof(buf), 0xFEFF, 0xFEFF, NULL, 0, suites, 1, NULL, 0) - 2;
	buf[12] = (uint8_t)(buf[12] - 2);
	buf[16] = (uint8_t)(buf[16] - 2);
	buf[24] = (uint8_t)(buf[24] - 2);
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, len), PARSE_DONE);
	assert_int_equal(h.extension_count, 0);
	/* an empty datagram is a truncated one */
	assert_int_equal(dtls_hello_parse(&h, &consumed, buf, 0), PARSE_NEED_MORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(legacy_09_hello),
		cmocka_unit_test(dtls12_resume_hello),
		cmocka_unit_test(psk_hello),
		cmocka_unit_test(app_id_extension_wins),
		cmocka_unit_test(garbage_is_invalid),
		cmocka_unit_test(odd_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
