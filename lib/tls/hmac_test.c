/* SPDX-License-Identifier: ISC */
/* tls_hmac_sha256 against the HMAC-SHA-256 results of RFC 4231, section 4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/tls/hmac.h"

static void unhex(uint8_t *out, const char *hex)
{
	for (size_t i = 0; hex[2 * i]; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void check(const uint8_t *key, size_t key_len, const char *data, const char *want_hex)
{
	uint8_t got[TLS_HMAC_SHA256_LEN], want[TLS_HMAC_SHA256_LEN];

	unhex(want, want_hex);
	assert_int_equal(tls_hmac_sha256(got, key, key_len, data, strlen(data)), 0);
	assert_memory_equal(got, want, sizeof(want));
}

/* Test case 1: a 20-byte key of 0x0b. */
static void rfc4231_case1(void **state)
{
	uint8_t key[20];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	check(key, sizeof(key), "Hi There",
	      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

/* Test case 2: a key shorter than the output. */
static void rfc4231_case2(void **state)
{
	(void)state;
	check((const uint8_t *)"Jefe", 4, "what do ya want for nothing?",
	      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* Test case 6: a 131-byte key, longer than SHA-256's block, is hashed first. */
static void rfc4231_case6(void **state)
{
	uint8_t key[131];

	(void)state;
	memset(key, 0xaa, sizeof(key));
	check(key, sizeof(key), "Test Using Larger Than Block-Size Key - Hash Key First",
	      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* One key byte more changes everything (the key length is part of the MAC). */
static void key_length_matters(void **state)
{
	uint8_t key[21], a[TLS_HMAC_SHA256_LEN], b[TLS_HMAC_SHA256_LEN];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(tls_hmac_sha256(a, key, 20, "Hi There", 8), 0);
	assert_int_equal(tls_hmac_sha256(b, key, 21, "Hi There", 8), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4231_case1),
		cmocka_unit_test(rfc4231_case2),
		cmocka_unit_test(rfc4231_case6),
		cmocka_unit_test(key_length_matters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
