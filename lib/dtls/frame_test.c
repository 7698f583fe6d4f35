/* SPDX-License-Identifier: ISC */
/*
 * DTLS frames as openconnect 9.01 and ocserv 1.1.6 exchanged them (records
 * decrypted with the client's key log): DPD 03 -> 04, a 128-byte ping as
 * DATA, and the 1434-byte MTU probe echoed at full length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/dtls/frame.h"

#define PROBE_PAYLOAD 1434

/* 03 14 95 30 7b, then zeros up to 1 + 1434 bytes (the first probe). */
static uint8_t *make_probe(uint8_t type)
{
	uint8_t *p = calloc(1, 1 + PROBE_PAYLOAD);
	static const uint8_t head[] = { 0x14, 0x95, 0x30, 0x7b };

	assert_non_null(p);
	p[0] = type;
	memcpy(p + 1, head, sizeof(head));
	return p;
}

static enum parse_result decode_guarded(const uint8_t *rec, size_t len, size_t max,
					struct dtls_frame *f, size_t *consumed)
{
	struct guarded g;
	enum parse_result r;

	assert_int_equal(guarded_init(&g, rec, len), 0);
	r = dtls_frame_decode(f, consumed, g.data, len, max);
	if (r == PARSE_DONE)
		f->payload = rec + (f->payload - g.data); /* re-point at the caller's copy */
	guarded_cleanup(&g);
	return r;
}

static void dpd_and_answer(void **state)
{
	static const uint8_t req[] = { 0x03 };
	static const uint8_t resp[] = { 0x04 };
	struct dtls_frame f;
	size_t consumed;
	uint8_t out[4];
	struct buf_writer w;

	(void)state;
	assert_int_equal(decode_guarded(req, 1, DTLS_FRAME_DEFAULT_MAX_PAYLOAD, &f, &consumed),
			 PARSE_DONE);
	assert_int_equal(f.type, CSTP_TYPE_DPD_REQ);
	assert_int_equal(f.payload_len, 0);
	assert_int_equal(consumed, 1);
	buf_writer_init(&w, out, sizeof(out));
	assert_int_equal(dtls_frame_write(&w, CSTP_TYPE_DPD_RESP, f.payload, f.payload_len), 0);
	assert_int_equal(w.len, sizeof(resp));
	assert_memory_equal(out, resp, sizeof(resp));
}

static void data_packet(void **state)
{
	uint8_t rec[129] = { 0x00, 0x45, 0x00, 0x00, 0x80 };
	struct dtls_frame f;
	size_t consumed;

	(void)state;
	assert_int_equal(decode_guarded(rec, sizeof(rec), DTLS_FRAME_DEFAULT_MAX_PAYLOAD,
					&f, &consumed), PARSE_DONE);
	assert_int_equal(f.type, CSTP_TYPE_DATA);
	assert_int_equal(f.payload_len, 128);
	/* The IPv4 total length inside agrees with what the frame carries. */
	assert_int_equal((f.payload[2] << 8) | f.payload[3], f.payload_len);
	assert_int_equal(consumed, sizeof(rec));
}

static void mtu_probe_echo(void **state)
{
	uint8_t *probe = make_probe(0x03);
	uint8_t *answer = make_probe(0x04);
	uint8_t *out = malloc(1 + PROBE_PAYLOAD);
	struct dtls_frame f;
	struct buf_writer w;
	size_t consumed;

	(void)state;
	assert_non_null(out);
	assert_int_equal(decode_guarded(probe, 1 + PROBE_PAYLOAD, PROBE_PAYLOAD, &f, &consumed),
			 PARSE_DONE);
	assert_int_equal(f.payload_len, PROBE_PAYLOAD);
	buf_writer_init(&w, out, 1 + PROBE_PAYLOAD);
	assert_int_equal(dtls_frame_write(&w, CSTP_TYPE_DPD_RESP, f.payload, f.payload_len), 0);
	assert_int_equal(w.len, 1 + PROBE_PAYLOAD);
	assert_memory_equal(out, answer, 1 + PROBE_PAYLOAD);
	/* A bound one below the probe rejects it; no room to answer fails. */
	assert_int_equal(decode_guarded(probe, 1 + PROBE_PAYLOAD, PROBE_PAYLOAD - 1, &f,
					&consumed), PARSE_INVALID);
	buf_writer_init(&w, out, PROBE_PAYLOAD);
	assert_int_equal(dtls_frame_write(&w, CSTP_TYPE_DPD_RESP, probe + 1, PROBE_PAYLOAD),
			 VPN_ERR_TOO_BIG);
	free(out);
	free(answer);
	free(probe);
}

/* A record cut anywhere is a shorter record: only the empty one is invalid. */
static void every_length(void **state)
{
	uint8_t *probe = make_probe(0x03);

	(void)state;
	for (size_t len = 0; len <= 1 + PROBE_PAYLOAD; len++) {
		struct dtls_frame f;
		size_t consumed = 0;
		enum parse_result r = decode_guarded(probe, len, DTLS_FRAME_DEFAULT_MAX_PAYLOAD,
						     &f, &consumed);

		if (len == 0) {
			assert_int_equal(r, PARSE_INVALID);
			continue;
		}
		assert_int_equal(r, PARSE_DONE);
		assert_int_equal(f.type, 0x03);
		assert_int_equal(f.payload_len, len - 1);
		assert_int_equal(consumed, len);
	}
	free(probe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dpd_and_answer),
		cmocka_unit_test(data_packet),
		cmocka_unit_test(mtu_probe_echo),
		cmocka_unit_test(every_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
