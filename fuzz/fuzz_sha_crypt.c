/* SPDX-License-Identifier: ISC */
/*
 * tls_sha_crypt against libxcrypt on arbitrary passwords and settings.
 * Input: one byte giving the password's length, the password, then the
 * setting. Where both accept a setting the results must be equal; any
 * result of ours, given back to libxcrypt as the setting, must come back
 * unchanged (that covers the rounds libxcrypt refuses and we clamp).
 * Settings asking for more than 10000 rounds are skipped so each input
 * stays fast; that cap is the harness's, not the library's.
 */
#include <crypt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tls/sha_crypt.h"

#define ROUNDS_CAP 10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* true when some "rounds=N" asks for more than the cap (and N could be taken). */
static bool asks_many_rounds(const char *setting)
{
	for (const char *p = strstr(setting, "rounds="); p; p = strstr(p + 1, "rounds=")) {
		unsigned long n = 0;
		size_t digits = 0;

		for (const char *q = p + 7; *q >= '0' && *q <= '9'; q++, digits++)
			if (n <= ROUNDS_CAP)
				n = n * 10 + (unsigned long)(*q - '0');
		/* 11 digits or more: refused by both, cheap */
		if (n > ROUNDS_CAP && digits <= 10)
			return true;
	}
	return false;
}

static struct crypt_data cd;

static const char *libxcrypt(const char *password, const char *setting)
{
	const char *s = crypt_rn(password, setting, &cd, (int)sizeof(cd));

	return s && s[0] != '*' ? s : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char password[TLS_SHA_CRYPT_PASSWORD_MAX + 1];
	char setting[2 * TLS_SHA_CRYPT_SETTING_MAX];
	char out[TLS_SHA_CRYPT_OUT_MAX];
	size_t pw_len, set_len;
	const char *ref;

	if (size < 1)
		return 0;
	pw_len = data[0] < size - 1 ? data[0] : size - 1;
	memcpy(password, data + 1, pw_len);
	password[pw_len] = '\0';
	pw_len = strlen(password); /* libxcrypt sees a C string */
	set_len = size - 1 - (data[0] < size - 1 ? data[0] : size - 1);
	if (set_len >= sizeof(setting))
		set_len = sizeof(setting) - 1;
	memcpy(setting, data + size - set_len, set_len);
	setting[set_len] = '\0';
	if (asks_many_rounds(setting))
		return 0;
	if (tls_sha_crypt(password, pw_len, setting, out, sizeof(out)) != 0) {
		if (out[0] != '\0')
			abort();
		return 0;
	}
	if (strlen(out) >= sizeof(out) || (strncmp(out, "$5$", 3) && strncmp(out, "$6$", 3)))
		abort();
	ref = libxcrypt(password, setting);
	if (ref && strcmp(ref, out) != 0)
		abort();
	ref = libxcrypt(password, out);
	if (!ref || strcmp(ref, out) != 0)
		abort();
	return 0;
}
