/* SPDX-License-Identifier: ISC */
/* The cookie jar of the authentication phases. */
#include "client/cookies.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/http/cookie.h"
#include "lib/http/headers.h"

void cookies_init(struct cookie_jar *jar)
{
	memset(jar, 0, sizeof(*jar));
}

static void drop(struct cookie_jar *jar, size_t i)
{
	free(jar->items[i].name);
	buf_wipe(jar->items[i].value, strlen(jar->items[i].value));
	free(jar->items[i].value);
	jar->items[i] = jar->items[--jar->count];
}

void cookies_cleanup(struct cookie_jar *jar)
{
	while (jar->count > 0)
		drop(jar, jar->count - 1);
}

static int find(const struct cookie_jar *jar, const char *name, size_t len)
{
	for (size_t i = 0; i < jar->count; i++)
		if (strlen(jar->items[i].name) == len && memcmp(jar->items[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* name and value are views (not NUL-terminated); an empty or NULL value removes. */
static int put(struct cookie_jar *jar, const char *name, size_t name_len,
	       const char *value, size_t value_len)
{
	int i = find(jar, name, name_len);
	char *copy;

	if (!value || value_len == 0) {
		if (i >= 0)
			drop(jar, (size_t)i);
		return 0;
	}
	if (value_len > COOKIES_VALUE_MAX)
		return VPN_ERR_TOO_BIG;
	copy = strndup(value, value_len);
	if (!copy)
		return VPN_ERR_NOMEM;
	if (i < 0) {
		if (jar->count == COOKIES_MAX) {
			buf_wipe(copy, value_len);
			free(copy);
			return VPN_ERR_TOO_BIG;
		}
		jar->items[jar->count].name = strndup(name, name_len);
		if (!jar->items[jar->count].name) {
			buf_wipe(copy, value_len);
			free(copy);
			return VPN_ERR_NOMEM;
		}
		jar->items[jar->count].value = copy;
		jar->count++;
		return 0;
	}
	buf_wipe(jar->items[i].value, strlen(jar->items[i].value));
	free(jar->items[i].value);
	jar->items[i].value = copy;
	return 0;
}

int cookies_update(struct cookie_jar *jar, const struct http_headers *h, int64_t now)
{
	struct http_set_cookie c;
	struct str_view line;
	size_t pos = 0;
	int ret;

	while (http_headers_next(h, "Set-Cookie", &pos, &line)) {
		if (http_set_cookie_parse(&c, line) != 0)
			continue;
		if (http_set_cookie_is_cleared(&c, now))
			ret = put(jar, c.name.ptr, c.name.len, NULL, 0);
		else
			ret = put(jar, c.name.ptr, c.name.len, c.value.ptr, c.value.len);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int cookies_set(struct cookie_jar *jar, const char *name, const char *value)
{
	return put(jar, name, strlen(name), value, value ? strlen(value) : 0);
}

const char *cookies_get(const struct cookie_jar *jar, const char *name)
{
	int i = find(jar, name, strlen(name));

	return i >= 0 ? jar->items[i].value : NULL;
}

void cookies_write_header(struct buf_writer *w, const struct cookie_jar *jar)
{
	struct http_cookie list[COOKIES_MAX];

	if (jar->count == 0)
		return;
	for (size_t i = 0; i < jar->count; i++) {
		list[i].name = str_view_of(jar->items[i].name);
		list[i].value = str_view_of(jar->items[i].value);
	}
	http_cookie_write(w, list, jar->count);
}
