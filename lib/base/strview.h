/* SPDX-License-Identifier: ISC */
/*
 * Borrowed views of text: a pointer into someone else's buffer and a length,
 * not NUL-terminated. Parsers hand these out; they stay valid until the
 * buffer they point into is reused.
 */
#ifndef BASE_STRVIEW_H
#define BASE_STRVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct str_view {
	const char *ptr;
	size_t len;
};

/* One header line, "name: value", as parsed (value without surrounding blanks). */
struct header_view {
	struct str_view name;
	struct str_view value;
};

static inline struct str_view str_view_of(const char *s)
{
	struct str_view v = { s, s ? strlen(s) : 0 };

	return v;
}

static inline bool str_view_eq(struct str_view v, const char *s)
{
	size_t n = strlen(s);

	return v.len == n && memcmp(v.ptr, s, n) == 0;
}

static inline bool str_view_eq_nocase(struct str_view v, const char *s)
{
	size_t n = strlen(s);

	return v.len == n && strncasecmp(v.ptr, s, n) == 0;
}

#endif
