/* SPDX-License-Identifier: ISC */
/*
 * X-CSTP/X-DTLS header values that hold several items: comma lists read as
 * bit masks, headers repeated once per item, colon-separated cipher lists,
 * and hex-coded bytes. As in headers_value.c, each codec's writer refuses
 * what its reader would refuse.
 */
#include <string.h>

#include "lib/base/err.h"
#include "lib/base/hex.h"
#include "lib/cstp/headers_internal.h"
#include "lib/net/addr.h"

#define LIST_ITEMS_MAX 16  /* tokens in an encoding or address-type list */

/* Comma lists where unknown tokens are skipped (newer peers may add some). */
static int parse_token_mask(unsigned *out, struct str_view v, bool is_family,
			    const char **reason)
{
	struct str_view item;
	unsigned mask = 0, n = 0;

	while (cstp_value_next_item(&v, ',', &item)) {
		if (++n > LIST_ITEMS_MAX) {
			*reason = "too many list items";
			return VPN_ERR_TOO_BIG;
		}
		if (!is_family)
			mask |= cstp_encoding_bit(item);
		else if (str_view_eq_nocase(cstp_value_trim(item), "IPv4"))
			mask |= CSTP_FAMILY_IPV4;
		else if (str_view_eq_nocase(cstp_value_trim(item), "IPv6"))
			mask |= CSTP_FAMILY_IPV6;
	}
	*out = mask;
	return 0;
}

/* openconnect's wording and order for both lists. */
static void write_mask(struct buf_writer *w, unsigned mask, const struct cstp_field *f,
		       bool is_family)
{
	const char *sep = "";

	if (mask == 0)
		return;
	cstp_line_start(w, f->name);
	if (is_family) {
		if (mask & CSTP_FAMILY_IPV6) {
			buf_write_str(w, "IPv6");
			sep = ",";
		}
		if (mask & CSTP_FAMILY_IPV4) {
			buf_write_str(w, sep);
			buf_write_str(w, "IPv4");
		}
	} else {
		/* Bit order is openconnect's order: "oc-lz4,lzs". */
		for (unsigned bit = 1; bit <= CSTP_ENCODING_DEFLATE; bit <<= 1) {
			if (mask & bit) {
				buf_write_str(w, sep);
				buf_write_str(w, cstp_encoding_name(bit));
				sep = ",";
			}
		}
	}
	cstp_line_end(w);
}

static int encodings_parse(void *slot, const struct cstp_field *f, struct str_view v,
			   const char **reason)
{
	return parse_token_mask(slot, v, false, reason);
}

static int encodings_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
			   const char **reason)
{
	write_mask(w, *(const unsigned *)slot, f, false);
	return 0;
}

static int families_parse(void *slot, const struct cstp_field *f, struct str_view v,
			  const char **reason)
{
	return parse_token_mask(slot, v, true, reason);
}

static int families_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
			  const char **reason)
{
	write_mask(w, *(const unsigned *)slot, f, true);
	return 0;
}

const struct cstp_codec cstp_codec_encodings = { encodings_parse, encodings_write };
const struct cstp_codec cstp_codec_families = { families_parse, families_write };

static int addrs_parse(void *slot, const struct cstp_field *f, struct str_view v,
		       const char **reason)
{
	struct cstp_addr_list *list = slot;

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

static int addrs_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		       const char **reason)
{
	const struct cstp_addr_list *l = slot;
	char text[NET_ADDR_STRLEN];

	if (l->count > f->max) {
		*reason = "too many values";
		return VPN_ERR_TOO_BIG;
	}
	for (size_t i = 0; i < l->count; i++) {
		if (l->items[i].family != AF_INET && l->items[i].family != AF_INET6) {
			*reason = "not an IP address";
			return VPN_ERR_INVALID;
		}
		net_addr_format(&l->items[i], text, sizeof(text));
		cstp_line_start(w, f->name);
		buf_write_str(w, text);
		cstp_line_end(w);
	}
	return 0;
}

const struct cstp_codec cstp_codec_addrs = { addrs_parse, addrs_write };

static bool is_domain(struct str_view v)
{
	return v.len > 0 && v.len <= CSTP_LIST_TEXT_MAX && cstp_value_is_clean(v);
}

static int texts_parse(void *slot, const struct cstp_field *f, struct str_view v,
		       const char **reason)
{
	struct cstp_text_list *list = slot;

	if (list->count >= f->max) {
		*reason = "too many values";
		return VPN_ERR_TOO_BIG;
	}
	if (!is_domain(v)) {
		*reason = "expected a domain name";
		return VPN_ERR_INVALID;
	}
	list->items[list->count++] = v;
	return 0;
}

static int texts_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		       const char **reason)
{
	const struct cstp_text_list *l = slot;

	if (l->count > f->max) {
		*reason = "too many values";
		return VPN_ERR_TOO_BIG;
	}
	for (size_t i = 0; i < l->count; i++) {
		if (!is_domain(l->items[i])) {
			*reason = "value would not parse back";
			return VPN_ERR_INVALID;
		}
		cstp_line_start(w, f->name);
		buf_write_bytes(w, l->items[i].ptr, l->items[i].len);
		cstp_line_end(w);
	}
	return 0;
}

const struct cstp_codec cstp_codec_texts = { texts_parse, texts_write };

static int names_parse(void *slot, const struct cstp_field *f, struct str_view v,
		       const char **reason)
{
	struct cstp_name_list *list = slot;
	struct str_view item;

	list->count = 0;
	while (cstp_value_next_item(&v, ':', &item)) {
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

static int names_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		       const char **reason)
{
	const struct cstp_name_list *l = slot;

	if (l->count == 0)
		return 0;
	if (l->count > f->max) {
		*reason = "too many cipher suites";
		return VPN_ERR_TOO_BIG;
	}
	cstp_line_start(w, f->name);
	for (size_t i = 0; i < l->count; i++) {
		if (!cstp_value_is_token(l->items[i])) {
			*reason = "malformed cipher-suite name";
			return VPN_ERR_INVALID;
		}
		if (i)
			buf_write_u8(w, ':');
		buf_write_bytes(w, l->items[i].ptr, l->items[i].len);
	}
	cstp_line_end(w);
	return 0;
}

const struct cstp_codec cstp_codec_names = { names_parse, names_write };

static int hex_parse(void *slot, const struct cstp_field *f, struct str_view v,
		     const char **reason)
{
	struct cstp_hex *out = slot;
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

static int hex_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		     const char **reason)
{
	const struct cstp_hex *h = slot;
	const char *digits = (f->flags & CSTP_FIELD_UPPER_HEX) ? "0123456789ABCDEF"
							       : "0123456789abcdef";

	if (h->len == 0)
		return 0;
	if (h->len < f->min || h->len > f->max) {
		*reason = "hex value of the wrong length";
		return VPN_ERR_INVALID;
	}
	cstp_line_start(w, f->name);
	for (size_t i = 0; i < h->len; i++) {
		buf_write_u8(w, (uint8_t)digits[h->bytes[i] >> 4]);
		buf_write_u8(w, (uint8_t)digits[h->bytes[i] & 0x0f]);
	}
	cstp_line_end(w);
	return 0;
}

const struct cstp_codec cstp_codec_hex = { hex_parse, hex_write };
