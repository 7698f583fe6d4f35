/* SPDX-License-Identifier: ISC */
/*
 * tls_sha_crypt against the published vectors of "Unix crypt using SHA-256
 * and SHA-512" and against libxcrypt's crypt_rn on random inputs; refusals
 * of malformed settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/tls/sha_crypt.h"

struct vector {
	const char *setting;
	const char *password;
	const char *want;
};

/* The spec's own test vectors (its last one shows the lower rounds clamp). */
static const struct vector spec_vectors[] = {
	{"$5$saltstring", "Hello world!",
	 "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
	{"$5$rounds=10000$saltstringsaltstring", "Hello world!",
	 "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"},
	{"$5$rounds=5000$toolongsaltstring", "This is just a test",
	 "$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5"},
	{"$5$rounds=1400$anotherlongsaltstring",
	 "a very much longer text to encrypt.  This one even stretches over morethan one line.",
	 "$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1"},
	{"$5$rounds=77777$short", "we have a short salt string but not a short password",
	 "$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/"},
	{"$5$rounds=123456$asaltof16chars..", "a short string",
	 "$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD"},
	{"$5$rounds=10$roundstoolow", "the minimum number is still observed",
	 "$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC"},
	{"$6$saltstring", "Hello world!",
	 "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJu"
	 "esI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
	{"$6$rounds=10000$saltstringsaltstring", "Hello world!",
	 "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sb"
	 "HbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
	{"$6$rounds=5000$toolongsaltstring", "This is just a test",
	 "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQ"
	 "zQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0"},
	{"$6$rounds=1400$anotherlongsaltstring",
	 "a very much longer text to encrypt.  This one even stretches over morethan one line.",
	 "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wP"
	 "vMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1"},
	{"$6$rounds=77777$short", "we have a short salt string but not a short password",
	 "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0g"
	 "ge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0"},
	{"$6$rounds=123456$asaltof16chars..", "a short string",
	 "$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwc"
	 "elCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1"},
	{"$6$rounds=10$roundstoolow", "the minimum number is still observed",
	 "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1x"
	 "hLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX."},
};

/* Written by Debian 12's ocpasswd 1.1.6 for "correct-horse". */
#define OCPASSWD_HASH "$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1"

static const char alphabet[] =
	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Ours over guarded copies of both inputs, so an overread crashes. */
static int ours(const char *password, size_t password_len, const char *setting, char *out,
		size_t out_len)
{
	struct guarded gp, gs;
	int r;

	assert_int_equal(guarded_init(&gp, password, password_len), 0);
	assert_int_equal(guarded_init(&gs, setting, strlen(setting) + 1), 0);
	r = tls_sha_crypt((const char *)gp.data, password_len, (const char *)gs.data, out,
			  out_len);
	guarded_cleanup(&gs);
	guarded_cleanup(&gp);
	return r;
}

/* libxcrypt's answer, or NULL when it refuses the setting. */
static const char *theirs(const char *password, const char *setting, struct crypt_data *cd)
{
	const char *s = crypt_rn(password, setting, cd, (int)sizeof(*cd));

	return s && s[0] != '*' ? s : NULL;
}

static void matches_spec_vectors(void **state)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char out[TLS_SHA_CRYPT_OUT_MAX];

	(void)state;
	assert_non_null(cd);
	for (size_t i = 0; i < sizeof(spec_vectors) / sizeof(spec_vectors[0]); i++) {
		const struct vector *v = &spec_vectors[i];
		const char *ref;

		assert_int_equal(ours(v->password, strlen(v->password), v->setting, out,
				      sizeof(out)), 0);
		assert_string_equal(out, v->want);
		/* the result is itself a setting that gives the same result */
		assert_int_equal(ours(v->password, strlen(v->password), v->want, out,
				      sizeof(out)), 0);
		assert_string_equal(out, v->want);
		/* libxcrypt refuses "rounds=10" where the spec clamps: skip that one */
		ref = theirs(v->password, v->setting, cd);
		if (ref)
			assert_string_equal(ref, v->want);
	}
	assert_int_equal(ours("correct-horse", 13, OCPASSWD_HASH, out, sizeof(out)), 0);
	assert_string_equal(out, OCPASSWD_HASH);
	assert_int_equal(ours("correct-horsf", 13, OCPASSWD_HASH, out, sizeof(out)), 0);
	assert_string_not_equal(out, OCPASSWD_HASH);
	free(cd);
}

/* xorshift64: fixed seed, so a failing case comes back on the next run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * A random setting; *out_clamped gets the one libxcrypt should see (it
 * refuses out-of-range rounds where the spec clamps them).
 */
static void random_setting(uint64_t *rng, char *out, char *out_clamped, size_t cap)
{
	char salt[21];
	size_t salt_len = next_random(rng) % 21; /* beyond 16: cut, as the spec says */
	char id = next_random(rng) & 1 ? '5' : '6';
	unsigned kind = (unsigned)(next_random(rng) % 20);
	unsigned long rounds = 1000 + next_random(rng) % 1500;

	for (size_t i = 0; i < salt_len; i++)
		salt[i] = alphabet[next_random(rng) % 64];
	salt[salt_len] = '\0';
	if (kind == 0) { /* no rounds: the default 5000 */
		snprintf(out, cap, "$%c$%s", id, salt);
		snprintf(out_clamped, cap, "%s", out);
		return;
	}
	if (kind <= 3) /* below the minimum */
		rounds = 1 + next_random(rng) % 999;
	else if (kind == 4)
		rounds = 1000;
	snprintf(out, cap, "$%c$rounds=%lu$%s%s", id, rounds, salt, kind & 1 ? "$" : "");
	snprintf(out_clamped, cap, "$%c$rounds=%lu$%s%s", id, rounds < 1000 ? 1000 : rounds, salt,
		 kind & 1 ? "$" : "");
}

static void random_password(uint64_t *rng, char *out, size_t *out_len)
{
	size_t len = next_random(rng) % (TLS_SHA_CRYPT_PASSWORD_MAX + 1);

	/* any byte but NUL, which would end crypt_rn's string */
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(1 + next_random(rng) % 255);
	out[len] = '\0';
	*out_len = len;
}

static void matches_libxcrypt_on_random_inputs(void **state)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	uint64_t rng = 0x5eed5a17c0ffee01u;
	char password[TLS_SHA_CRYPT_PASSWORD_MAX + 1];
	char setting[64], clamped[64], out[TLS_SHA_CRYPT_OUT_MAX];

	(void)state;
	assert_non_null(cd);
	for (int i = 0; i < 2000; i++) {
		size_t len;
		const char *ref;

		random_password(&rng, password, &len);
		random_setting(&rng, setting, clamped, sizeof(setting));
		ref = theirs(password, clamped, cd);
		if (!ref)
			fail_msg("libxcrypt refused case %d: %s", i, clamped);
		if (ours(password, len, setting, out, sizeof(out)) != 0 || strcmp(out, ref) != 0)
			fail_msg("case %d: %s (password %zu bytes): ours %s, libxcrypt %s", i,
				 setting, len, out, ref);
		/* a stored hash, passed whole as the setting, reproduces itself */
		if (i % 10 == 0) {
			assert_int_equal(ours(password, len, ref, out, sizeof(out)), 0);
			assert_string_equal(out, ref);
		}
	}
	free(cd);
}

/* Every prefix of a setting is accepted or refused cleanly, never overread. */
static void every_prefix_is_clean(void **state)
{
	static const char full[] = "$6$rounds=1000$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIX"
				   "bkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0";
	char prefix[sizeof(full)], out[TLS_SHA_CRYPT_OUT_MAX];

	(void)state;
	for (size_t k = 0; k < sizeof(full); k++) {
		int r;

		memcpy(prefix, full, k);
		prefix[k] = '\0';
		r = ours("pw", 2, prefix, out, sizeof(out));
		if (k < 3)
			assert_int_equal(r, VPN_ERR_UNSUPPORTED);
		else if (k >= 10 && k <= 14) /* "rounds=" up to its missing '$' */
			assert_int_equal(r, VPN_ERR_INVALID);
		else /* "$6$", "$6$r" ... are salts; after "rounds=1000$" all of it parses */
			assert_int_equal(r, 0);
		if (r == 0)
			assert_true(strncmp(out, "$6$", 3) == 0);
		else
			assert_string_equal(out, "");
	}
}

static void expect_refused(const char *password, size_t password_len, const char *setting,
			   int want)
{
	char out[TLS_SHA_CRYPT_OUT_MAX];

	memset(out, 'x', sizeof(out));
	if (ours(password, password_len, setting, out, sizeof(out)) != want)
		fail_msg("setting \"%.40s\": not refused with %d", setting, want);
	assert_string_equal(out, "");
}

static void refuses_malformed_settings(void **state)
{
	char huge[TLS_SHA_CRYPT_SETTING_MAX + 2];
	char *big_pw = calloc(1, TLS_SHA_CRYPT_PASSWORD_MAX + 1);

	(void)state;
	assert_non_null(big_pw);
	expect_refused("pw", 2, "", VPN_ERR_UNSUPPORTED);
	expect_refused("pw", 2, "saltstring", VPN_ERR_UNSUPPORTED);       /* no '$' */
	expect_refused("pw", 2, "$1$saltstri$", VPN_ERR_UNSUPPORTED);     /* MD5-crypt */
	expect_refused("pw", 2, "$y$j9T$abc$", VPN_ERR_UNSUPPORTED);      /* yescrypt */
	expect_refused("pw", 2, "$5", VPN_ERR_UNSUPPORTED);
	expect_refused("pw", 2, "$55$abc", VPN_ERR_UNSUPPORTED);
	expect_refused("pw", 2, "$5$ab:cd", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$ab cd", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$ab\ncd", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$ab$cd$ef", VPN_ERR_INVALID);          /* '$' after the salt's */
	expect_refused("pw", 2, "$5$ab$cd:", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$ab$0123456789012345678901234567890123456789abcd",
		       VPN_ERR_INVALID);                                    /* 44 > 43 characters */
	expect_refused("pw", 2, "$5$rounds=0$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$rounds=01000$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$rounds=$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$rounds=-1000$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$rounds=+1000$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$rounds=1000", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$5$rounds=1000x$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$6$rounds=12345678901$ab", VPN_ERR_INVALID);
	expect_refused("pw", 2, "$6$rounds=18446744073709551617$ab", VPN_ERR_INVALID);
	memset(huge, 'a', sizeof(huge) - 1);
	memcpy(huge, "$5$", 3);
	huge[sizeof(huge) - 1] = '\0';
	expect_refused("pw", 2, huge, VPN_ERR_TOO_BIG);
	memset(big_pw, 'p', TLS_SHA_CRYPT_PASSWORD_MAX + 1);
	expect_refused(big_pw, TLS_SHA_CRYPT_PASSWORD_MAX + 1, "$5$ab", VPN_ERR_TOO_BIG);
	free(big_pw);
}

static void refuses_short_output(void **state)
{
	char out[TLS_SHA_CRYPT_OUT_MAX];
	const struct vector *v = &spec_vectors[0];
	size_t need = strlen(v->want) + 1;

	(void)state;
	assert_int_equal(tls_sha_crypt(v->password, strlen(v->password), v->setting, out,
				       need - 1), VPN_ERR_TOO_BIG);
	assert_string_equal(out, "");
	assert_int_equal(tls_sha_crypt(v->password, strlen(v->password), v->setting, out, need),
			 0);
	assert_string_equal(out, v->want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matches_spec_vectors),
		cmocka_unit_test(every_prefix_is_clean),
		cmocka_unit_test(refuses_malformed_settings),
		cmocka_unit_test(refuses_short_output),
		cmocka_unit_test(matches_libxcrypt_on_random_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
