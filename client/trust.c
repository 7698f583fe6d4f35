/* SPDX-License-Identifier: ISC */
/* Server certificate policy: --servercert pins, system trust, remembered acceptance. */
#include "client/trust.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* openconnect's shortest accepted abbreviation of a hex fingerprint. */
#define MIN_HEX_DIGITS 4
#define SHA256_LEN 32

static int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The SHA-256 inside our own "pin-sha256:" string, as lower-case hex. */
static bool pin_as_hex(const char *pin, char out[2 * SHA256_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	const char *b64 = pin + strlen("pin-sha256:");
	uint8_t bytes[SHA256_LEN + 2];
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (strncmp(pin, "pin-sha256:", 11) != 0)
		return false;
	for (; *b64 && *b64 != '='; b64++) {
		int v = base64_value(*b64);

		if (v < 0 || n == sizeof(bytes))
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (n != SHA256_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * n] = '\0';
	return true;
}

/* want is a case-insensitive prefix of have, at least MIN_HEX_DIGITS hex digits long. */
static bool hex_prefix_matches(const char *want, const char *have)
{
	size_t len = strlen(want);

	if (len < MIN_HEX_DIGITS || len > strlen(have))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)want[i]))
			return false;
	return strncasecmp(want, have, len) == 0;
}

bool trust_pin_is_supported(const char *pin)
{
	return strncasecmp(pin, "sha1:", 5) != 0;
}

bool trust_pin_matches(const struct tls_peer *peer, const char *pin)
{
	char hex[2 * SHA256_LEN + 1];

	if (strncmp(pin, "pin-sha256:", 11) == 0)
		return strcmp(pin, peer->pin) == 0;
	if (strncasecmp(pin, "sha256:", 7) == 0)
		return pin_as_hex(peer->pin, hex) && hex_prefix_matches(pin + 7, hex);
	if (!trust_pin_is_supported(pin))
		return false;
	return hex_prefix_matches(pin, peer->sha1);
}

enum trust_decision trust_check(const struct tls_peer *peer, const char *const *pins,
				size_t pin_count, bool is_remembered)
{
	if (pin_count > 0) {
		for (size_t i = 0; i < pin_count; i++)
			if (trust_pin_matches(peer, pins[i]))
				return TRUST_ACCEPT;
		return TRUST_REFUSE_PIN;
	}
	if (peer->is_trusted)
		return TRUST_ACCEPT;
	return is_remembered ? TRUST_ACCEPT_REMEMBERED : TRUST_ASK;
}
