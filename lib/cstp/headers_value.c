/* SPDX-License-Identifier: ISC */
/*
 * Reading one X-CSTP/X-DTLS header value by kind (headers_write.c is the
 * other direction and applies the same rules).
 */
#include <string.h>
#include <strings.h>

#include "lib/base/err.h"
#include "lib/base/hex.h"
#include "lib/cstp/headers_internal.h"
#include "lib/net/addr.h"

#define TOKEN_MAX 64       /* one cipher-suite name */
#define LIST_ITEMS_MAX 16  /* tokens in an encoding or address-type list */

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

const char *cstp_rekey_name(enum cstp_rekey m)
{
	if (m < CSTP_REKEY_SSL || m > CSTP_REKEY_NONE)
		return NULL;
	return rekey_names[m];
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

static struct str_view trim(struct str_view v)
{
	while (v.len && (v.ptr[0] == ' ' || v.ptr[0] == '\t')) {
		v.ptr++;
		v.len--;
	}
	while (v.len && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t'))
		v.len--;
	return v;
}

/* Splits off the part of *rest before sep; false when nothing is left. */
static bool next_item(struct str_view *rest, char sep, struct str_view *item)
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

static int parse_num(struct cstp_num *out, const struct cstp_field *f, struct str_view v,
		     const char **reason)
{
	if (f->kind == CSTP_KIND_TIMEOUT && str_view_eq_nocase(v, "none")) {
		out->is_set = true;
		out->is_none = true;
		out->value = 0;
		return 0;
	}
	if (parse_u32(&out->value, v, f->min, f->max, reason) != 0)
		return VPN_ERR_INVALID;
	out->is_set = true;
	out->is_none = false;
	return 0;
}

static int parse_flag(enum cstp_flag *out, struct str_view v, const char **reason)
{
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

static int parse_text(struct str_view *out, const struct cstp_field *f, struct str_view v,
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
	*out = v;
	return 0;
}

static unsigned encoding_bit(struct str_view token)
{
	/* Old openconnect wrote "deflate;q=1.0": parameters do not matter. */
	const char *semi = memchr(token.ptr, ';', token.len);

	if (semi)
		token.len = (size_t)(semi - token.ptr);
	token = trim(token);
	for (size_t i = 0; i < N_ENCODINGS; i++)
		if (str_view_eq_nocase(token, encodings[i].name))
			return encodings[i].bit;
	return 0;
}

/* Comma lists where unknown tokens are skipped (newer peers may add some). */
static int parse_token_mask(unsigned *out, struct str_view v, bool is_family,
			    const char **reason)
{
	struct str_view item;
	unsigned mask = 0, n = 0;

	while (next_item(&v, ',', &item)) {
		if (++n > LIST_ITEMS_MAX) {
			*reason = "too many list items";
			return VPN_ERR_TOO_BIG;
		}
		if (!is_family)
			mask |= encoding_bit(item);
		else if (str_view_eq_nocase(trim(item), "IPv4"))
			mask |= CSTP_FAMILY_IPV4;
		else if (str_view_eq_nocase(trim(item), "IPv6"))
			mask |= CSTP_FAMILY_IPV6;
	}
	*out = mask;
	return 0;
}

static int parse_encoding(enum cstp_encoding *out, const struct cstp_field *f,
			  struct str_view v, const char **reason)
{
	for (size_t i = 0; i < N_ENCODINGS; i++) {
		if ((encodings[i].bit & f->max) && str_view_eq_nocase(v, encodings[i].name)) {
			*out = (enum cstp_encoding)encodings[i].bit;
			return 0;
		}
	}
	/* openconnect gives up the connection here too: data would be garbage. */
	*reason = "unknown content encoding";
	return VPN_ERR_INVALID;
}

static int parse_rekey(enum cstp_rekey *out, struct str_view v, const char **reason)
{
	for (int m = CSTP_REKEY_SSL; m <= CSTP_REKEY_NONE; m++) {
		if (str_view_eq_nocase(v, rekey_names[m])) {
			*out = (enum cstp_rekey)m;
			return 0;
		}
	}
	*reason = "expected ssl, new-tunnel or none";
	return VPN_ERR_INVALID;
}

static int parse_addr_item(struct cstp_addr_list *list, const struct cstp_field *f,
			   struct str_view v, const char **reason)
{
	if (list->count >= f->max) {
		*reason = "too many values";
		return VPN_ERR_TOO_BIG;
	}
	if (net_addr_parse(&list->items[list->count], v.ptr, v.len) != 0) {
		*reason = "expected an IP address";
		return VPN_ERR_INVALID;
	}
	list->count++;
	return 0;
}

static int parse_text_item(struct cstp_text_list *list, const struct cstp_field *f,
			   struct str_view v, const char **reason)
{
	if (list->count >= f->max) {
		*reason = "too many values";
		return VPN_ERR_TOO_BIG;
	}
	if (v.len == 0 || v.len > CSTP_LIST_TEXT_MAX || !cstp_value_is_clean(v)) {
		*reason = "expected a domain name";
		return VPN_ERR_INVALID;
	}
	list->items[list->count++] = v;
	return 0;
}

static int parse_names(struct cstp_name_list *list, const struct cstp_field *f,
		       struct str_view v, const char **reason)
{
	struct str_view item;

	list->count = 0;
	while (next_item(&v, ':', &item)) {
		if (list->count >= f->max) {
			*reason = "too many cipher suites";
			return VPN_ERR_TOO_BIG;
		}
		if (!cstp_value_is_token(item)) {
			*reason = "malformed cipher-suite name";
			return VPN_ERR_INVALID;
		}
		list->items[list->count++] = item;
	}
	return 0;
}

static int parse_hex(struct cstp_hex *out, const struct cstp_field *f, struct str_view v,
		     const char **reason)
{
	size_t n = v.len / 2;

	if (v.len % 2 || n < f->min || n > f->max) {
		*reason = f->min == f->max ? "wrong number of hex digits"
					   : "hex value of the wrong length";
		return VPN_ERR_INVALID;
	}
	if (hex_decode(out->bytes, n, v.ptr, v.len) != 0) {
		buf_wipe(out->bytes, sizeof(out->bytes));
		out->len = 0;
		*reason = "expected hex digits";
		return VPN_ERR_INVALID;
	}
	out->len = n;
	return 0;
}

int cstp_value_parse(void *slot, const struct cstp_field *f, struct str_view v,
		     const char **reason)
{
	switch (f->kind) {
	case CSTP_KIND_NUM:
	case CSTP_KIND_TIMEOUT:
		return parse_num(slot, f, v, reason);
	case CSTP_KIND_FLAG:
		return parse_flag(slot, v, reason);
	case CSTP_KIND_TEXT:
		return parse_text(slot, f, v, reason);
	case CSTP_KIND_TOKEN:
		if (!cstp_value_is_token(v)) {
			*reason = "malformed cipher-suite name";
			return VPN_ERR_INVALID;
		}
		*(struct str_view *)slot = v;
		return 0;
	case CSTP_KIND_ENCODINGS:
		return parse_token_mask(slot, v, false, reason);
	case CSTP_KIND_FAMILIES:
		return parse_token_mask(slot, v, true, reason);
	case CSTP_KIND_ENCODING:
		return parse_encoding(slot, f, v, reason);
	case CSTP_KIND_REKEY:
		return parse_rekey(slot, v, reason);
	case CSTP_KIND_ADDRS:
		return parse_addr_item(slot, f, v, reason);
	case CSTP_KIND_TEXTS:
		return parse_text_item(slot, f, v, reason);
	case CSTP_KIND_NAMES:
		return parse_names(slot, f, v, reason);
	case CSTP_KIND_HEX:
		return parse_hex(slot, f, v, reason);
	case CSTP_KIND_CUSTOM:
		break;
	}
	*reason = "no reader for this header";
	return VPN_ERR_INVALID;
}
