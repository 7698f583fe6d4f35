/* SPDX-License-Identifier: ISC */
/*
 * SHA-crypt ("$5$" SHA-256, "$6$" SHA-512; Drepper, "Unix crypt using
 * SHA-256 and SHA-512") over the TLS library's digests, which use the
 * CPU's SHA instructions where libxcrypt's portable code does not. It
 * computes what crypt(3) computes for those two methods and nothing else:
 * any other setting is refused so the caller can hand it to crypt(3).
 *
 * The caller owns every buffer; nothing is kept between calls, and the
 * intermediate values derived from the password are wiped before return.
 */
#ifndef TLS_SHA_CRYPT_H
#define TLS_SHA_CRYPT_H

#include <stddef.h>

#define TLS_SHA_CRYPT_PASSWORD_MAX 256 /* bytes; the login message holds fewer */
#define TLS_SHA_CRYPT_SETTING_MAX 128  /* bytes; a stored "$6$rounds=N$salt$hash" is <= 124 */
#define TLS_SHA_CRYPT_OUT_MAX 124      /* the longest result and its NUL */
#define TLS_SHA_CRYPT_SALT_MAX 16      /* longer salts are cut here, as the spec says */
#define TLS_SHA_CRYPT_ROUNDS_DEFAULT 5000
#define TLS_SHA_CRYPT_ROUNDS_MIN 1000       /* "rounds=N" below is raised to this */
#define TLS_SHA_CRYPT_ROUNDS_MAX 999999999  /* and above is lowered to this */

/*
 * Hashes password[0..password_len) (any bytes) with setting, which is
 * "$5$" or "$6$", an optional "rounds=N$", a salt, and optionally "$"
 * followed by a previous result's hash part (so a stored hash can be
 * passed whole). Writes the NUL-terminated crypt(3) string to out.
 *
 * Stricter than crypt(3) on purpose: salt characters only from crypt's
 * alphabet [./0-9A-Za-z]; N written in decimal without leading zeros, not
 * 0, at most 10 digits (then clamped to ROUNDS_MIN..ROUNDS_MAX as the spec
 * says, where libxcrypt refuses); after the salt's "$" only alphabet
 * characters, no more than a hash holds.
 *
 * 0; VPN_ERR_UNSUPPORTED when setting is not a "$5$"/"$6$" one;
 * VPN_ERR_INVALID when it is but malformed; VPN_ERR_TOO_BIG when password
 * or setting is past its bound or out_len is too small; VPN_ERR_TLS when
 * the digest fails. On error out holds an empty string (if out_len > 0).
 */
int tls_sha_crypt(const char *password, size_t password_len, const char *setting, char *out,
		  size_t out_len);

#endif
