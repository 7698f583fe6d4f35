/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/tls/digest.h"

/* FIPS 180 example values. */
static void sha1_of_known_inputs(void **state)
{
	char hex[TLS_DIGEST_SHA1_HEX_LEN];

	(void)state;
	assert_int_equal(tls_digest_sha1_hex("abc", 3, hex), 0);
	assert_string_equal(hex, "A9993E364706816ABA3E25717850C26C9CD0D89D");
	assert_int_equal(tls_digest_sha1_hex("", 0, hex), 0);
	assert_string_equal(hex, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha1_of_known_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
