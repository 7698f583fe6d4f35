/* SPDX-License-Identifier: ISC */
/* The 1-byte type header of frames on the DTLS channel. */
#include "lib/dtls/frame.h"

enum parse_result dtls_frame_decode(struct dtls_frame *out, size_t *out_consumed,
				    const uint8_t *record, size_t len,
				    size_t max_payload)
{
	if (len < DTLS_FRAME_HEADER_LEN || len - DTLS_FRAME_HEADER_LEN > max_payload)
		return PARSE_INVALID;
	out->type = record[0];
	out->payload = record + DTLS_FRAME_HEADER_LEN;
	out->payload_len = len - DTLS_FRAME_HEADER_LEN;
	*out_consumed = len;
	return PARSE_DONE;
}

int dtls_frame_write(struct buf_writer *w, uint8_t type, const void *payload,
		     size_t payload_len)
{
	buf_write_u8(w, type);
	buf_write_bytes(w, payload, payload_len);
	return buf_writer_error(w);
}
