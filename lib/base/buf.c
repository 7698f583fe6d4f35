/* SPDX-License-Identifier: ISC */
/* Bounded byte readers and writers with a sticky overflow flag. */
#include "lib/base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/base/err.h"

void buf_reader_init(struct buf_reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
}

size_t buf_reader_left(const struct buf_reader *r)
{
	return r->len - r->pos;
}

bool buf_read_bytes(struct buf_reader *r, void *out, size_t len)
{
	if (buf_reader_left(r) < len)
		return false;
	if (len)
		memcpy(out, r->data + r->pos, len);
	r->pos += len;
	return true;
}

bool buf_skip(struct buf_reader *r, size_t len)
{
	if (buf_reader_left(r) < len)
		return false;
	r->pos += len;
	return true;
}

bool buf_read_u8(struct buf_reader *r, uint8_t *out)
{
	return buf_read_bytes(r, out, 1);
}

bool buf_read_be16(struct buf_reader *r, uint16_t *out)
{
	uint8_t b[2];

	if (!buf_read_bytes(r, b, sizeof(b)))
		return false;
	*out = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

bool buf_read_be32(struct buf_reader *r, uint32_t *out)
{
	uint8_t b[4];

	if (!buf_read_bytes(r, b, sizeof(b)))
		return false;
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return true;
}

void buf_writer_init(struct buf_writer *w, void *data, size_t cap)
{
	w->data = data;
	w->cap = cap;
	w->len = 0;
	w->has_overflowed = false;
}

void buf_write_bytes(struct buf_writer *w, const void *data, size_t len)
{
	if (w->has_overflowed)
		return;
	if (w->cap - w->len < len) {
		w->has_overflowed = true;
		return;
	}
	if (len)
		memcpy(w->data + w->len, data, len);
	w->len += len;
}

void buf_write_u8(struct buf_writer *w, uint8_t v)
{
	buf_write_bytes(w, &v, 1);
}

void buf_write_be16(struct buf_writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	buf_write_bytes(w, b, sizeof(b));
}

void buf_write_be32(struct buf_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	buf_write_bytes(w, b, sizeof(b));
}

void buf_write_str(struct buf_writer *w, const char *s)
{
	buf_write_bytes(w, s, strlen(s));
}

void buf_printf(struct buf_writer *w, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (w->has_overflowed)
		return;
	room = w->cap - w->len;
	va_start(ap, fmt);
	n = vsnprintf((char *)w->data + w->len, room, fmt, ap);
	va_end(ap);
	/* vsnprintf needs room for its NUL too, which we do not count. */
	if (n < 0 || (size_t)n >= room) {
		w->has_overflowed = true;
		return;
	}
	w->len += (size_t)n;
}

int buf_writer_error(const struct buf_writer *w)
{
	return w->has_overflowed ? VPN_ERR_TOO_BIG : 0;
}

void buf_wipe(void *data, size_t len)
{
	/* glibc's explicit_bzero is a memset the compiler may not drop; a
	 * volatile byte loop cost 6 % of a worker's CPU wiping session buffers */
	if (len)
		explicit_bzero(data, len);
}
