/* SPDX-License-Identifier: ISC */
/*
 * HTTP request heads over arbitrary bytes. The input is parsed whole, then
 * growing in steps, then in two calls from exact-size heap copies; all three
 * must agree on the verdict, the head length and every field. A parsed head
 * must keep the promises of lib/http/request.h, and its pieces are run
 * through the helpers a gateway applies to them (lookups, cookies, the
 * target as a URL path, a chunked or form body).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http/chunked.h"
#include "lib/http/cookie.h"
#include "lib/http/headers.h"
#include "lib/http/message.h"
#include "lib/http/request.h"
#include "lib/http/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static bool view_in(struct str_view v, const char *base, size_t len)
{
	return v.ptr >= base && v.ptr + v.len <= base + len;
}

static bool is_same(struct str_view a, const char *base_a, struct str_view b,
		    const char *base_b)
{
	return a.len == b.len && a.ptr - base_a == b.ptr - base_b;
}

static void check_equal(const struct http_request *a, const char *base_a,
			const struct http_request *b, const char *base_b)
{
	check(is_same(a->method, base_a, b->method, base_b));
	check(is_same(a->target, base_a, b->target, base_b));
	check(a->minor_version == b->minor_version);
	check(a->headers.count == b->headers.count);
	for (size_t i = 0; i < a->headers.count; i++) {
		check(is_same(a->headers.items[i].name, base_a, b->headers.items[i].name, base_b));
		check(is_same(a->headers.items[i].value, base_a, b->headers.items[i].value, base_b));
	}
	check(a->body.kind == b->body.kind && a->body.length == b->body.length);
	check(a->wants_close == b->wants_close);
}

/* What request.h promises about a head it accepted. */
static void check_head(const struct http_request *req, const char *base, size_t head_len)
{
	check(head_len >= 4 && memcmp(base + head_len - 4, "\r\n\r\n", 4) == 0);
	check(view_in(req->method, base, head_len) && req->method.len > 0);
	check(view_in(req->target, base, head_len) && req->target.len > 0);
	check(req->minor_version == 0 || req->minor_version == 1);
	check(req->headers.count <= HTTP_HEADERS_MAX);
	for (size_t i = 0; i < req->headers.count; i++) {
		const struct header_view *h = &req->headers.items[i];

		check(view_in(h->name, base, head_len) && h->name.len > 0);
		check(view_in(h->value, base, head_len));
		check(!memchr(h->value.ptr, '\r', h->value.len));
		check(!memchr(h->value.ptr, '\n', h->value.len));
	}
	check(req->body.kind == HTTP_BODY_NONE || req->body.kind == HTTP_BODY_LENGTH ||
	      req->body.kind == HTTP_BODY_CHUNKED);
	check(req->body.kind != HTTP_BODY_LENGTH || req->body.length <= 1024 * 1024);
}

static void use_body(const struct http_request *req, const uint8_t *rest, size_t len)
{
	char field[256];
	size_t n;

	if (req->body.kind == HTTP_BODY_CHUNKED) {
		struct http_chunked dec;
		uint8_t *copy = malloc(len ? len : 1);
		size_t out_len, consumed;

		if (!copy)
			return;
		memcpy(copy, rest, len);
		http_chunked_init(&dec, req->limits.max_body);
		if (http_chunked_decode(&dec, &out_len, &consumed, copy, len) != PARSE_INVALID)
			check(out_len <= consumed && consumed <= len);
		free(copy);
	} else if (req->body.kind == HTTP_BODY_LENGTH && req->body.length <= len) {
		struct str_view body = { (const char *)rest, (size_t)req->body.length };

		if (http_url_form_find(field, sizeof(field), &n, body, "password") == 0)
			check(n < sizeof(field) && strlen(field) == n);
	}
}

static void use_head(const struct http_request *req)
{
	struct str_view v, path, query, group;
	struct http_url url;

	(void)http_headers_get(&req->headers, "Host", &v);
	(void)http_headers_has_token(&req->headers, "X-CSTP-Address-Type", "IPv4");
	(void)http_cookie_find(&req->headers, "webvpn", &v);
	http_url_split_target(req->target, &path, &query);
	check(path.len + query.len <= req->target.len);
	if (http_url_group(path, &group) == 0)
		check(group.len > 0 && !memchr(group.ptr, '/', group.len));
	if (http_headers_get(&req->headers, "Host", &v) == 0)
		(void)http_url_parse(&url, v);
}

/*
 * Two calls, first k bytes then all, each from an exact-size copy. A verdict
 * reached on the prefix must be the verdict on the whole; the views handed
 * back always point into *out_copy.
 */
static enum parse_result parse_split(struct http_request *req, size_t *consumed,
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
	http_request_init(req, NULL);
	r_first = http_request_parse(req, &c_first, first, k);
	if (r_first != PARSE_NEED_MORE)
		http_request_init(req, NULL);
	r = http_request_parse(req, consumed, all, size);
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
	static struct http_request whole, grown, split;
	size_t c_whole = 0, c_grown = 0, c_split = 0, step = 1 + size / 256;
	enum parse_result r_whole, r_grown = PARSE_NEED_MORE, r_split;
	uint8_t *copy;

	http_request_init(&whole, NULL);
	r_whole = http_request_parse(&whole, &c_whole, data, size);

	http_request_init(&grown, NULL);
	for (size_t n = 0; r_grown == PARSE_NEED_MORE; n += step) {
		size_t len = n < size ? n : size;

		r_grown = http_request_parse(&grown, &c_grown, data, len);
		if (len == size)
			break;
	}
	check(r_grown == r_whole && c_grown == c_whole);

	r_split = parse_split(&split, &c_split, data, size, size ? data[size - 1] % (size + 1) : 0,
			      &copy);
	if (!copy)
		return 0;
	check(r_split == r_whole && c_split == c_whole);
	if (r_whole == PARSE_DONE) {
		check_equal(&whole, (const char *)data, &grown, (const char *)data);
		check_equal(&whole, (const char *)data, &split, (const char *)copy);
		check_head(&split, (const char *)copy, c_split);
		use_head(&split);
		use_body(&split, copy + c_split, size - c_split);
	} else if (r_whole == PARSE_INVALID) {
		check(whole.error.reason != NULL && whole.error.status >= 400);
	}
	free(copy);
	return 0;
}
