/* SPDX-License-Identifier: ISC */
/* Hexadecimal digits, as cookies, session ids, hashes and %-escapes use them. */
#ifndef BASE_HEX_H
#define BASE_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit of either case, or -1 for any other byte. */
static inline int hex_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes exactly 2 * out_len hex digits of text into out.
 * 0, or VPN_ERR_INVALID (wrong length or a non-digit); out is then unspecified.
 */
int hex_decode(uint8_t *out, size_t out_len, const char *text, size_t text_len);

#endif
