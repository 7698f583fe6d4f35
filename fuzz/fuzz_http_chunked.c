/* SPDX-License-Identifier: ISC */
/*
 * The chunked decoder over arbitrary bytes. The first byte picks the body
 * bound and how the rest is cut into pieces; decoding the pieces one after
 * another, each from an exact-size copy, must give the same verdict, body
 * bytes and end position as decoding everything at once.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http/chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	enum parse_result r;
	size_t consumed;
	uint8_t *body;
	size_t body_len;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Decodes data[0..len) in pieces of `piece` bytes (0: all at once). */
static void decode(struct run *run, const uint8_t *data, size_t len, size_t piece,
		   uint64_t max)
{
	struct http_chunked dec;
	size_t pos = 0;

	run->r = PARSE_NEED_MORE;
	run->consumed = 0;
	run->body_len = 0;
	http_chunked_init(&dec, max);
	do {
		size_t n = piece && len - pos > piece ? piece : len - pos;
		uint8_t *copy = malloc(n ? n : 1);
		size_t out_len, consumed;

		if (!copy)
			abort();
		memcpy(copy, data + pos, n);
		run->r = http_chunked_decode(&dec, &out_len, &consumed, copy, n);
		check(out_len <= consumed && consumed <= n);
		if (run->r == PARSE_NEED_MORE)
			check(consumed == n);
		if (run->r == PARSE_DONE)
			check(memcmp(copy + consumed, data + pos + consumed, n - consumed) == 0);
		memcpy(run->body + run->body_len, copy, out_len);
		run->body_len += out_len;
		run->consumed += consumed;
		pos += n;
		free(copy);
	} while (run->r == PARSE_NEED_MORE && pos < len);
	check(run->body_len <= max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t bounds[] = { 0, 1, 16, 1024, 1024 * 1024, UINT64_MAX };
	struct run whole, cut;
	uint64_t max;
	size_t piece;

	if (size == 0)
		return 0;
	max = bounds[(data[0] >> 4) % 6];
	piece = 1 + (data[0] & 15);
	data++;
	size--;
	whole.body = malloc(size ? size : 1);
	cut.body = malloc(size ? size : 1);
	if (!whole.body || !cut.body)
		abort();
	decode(&whole, data, size, 0, max);
	decode(&cut, data, size, piece, max);
	check(whole.r == cut.r);
	if (whole.r != PARSE_INVALID) {
		check(whole.consumed == cut.consumed);
		check(whole.body_len == cut.body_len);
		check(memcmp(whole.body, cut.body, whole.body_len) == 0);
	}
	free(whole.body);
	free(cut.body);
	return 0;
}
