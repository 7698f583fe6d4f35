/* SPDX-License-Identifier: ISC */
/*
 * Single X-CSTP/X-DTLS header values, one codec per kind with its reader and
 * its writer side by side: every writer checks its value with the rule the
 * reader applies, so whatever we send we would also accept, and no value
 * can smuggle in a line break. Also the lexical rules the lists share
 * (headers_list.c).
 */
#include <string.h>
#include <strings.h>

#include "lib/base/err.h"
#include "lib/cstp/headers_internal.h"

#define TOKEN_MAX 64       /* one cipher-suite name */

static const struct {
	const char *name;
	unsigned bit;
} encodings[] = {
	/* Written in this order: openconnect's "oc-lz4,lzs". */
	{ "oc-lz4", CSTP_ENCODING_OC_LZ4 },
	{ "lzs", CSTP_ENCODING_LZS },
	{ "deflate", CSTP_ENCODING_DEFLATE },
};

#define N_ENCODINGS (sizeof(encodings) / sizeof(encodings[0]))

static const char *const rekey_names[] = {
	[CSTP_REKEY_SSL] = "ssl",
	[CSTP_REKEY_NEW_TUNNEL] = "new-tunnel",
	[CSTP_REKEY_NONE] = "none",
};

const char *cstp_encoding_name(unsigned bit)
{
	for (size_t i = 0; i < N_ENCODINGS; i++)
		if (encodings[i].bit == bit)
			return encodings[i].name;
	return NULL;
}

unsigned cstp_encoding_bit(struct str_view token)
{
	/* Old openconnect wrote "deflate;q=1.0": parameters do not matter. */
	const char *semi = memchr(token.ptr, ';', token.len);

	if (semi)
		token.len = (size_t)(semi - token.ptr);
	token = cstp_value_trim(token);
	for (size_t i = 0; i < N_ENCODINGS; i++)
		if (str_view_eq_nocase(token, encodings[i].name))
			return encodings[i].bit;
	return 0;
}

bool cstp_value_is_clean(struct str_view v)
{
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.ptr[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

bool cstp_value_is_token(struct str_view v)
{
	if (v.len == 0 || v.len > TOKEN_MAX)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.ptr[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '+'))
			return false;
	}
	return true;
}

struct str_view cstp_value_trim(struct str_view v)
{
	while (v.len && (v.ptr[0] == ' ' || v.ptr[0] == '\t')) {
		v.ptr++;
		v.len--;
	}
	while (v.len && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t'))
		v.len--;
	return v;
}

bool cstp_value_next_item(struct str_view *rest, char sep, struct str_view *item)
{
	const char *end;

	if (rest->ptr == NULL)
		return false;
	end = memchr(rest->ptr, sep, rest->len);
	item->ptr = rest->ptr;
	item->len = end ? (size_t)(end - rest->ptr) : rest->len;
	if (end) {
		rest->len -= item->len + 1;
		rest->ptr = end + 1;
	} else {
		rest->ptr = NULL;
		rest->len = 0;
	}
	return true;
}

void cstp_line_start(struct buf_writer *w, const char *name)
{
	buf_write_str(w, name);
	buf_write_bytes(w, ": ", 2);
}

void cstp_line_end(struct buf_writer *w)
{
	buf_write_bytes(w, "\r\n", 2);
}

/* A value already checked, on a line of its own. */
static void write_word(struct buf_writer *w, const struct cstp_field *f, const char *word)
{
	cstp_line_start(w, f->name);
	buf_write_str(w, word);
	cstp_line_end(w);
}

static int parse_u32(uint32_t *out, struct str_view v, uint32_t min, uint32_t max,
		     const char **reason)
{
	uint64_t n = 0;

	if (v.len == 0 || v.len > 10) {
		*reason = "expected a decimal number";
		return VPN_ERR_INVALID;
	}
	for (size_t i = 0; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9') {
			*reason = "expected a decimal number";
			return VPN_ERR_INVALID;
		}
		n = n * 10 + (uint64_t)(v.ptr[i] - '0');
	}
	if (n < min || n > max) {
		*reason = "number out of range";
		return VPN_ERR_INVALID;
	}
	*out = (uint32_t)n;
	return 0;
}

static int num_parse(void *slot, const struct cstp_field *f, struct str_view v,
		     const char **reason)
{
	struct cstp_num *out = slot;

	if (parse_u32(&out->value, v, f->min, f->max, reason) != 0)
		return VPN_ERR_INVALID;
	out->is_set = true;
	out->is_none = false;
	return 0;
}

static int timeout_parse(void *slot, const struct cstp_field *f, struct str_view v,
			 const char **reason)
{
	struct cstp_num *out = slot;

	if (!str_view_eq_nocase(v, "none"))
		return num_parse(slot, f, v, reason);
	out->is_set = true;
	out->is_none = true;
	out->value = 0;
	return 0;
}

static int num_write_checked(struct buf_writer *w, const struct cstp_num *n,
			     const struct cstp_field *f, bool may_be_none, const char **reason)
{
	if (!n->is_set)
		return 0;
	if (n->is_none && !may_be_none) {
		*reason = "none is not allowed here";
		return VPN_ERR_INVALID;
	}
	if (!n->is_none && (n->value < f->min || n->value > f->max)) {
		*reason = "number out of range";
		return VPN_ERR_INVALID;
	}
	cstp_line_start(w, f->name);
	if (n->is_none)
		buf_write_str(w, "none");
	else
		buf_printf(w, "%u", (unsigned)n->value);
	cstp_line_end(w);
	return 0;
}

static int num_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		     const char **reason)
{
	return num_write_checked(w, slot, f, false, reason);
}

static int timeout_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
			 const char **reason)
{
	return num_write_checked(w, slot, f, true, reason);
}

const struct cstp_codec cstp_codec_num = { num_parse, num_write };
const struct cstp_codec cstp_codec_timeout = { timeout_parse, timeout_write };

static int flag_parse(void *slot, const struct cstp_field *f, struct str_view v,
		      const char **reason)
{
	enum cstp_flag *out = slot;

	if (str_view_eq_nocase(v, "true"))
		*out = CSTP_FLAG_TRUE;
	else if (str_view_eq_nocase(v, "false"))
		*out = CSTP_FLAG_FALSE;
	else {
		*reason = "expected true or false";
		return VPN_ERR_INVALID;
	}
	return 0;
}

static int flag_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		      const char **reason)
{
	enum cstp_flag flag = *(const enum cstp_flag *)slot;

	if (flag != CSTP_FLAG_ABSENT)
		write_word(w, f, flag == CSTP_FLAG_TRUE ? "true" : "false");
	return 0;
}

const struct cstp_codec cstp_codec_flag = { flag_parse, flag_write };

static int text_parse(void *slot, const struct cstp_field *f, struct str_view v,
		      const char **reason)
{
	if (v.len > f->max) {
		*reason = "value too long";
		return VPN_ERR_TOO_BIG;
	}
	if (!cstp_value_is_clean(v)) {
		*reason = "control character in value";
		return VPN_ERR_INVALID;
	}
	*(struct str_view *)slot = v;
	return 0;
}

static void write_view(struct buf_writer *w, const struct cstp_field *f, struct str_view v)
{
	cstp_line_start(w, f->name);
	buf_write_bytes(w, v.ptr, v.len);
	cstp_line_end(w);
}

static int text_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		      const char **reason)
{
	struct str_view v = *(const struct str_view *)slot;

	if (v.ptr == NULL)
		return 0;
	if (!cstp_value_is_clean(v)) {
		*reason = "value would not parse back";
		return VPN_ERR_INVALID;
	}
	if (v.len > f->max) {
		*reason = "value too long";
		return VPN_ERR_TOO_BIG;
	}
	write_view(w, f, v);
	return 0;
}

const struct cstp_codec cstp_codec_text = { text_parse, text_write };

static int token_parse(void *slot, const struct cstp_field *f, struct str_view v,
		       const char **reason)
{
	if (!cstp_value_is_token(v)) {
		*reason = "malformed cipher-suite name";
		return VPN_ERR_INVALID;
	}
	*(struct str_view *)slot = v;
	return 0;
}

static int token_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		       const char **reason)
{
	struct str_view v = *(const struct str_view *)slot;

	if (v.ptr == NULL)
		return 0;
	if (!cstp_value_is_token(v)) {
		*reason = "value would not parse back";
		return VPN_ERR_INVALID;
	}
	write_view(w, f, v);
	return 0;
}

const struct cstp_codec cstp_codec_token = { token_parse, token_write };

static int encoding_parse(void *slot, const struct cstp_field *f, struct str_view v,
			  const char **reason)
{
	for (size_t i = 0; i < N_ENCODINGS; i++) {
		if ((encodings[i].bit & f->max) && str_view_eq_nocase(v, encodings[i].name)) {
			*(enum cstp_encoding *)slot = (enum cstp_encoding)encodings[i].bit;
			return 0;
		}
	}
	/* openconnect gives up the connection here too: data would be garbage. */
	*reason = "unknown content encoding";
	return VPN_ERR_INVALID;
}

static int encoding_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
			  const char **reason)
{
	enum cstp_encoding e = *(const enum cstp_encoding *)slot;
	const char *name = cstp_encoding_name((unsigned)e);

	if (e == CSTP_ENCODING_NONE)
		return 0;
	if (!name || !((unsigned)e & f->max)) {
		*reason = "encoding not allowed here";
		return VPN_ERR_INVALID;
	}
	write_word(w, f, name);
	return 0;
}

const struct cstp_codec cstp_codec_encoding = { encoding_parse, encoding_write };

static int rekey_parse(void *slot, const struct cstp_field *f, struct str_view v,
		       const char **reason)
{
	for (int m = CSTP_REKEY_SSL; m <= CSTP_REKEY_NONE; m++) {
		if (str_view_eq_nocase(v, rekey_names[m])) {
			*(enum cstp_rekey *)slot = (enum cstp_rekey)m;
			return 0;
		}
	}
	*reason = "expected ssl, new-tunnel or none";
	return VPN_ERR_INVALID;
}

static int rekey_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		       const char **reason)
{
	enum cstp_rekey m = *(const enum cstp_rekey *)slot;

	if (m == CSTP_REKEY_ABSENT)
		return 0;
	if (m < CSTP_REKEY_SSL || m > CSTP_REKEY_NONE) {
		*reason = "unknown rekey method";
		return VPN_ERR_INVALID;
	}
	write_word(w, f, rekey_names[m]);
	return 0;
}

const struct cstp_codec cstp_codec_rekey = { rekey_parse, rekey_write };
