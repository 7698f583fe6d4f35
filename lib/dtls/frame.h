/* SPDX-License-Identifier: ISC */
/*
 * The DTLS channel's framing: each DTLS record carries one frame, a single
 * type byte (the CSTP numbers of lib/cstp/frame.h) followed by the payload.
 * DATA is 0x00 + one IP packet; openconnect's DTLS DPD is the lone byte 0x03
 * and its MTU probes are 0x03 + padding up to the tunnel MTU, which the
 * gateway must echo byte for byte as 0x04.
 */
#ifndef DTLS_FRAME_H
#define DTLS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/cstp/frame.h"

#define DTLS_FRAME_HEADER_LEN 1
/* Same bound as the TLS channel; a DTLS record cannot carry more anyway. */
#define DTLS_FRAME_DEFAULT_MAX_PAYLOAD CSTP_FRAME_DEFAULT_MAX_PAYLOAD

/* One frame; payload borrows from the record given to the decoder. */
struct dtls_frame {
	uint8_t type; /* enum cstp_type, or an unknown number */
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * Decodes one decrypted record. A record is always whole, so the result is
 * PARSE_DONE (*out_consumed = len) or PARSE_INVALID (empty record, payload
 * longer than max_payload); never PARSE_NEED_MORE.
 */
enum parse_result dtls_frame_decode(struct dtls_frame *out, size_t *out_consumed,
				    const uint8_t *record, size_t len,
				    size_t max_payload);

/* Appends type + payload to w. 0 or VPN_ERR_TOO_BIG. */
int dtls_frame_write(struct buf_writer *w, uint8_t type, const void *payload,
		     size_t payload_len);

#endif
