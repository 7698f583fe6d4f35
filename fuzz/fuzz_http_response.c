/* SPDX-License-Identifier: ISC */
/*
 * HTTP response heads over arbitrary bytes; the first byte picks the request
 * they answer (GET, POST, HEAD, CONNECT), since framing depends on it, and
 * (bit 2) whether they are read as the client reads them: up to 512 header
 * lines in a room of its own, past the 64 lib/http keeps inline. The
 * rest is parsed whole, growing in steps and in two calls from exact-size
 * copies, which must all agree. An accepted head's Set-Cookie lines must
 * survive a write and a second parse unchanged, and a chunked body goes
 * through the decoder, as a client would do with them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/http/chunked.h"
#include "lib/http/cookie.h"
#include "lib/http/headers.h"
#include "lib/http/response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = { "GET", "POST", "HEAD", "CONNECT" };

/* The client's bounds for answers (client/conn.c conn_limits). */
#define ROOM_LINES 512

struct reader {
	const char *method;
	bool is_roomed;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool is_same(struct str_view a, const char *base_a, struct str_view b,
		    const char *base_b)
{
	return a.len == b.len && a.ptr - base_a == b.ptr - base_b;
}

static void check_equal(const struct http_response *a, const char *base_a,
			const struct http_response *b, const char *base_b)
{
	check(a->status == b->status && a->minor_version == b->minor_version);
	check(is_same(a->reason, base_a, b->reason, base_b));
	const struct header_view *la = http_headers_lines(&a->headers);
	const struct header_view *lb = http_headers_lines(&b->headers);

	check(a->headers.count == b->headers.count);
	for (size_t i = 0; i < a->headers.count; i++) {
		check(is_same(la[i].name, base_a, lb[i].name, base_b));
		check(is_same(la[i].value, base_a, lb[i].value, base_b));
	}
	check(a->body.kind == b->body.kind && a->body.length == b->body.length);
	check(a->wants_close == b->wants_close);
}

static bool view_eq(struct str_view a, struct str_view b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Parse, write, parse again: the same cookie. */
static void cookie_round_trip(struct str_view line)
{
	static char out[HTTP_HEADERS_MAX * 256];
	struct http_set_cookie a, b;
	struct buf_writer w;

	if (http_set_cookie_parse(&a, line) != 0)
		return;
	(void)http_set_cookie_is_cleared(&a, 1800000000);
	buf_writer_init(&w, out, sizeof(out));
	http_set_cookie_write(&w, &a);
	if (buf_writer_error(&w) != 0)
		return;
	check(w.len >= 14 && memcmp(out, "Set-Cookie: ", 12) == 0);
	check(http_set_cookie_parse(&b, (struct str_view){ out + 12, w.len - 14 }) == 0);
	check(view_eq(a.name, b.name) && view_eq(a.value, b.value));
	check(view_eq(a.path, b.path) && view_eq(a.expires, b.expires));
	check(a.has_max_age == b.has_max_age && (!a.has_max_age || a.max_age == b.max_age));
	check(a.is_secure == b.is_secure && a.is_http_only == b.is_http_only);
}

static void use_response(const struct http_response *resp, const uint8_t *rest, size_t len)
{
	struct str_view v;
	size_t pos = 0;

	check(resp->status >= 100 && resp->status <= 599);
	while (http_headers_next(&resp->headers, "Set-Cookie", &pos, &v))
		cookie_round_trip(v);
	if (resp->body.kind == HTTP_BODY_TUNNEL)
		check(resp->is_to_connect && resp->status / 100 == 2);
	if (resp->body.kind == HTTP_BODY_CHUNKED) {
		struct http_chunked dec;
		uint8_t *copy = malloc(len ? len : 1);
		size_t out_len, consumed;

		if (!copy)
			return;
		memcpy(copy, rest, len);
		http_chunked_init(&dec, resp->limits.max_body);
		if (http_chunked_decode(&dec, &out_len, &consumed, copy, len) != PARSE_INVALID)
			check(out_len <= consumed && consumed <= len);
		free(copy);
	}
}

/* Ready to parse as rd says; room holds ROOM_LINES views. */
static void reader_init(struct http_response *resp, struct header_view *room,
			const struct reader *rd)
{
	struct http_limits lim;

	if (!rd->is_roomed) {
		http_response_init(resp, NULL, rd->method);
		return;
	}
	http_limits_init(&lim);
	lim.max_head = 128 * 1024;
	lim.max_line = 48 * 1024;
	lim.max_headers = ROOM_LINES;
	http_response_init_room(resp, &lim, rd->method, room, ROOM_LINES);
}

static enum parse_result parse_split(struct http_response *resp, struct header_view *room,
				     size_t *consumed, const struct reader *rd,
				     const uint8_t *data, size_t size, size_t k,
				     uint8_t **out_copy)
{
	uint8_t *first = malloc(k ? k : 1), *all = malloc(size ? size : 1);
	enum parse_result r = PARSE_INVALID, r_first;
	size_t c_first = 0;

	*out_copy = NULL;
	if (!first || !all)
		goto out;
	memcpy(first, data, k);
	memcpy(all, data, size);
	reader_init(resp, room, rd);
	r_first = http_response_parse(resp, &c_first, first, k);
	if (r_first != PARSE_NEED_MORE)
		reader_init(resp, room, rd);
	r = http_response_parse(resp, consumed, all, size);
	if (r_first != PARSE_NEED_MORE)
		check(r == r_first && *consumed == c_first);
	*out_copy = all;
	all = NULL;
out:
	free(first);
	free(all);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_response whole, grown, split;
	static struct header_view room_whole[ROOM_LINES], room_grown[ROOM_LINES],
		room_split[ROOM_LINES];
	size_t c_whole = 0, c_grown = 0, c_split = 0, step;
	enum parse_result r_whole, r_grown = PARSE_NEED_MORE, r_split;
	struct reader rd;
	uint8_t *copy;

	if (size == 0)
		return 0;
	rd.method = methods[data[0] % 4];
	rd.is_roomed = (data[0] >> 2) & 1;
	data++;
	size--;
	step = 1 + size / 256;

	reader_init(&whole, room_whole, &rd);
	r_whole = http_response_parse(&whole, &c_whole, data, size);
	if (r_whole == PARSE_DONE)
		check(whole.headers.count <= (rd.is_roomed ? ROOM_LINES : HTTP_HEADERS_MAX));
	reader_init(&grown, room_grown, &rd);
	for (size_t n = 0; r_grown == PARSE_NEED_MORE; n += step) {
		size_t len = n < size ? n : size;

		r_grown = http_response_parse(&grown, &c_grown, data, len);
		if (len == size)
			break;
	}
	check(r_grown == r_whole && c_grown == c_whole);

	r_split = parse_split(&split, room_split, &c_split, &rd, data, size,
			      size ? data[size - 1] % (size + 1) : 0, &copy);
	if (!copy)
		return 0;
	check(r_split == r_whole && c_split == c_whole);
	if (r_whole == PARSE_DONE) {
		check_equal(&whole, (const char *)data, &grown, (const char *)data);
		check_equal(&whole, (const char *)data, &split, (const char *)copy);
		use_response(&split, copy + c_split, size - c_split);
	}
	free(copy);
	return 0;
}
