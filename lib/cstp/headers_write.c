/* SPDX-License-Identifier: ISC */
/*
 * Writing one X-CSTP/X-DTLS header value by kind. Every writer checks its
 * value with the rule the reader (headers_value.c) applies, so whatever we
 * send we would also accept, and no value can smuggle in a line break.
 */
#include <string.h>

#include "lib/base/err.h"
#include "lib/cstp/headers_internal.h"
#include "lib/net/addr.h"

void cstp_line_start(struct buf_writer *w, const char *name)
{
	buf_write_str(w, name);
	buf_write_bytes(w, ": ", 2);
}

void cstp_line_end(struct buf_writer *w)
{
	buf_write_bytes(w, "\r\n", 2);
}

static int write_num(struct buf_writer *w, const struct cstp_num *n,
		     const struct cstp_field *f, const char **reason)
{
	if (!n->is_set)
		return 0;
	if (n->is_none && f->kind != CSTP_KIND_TIMEOUT) {
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

static int write_text(struct buf_writer *w, struct str_view v, const struct cstp_field *f,
		      const char **reason)
{
	if (v.ptr == NULL)
		return 0;
	if (f->kind == CSTP_KIND_TOKEN ? !cstp_value_is_token(v) : !cstp_value_is_clean(v)) {
		*reason = "value would not parse back";
		return VPN_ERR_INVALID;
	}
	if (f->kind == CSTP_KIND_TEXT && v.len > f->max) {
		*reason = "value too long";
		return VPN_ERR_TOO_BIG;
	}
	cstp_line_start(w, f->name);
	buf_write_bytes(w, v.ptr, v.len);
	cstp_line_end(w);
	return 0;
}

static void write_mask(struct buf_writer *w, unsigned mask, const struct cstp_field *f)
{
	const char *sep = "";

	if (mask == 0)
		return;
	cstp_line_start(w, f->name);
	if (f->kind == CSTP_KIND_FAMILIES) {
		/* openconnect's wording and order. */
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

static int write_encoding(struct buf_writer *w, enum cstp_encoding e,
			  const struct cstp_field *f, const char **reason)
{
	const char *name = cstp_encoding_name((unsigned)e);

	if (e == CSTP_ENCODING_NONE)
		return 0;
	if (!name || !((unsigned)e & f->max)) {
		*reason = "encoding not allowed here";
		return VPN_ERR_INVALID;
	}
	cstp_line_start(w, f->name);
	buf_write_str(w, name);
	cstp_line_end(w);
	return 0;
}

static int write_rekey(struct buf_writer *w, enum cstp_rekey m, const struct cstp_field *f,
		       const char **reason)
{
	const char *name = cstp_rekey_name(m);

	if (m == CSTP_REKEY_ABSENT)
		return 0;
	if (!name) {
		*reason = "unknown rekey method";
		return VPN_ERR_INVALID;
	}
	cstp_line_start(w, f->name);
	buf_write_str(w, name);
	cstp_line_end(w);
	return 0;
}

static int write_addrs(struct buf_writer *w, const struct cstp_addr_list *l,
		       const struct cstp_field *f, const char **reason)
{
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

static int write_texts(struct buf_writer *w, const struct cstp_text_list *l,
		       const struct cstp_field *f, const char **reason)
{
	if (l->count > f->max) {
		*reason = "too many values";
		return VPN_ERR_TOO_BIG;
	}
	for (size_t i = 0; i < l->count; i++) {
		struct str_view v = l->items[i];

		if (v.len == 0 || v.len > CSTP_LIST_TEXT_MAX || !cstp_value_is_clean(v)) {
			*reason = "value would not parse back";
			return VPN_ERR_INVALID;
		}
		cstp_line_start(w, f->name);
		buf_write_bytes(w, v.ptr, v.len);
		cstp_line_end(w);
	}
	return 0;
}

static int write_names(struct buf_writer *w, const struct cstp_name_list *l,
		       const struct cstp_field *f, const char **reason)
{
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

static int write_hex(struct buf_writer *w, const struct cstp_hex *h,
		     const struct cstp_field *f, const char **reason)
{
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

int cstp_value_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		     const char **reason)
{
	switch (f->kind) {
	case CSTP_KIND_NUM:
	case CSTP_KIND_TIMEOUT:
		return write_num(w, slot, f, reason);
	case CSTP_KIND_FLAG: {
		enum cstp_flag flag = *(const enum cstp_flag *)slot;

		if (flag != CSTP_FLAG_ABSENT) {
			cstp_line_start(w, f->name);
			buf_write_str(w, flag == CSTP_FLAG_TRUE ? "true" : "false");
			cstp_line_end(w);
		}
		return 0;
	}
	case CSTP_KIND_TEXT:
	case CSTP_KIND_TOKEN:
		return write_text(w, *(const struct str_view *)slot, f, reason);
	case CSTP_KIND_ENCODINGS:
	case CSTP_KIND_FAMILIES:
		write_mask(w, *(const unsigned *)slot, f);
		return 0;
	case CSTP_KIND_ENCODING:
		return write_encoding(w, *(const enum cstp_encoding *)slot, f, reason);
	case CSTP_KIND_REKEY:
		return write_rekey(w, *(const enum cstp_rekey *)slot, f, reason);
	case CSTP_KIND_ADDRS:
		return write_addrs(w, slot, f, reason);
	case CSTP_KIND_TEXTS:
		return write_texts(w, slot, f, reason);
	case CSTP_KIND_NAMES:
		return write_names(w, slot, f, reason);
	case CSTP_KIND_HEX:
		return write_hex(w, slot, f, reason);
	case CSTP_KIND_CUSTOM:
		break;
	}
	*reason = "no writer for this header";
	return VPN_ERR_INVALID;
}
