/* SPDX-License-Identifier: ISC */
/*
 * CSTP framing on the TLS channel: the 8-byte header "STF" 0x01, payload
 * length (big-endian 16 bits, header excluded), packet type, 0x00.
 *
 * The packet type numbers are shared with the 1-byte header of the DTLS
 * channel (lib/dtls/frame.h), so they live here once.
 *
 * Senders put exactly one frame in one TLS record: openconnect drops and
 * ocserv disconnects on anything else. The decoder is still resumable, so a
 * receiver may feed it a byte stream and reassemble.
 */
#ifndef CSTP_FRAME_H
#define CSTP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

#define CSTP_FRAME_HEADER_LEN 8
/* What ocserv accepts and openconnect allocates; a TLS record holds 16 KiB. */
#define CSTP_FRAME_DEFAULT_MAX_PAYLOAD 16384
/* The length field is 16 bits wide. */
#define CSTP_FRAME_LIMIT_PAYLOAD 65535

/* Packet types, the same numbers on CSTP and DTLS. */
enum cstp_type {
	CSTP_TYPE_DATA = 0x00,       /* one IPv4 or IPv6 packet */
	CSTP_TYPE_DPD_REQ = 0x03,    /* liveness/MTU probe, any padding */
	CSTP_TYPE_DPD_RESP = 0x04,   /* the probe's payload echoed */
	CSTP_TYPE_DISCONNECT = 0x05, /* reason byte + optional text, or empty */
	CSTP_TYPE_KEEPALIVE = 0x07,  /* no payload, never answered */
	CSTP_TYPE_COMPRESSED = 0x08, /* DATA compressed as negotiated */
	CSTP_TYPE_TERMINATE = 0x09,  /* gateway shuts the session down */
};

/* "DATA", "DPD-REQ", ...; "unknown" for a number not listed above. */
const char *cstp_type_name(uint8_t type);
bool cstp_type_is_known(uint8_t type);

/* First payload byte of a DISCONNECT (ocserv vpn.h numbering). */
enum cstp_reason {
	CSTP_REASON_ERROR = 0x70,     /* local error, e.g. routes failed */
	CSTP_REASON_RECONNECT = 0x91, /* changing networks: keep the session */
	CSTP_REASON_USER = 0xb0,      /* user asked: end session and cookie */
	CSTP_REASON_PAUSED = 0xd1,    /* VPN paused */
};

/* "user", "error", "reconnect", "paused"; "unknown" otherwise. */
const char *cstp_reason_name(uint8_t reason);

/* One decoded frame. payload borrows from the buffer given to the decoder. */
struct cstp_frame {
	uint8_t type;
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * Decodes the frame at the start of data. max_payload bounds the length
 * field (CSTP_FRAME_DEFAULT_MAX_PAYLOAD unless the caller knows better).
 * PARSE_DONE: *out filled, *out_consumed = 8 + payload length.
 * PARSE_NEED_MORE: data is a proper prefix of a valid frame; nothing set.
 * PARSE_INVALID: wrong magic, non-zero byte 7, or length past max_payload;
 * the stream is unusable (both real peers drop the session).
 * Unknown type numbers decode fine: what to do with them is policy.
 */
enum parse_result cstp_frame_decode(struct cstp_frame *out, size_t *out_consumed,
				    const uint8_t *data, size_t len,
				    size_t max_payload);

/*
 * Writes the header for payload_len bytes into out (8 bytes), so a caller
 * can place it in front of a packet already in its buffer.
 * 0, or VPN_ERR_TOO_BIG when payload_len does not fit 16 bits.
 */
int cstp_frame_header(uint8_t out[CSTP_FRAME_HEADER_LEN], uint8_t type,
		      size_t payload_len);

/* Appends header + payload to w. 0, VPN_ERR_TOO_BIG (length or room). */
int cstp_frame_write(struct buf_writer *w, uint8_t type, const void *payload,
		     size_t payload_len);

/*
 * A DISCONNECT payload. Views borrow from the frame. An empty payload (what
 * ocserv sends) has has_reason false; callers treat that like 0x91.
 */
struct cstp_disconnect {
	bool has_reason;
	uint8_t reason;
	const uint8_t *text; /* optional human text after the reason byte */
	size_t text_len;
};

void cstp_disconnect_read(struct cstp_disconnect *out, const struct cstp_frame *f);

#endif
