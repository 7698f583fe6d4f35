/* SPDX-License-Identifier: ISC */
/*
 * Escaped XML output. The escapes are libxml2's, byte for byte, because
 * openconnect serialises its requests with libxml2 and our client must
 * send the same bytes; anything XML 1.0 cannot carry is refused rather
 * than written, so every document we send is well-formed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

/*
 * Length of the UTF-8 sequence at p if it encodes a character XML 1.0
 * allows (tab, LF, CR, U+0020-D7FF, U+E000-FFFD, U+10000-10FFFF), else 0.
 */
static size_t xml_char_len(const unsigned char *p)
{
	uint32_t cp;
	size_t len;

	if (p[0] < 0x80)
		return (p[0] >= 0x20 || p[0] == '\t' || p[0] == '\n' || p[0] == '\r') ? 1 : 0;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	/* A NUL ends the loop below, so this never reads past the string. */
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0; /* overlong or out of range */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

static const char *escape_for(unsigned char c, bool is_attr)
{
	switch (c) {
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '&': return "&amp;";
	case '\r': return "&#13;";
	case '"': return is_attr ? "&quot;" : NULL;
	case '\n': return is_attr ? "&#10;" : NULL;
	case '\t': return is_attr ? "&#9;" : NULL;
	}
	return NULL;
}

static void put_escaped(struct xml_out *o, const char *s, bool is_attr)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = xml_char_len(p);
		const char *esc;

		if (n == 0) {
			if (o->rc == 0)
				o->rc = VPN_ERR_INVALID;
			return;
		}
		esc = n == 1 ? escape_for(*p, is_attr) : NULL;
		if (esc)
			buf_write_str(o->w, esc);
		else
			buf_write_bytes(o->w, p, n);
		p += n;
	}
}

void auth_xml_out_raw(struct xml_out *o, const char *s)
{
	buf_write_str(o->w, s);
}

void auth_xml_out_text(struct xml_out *o, const char *s)
{
	put_escaped(o, s, false);
}

void auth_xml_out_attr(struct xml_out *o, const char *name, const char *value)
{
	if (!value)
		return;
	buf_write_str(o->w, " ");
	buf_write_str(o->w, name);
	buf_write_str(o->w, "=\"");
	put_escaped(o, value, true);
	buf_write_str(o->w, "\"");
}

void auth_xml_out_open(struct xml_out *o, const char *name)
{
	buf_write_str(o->w, "<");
	buf_write_str(o->w, name);
}

void auth_xml_out_close(struct xml_out *o, const char *name, const char *text)
{
	if (!text) {
		buf_write_str(o->w, "/>");
		return;
	}
	buf_write_str(o->w, ">");
	put_escaped(o, text, false);
	buf_write_str(o->w, "</");
	buf_write_str(o->w, name);
	buf_write_str(o->w, ">");
}

void auth_xml_out_elem(struct xml_out *o, const char *name, const char *text)
{
	auth_xml_out_open(o, name);
	auth_xml_out_close(o, name, text);
}

static bool is_name_char(char c, bool is_first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	return !is_first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

void auth_xml_out_check_name(struct xml_out *o, const char *name)
{
	bool is_ok = name && name[0];

	for (size_t i = 0; is_ok && name[i]; i++)
		is_ok = is_name_char(name[i], i == 0);
	if (!is_ok && o->rc == 0)
		o->rc = VPN_ERR_INVALID;
}

int auth_xml_out_result(const struct xml_out *o)
{
	return o->rc ? o->rc : buf_writer_error(o->w);
}
