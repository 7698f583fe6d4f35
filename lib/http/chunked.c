/* SPDX-License-Identifier: ISC */
/*
 * Chunked transfer coding, one framing byte at a time, data in runs.
 * chunked-body = *(chunk-size [ext] CRLF data CRLF) "0" [ext] CRLF
 *                *(field-line CRLF) CRLF
 */
#include "lib/http/chunked.h"

#include <string.h>

#include "lib/base/hex.h"
#include "lib/http/message_internal.h"

enum http_chunked_state {
	HTTP_CHUNKED_SIZE_START,  /* first hex digit of a chunk-size */
	HTTP_CHUNKED_SIZE,        /* more hex digits */
	HTTP_CHUNKED_SIZE_BWS,    /* blanks, which may only precede ';' */
	HTTP_CHUNKED_EXT,         /* chunk extensions, skipped */
	HTTP_CHUNKED_SIZE_LF,
	HTTP_CHUNKED_DATA,
	HTTP_CHUNKED_DATA_CR,
	HTTP_CHUNKED_DATA_LF,
	HTTP_CHUNKED_TRAILER_START, /* a field line, or the final CRLF */
	HTTP_CHUNKED_TRAILER_NAME,
	HTTP_CHUNKED_TRAILER_VALUE,
	HTTP_CHUNKED_TRAILER_LF,
	HTTP_CHUNKED_END_LF,
	HTTP_CHUNKED_DONE,
	HTTP_CHUNKED_INVALID,
};

/* Sixteen hex digits fill 64 bits; leading zeros count too, to stay bounded. */
#define SIZE_DIGITS_MAX 16

void http_chunked_init(struct http_chunked *dec, uint64_t max_body)
{
	memset(dec, 0, sizeof(*dec));
	dec->state = HTTP_CHUNKED_SIZE_START;
	dec->max_body = max_body;
}

static bool is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* Appends a digit to the chunk-size; the next state. */
static int size_digit(struct http_chunked *dec, int d)
{
	uint64_t room = dec->max_body - dec->total;

	if (dec->digits == SIZE_DIGITS_MAX || room < (uint64_t)d ||
	    dec->size > (room - (uint64_t)d) / 16)
		return HTTP_CHUNKED_INVALID;
	dec->size = dec->size * 16 + (uint64_t)d;
	dec->digits++;
	return HTTP_CHUNKED_SIZE;
}

static int size_line(struct http_chunked *dec, unsigned char c)
{
	int d = hex_digit_value((unsigned char)c);

	if (++dec->line_len > HTTP_CHUNKED_LINE_MAX)
		return HTTP_CHUNKED_INVALID;
	switch (dec->state) {
	case HTTP_CHUNKED_SIZE_START:
		return d < 0 ? HTTP_CHUNKED_INVALID : size_digit(dec, d);
	case HTTP_CHUNKED_SIZE:
		if (d >= 0)
			return size_digit(dec, d);
		if (c == ' ' || c == '\t')
			return HTTP_CHUNKED_SIZE_BWS;
		return c == ';' ? HTTP_CHUNKED_EXT :
		       c == '\r' ? HTTP_CHUNKED_SIZE_LF : HTTP_CHUNKED_INVALID;
	case HTTP_CHUNKED_SIZE_BWS:
		if (c == ' ' || c == '\t')
			return HTTP_CHUNKED_SIZE_BWS;
		return c == ';' ? HTTP_CHUNKED_EXT : HTTP_CHUNKED_INVALID;
	case HTTP_CHUNKED_EXT:
		if (c == '\r')
			return HTTP_CHUNKED_SIZE_LF;
		return is_ctl(c) ? HTTP_CHUNKED_INVALID : HTTP_CHUNKED_EXT;
	default: /* HTTP_CHUNKED_SIZE_LF */
		if (c != '\n')
			return HTTP_CHUNKED_INVALID;
		if (dec->size == 0) {
			dec->line_len = 0;
			return HTTP_CHUNKED_TRAILER_START;
		}
		dec->total += dec->size;
		return HTTP_CHUNKED_DATA;
	}
}

/* Trailer fields are checked for shape and dropped. */
static int trailer(struct http_chunked *dec, unsigned char c)
{
	if (++dec->line_len > HTTP_CHUNKED_TRAILER_MAX)
		return HTTP_CHUNKED_INVALID;
	switch (dec->state) {
	case HTTP_CHUNKED_TRAILER_START:
		if (c == '\r')
			return HTTP_CHUNKED_END_LF;
		return http_is_tchar(c) ? HTTP_CHUNKED_TRAILER_NAME : HTTP_CHUNKED_INVALID;
	case HTTP_CHUNKED_TRAILER_NAME:
		if (c == ':')
			return HTTP_CHUNKED_TRAILER_VALUE;
		return http_is_tchar(c) ? HTTP_CHUNKED_TRAILER_NAME : HTTP_CHUNKED_INVALID;
	case HTTP_CHUNKED_TRAILER_VALUE:
		if (c == '\r')
			return HTTP_CHUNKED_TRAILER_LF;
		return is_ctl(c) ? HTTP_CHUNKED_INVALID : HTTP_CHUNKED_TRAILER_VALUE;
	case HTTP_CHUNKED_TRAILER_LF:
		return c == '\n' ? HTTP_CHUNKED_TRAILER_START : HTTP_CHUNKED_INVALID;
	default: /* HTTP_CHUNKED_END_LF */
		return c == '\n' ? HTTP_CHUNKED_DONE : HTTP_CHUNKED_INVALID;
	}
}

/* The state after one byte of framing (anything but chunk data). */
static int framing_byte(struct http_chunked *dec, unsigned char c)
{
	switch (dec->state) {
	case HTTP_CHUNKED_DATA_CR:
		return c == '\r' ? HTTP_CHUNKED_DATA_LF : HTTP_CHUNKED_INVALID;
	case HTTP_CHUNKED_DATA_LF:
		if (c != '\n')
			return HTTP_CHUNKED_INVALID;
		dec->size = 0;
		dec->digits = 0;
		dec->line_len = 0;
		return HTTP_CHUNKED_SIZE_START;
	case HTTP_CHUNKED_SIZE_START:
	case HTTP_CHUNKED_SIZE:
	case HTTP_CHUNKED_SIZE_BWS:
	case HTTP_CHUNKED_EXT:
	case HTTP_CHUNKED_SIZE_LF:
		return size_line(dec, c);
	default:
		return trailer(dec, c);
	}
}

enum parse_result http_chunked_decode(struct http_chunked *dec, size_t *out_len,
				      size_t *out_consumed, void *buf, size_t len)
{
	unsigned char *b = buf;
	size_t in = 0, out = 0, n;
	enum parse_result r = PARSE_NEED_MORE;

	while (in < len && dec->state != HTTP_CHUNKED_DONE &&
	       dec->state != HTTP_CHUNKED_INVALID) {
		if (dec->state == HTTP_CHUNKED_DATA) {
			n = len - in < dec->size ? len - in : (size_t)dec->size;
			memmove(b + out, b + in, n);
			out += n;
			in += n;
			dec->size -= n;
			if (dec->size == 0)
				dec->state = HTTP_CHUNKED_DATA_CR;
			continue;
		}
		dec->state = framing_byte(dec, b[in++]);
	}
	if (dec->state == HTTP_CHUNKED_DONE)
		r = PARSE_DONE;
	else if (dec->state == HTTP_CHUNKED_INVALID)
		r = PARSE_INVALID;
	*out_len = out;
	*out_consumed = in;
	return r;
}
