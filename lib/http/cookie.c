/* SPDX-License-Identifier: ISC */
/* Cookie and Set-Cookie headers, read and written. */
#include "lib/http/cookie.h"

#include <inttypes.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/http/cookie_date.h"
#include "lib/http/headers.h"
#include "lib/http/message_internal.h"

/* Longer Max-Age values are not seconds anyone means; 18 digits fit int64. */
#define MAX_AGE_DIGITS_MAX 18

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct str_view trim(struct str_view v)
{
	while (v.len && is_blank(v.ptr[0])) {
		v.ptr++;
		v.len--;
	}
	while (v.len && is_blank(v.ptr[v.len - 1]))
		v.len--;
	return v;
}

/* The next ';'-separated piece, trimmed; false when none is left. */
static bool next_piece(struct str_view *rest, struct str_view *out)
{
	while (rest->len) {
		const char *semi = memchr(rest->ptr, ';', rest->len);
		size_t n = semi ? (size_t)(semi - rest->ptr) : rest->len;

		out->ptr = rest->ptr;
		out->len = n;
		rest->ptr += semi ? n + 1 : n;
		rest->len -= semi ? n + 1 : n;
		*out = trim(*out);
		if (out->len)
			return true;
	}
	return false;
}

/* Splits "name=value" at the first '='; both halves trimmed. */
static bool split_pair(struct str_view piece, struct str_view *name,
		       struct str_view *value)
{
	const char *eq = memchr(piece.ptr, '=', piece.len);

	if (!eq)
		return false;
	name->ptr = piece.ptr;
	name->len = (size_t)(eq - piece.ptr);
	value->ptr = eq + 1;
	value->len = piece.len - name->len - 1;
	*name = trim(*name);
	*value = trim(*value);
	return true;
}

static bool is_token(struct str_view v)
{
	for (size_t i = 0; i < v.len; i++)
		if (!http_is_tchar((unsigned char)v.ptr[i]))
			return false;
	return v.len > 0;
}

int http_cookie_next(struct str_view *rest, struct http_cookie *out)
{
	struct str_view piece;

	if (!next_piece(rest, &piece))
		return VPN_ERR_NOT_FOUND;
	if (!split_pair(piece, &out->name, &out->value) || out->name.len == 0)
		return VPN_ERR_INVALID;
	return 0;
}

int http_cookie_find(const struct http_headers *h, const char *name,
		     struct str_view *out)
{
	struct str_view header, value = { NULL, 0 };
	struct http_cookie c;
	bool is_found = false;
	size_t pos = 0;
	int rc;

	while (http_headers_next(h, "Cookie", &pos, &header)) {
		while ((rc = http_cookie_next(&header, &c)) == 0) {
			if (!str_view_eq(c.name, name))
				continue;
			if (is_found && (c.value.len != value.len ||
					 memcmp(c.value.ptr, value.ptr, value.len) != 0))
				return VPN_ERR_INVALID;
			value = c.value;
			is_found = true;
		}
		if (rc != VPN_ERR_NOT_FOUND)
			return rc;
	}
	if (!is_found)
		return VPN_ERR_NOT_FOUND;
	*out = value;
	return 0;
}

/* RFC 6265 cookie-octet: no controls, blanks, DQUOTE, ',', ';' or '\'. */
static bool is_cookie_value(struct str_view v)
{
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.ptr[i];

		if (c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\')
			return false;
	}
	return true;
}

static bool is_attr_value(struct str_view v)
{
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.ptr[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f || c == ';')
			return false;
	}
	return true;
}

static void write_pair(struct buf_writer *w, struct str_view name,
		       struct str_view value)
{
	if (!is_token(name) || !is_cookie_value(value)) {
		http_writer_poison(w);
		return;
	}
	buf_printf(w, "%.*s=%.*s", (int)name.len, name.ptr, (int)value.len, value.ptr);
}

void http_cookie_write(struct buf_writer *w, const struct http_cookie *cookies,
		       size_t n)
{
	if (n == 0) {
		http_writer_poison(w);
		return;
	}
	buf_write_str(w, "Cookie: ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_write_str(w, "; ");
		write_pair(w, cookies[i].name, cookies[i].value);
	}
	buf_write_str(w, "\r\n");
}

void http_set_cookie_write(struct buf_writer *w, const struct http_set_cookie *c)
{
	if (!is_attr_value(c->expires) || !is_attr_value(c->path)) {
		http_writer_poison(w);
		return;
	}
	buf_write_str(w, "Set-Cookie: ");
	write_pair(w, c->name, c->value);
	if (c->expires.len)
		buf_printf(w, "; expires=%.*s", (int)c->expires.len, c->expires.ptr);
	if (c->has_max_age)
		buf_printf(w, "; Max-Age=%" PRId64, c->max_age);
	if (c->path.len)
		buf_printf(w, "; path=%.*s", (int)c->path.len, c->path.ptr);
	if (c->is_secure)
		buf_write_str(w, "; Secure");
	if (c->is_http_only)
		buf_write_str(w, "; HttpOnly");
	buf_write_str(w, "\r\n");
}

void http_set_cookie_write_cleared(struct buf_writer *w, const char *name,
				   const char *path)
{
	struct http_set_cookie c = {
		.name = str_view_of(name),
		.value = { "", 0 },
		.expires = str_view_of(HTTP_COOKIE_EXPIRED_DATE),
		.path = str_view_of(path),
		.is_secure = true,
		.is_http_only = true,
	};

	http_set_cookie_write(w, &c);
}

/* Optional '-', then 1..18 digits; false leaves the attribute ignored. */
static bool parse_max_age(int64_t *out, struct str_view v)
{
	bool is_negative = v.len && v.ptr[0] == '-';
	size_t i = is_negative ? 1 : 0;
	int64_t n = 0;

	if (v.len == i || v.len - i > MAX_AGE_DIGITS_MAX)
		return false;
	for (; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return false;
		n = n * 10 + (v.ptr[i] - '0');
	}
	*out = is_negative ? -n : n;
	return true;
}

static void set_attribute(struct http_set_cookie *out, struct str_view piece)
{
	struct str_view name = piece, value = { piece.ptr + piece.len, 0 };

	split_pair(piece, &name, &value);
	if (str_view_eq_nocase(name, "Secure")) {
		out->is_secure = true;
	} else if (str_view_eq_nocase(name, "HttpOnly")) {
		out->is_http_only = true;
	} else if (str_view_eq_nocase(name, "Path")) {
		out->path = value;
	} else if (str_view_eq_nocase(name, "Max-Age")) {
		if (parse_max_age(&out->max_age, value))
			out->has_max_age = true;
	} else if (str_view_eq_nocase(name, "Expires")) {
		out->expires = value;
		out->has_expires_time = http_cookie_date_parse(&out->expires_time, value) == 0;
	}
}

int http_set_cookie_parse(struct http_set_cookie *out, struct str_view line)
{
	struct str_view piece;

	memset(out, 0, sizeof(*out));
	if (!next_piece(&line, &piece) ||
	    !split_pair(piece, &out->name, &out->value) || !is_token(out->name))
		return VPN_ERR_INVALID;
	while (next_piece(&line, &piece))
		set_attribute(out, piece);
	return 0;
}

bool http_set_cookie_is_cleared(const struct http_set_cookie *c, int64_t now)
{
	if (c->value.len == 0)
		return true;
	/* RFC 6265: Max-Age wins over expires when both are there. */
	if (c->has_max_age)
		return c->max_age <= 0;
	return c->has_expires_time && c->expires_time <= now;
}
