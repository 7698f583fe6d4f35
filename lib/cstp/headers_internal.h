/* SPDX-License-Identifier: ISC */
/*
 * Private to lib/cstp/headers*.c: each header set is one table, one row per
 * header name in the order the real peers write them. A row says where the
 * value lives in the struct and which codec reads and writes it, so the one
 * parse loop and the one write loop (headers.c) serve both directions, and
 * a header is added by adding a row. A codec keeps the reader and the
 * writer of one kind of value side by side, so that what we write is what
 * we would accept.
 */
#ifndef CSTP_HEADERS_INTERNAL_H
#define CSTP_HEADERS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cstp/headers.h"

struct cstp_field;

/*
 * slot is where the row's value lives: the struct plus the row's offset (a
 * row whose value spans several members uses offset 0 and gets the whole
 * struct). parse returns 0 or a vpn_err with *reason set. write emits every
 * line of the row, none when the value is absent, and returns 0 or a
 * vpn_err with *reason set; it is NULL when another row writes the value.
 */
struct cstp_codec {
	int (*parse)(void *slot, const struct cstp_field *f, struct str_view v,
		     const char **reason);
	int (*write)(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		     const char **reason);
};

/* Row flags; codecs of their own may use the bits from 8 up. */
enum {
	CSTP_FIELD_UPPER_HEX = 1 << 0, /* openconnect's master secret */
};

struct cstp_field {
	const char *name; /* Cisco's spelling */
	const struct cstp_codec *codec;
	size_t offset;    /* of the value in the struct */
	uint32_t min;     /* the codec says what min and max bound */
	uint32_t max;
	unsigned flags;
};

struct cstp_field_table {
	const struct cstp_field *rows;
	size_t count;
};

/* The shared loops (headers.c). */
int cstp_fields_parse(void *obj, const struct cstp_field_table *t,
		      const struct header_view *headers, size_t n,
		      struct cstp_header_err *err);
int cstp_fields_write(struct buf_writer *w, const void *obj,
		      const struct cstp_field_table *t, struct cstp_header_err *err);

/* Single values (headers_value.c). */
extern const struct cstp_codec cstp_codec_num;      /* struct cstp_num, min..max */
extern const struct cstp_codec cstp_codec_timeout;  /* the same, or "none" */
extern const struct cstp_codec cstp_codec_flag;     /* enum cstp_flag */
extern const struct cstp_codec cstp_codec_text;     /* struct str_view, up to max bytes */
extern const struct cstp_codec cstp_codec_token;    /* struct str_view, one cipher name */
extern const struct cstp_codec cstp_codec_encoding; /* enum cstp_encoding, a bit of max */
extern const struct cstp_codec cstp_codec_rekey;    /* enum cstp_rekey */
/* Lists (headers_list.c). */
extern const struct cstp_codec cstp_codec_encodings; /* unsigned mask from a comma list */
extern const struct cstp_codec cstp_codec_families;  /* unsigned cstp_family mask */
extern const struct cstp_codec cstp_codec_addrs; /* struct cstp_addr_list, a line each, max */
extern const struct cstp_codec cstp_codec_texts; /* struct cstp_text_list, a line each, max */
extern const struct cstp_codec cstp_codec_names; /* struct cstp_name_list, colon list, max */
extern const struct cstp_codec cstp_codec_hex;   /* struct cstp_hex, min..max bytes */

/* Lexical rules both directions share (headers_value.c). */
/* Bytes a header value may hold: printable ASCII, tab, and UTF-8. */
bool cstp_value_is_clean(struct str_view v);
/* A cipher-suite name: 1..64 of [A-Za-z0-9._+-]. */
bool cstp_value_is_token(struct str_view v);
/* The bit of one encoding token ("oc-lz4", "lzs", "deflate"), 0 if unknown. */
unsigned cstp_encoding_bit(struct str_view token);
/* "oc-lz4", "lzs", "deflate" for one bit; NULL otherwise. */
const char *cstp_encoding_name(unsigned bit);
/* Splits off the part of *rest before sep; false when nothing is left. */
bool cstp_value_next_item(struct str_view *rest, char sep, struct str_view *item);
/* v without leading and trailing blanks. */
struct str_view cstp_value_trim(struct str_view v);

/* One split-DNS domain. */
#define CSTP_LIST_TEXT_MAX 255
/* "Name: " ... "\r\n" around a value already checked clean. */
void cstp_line_start(struct buf_writer *w, const char *name);
void cstp_line_end(struct buf_writer *w);

#endif
