/* SPDX-License-Identifier: ISC */
/*
 * Test-only: the Internet checksum (RFC 1071) written the plain way, over
 * big-endian 16-bit words one at a time, for tests and test tools to check
 * lib/net's checksum (gso_csum.c: host-order 32-bit words into 64-bit sums)
 * and the packets it makes against something that shares none of its code.
 * Sums are unfolded 32-bit values: enough for a 64 KiB packet and its
 * pseudo header.
 * Header-only; every program that includes it gets its own static copies.
 */
#ifndef TESTS_INCLUDE_REF_CSUM_H
#define TESTS_INCLUDE_REF_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds len bytes to sum; an odd last byte counts as the high half of a word. */
static inline uint32_t ref_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Folds the carries back in: 0xffff over data that holds its own right checksum. */
static inline uint16_t ref_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The TCP/UDP pseudo-header sum (unfolded) of the IPv4 or IPv6 packet at
 * ip, for a transport length: addresses, protocol (IPv6: the next header
 * field, so no extension headers) and length.
 */
static inline uint32_t ref_csum_pseudo(const uint8_t *ip, size_t l4_len)
{
	if (ip[0] >> 4 == 6)
		return ref_csum_add(ip[6] + (uint32_t)l4_len, ip + 8, 32);
	return ref_csum_add(ip[9] + (uint32_t)l4_len, ip + 12, 8);
}

#endif
