/* SPDX-License-Identifier: ISC */
/* Heads and bodies out: start lines, header lines, Content-Length bodies. */
#include "lib/http/write.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/http/message_internal.h"

static bool is_token(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!http_is_tchar((unsigned char)*p))
			return false;
	return *s != '\0';
}

/* Text that stays on its line: no control byte but HTAB. */
static bool is_line_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static bool is_target(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	return *s != '\0';
}

void http_write_request_line(struct buf_writer *w, const char *method,
			     const char *target)
{
	if (!is_token(method) || !is_target(target)) {
		http_writer_poison(w);
		return;
	}
	buf_printf(w, "%s %s HTTP/1.1\r\n", method, target);
}

void http_write_status_line(struct buf_writer *w, int status, const char *reason)
{
	if (status < 100 || status > 599 || !is_line_text(reason, strlen(reason))) {
		http_writer_poison(w);
		return;
	}
	buf_printf(w, "HTTP/1.1 %d %s\r\n", status, reason);
}

void http_write_header(struct buf_writer *w, const char *name, const char *value)
{
	if (!is_token(name) || !is_line_text(value, strlen(value))) {
		http_writer_poison(w);
		return;
	}
	buf_printf(w, "%s: %s\r\n", name, value);
}

void http_write_headerf(struct buf_writer *w, const char *name, const char *fmt, ...)
{
	size_t start;
	va_list ap;
	int n;

	if (!is_token(name)) {
		http_writer_poison(w);
		return;
	}
	buf_printf(w, "%s: ", name);
	if (w->has_overflowed)
		return;
	start = w->len;
	va_start(ap, fmt);
	n = vsnprintf((char *)w->data + start, w->cap - start, fmt, ap);
	va_end(ap);
	/* The value is checked where it landed, before it counts as written. */
	if (n < 0 || (size_t)n >= w->cap - start ||
	    !is_line_text((const char *)w->data + start, (size_t)n)) {
		http_writer_poison(w);
		return;
	}
	w->len += (size_t)n;
	buf_write_bytes(w, "\r\n", 2);
}

void http_write_end(struct buf_writer *w)
{
	buf_write_bytes(w, "\r\n", 2);
}

void http_write_body(struct buf_writer *w, const void *body, size_t len)
{
	buf_printf(w, "Content-Length: %zu\r\n\r\n", len);
	buf_write_bytes(w, body, len);
}
