/* SPDX-License-Identifier: ISC */
/*
 * CSTP frame decoder over an arbitrary byte stream: decode frames until the
 * input runs out or turns invalid, under the default bound and a tight one.
 * Every decoded frame must re-encode to exactly the bytes it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cstp/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, size_t max)
{
	static uint8_t out[CSTP_FRAME_HEADER_LEN + CSTP_FRAME_LIMIT_PAYLOAD];
	size_t pos = 0;

	while (pos < size) {
		struct cstp_frame f;
		struct cstp_disconnect d;
		struct buf_writer w;
		size_t consumed = 0;

		if (cstp_frame_decode(&f, &consumed, data + pos, size - pos, max) != PARSE_DONE)
			break;
		if (consumed != CSTP_FRAME_HEADER_LEN + f.payload_len || f.payload_len > max ||
		    consumed > size - pos)
			abort();
		buf_writer_init(&w, out, sizeof(out));
		if (cstp_frame_write(&w, f.type, f.payload, f.payload_len) != 0 ||
		    w.len != consumed || memcmp(out, data + pos, consumed) != 0)
			abort();
		if (f.type == CSTP_TYPE_DISCONNECT) {
			cstp_disconnect_read(&d, &f);
			(void)cstp_reason_name(d.reason);
		}
		(void)cstp_type_name(f.type);
		pos += consumed;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, CSTP_FRAME_DEFAULT_MAX_PAYLOAD);
	run(data, size, 28);
	return 0;
}
