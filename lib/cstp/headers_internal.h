/* SPDX-License-Identifier: ISC */
/*
 * Private to lib/cstp/headers*.c: each header set is a table of fields, one
 * row per header name in the order the real peers write them. The row says
 * where the value lives in the struct and how it reads and writes, so one
 * parse loop and one write loop serve both directions.
 */
#ifndef CSTP_HEADERS_INTERNAL_H
#define CSTP_HEADERS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cstp/headers.h"

enum cstp_kind {
	CSTP_KIND_NUM,       /* struct cstp_num, min..max */
	CSTP_KIND_TIMEOUT,   /* struct cstp_num, min..max or "none" */
	CSTP_KIND_FLAG,      /* enum cstp_flag */
	CSTP_KIND_TEXT,      /* struct str_view, up to max bytes */
	CSTP_KIND_TOKEN,     /* struct str_view, one cipher-like name */
	CSTP_KIND_ENCODINGS, /* unsigned mask from a comma list */
	CSTP_KIND_ENCODING,  /* enum cstp_encoding, one of the bits in max */
	CSTP_KIND_REKEY,     /* enum cstp_rekey */
	CSTP_KIND_FAMILIES,  /* unsigned cstp_family mask */
	CSTP_KIND_ADDRS,     /* struct cstp_addr_list, one per line, up to max */
	CSTP_KIND_TEXTS,     /* struct cstp_text_list, one per line, up to max */
	CSTP_KIND_NAMES,     /* struct cstp_name_list, colon list, up to max */
	CSTP_KIND_HEX,       /* struct cstp_hex, min..max bytes */
	CSTP_KIND_CUSTOM,    /* the row's own functions */
};

/* Row flags. */
enum {
	CSTP_FIELD_PARSE_ONLY = 1 << 0, /* another row writes it */
	CSTP_FIELD_UPPER_HEX = 1 << 1,  /* openconnect's master secret */
};

struct cstp_field;

/* Custom rows: obj is the whole request/response struct. Parse returns 0 or
 * a vpn_err and sets *reason; write returns 0 or a vpn_err. */
typedef int (*cstp_field_parse_fn)(void *obj, const struct cstp_field *f,
				   struct str_view value, const char **reason);
typedef int (*cstp_field_write_fn)(struct buf_writer *w, const void *obj,
				   const struct cstp_field *f, const char **reason);

struct cstp_field {
	const char *name; /* Cisco's spelling */
	enum cstp_kind kind;
	size_t offset;    /* of the value in the struct */
	uint32_t min;
	uint32_t max;
	unsigned flags;
	cstp_field_parse_fn parse;
	cstp_field_write_fn write;
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

/* Value codecs shared with the custom rows (headers_value.c, headers_write.c). */
int cstp_value_parse(void *slot, const struct cstp_field *f, struct str_view v,
		     const char **reason);
/* Writes every line of one row (none when the value is absent). */
int cstp_value_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		     const char **reason);
/* Bytes a header value may hold: printable ASCII, tab, and UTF-8. */
bool cstp_value_is_clean(struct str_view v);
/* A cipher-suite name: 1..64 of [A-Za-z0-9._+-]. */
bool cstp_value_is_token(struct str_view v);
/* "oc-lz4", "lzs", "deflate" for one bit; NULL otherwise. */
const char *cstp_encoding_name(unsigned bit);
/* "ssl", "new-tunnel", "none"; NULL for ABSENT or out of range. */
const char *cstp_rekey_name(enum cstp_rekey m);

/* One split-DNS domain. */
#define CSTP_LIST_TEXT_MAX 255
/* "Name: " ... "\r\n" around a value already checked clean. */
void cstp_line_start(struct buf_writer *w, const char *name);
void cstp_line_end(struct buf_writer *w);

#endif
