/* SPDX-License-Identifier: ISC */
/*
 * The Internet checksum over whole words: the splitter and the coalescer
 * run it over every byte that crosses the tunnel, so it adds 32-bit words
 * into a 64-bit accumulator (no carry handling until the fold) instead of
 * going byte by byte.
 */
#include <string.h>

#include "lib/net/offload.h"

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint64_t net_gso_csum_add(uint64_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t a = 0, b = 0, c = 0, d = 0;

	/* 65535 bytes of 32-bit words cannot overflow four 64-bit sums. */
	for (; len >= 16; p += 16, len -= 16) {
		a += load32(p);
		b += load32(p + 4);
		c += load32(p + 8);
		d += load32(p + 12);
	}
	for (; len >= 4; p += 4, len -= 4)
		a += load32(p);
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		b += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high half of a big-endian word: pad after it. */
		uint8_t last[2] = { p[0], 0 };
		uint16_t w;

		memcpy(&w, last, 2);
		c += w;
	}
	sum += (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
	sum += (c & 0xffffffffu) + (c >> 32) + (d & 0xffffffffu) + (d >> 32);
	return sum;
}

uint16_t net_gso_csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
