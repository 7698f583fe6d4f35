/* SPDX-License-Identifier: ISC */
/* CSTP frame header encode/decode and the packet-type and reason names. */
#include "lib/cstp/frame.h"

#include <string.h>

static const uint8_t magic[4] = { 'S', 'T', 'F', 0x01 };

struct name_entry {
	uint8_t value;
	const char *name;
};

static const struct name_entry type_names[] = {
	{ CSTP_TYPE_DATA, "DATA" },
	{ CSTP_TYPE_DPD_REQ, "DPD-REQ" },
	{ CSTP_TYPE_DPD_RESP, "DPD-RESP" },
	{ CSTP_TYPE_DISCONNECT, "DISCONNECT" },
	{ CSTP_TYPE_KEEPALIVE, "KEEPALIVE" },
	{ CSTP_TYPE_COMPRESSED, "COMPRESSED" },
	{ CSTP_TYPE_TERMINATE, "TERMINATE" },
};

static const struct name_entry reason_names[] = {
	{ CSTP_REASON_ERROR, "error" },
	{ CSTP_REASON_RECONNECT, "reconnect" },
	{ CSTP_REASON_USER, "user" },
	{ CSTP_REASON_PAUSED, "paused" },
};

static const char *lookup(const struct name_entry *table, size_t n, uint8_t value)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return NULL;
}

const char *cstp_type_name(uint8_t type)
{
	const char *name = lookup(type_names, sizeof(type_names) / sizeof(type_names[0]), type);

	return name ? name : "unknown";
}

bool cstp_type_is_known(uint8_t type)
{
	return lookup(type_names, sizeof(type_names) / sizeof(type_names[0]), type) != NULL;
}

const char *cstp_reason_name(uint8_t reason)
{
	const char *name = lookup(reason_names,
				  sizeof(reason_names) / sizeof(reason_names[0]), reason);

	return name ? name : "unknown";
}

/* How many leading bytes of data (at most 4) match the magic. */
static size_t magic_prefix(const uint8_t *data, size_t len)
{
	size_t n = len < sizeof(magic) ? len : sizeof(magic);

	for (size_t i = 0; i < n; i++)
		if (data[i] != magic[i])
			return i;
	return n;
}

enum parse_result cstp_frame_decode(struct cstp_frame *out, size_t *out_consumed,
				    const uint8_t *data, size_t len,
				    size_t max_payload)
{
	size_t payload_len;

	/* Reject a bad prefix as early as possible: a peer that is not
	 * speaking CSTP should not make us wait for eight bytes. */
	if (magic_prefix(data, len) < (len < sizeof(magic) ? len : sizeof(magic)))
		return PARSE_INVALID;
	if (len < 6)
		return PARSE_NEED_MORE;
	payload_len = (size_t)data[4] << 8 | data[5];
	if (payload_len > max_payload)
		return PARSE_INVALID;
	if (len < CSTP_FRAME_HEADER_LEN)
		return PARSE_NEED_MORE;
	if (data[7] != 0)
		return PARSE_INVALID;
	if (len - CSTP_FRAME_HEADER_LEN < payload_len)
		return PARSE_NEED_MORE;
	out->type = data[6];
	out->payload = data + CSTP_FRAME_HEADER_LEN;
	out->payload_len = payload_len;
	*out_consumed = CSTP_FRAME_HEADER_LEN + payload_len;
	return PARSE_DONE;
}

int cstp_frame_header(uint8_t out[CSTP_FRAME_HEADER_LEN], uint8_t type,
		      size_t payload_len)
{
	if (payload_len > CSTP_FRAME_LIMIT_PAYLOAD)
		return VPN_ERR_TOO_BIG;
	memcpy(out, magic, sizeof(magic));
	out[4] = (uint8_t)(payload_len >> 8);
	out[5] = (uint8_t)payload_len;
	out[6] = type;
	out[7] = 0;
	return 0;
}

int cstp_frame_write(struct buf_writer *w, uint8_t type, const void *payload,
		     size_t payload_len)
{
	uint8_t header[CSTP_FRAME_HEADER_LEN];
	int err = cstp_frame_header(header, type, payload_len);

	if (err)
		return err;
	buf_write_bytes(w, header, sizeof(header));
	buf_write_bytes(w, payload, payload_len);
	return buf_writer_error(w);
}

void cstp_disconnect_read(struct cstp_disconnect *out, const struct cstp_frame *f)
{
	memset(out, 0, sizeof(*out));
	if (f->payload_len == 0)
		return;
	out->has_reason = true;
	out->reason = f->payload[0];
	out->text = f->payload + 1;
	out->text_len = f->payload_len - 1;
}
