/* SPDX-License-Identifier: ISC */
#include "lib/base/hex.h"

#include "lib/base/err.h"

int hex_decode(uint8_t *out, size_t out_len, const char *text, size_t text_len)
{
	if (text_len != 2 * out_len)
		return VPN_ERR_INVALID;
	for (size_t i = 0; i < out_len; i++) {
		int hi = hex_digit_value((unsigned char)text[2 * i]);
		int lo = hex_digit_value((unsigned char)text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return VPN_ERR_INVALID;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
