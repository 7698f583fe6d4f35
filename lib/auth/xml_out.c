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

#include "lib/auth/xml_char.h"
#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

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
		size_t n = auth_xml_char_len(p, SIZE_MAX); /* the NUL bounds it */
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
