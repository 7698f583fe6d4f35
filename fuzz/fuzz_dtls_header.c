/* SPDX-License-Identifier: ISC */
/*
 * The DTLS 1-byte frame header over one arbitrary decrypted record: a
 * decoded frame must re-encode to the record, and a DPD request must turn
 * into an answer of the same length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dtls/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[DTLS_FRAME_HEADER_LEN + DTLS_FRAME_DEFAULT_MAX_PAYLOAD];
	struct dtls_frame f;
	struct buf_writer w;
	size_t consumed = 0;

	if (dtls_frame_decode(&f, &consumed, data, size, DTLS_FRAME_DEFAULT_MAX_PAYLOAD) !=
	    PARSE_DONE)
		return 0;
	if (consumed != size || f.payload_len + 1 != size)
		abort();
	buf_writer_init(&w, out, sizeof(out));
	if (dtls_frame_write(&w, f.type, f.payload, f.payload_len) != 0 || w.len != size ||
	    memcmp(out, data, size) != 0)
		abort();
	if (f.type == CSTP_TYPE_DPD_REQ) {
		buf_writer_init(&w, out, sizeof(out));
		if (dtls_frame_write(&w, CSTP_TYPE_DPD_RESP, f.payload, f.payload_len) != 0 ||
		    w.len != size || out[0] != CSTP_TYPE_DPD_RESP)
			abort();
	}
	return 0;
}
