/* SPDX-License-Identifier: ISC */
/* Case-insensitive lookups over a parsed header list, and comma lists. */
#include "lib/http/headers.h"

#include "lib/base/err.h"

const struct header_view *http_headers_lines(const struct http_headers *h)
{
	return h->count > HTTP_HEADERS_MAX ? h->room : h->items;
}

int http_headers_get(const struct http_headers *h, const char *name,
		     struct str_view *out)
{
	size_t pos = 0;

	return http_headers_next(h, name, &pos, out) ? 0 : VPN_ERR_NOT_FOUND;
}

bool http_headers_next(const struct http_headers *h, const char *name,
		       size_t *pos, struct str_view *out)
{
	const struct header_view *lines = http_headers_lines(h);

	for (size_t i = *pos; i < h->count; i++) {
		if (str_view_eq_nocase(lines[i].name, name)) {
			*out = lines[i].value;
			*pos = i + 1;
			return true;
		}
	}
	*pos = h->count;
	return false;
}

size_t http_headers_count(const struct http_headers *h, const char *name)
{
	struct str_view v;
	size_t pos = 0, n = 0;

	while (http_headers_next(h, name, &pos, &v))
		n++;
	return n;
}

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

bool http_headers_list_next(struct str_view *rest, struct str_view *out)
{
	while (rest->len) {
		const char *comma = memchr(rest->ptr, ',', rest->len);
		size_t n = comma ? (size_t)(comma - rest->ptr) : rest->len;
		struct str_view item = { rest->ptr, n };

		rest->ptr += comma ? n + 1 : n;
		rest->len -= comma ? n + 1 : n;
		item = trim(item);
		if (item.len) {
			*out = item;
			return true;
		}
	}
	return false;
}

bool http_headers_has_token(const struct http_headers *h, const char *name,
			    const char *token)
{
	struct str_view value, item;
	size_t pos = 0;

	while (http_headers_next(h, name, &pos, &value))
		while (http_headers_list_next(&value, &item))
			if (str_view_eq_nocase(item, token))
				return true;
	return false;
}
