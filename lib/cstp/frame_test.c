/* SPDX-License-Identifier: ISC */
/*
 * CSTP framing against the frames captured between ocserv 1.1.6 and
 * openconnect 9.01 (TLS decrypted with the client's key log).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/cstp/frame.h"

/* openconnect's DPD request and ocserv's answer. */
static const uint8_t oc_dpd_req[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x03, 0x00 };
static const uint8_t ocserv_dpd_resp[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x04, 0x00 };
/* A probe's DPD request with a 28-byte payload; ocserv echoed it as type 4. */
static const uint8_t probe_dpd_req[] = {
	0x53, 0x54, 0x46, 0x01, 0x00, 0x1c, 0x03, 0x00,
	'h', 'e', 'l', 'l', 'o', '-', 'd', 'p', 'd', '-', 'p', 'a', 'y', 'l',
	'o', 'a', 'd', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
};
static const uint8_t probe_keepalive[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x07, 0x00 };
/* openconnect on SIGTERM: reason 0xb0 + "Aborted by caller". */
static const uint8_t oc_disconnect[] = {
	0x53, 0x54, 0x46, 0x01, 0x00, 0x12, 0x05, 0x00, 0xb0,
	0x41, 0x62, 0x6f, 0x72, 0x74, 0x65, 0x64, 0x20, 0x62, 0x79,
	0x20, 0x63, 0x61, 0x6c, 0x6c, 0x65, 0x72,
};
static const uint8_t ocserv_disconnect[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x05, 0x00 };
/* Unknown type 0x0b with "xyz": ocserv logged and ignored it. */
static const uint8_t probe_unknown[] = {
	0x53, 0x54, 0x46, 0x01, 0x00, 0x03, 0x0b, 0x00, 0x78, 0x79, 0x7a,
};

struct sample {
	const uint8_t *bytes;
	size_t len;
	uint8_t type;
	size_t payload_len;
};

static const struct sample samples[] = {
	{ oc_dpd_req, sizeof(oc_dpd_req), 0x03, 0 },
	{ ocserv_dpd_resp, sizeof(ocserv_dpd_resp), 0x04, 0 },
	{ probe_dpd_req, sizeof(probe_dpd_req), 0x03, 28 },
	{ probe_keepalive, sizeof(probe_keepalive), 0x07, 0 },
	{ oc_disconnect, sizeof(oc_disconnect), 0x05, 18 },
	{ ocserv_disconnect, sizeof(ocserv_disconnect), 0x05, 0 },
	{ probe_unknown, sizeof(probe_unknown), 0x0b, 3 },
};

#define N_SAMPLES (sizeof(samples) / sizeof(samples[0]))

static enum parse_result decode_guarded(const uint8_t *bytes, size_t len, size_t max,
					struct cstp_frame *f, size_t *consumed,
					uint8_t *payload_copy)
{
	struct guarded g;
	enum parse_result r;

	assert_int_equal(guarded_init(&g, bytes, len), 0);
	r = cstp_frame_decode(f, consumed, g.data, len, max);
	/* The payload view dies with the mapping; keep a copy to check. */
	if (r == PARSE_DONE && f->payload_len)
		memcpy(payload_copy, f->payload, f->payload_len);
	guarded_cleanup(&g);
	return r;
}

static void decodes_captured_frames_whole(void **state)
{
	uint8_t copy[64];

	(void)state;
	for (size_t i = 0; i < N_SAMPLES; i++) {
		const struct sample *s = &samples[i];
		struct cstp_frame f;
		size_t consumed = 0;

		assert_int_equal(decode_guarded(s->bytes, s->len, CSTP_FRAME_DEFAULT_MAX_PAYLOAD,
						&f, &consumed, copy), PARSE_DONE);
		assert_int_equal(f.type, s->type);
		assert_int_equal(f.payload_len, s->payload_len);
		assert_int_equal(consumed, s->len);
		assert_memory_equal(copy, s->bytes + 8, s->payload_len);
	}
}

/* Every proper prefix needs more; nothing is read past the given length. */
static void decodes_captured_frames_byte_by_byte(void **state)
{
	uint8_t copy[64];

	(void)state;
	for (size_t i = 0; i < N_SAMPLES; i++) {
		const struct sample *s = &samples[i];

		for (size_t cut = 0; cut < s->len; cut++) {
			struct cstp_frame f;
			size_t consumed = 12345;

			assert_int_equal(decode_guarded(s->bytes, cut, CSTP_FRAME_DEFAULT_MAX_PAYLOAD,
							&f, &consumed, copy), PARSE_NEED_MORE);
			assert_int_equal(consumed, 12345);
		}
	}
}

static void dpd_payload_and_text(void **state)
{
	struct cstp_frame f;
	struct cstp_disconnect d;
	size_t consumed;

	(void)state;
	assert_int_equal(cstp_frame_decode(&f, &consumed, probe_dpd_req, sizeof(probe_dpd_req),
					   CSTP_FRAME_DEFAULT_MAX_PAYLOAD), PARSE_DONE);
	assert_memory_equal(f.payload, "hello-dpd-payload-0123456789", 28);

	assert_int_equal(cstp_frame_decode(&f, &consumed, oc_disconnect, sizeof(oc_disconnect),
					   CSTP_FRAME_DEFAULT_MAX_PAYLOAD), PARSE_DONE);
	cstp_disconnect_read(&d, &f);
	assert_true(d.has_reason);
	assert_int_equal(d.reason, 0xb0);
	assert_string_equal(cstp_reason_name(d.reason), "user");
	assert_int_equal(d.text_len, 17);
	assert_memory_equal(d.text, "Aborted by caller", 17);

	assert_int_equal(cstp_frame_decode(&f, &consumed, ocserv_disconnect,
					   sizeof(ocserv_disconnect),
					   CSTP_FRAME_DEFAULT_MAX_PAYLOAD), PARSE_DONE);
	cstp_disconnect_read(&d, &f);
	assert_false(d.has_reason);
	assert_int_equal(d.text_len, 0);
}

/* The record ocserv 1.1.6 rejected: two DPD frames in one TLS record. We
 * reassemble instead, so both come out in order. */
static void decodes_coalesced_stream(void **state)
{
	uint8_t stream[sizeof(oc_dpd_req) + sizeof(probe_unknown) + sizeof(oc_disconnect)];
	static const uint8_t want_type[] = { 0x03, 0x0b, 0x05 };
	size_t pos = 0, n = 0;
	struct guarded g;

	(void)state;
	memcpy(stream, oc_dpd_req, sizeof(oc_dpd_req));
	memcpy(stream + sizeof(oc_dpd_req), probe_unknown, sizeof(probe_unknown));
	memcpy(stream + sizeof(oc_dpd_req) + sizeof(probe_unknown), oc_disconnect,
	       sizeof(oc_disconnect));
	assert_int_equal(guarded_init(&g, stream, sizeof(stream)), 0);
	while (pos < sizeof(stream)) {
		struct cstp_frame f;
		size_t consumed;

		assert_int_equal(cstp_frame_decode(&f, &consumed, g.data + pos,
						   sizeof(stream) - pos,
						   CSTP_FRAME_DEFAULT_MAX_PAYLOAD), PARSE_DONE);
		assert_true(n < sizeof(want_type));
		assert_int_equal(f.type, want_type[n++]);
		pos += consumed;
	}
	assert_int_equal(n, 3);
	guarded_cleanup(&g);
}

static void rejects_bad_magic_and_byte7(void **state)
{
	struct cstp_frame f;
	size_t consumed;
	uint8_t bad[sizeof(probe_dpd_req)];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		memcpy(bad, probe_dpd_req, sizeof(bad));
		bad[i] ^= 0x20;
		/* Decided as soon as the wrong byte is seen. */
		for (size_t cut = i + 1; cut <= sizeof(bad); cut++)
			assert_int_equal(cstp_frame_decode(&f, &consumed, bad, cut, 16384),
					 PARSE_INVALID);
	}
	memcpy(bad, probe_dpd_req, sizeof(bad));
	bad[7] = 0x01;
	assert_int_equal(cstp_frame_decode(&f, &consumed, bad, 7, 16384), PARSE_NEED_MORE);
	assert_int_equal(cstp_frame_decode(&f, &consumed, bad, 8, 16384), PARSE_INVALID);
	assert_int_equal(cstp_frame_decode(&f, &consumed, bad, sizeof(bad), 16384),
			 PARSE_INVALID);
}

static void enforces_length_bound(void **state)
{
	static const uint8_t big[] = { 0x53, 0x54, 0x46, 0x01, 0x40, 0x01, 0x00, 0x00 };
	static const uint8_t at_limit[] = { 0x53, 0x54, 0x46, 0x01, 0x40, 0x00, 0x00, 0x00 };
	struct cstp_frame f;
	size_t consumed;

	(void)state;
	/* 16385 > 16384: known invalid from the length field alone. */
	assert_int_equal(cstp_frame_decode(&f, &consumed, big, 6, 16384), PARSE_INVALID);
	assert_int_equal(cstp_frame_decode(&f, &consumed, at_limit, 8, 16384), PARSE_NEED_MORE);
	/* A caller-chosen bound: the 28-byte DPD passes at 28 and not at 27. */
	assert_int_equal(cstp_frame_decode(&f, &consumed, probe_dpd_req,
					   sizeof(probe_dpd_req), 28), PARSE_DONE);
	assert_int_equal(cstp_frame_decode(&f, &consumed, probe_dpd_req,
					   sizeof(probe_dpd_req), 27), PARSE_INVALID);
}

static void encodes_captured_frames(void **state)
{
	uint8_t out[64];
	uint8_t header[CSTP_FRAME_HEADER_LEN];
	struct buf_writer w;

	(void)state;
	for (size_t i = 0; i < N_SAMPLES; i++) {
		const struct sample *s = &samples[i];

		buf_writer_init(&w, out, sizeof(out));
		assert_int_equal(cstp_frame_write(&w, s->type, s->bytes + 8, s->payload_len), 0);
		assert_int_equal(w.len, s->len);
		assert_memory_equal(out, s->bytes, s->len);
	}
	assert_int_equal(cstp_frame_header(header, CSTP_TYPE_DATA, 65536), VPN_ERR_TOO_BIG);
	assert_int_equal(cstp_frame_header(header, CSTP_TYPE_DATA, 1434), 0);
	assert_int_equal(header[4], 0x05);
	assert_int_equal(header[5], 0x9a);
	buf_writer_init(&w, out, 10);
	assert_int_equal(cstp_frame_write(&w, CSTP_TYPE_DPD_REQ, probe_dpd_req + 8, 28),
			 VPN_ERR_TOO_BIG);
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(cstp_type_name(0x00), "DATA");
	assert_string_equal(cstp_type_name(0x03), "DPD-REQ");
	assert_string_equal(cstp_type_name(0x04), "DPD-RESP");
	assert_string_equal(cstp_type_name(0x05), "DISCONNECT");
	assert_string_equal(cstp_type_name(0x07), "KEEPALIVE");
	assert_string_equal(cstp_type_name(0x08), "COMPRESSED");
	assert_string_equal(cstp_type_name(0x09), "TERMINATE");
	assert_string_equal(cstp_type_name(0x0b), "unknown");
	assert_false(cstp_type_is_known(0x0b));
	assert_false(cstp_type_is_known(0x01));
	assert_true(cstp_type_is_known(0x09));
	assert_string_equal(cstp_reason_name(0x70), "error");
	assert_string_equal(cstp_reason_name(0x91), "reconnect");
	assert_string_equal(cstp_reason_name(0xd1), "paused");
	assert_string_equal(cstp_reason_name(0x00), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_captured_frames_whole),
		cmocka_unit_test(decodes_captured_frames_byte_by_byte),
		cmocka_unit_test(dpd_payload_and_text),
		cmocka_unit_test(decodes_coalesced_stream),
		cmocka_unit_test(rejects_bad_magic_and_byte7),
		cmocka_unit_test(enforces_length_bound),
		cmocka_unit_test(encodes_captured_frames),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
