/* SPDX-License-Identifier: ISC */
/*
 * Bounded byte readers and writers. A writer has a sticky error: after one
 * write does not fit, every later write is ignored and buf_writer_error()
 * says so, so a message is built with no checks and checked once at the end.
 */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads from borrowed memory; never reads past len. */
struct buf_reader {
	const uint8_t *data;
	size_t len;
	size_t pos;
};

void buf_reader_init(struct buf_reader *r, const void *data, size_t len);
size_t buf_reader_left(const struct buf_reader *r);
/* Each returns false, consuming nothing, when fewer bytes are left. */
bool buf_read_u8(struct buf_reader *r, uint8_t *out);
bool buf_read_be16(struct buf_reader *r, uint16_t *out);
bool buf_read_be32(struct buf_reader *r, uint32_t *out);
bool buf_read_bytes(struct buf_reader *r, void *out, size_t len);
bool buf_skip(struct buf_reader *r, size_t len);

/* Writes into borrowed memory of fixed capacity. */
struct buf_writer {
	uint8_t *data;
	size_t cap;
	size_t len;
	bool has_overflowed;
};

void buf_writer_init(struct buf_writer *w, void *data, size_t cap);
void buf_write_u8(struct buf_writer *w, uint8_t v);
void buf_write_be16(struct buf_writer *w, uint16_t v);
void buf_write_be32(struct buf_writer *w, uint32_t v);
void buf_write_bytes(struct buf_writer *w, const void *data, size_t len);
void buf_write_str(struct buf_writer *w, const char *s);
/* printf-style text; the terminating NUL is not counted in len. */
void buf_printf(struct buf_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* 0, or VPN_ERR_TOO_BIG when some write did not fit. */
int buf_writer_error(const struct buf_writer *w);

/* Overwrites len bytes so the compiler cannot drop the store (secrets). */
void buf_wipe(void *data, size_t len);

#endif
