/* SPDX-License-Identifier: ISC */
/*
 * Chunked bodies decoded whole, a byte at a time and split at every point,
 * each piece in a guarded buffer; bounds and malformed framing refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/http/chunked.h"
#include "tests/vectors/vectors.h"

#define S(x) x, sizeof(x) - 1

/* The example from Wikipedia's "Chunked transfer encoding" article. */
static const char WIKI[] = "4\r\nWiki\r\n7\r\npedia i\r\nB\r\nn \r\nchunks.\r\n0\r\n\r\n";
static const char WIKI_BODY[] = "Wikipedia in \r\nchunks.";

struct result {
	enum parse_result r;
	size_t consumed;     /* over all calls */
	char body[4096];
	size_t body_len;
};

/* One decode call over a guarded copy of in[0..len); appends to res. */
static void step(struct http_chunked *dec, struct result *res, const char *in,
		 size_t len)
{
	struct guarded g;
	size_t out_len, consumed;

	assert_int_equal(guarded_init(&g, in, len), 0);
	res->r = http_chunked_decode(dec, &out_len, &consumed, g.data, len);
	assert_true(out_len <= consumed && consumed <= len);
	assert_true(res->body_len + out_len <= sizeof(res->body));
	memcpy(res->body + res->body_len, g.data, out_len);
	res->body_len += out_len;
	res->consumed += consumed;
	if (res->r == PARSE_NEED_MORE)
		assert_int_equal(consumed, len);
	/* What follows the body is left as it came. */
	if (res->r == PARSE_DONE)
		assert_memory_equal(g.data + consumed, in + consumed, len - consumed);
	guarded_cleanup(&g);
}

static void decode_whole(struct result *res, const char *in, size_t len, uint64_t max)
{
	struct http_chunked dec;

	memset(res, 0, sizeof(*res));
	http_chunked_init(&dec, max);
	step(&dec, res, in, len);
}

static void decode_bytes(struct result *res, const char *in, size_t len, uint64_t max)
{
	struct http_chunked dec;

	memset(res, 0, sizeof(*res));
	res->r = PARSE_NEED_MORE;
	http_chunked_init(&dec, max);
	for (size_t i = 0; i < len && res->r == PARSE_NEED_MORE; i++)
		step(&dec, res, in + i, 1);
}

static void decode_split(struct result *res, const char *in, size_t len,
			 uint64_t max, size_t k)
{
	struct http_chunked dec;

	memset(res, 0, sizeof(*res));
	http_chunked_init(&dec, max);
	step(&dec, res, in, k);
	if (res->r == PARSE_NEED_MORE)
		step(&dec, res, in + k, len - k);
}

static void assert_result(const struct result *res, const char *body,
			  size_t body_len, size_t consumed)
{
	assert_int_equal(res->r, PARSE_DONE);
	assert_int_equal(res->consumed, consumed);
	assert_int_equal(res->body_len, body_len);
	assert_memory_equal(res->body, body, body_len);
}

/* Every way of feeding in must give body and stop at consumed. */
static void expect_body(const char *in, size_t len, const char *body,
			size_t body_len, size_t consumed)
{
	static struct result res;

	decode_whole(&res, in, len, 1 << 20);
	assert_result(&res, body, body_len, consumed);
	decode_bytes(&res, in, len, 1 << 20);
	assert_result(&res, body, body_len, consumed);
	for (size_t k = 0; k <= len; k++) {
		decode_split(&res, in, len, 1 << 20, k);
		assert_result(&res, body, body_len, consumed);
	}
}

static void expect_invalid(const char *in, size_t len, uint64_t max)
{
	static struct result res;

	decode_whole(&res, in, len, max);
	assert_int_equal(res.r, PARSE_INVALID);
	decode_bytes(&res, in, len, max);
	assert_int_equal(res.r, PARSE_INVALID);
}

static void wikipedia_example(void **state)
{
	(void)state;
	expect_body(S(WIKI), S(WIKI_BODY), sizeof(WIKI) - 1);
}

/* ocserv's real auth-request body, cut into chunks of n bytes. */
static size_t chunk_body(char *out, size_t cap, const char *body, size_t n)
{
	size_t len = 0, left = strlen(body);

	while (left) {
		size_t c = left < n ? left : n;

		len += (size_t)snprintf(out + len, cap - len, "%zx\r\n", c);
		memcpy(out + len, body, c);
		len += c;
		len += (size_t)snprintf(out + len, cap - len, "\r\n");
		body += c;
		left -= c;
	}
	len += (size_t)snprintf(out + len, cap - len, "0\r\n\r\n");
	assert_true(len < cap);
	return len;
}

static void ocserv_body_rechunked(void **state)
{
	static char in[4096];
	size_t sizes[] = { 1, 7, 16, 255, 256, 496, 1000 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t len = chunk_body(in, sizeof(in), V02_BODY, sizes[i]);

		expect_body(in, len, V02_BODY, strlen(V02_BODY), len);
	}
}

static void extensions_trailers_and_next(void **state)
{
	static const char ext[] = "5;name=\"v a\"\r\nhello\r\n0;last\r\nX-Trailer: v\r\nY:\r\n\r\n";
	static const char bws[] = "5 \t;a\r\nhello\r\n0\r\n\r\n";
	static const char zeros[] = "0005\r\nhello\r\n000\r\n\r\n";
	static const char hex[] = "a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n";
	static const char next[] = "5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n";

	(void)state;
	expect_body(S(ext), S("hello"), sizeof(ext) - 1);
	expect_body(S(bws), S("hello"), sizeof(bws) - 1);
	expect_body(S(zeros), S("hello"), sizeof(zeros) - 1);
	expect_body(S(hex), S("01234567890123456789"), sizeof(hex) - 1);
	/* The next message after the body is left for its own parser. */
	expect_body(S(next), S("hello"), strlen("5\r\nhello\r\n0\r\n\r\n"));
	expect_body(S("0\r\n\r\n"), "", 0, 5);
}

static void malformed(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} bad[] = {
		{ S("5\nhello\r\n0\r\n\r\n") },
		{ S("5\r\nhello\n0\r\n\r\n") },
		{ S("5\r\nhelloX\r\n0\r\n\r\n") },
		{ S("5\r\nhello\r\r\n0\r\n\r\n") },
		{ S("x\r\n") },
		{ S("\r\n") },
		{ S("-5\r\nhello\r\n") },
		{ S("+5\r\nhello\r\n") },
		{ S("0x5\r\nhello\r\n") },
		{ S(" 5\r\nhello\r\n") },
		{ S("5 \r\nhello\r\n") },
		{ S("5 5\r\nhello\r\n") },
		{ S("5;a\nb\r\nhello\r\n") },
		{ S("5;a\0b\r\nhello\r\n") },
		{ S("00000000000000001\r\nh\r\n0\r\n\r\n") },
		{ S("ffffffffffffffff\r\n") },
		{ S("0\r\n X: folded\r\n\r\n") },
		{ S("0\r\nX\r\n\r\n") },
		{ S("0\r\n: v\r\n\r\n") },
		{ S("0\r\nX: a\0\r\n\r\n") },
		{ S("0\r\nX: a\n\r\n") },
		{ S("0\r\n\rx") },
		{ S("0\r\n\n") },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("shape %zu\n", i);
		expect_invalid(bad[i].text, bad[i].len, 1 << 20);
	}
}

static void bounds(void **state)
{
	static char in[HTTP_CHUNKED_TRAILER_MAX + 64];
	static struct result res;
	size_t n;

	(void)state;
	decode_whole(&res, S("5\r\nhello\r\n0\r\n\r\n"), 5);
	assert_int_equal(res.r, PARSE_DONE);
	expect_invalid(S("5\r\nhello\r\n0\r\n\r\n"), 4);
	/* The bound is on the sum of chunks, not on each. */
	expect_invalid(S("3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n"), 5);
	expect_invalid(S("ffffffffffffffff\r\n"), UINT64_MAX - 1);
	decode_whole(&res, S("ffffffffffffffff\r\n"), UINT64_MAX);
	assert_int_equal(res.r, PARSE_NEED_MORE);

	/* A size line with extensions up to HTTP_CHUNKED_LINE_MAX, CRLF in. */
	n = (size_t)snprintf(in, sizeof(in), "1;");
	memset(in + n, 'e', HTTP_CHUNKED_LINE_MAX - n - 2);
	n = HTTP_CHUNKED_LINE_MAX - 2;
	n += (size_t)snprintf(in + n, sizeof(in) - n, "\r\nx\r\n0\r\n\r\n");
	decode_whole(&res, in, n, 1 << 20);
	assert_int_equal(res.r, PARSE_DONE);
	memmove(in + 1, in, n++);
	expect_invalid(in, n, 1 << 20);

	/* Trailers up to HTTP_CHUNKED_TRAILER_MAX bytes, final CRLF in. */
	n = (size_t)snprintf(in, sizeof(in), "0\r\nX:");
	memset(in + n, 'v', HTTP_CHUNKED_TRAILER_MAX - 6);
	n += HTTP_CHUNKED_TRAILER_MAX - 6;
	n += (size_t)snprintf(in + n, sizeof(in) - n, "\r\n\r\n");
	decode_whole(&res, in, n, 1 << 20);
	assert_int_equal(res.r, PARSE_DONE);
	memmove(in + 6, in + 5, n - 5);
	n++;
	expect_invalid(in, n, 1 << 20);
}

static void sticky_end_states(void **state)
{
	struct http_chunked dec;
	char buf[16];
	size_t out_len, consumed;

	(void)state;
	http_chunked_init(&dec, 100);
	memcpy(buf, "0\r\n\r\n", 5);
	assert_int_equal(http_chunked_decode(&dec, &out_len, &consumed, buf, 5), PARSE_DONE);
	memcpy(buf, "1\r\nx\r\n", 6);
	assert_int_equal(http_chunked_decode(&dec, &out_len, &consumed, buf, 6), PARSE_DONE);
	assert_int_equal(consumed, 0);
	assert_int_equal(out_len, 0);

	http_chunked_init(&dec, 100);
	memcpy(buf, "z", 1);
	assert_int_equal(http_chunked_decode(&dec, &out_len, &consumed, buf, 1), PARSE_INVALID);
	memcpy(buf, "0\r\n\r\n", 5);
	assert_int_equal(http_chunked_decode(&dec, &out_len, &consumed, buf, 5), PARSE_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wikipedia_example),
		cmocka_unit_test(ocserv_body_rechunked),
		cmocka_unit_test(extensions_trailers_and_next),
		cmocka_unit_test(malformed),
		cmocka_unit_test(bounds),
		cmocka_unit_test(sticky_end_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
