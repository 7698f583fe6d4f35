/* SPDX-License-Identifier: ISC */
/*
 * The head rules requests and responses share: where a head ends, what a
 * header line may hold, and which body framing is believable.
 */
#include "lib/http/message_internal.h"

#include <string.h>

#include "lib/http/headers.h"

/* Nineteen digits always fit in 64 bits; longer is absurd for a body anyway. */
#define LENGTH_DIGITS_MAX 19

void http_limits_init(struct http_limits *limits)
{
	limits->max_head = 16384;
	limits->max_line = 8192;
	limits->max_headers = HTTP_HEADERS_MAX;
	limits->max_body = 1024 * 1024;
}

bool http_is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int http_fail(struct http_error *err, int status, const char *reason)
{
	err->status = status;
	err->reason = reason;
	return VPN_ERR_INVALID;
}

/* Checks the byte at i; 0, or the reason it can never be part of a head. */
static const char *bad_head_byte(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];

	if (c == '\n')
		return i > 0 && s[i - 1] == '\r' ? NULL : "bare LF in head";
	if (c == '\r')
		return i + 1 >= len || s[i + 1] == '\n' ? NULL : "CR without LF in head";
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return "control byte in head";
	return NULL;
}

enum parse_result http_head_scan(size_t *scanned, size_t *out_head_len,
				 struct http_error *err, const char *p,
				 size_t len, size_t max_head)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t end = len < max_head ? len : max_head;
	const char *why;

	/* Back up over a CRLFCR the last call saw, in case its LF arrived now. */
	for (size_t i = *scanned > 3 ? *scanned - 3 : 0; i < end; i++) {
		why = bad_head_byte(s, i, len);
		if (why) {
			http_fail(err, 400, why);
			return PARSE_INVALID;
		}
		if (s[i] == '\n' && i >= 3 && s[i - 2] == '\n' && s[i - 3] == '\r') {
			*out_head_len = i + 1;
			return PARSE_DONE;
		}
	}
	if (len >= max_head) {
		http_fail(err, 431, "head too large");
		return PARSE_INVALID;
	}
	*scanned = len;
	return PARSE_NEED_MORE;
}

int http_head_line(struct str_view *out, struct http_error *err,
		   const char *head, size_t head_len, size_t *pos,
		   size_t max_line, int status)
{
	const char *lf = memchr(head + *pos, '\n', head_len - *pos);
	size_t n;

	/* The scan saw the blank line, so an LF is always there; be safe anyway. */
	if (!lf)
		return http_fail(err, 400, "unterminated line");
	n = (size_t)(lf - (head + *pos)) + 1;
	if (n > max_line)
		return http_fail(err, status, "line too long");
	out->ptr = head + *pos;
	out->len = n - 2;
	*pos += n;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int parse_field(struct header_view *out, struct http_error *err,
		       struct str_view line)
{
	size_t i = 0;

	/* A leading blank is obs-fold, or a line that hides a header from a hop. */
	if (is_blank(line.ptr[0]))
		return http_fail(err, 400, "folded or indented header line");
	while (i < line.len && http_is_tchar((unsigned char)line.ptr[i]))
		i++;
	if (i == line.len || line.ptr[i] != ':')
		return http_fail(err, 400, i < line.len && is_blank(line.ptr[i]) ?
				 "blank before colon" : "malformed header name");
	if (i == 0)
		return http_fail(err, 400, "empty header name");
	out->name.ptr = line.ptr;
	out->name.len = i;
	out->value.ptr = line.ptr + i + 1;
	out->value.len = line.len - i - 1;
	while (out->value.len && is_blank(out->value.ptr[0])) {
		out->value.ptr++;
		out->value.len--;
	}
	while (out->value.len && is_blank(out->value.ptr[out->value.len - 1]))
		out->value.len--;
	return 0;
}

/* Where the next line goes: items while they last, then the room. */
static struct header_view *next_slot(struct http_headers *h)
{
	if (h->count < HTTP_HEADERS_MAX)
		return &h->items[h->count];
	/* The list moves whole, so that it is one array for its readers. */
	if (h->count == HTTP_HEADERS_MAX)
		memcpy(h->room, h->items, sizeof(h->items));
	return &h->room[h->count];
}

int http_head_fields(struct http_headers *out, struct http_error *err,
		     const char *head, size_t head_len, size_t pos,
		     const struct http_limits *limits)
{
	size_t room = out->room && out->room_len > HTTP_HEADERS_MAX ?
		      out->room_len : HTTP_HEADERS_MAX;
	size_t max = limits->max_headers < room ? limits->max_headers : room;
	struct str_view line;
	int rc;

	out->count = 0;
	for (;;) {
		rc = http_head_line(&line, err, head, head_len, &pos,
				    limits->max_line, 431);
		if (rc != 0)
			return rc;
		if (line.len == 0)
			return 0;
		if (out->count == max)
			return http_fail(err, 431, "too many headers");
		rc = parse_field(next_slot(out), err, line);
		if (rc != 0)
			return rc;
		out->count++;
	}
}

int http_version_parse(int *out_minor, struct http_error *err,
		       struct str_view v)
{
	if (v.len == 8 && memcmp(v.ptr, "HTTP/1.", 7) == 0 &&
	    (v.ptr[7] == '0' || v.ptr[7] == '1')) {
		*out_minor = v.ptr[7] - '0';
		return 0;
	}
	if (v.len == 8 && memcmp(v.ptr, "HTTP/", 5) == 0 && v.ptr[5] >= '0' &&
	    v.ptr[5] <= '9' && v.ptr[6] == '.' && v.ptr[7] >= '0' && v.ptr[7] <= '9')
		return http_fail(err, 505, "unsupported HTTP version");
	return http_fail(err, 400, "malformed HTTP version");
}

static int parse_length(uint64_t *out, struct http_error *err,
			struct str_view s, uint64_t max_body)
{
	uint64_t v = 0;

	if (s.len > LENGTH_DIGITS_MAX)
		return http_fail(err, 413, "Content-Length too large");
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return http_fail(err, 400, "malformed Content-Length");
		v = v * 10 + (uint64_t)(s.ptr[i] - '0');
	}
	if (v > max_body)
		return http_fail(err, 413, "Content-Length too large");
	*out = v;
	return 0;
}

/* All Content-Length values, which must agree; *out_has says if any. */
static int content_length(bool *out_has, uint64_t *out, struct http_error *err,
			  const struct http_headers *h, uint64_t max_body)
{
	struct str_view value, item;
	size_t pos = 0, items;
	uint64_t v = 0;
	int rc;

	*out_has = false;
	while (http_headers_next(h, "Content-Length", &pos, &value)) {
		items = 0;
		while (http_headers_list_next(&value, &item)) {
			rc = parse_length(&v, err, item, max_body);
			if (rc != 0)
				return rc;
			if (*out_has && v != *out)
				return http_fail(err, 400, "conflicting Content-Length");
			*out = v;
			*out_has = true;
			items++;
		}
		if (items == 0)
			return http_fail(err, 400, "empty Content-Length");
	}
	return 0;
}

/* Transfer-Encoding, if present, must be exactly "chunked". */
static int transfer_encoding(bool *out_has, struct http_error *err,
			     const struct http_headers *h)
{
	struct str_view value, item;
	size_t pos = 0, items = 0;
	bool is_chunked = false;

	*out_has = false;
	while (http_headers_next(h, "Transfer-Encoding", &pos, &value)) {
		*out_has = true;
		while (http_headers_list_next(&value, &item)) {
			items++;
			is_chunked = str_view_eq_nocase(item, "chunked");
		}
	}
	if (*out_has && (items != 1 || !is_chunked))
		return http_fail(err, 501, "unsupported transfer coding");
	return 0;
}

int http_body_framing(struct http_body *out, struct http_error *err,
		      const struct http_headers *h, int minor_version,
		      uint64_t max_body)
{
	bool has_length, has_coding;
	uint64_t length = 0;
	int rc;

	out->kind = HTTP_BODY_NONE;
	out->length = 0;
	rc = content_length(&has_length, &length, err, h, max_body);
	if (rc == 0)
		rc = transfer_encoding(&has_coding, err, h);
	if (rc != 0)
		return rc;
	if (has_coding) {
		/* Two framings, or one an HTTP/1.0 hop ignores: two readings. */
		if (has_length)
			return http_fail(err, 400, "Content-Length with Transfer-Encoding");
		if (minor_version == 0)
			return http_fail(err, 400, "Transfer-Encoding in HTTP/1.0");
		out->kind = HTTP_BODY_CHUNKED;
	} else if (has_length) {
		out->kind = HTTP_BODY_LENGTH;
		out->length = length;
	}
	return 0;
}

bool http_wants_close(const struct http_headers *h, int minor_version)
{
	if (minor_version == 0)
		return !http_headers_has_token(h, "Connection", "keep-alive");
	return http_headers_has_token(h, "Connection", "close");
}

void http_writer_poison(struct buf_writer *w)
{
	w->has_overflowed = true;
}
