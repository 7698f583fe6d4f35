/* SPDX-License-Identifier: ISC */
/*
 * A bounded parser of the first record of a DTLS datagram when it is a
 * ClientHello (RFC 6347 §4.1, §4.2.2; Cisco's 0x0100 framing is the same).
 * The gateway reads the session_id (legacy: the X-DTLS-Session-ID; PSK: the
 * X-DTLS-App-ID) or ocserv's ApplicationID extension to find which session,
 * and which worker, a new DTLS association belongs to (PROTOCOL.md §8.1).
 *
 * It reads the network's bytes before any authentication, so it checks
 * every length against what is left and refuses what no real client sends:
 * other record types or epochs, fragmented hellos, unknown versions.
 */
#include <string.h>

#include "lib/base/buf.h"
#include "lib/tls/dtls.h"

#define RECORD_HEADER_LEN 13
#define HANDSHAKE_HEADER_LEN 12
#define CONTENT_HANDSHAKE 22
#define HANDSHAKE_CLIENT_HELLO 1
#define RANDOM_LEN 32
#define SESSION_ID_MAX 32
#define COOKIE_MAX 255

static bool is_dtls_version(uint16_t v)
{
	return v == 0x0100 || v == 0xFEFF || v == 0xFEFD;
}

/*
 * The record header's fixed fields, on as many bytes as there are: a
 * prefix is refused as soon as one of its bytes cannot be right.
 */
static bool is_header_prefix_valid(const uint8_t *data, size_t len)
{
	if (len >= 1 && data[0] != CONTENT_HANDSHAKE)
		return false;
	if (len >= 2 && data[1] != 0x01 && data[1] != 0xFE)
		return false;
	if (len >= 3 && !is_dtls_version((uint16_t)(data[1] << 8 | data[2])))
		return false;
	if (len >= 5 && (data[3] != 0 || data[4] != 0)) /* epoch 0: nothing is encrypted yet */
		return false;
	return true;
}

/* A <len8> or <len16> vector: its bytes and length, within [min, max]. */
static bool read_vector(struct buf_reader *r, bool is_len16, size_t min, size_t max,
			const uint8_t **out, size_t *out_len)
{
	uint8_t n8;
	uint16_t n16;
	size_t n;

	if (is_len16 ? !buf_read_be16(r, &n16) : !buf_read_u8(r, &n8))
		return false;
	n = is_len16 ? n16 : n8;
	if (n < min || n > max || buf_reader_left(r) < n)
		return false;
	*out = r->data + r->pos;
	*out_len = n;
	return buf_skip(r, n);
}

static bool read_app_id(struct dtls_hello *out, const uint8_t *body, size_t len)
{
	struct buf_reader r;

	buf_reader_init(&r, body, len);
	/* opaque ApplicationID<1..255>, and nothing after it */
	return read_vector(&r, false, 1, 255, &out->app_id, &out->app_id_len) &&
	       buf_reader_left(&r) == 0;
}

static bool read_extensions(struct dtls_hello *out, struct buf_reader *r)
{
	const uint8_t *all, *body;
	size_t all_len, body_len;
	struct buf_reader ext;
	uint16_t type;

	if (buf_reader_left(r) == 0)
		return true; /* extensions are optional before TLS 1.2 */
	if (!read_vector(r, true, 0, 0xFFFF, &all, &all_len) || buf_reader_left(r) != 0)
		return false;
	buf_reader_init(&ext, all, all_len);
	while (buf_reader_left(&ext) > 0) {
		if (!buf_read_be16(&ext, &type) ||
		    !read_vector(&ext, true, 0, 0xFFFF, &body, &body_len) ||
		    out->extension_count == DTLS_HELLO_MAX_EXTENSIONS ||
		    dtls_hello_has_extension(out, type))
			return false;
		out->extensions[out->extension_count++] = type;
		if (type == DTLS_HELLO_EXT_APP_ID && !read_app_id(out, body, body_len))
			return false;
	}
	return true;
}

static bool read_body(struct dtls_hello *out, struct buf_reader *r)
{
	const uint8_t *suites, *comp;
	size_t suites_len, comp_len;
	uint8_t zero[RANDOM_LEN] = { 0 };

	if (!buf_read_be16(r, &out->client_version) || !is_dtls_version(out->client_version) ||
	    buf_reader_left(r) < RANDOM_LEN)
		return false;
	out->random = r->data + r->pos;
	out->is_random_zero = memcmp(out->random, zero, RANDOM_LEN) == 0;
	buf_skip(r, RANDOM_LEN);
	if (!read_vector(r, false, 0, SESSION_ID_MAX, &out->session_id, &out->session_id_len) ||
	    !read_vector(r, false, 0, COOKIE_MAX, &out->cookie, &out->cookie_len) ||
	    !read_vector(r, true, 2, 0xFFFE, &suites, &suites_len) || suites_len % 2 != 0 ||
	    !read_vector(r, false, 1, 255, &comp, &comp_len) ||
	    memchr(comp, 0, comp_len) == NULL) /* the null method is mandatory */
		return false;
	out->suites = suites;
	out->suite_count = suites_len / 2;
	return read_extensions(out, r);
}

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* The handshake header: a whole, unfragmented ClientHello filling the record. */
static bool read_handshake(struct dtls_hello *out, const uint8_t *rec, size_t rec_len)
{
	struct buf_reader r;
	uint32_t len;

	if (rec_len < HANDSHAKE_HEADER_LEN || rec[0] != HANDSHAKE_CLIENT_HELLO)
		return false;
	len = be24(rec + 1);
	out->message_seq = (uint16_t)(rec[4] << 8 | rec[5]);
	if (be24(rec + 6) != 0 || be24(rec + 9) != len || len != rec_len - HANDSHAKE_HEADER_LEN)
		return false;
	buf_reader_init(&r, rec + HANDSHAKE_HEADER_LEN, len);
	return read_body(out, &r);
}

enum parse_result dtls_hello_parse(struct dtls_hello *out, size_t *out_consumed,
				   const uint8_t *data, size_t len)
{
	size_t rec_len;

	memset(out, 0, sizeof(*out));
	*out_consumed = 0;
	if (!is_header_prefix_valid(data, len < RECORD_HEADER_LEN ? len : RECORD_HEADER_LEN))
		return PARSE_INVALID;
	if (len < RECORD_HEADER_LEN)
		return PARSE_NEED_MORE;
	out->record_version = (uint16_t)(data[1] << 8 | data[2]);
	for (size_t i = 5; i < 11; i++)
		out->record_seq = out->record_seq << 8 | data[i];
	rec_len = (size_t)data[11] << 8 | data[12];
	if (rec_len > DTLS_HELLO_MAX_RECORD)
		return PARSE_INVALID;
	if (len - RECORD_HEADER_LEN < rec_len)
		return PARSE_NEED_MORE;
	if (!read_handshake(out, data + RECORD_HEADER_LEN, rec_len)) {
		memset(out, 0, sizeof(*out));
		return PARSE_INVALID;
	}
	*out_consumed = RECORD_HEADER_LEN + rec_len;
	return PARSE_DONE;
}

uint16_t dtls_hello_suite(const struct dtls_hello *h, size_t i)
{
	return (uint16_t)(h->suites[2 * i] << 8 | h->suites[2 * i + 1]);
}

bool dtls_hello_has_extension(const struct dtls_hello *h, uint16_t type)
{
	for (size_t i = 0; i < h->extension_count; i++)
		if (h->extensions[i] == type)
			return true;
	return false;
}

int dtls_hello_session_key(const struct dtls_hello *h, const uint8_t **out, size_t *out_len)
{
	if (h->app_id_len > 0) {
		*out = h->app_id;
		*out_len = h->app_id_len;
		return 0;
	}
	if (h->session_id_len > 0) {
		*out = h->session_id;
		*out_len = h->session_id_len;
		return 0;
	}
	*out = NULL;
	*out_len = 0;
	return VPN_ERR_NOT_FOUND;
}
