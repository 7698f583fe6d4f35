/* SPDX-License-Identifier: ISC */
/* Gateway URLs, group paths, %XX escapes and form-urlencoded bodies. */
#include "lib/http/url.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "lib/base/err.h"
#include "lib/base/hex.h"

/* Longest form field name we look for; real ones are a dozen bytes. */
#define FORM_NAME_MAX 64

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t span(struct str_view v, const char *stops)
{
	size_t i = 0;

	while (i < v.len && !strchr(stops, v.ptr[i]))
		i++;
	return i;
}

static struct str_view advance(struct str_view *v, size_t n)
{
	struct str_view head = { v->ptr, n };

	v->ptr += n;
	v->len -= n;
	return head;
}

/* Strips "https://" (any case); another scheme is refused, none is fine. */
static int scheme(struct str_view *text)
{
	size_t n = 0;

	while (n < text->len && (is_alnum(text->ptr[n]) || text->ptr[n] == '+' ||
				 text->ptr[n] == '-' || text->ptr[n] == '.'))
		n++;
	if (n == 0 || text->len - n < 3 || memcmp(text->ptr + n, "://", 3) != 0)
		return 0;
	if (n != 5 || strncasecmp(text->ptr, "https", 5) != 0)
		return VPN_ERR_INVALID;
	advance(text, n + 3);
	return 0;
}

static int ipv6_host(struct http_url *out, struct str_view *auth)
{
	const char *close = memchr(auth->ptr, ']', auth->len);
	char text[INET6_ADDRSTRLEN];
	struct in6_addr addr;
	size_t n;

	if (!close)
		return VPN_ERR_INVALID;
	n = (size_t)(close - auth->ptr) - 1;
	/* A zone ("%25eth0") is refused with the rest: inet_pton rejects '%'. */
	if (n == 0 || n >= sizeof(text))
		return VPN_ERR_INVALID;
	memcpy(text, auth->ptr + 1, n);
	text[n] = '\0';
	if (inet_pton(AF_INET6, text, &addr) != 1)
		return VPN_ERR_INVALID;
	out->host = (struct str_view){ auth->ptr + 1, n };
	out->is_ipv6 = true;
	advance(auth, n + 2);
	return 0;
}

/* A DNS name or IPv4 address: letters, digits, '-', '.', '_'. */
static int name_host(struct http_url *out, struct str_view *auth)
{
	size_t n = 0;

	while (n < auth->len && (is_alnum(auth->ptr[n]) || auth->ptr[n] == '-' ||
				 auth->ptr[n] == '.' || auth->ptr[n] == '_'))
		n++;
	if (n == 0 || n > HTTP_URL_HOST_MAX)
		return VPN_ERR_INVALID;
	out->host = advance(auth, n);
	return 0;
}

static int port(struct http_url *out, struct str_view auth)
{
	unsigned v = 0;

	out->port = HTTP_URL_PORT_DEFAULT;
	if (auth.len == 0)
		return 0;
	if (auth.ptr[0] != ':' || auth.len < 2 || auth.len > 6)
		return VPN_ERR_INVALID;
	for (size_t i = 1; i < auth.len; i++) {
		if (!is_digit(auth.ptr[i]))
			return VPN_ERR_INVALID;
		v = v * 10 + (unsigned)(auth.ptr[i] - '0');
	}
	if (v == 0 || v > 65535)
		return VPN_ERR_INVALID;
	out->port = (uint16_t)v;
	out->has_port = true;
	return 0;
}

static int authority(struct http_url *out, struct str_view auth)
{
	int rc;

	if (memchr(auth.ptr, '@', auth.len))
		return VPN_ERR_INVALID;
	rc = auth.len && auth.ptr[0] == '[' ? ipv6_host(out, &auth) : name_host(out, &auth);
	return rc != 0 ? rc : port(out, auth);
}

int http_url_parse(struct http_url *out, struct str_view text)
{
	struct str_view rest = text;
	int rc;

	memset(out, 0, sizeof(*out));
	if (text.len > HTTP_URL_MAX)
		return VPN_ERR_TOO_BIG;
	for (size_t i = 0; i < text.len; i++)
		if (text.ptr[i] <= ' ' || text.ptr[i] >= 0x7f)
			return VPN_ERR_INVALID;
	rc = scheme(&rest);
	if (rc == 0)
		rc = authority(out, advance(&rest, span(rest, "/?#")));
	if (rc != 0)
		return rc;
	rest.len = span(rest, "#");
	http_url_split_target(rest, &out->path, &out->query);
	if (out->path.len == 0)
		out->path = str_view_of("/");
	return 0;
}

void http_url_write_host(struct buf_writer *w, const struct http_url *url)
{
	if (url->is_ipv6)
		buf_printf(w, "[%.*s]", (int)url->host.len, url->host.ptr);
	else
		buf_printf(w, "%.*s", (int)url->host.len, url->host.ptr);
	if (url->port != HTTP_URL_PORT_DEFAULT)
		buf_printf(w, ":%u", (unsigned)url->port);
}

void http_url_split_target(struct str_view target, struct str_view *out_path,
			   struct str_view *out_query)
{
	size_t n = span(target, "?");

	*out_path = advance(&target, n);
	if (target.len)
		advance(&target, 1);
	*out_query = target;
}

int http_url_group(struct str_view path, struct str_view *out)
{
	if (path.len && path.ptr[0] == '/')
		advance(&path, 1);
	path.len = span(path, "/");
	if (path.len == 0)
		return VPN_ERR_NOT_FOUND;
	*out = path;
	return 0;
}

static int decode(char *out, size_t out_cap, size_t *out_len,
		  struct str_view in, bool is_form)
{
	size_t n = 0;
	int hi, lo;

	for (size_t i = 0; i < in.len; i++) {
		char c = in.ptr[i];

		if (c == '%') {
			if (in.len - i < 3)
				return VPN_ERR_INVALID;
			hi = hex_digit_value((unsigned char)in.ptr[i + 1]);
			lo = hex_digit_value((unsigned char)in.ptr[i + 2]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return VPN_ERR_INVALID;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && is_form) {
			c = ' ';
		}
		if (n + 1 >= out_cap)
			return VPN_ERR_TOO_BIG;
		out[n++] = c;
	}
	if (out_cap == 0)
		return VPN_ERR_TOO_BIG;
	out[n] = '\0';
	*out_len = n;
	return 0;
}

int http_url_decode(char *out, size_t out_cap, size_t *out_len, struct str_view in)
{
	return decode(out, out_cap, out_len, in, false);
}

int http_url_form_decode(char *out, size_t out_cap, size_t *out_len,
			 struct str_view in)
{
	return decode(out, out_cap, out_len, in, true);
}

static void encode(struct buf_writer *w, struct str_view in, bool is_form)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];

		if (is_alnum((char)c) || c == '-' || c == '.' || c == '_' || c == '~') {
			buf_write_u8(w, c);
		} else if (c == ' ' && is_form) {
			buf_write_u8(w, '+');
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_write_bytes(w, esc, sizeof(esc));
		}
	}
}

void http_url_encode(struct buf_writer *w, struct str_view in)
{
	encode(w, in, false);
}

int http_url_form_next(struct str_view *rest, struct str_view *out_name,
		       struct str_view *out_value)
{
	while (rest->len) {
		struct str_view field = advance(rest, span(*rest, "&"));

		if (rest->len)
			advance(rest, 1);
		if (field.len == 0)
			continue;
		*out_name = advance(&field, span(field, "="));
		if (field.len)
			advance(&field, 1);
		*out_value = field;
		return 0;
	}
	return VPN_ERR_NOT_FOUND;
}

int http_url_form_find(char *out, size_t out_cap, size_t *out_len,
		       struct str_view body, const char *name)
{
	struct str_view raw_name, raw_value;
	char decoded[FORM_NAME_MAX + 1];
	size_t n;

	while (http_url_form_next(&body, &raw_name, &raw_value) == 0) {
		/* Names that do not decode, or are too long, are not ours. */
		if (http_url_form_decode(decoded, sizeof(decoded), &n, raw_name) != 0)
			continue;
		if (strcmp(decoded, name) == 0)
			return http_url_form_decode(out, out_cap, out_len, raw_value);
	}
	return VPN_ERR_NOT_FOUND;
}

void http_url_form_write(struct buf_writer *w, const char *name,
			 struct str_view value)
{
	if (w->len)
		buf_write_u8(w, '&');
	encode(w, str_view_of(name), true);
	buf_write_u8(w, '=');
	encode(w, value, true);
}
