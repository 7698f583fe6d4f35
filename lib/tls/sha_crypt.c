/* SPDX-License-Identifier: ISC */
/*
 * SHA-crypt on GnuTLS's digests. The cost is the rounds loop (5000 digests
 * by default), so each round's input is laid out in one stack buffer and
 * hashed with one call, without allocating; the few digests before the loop
 * may be long (the password repeated once per byte of itself) and are fed
 * to one streaming context instead.
 */
#include "lib/tls/sha_crypt.h"

#include <gnutls/crypto.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

#define DIGEST_MAX 64
#define NONE 0xff /* a zero byte in an output group */

/* Three digest bytes (most significant first) give `chars` characters. */
struct group {
	uint8_t byte[3];
	uint8_t chars;
};

/* The spec's fixed order of digest bytes in the output text. */
static const struct group order_256[] = {
	{{0, 10, 20}, 4}, {{21, 1, 11}, 4}, {{12, 22, 2}, 4}, {{3, 13, 23}, 4},
	{{24, 4, 14}, 4}, {{15, 25, 5}, 4}, {{6, 16, 26}, 4}, {{27, 7, 17}, 4},
	{{18, 28, 8}, 4}, {{9, 19, 29}, 4}, {{NONE, 31, 30}, 3},
};

static const struct group order_512[] = {
	{{0, 21, 42}, 4}, {{22, 43, 1}, 4}, {{44, 2, 23}, 4}, {{3, 24, 45}, 4},
	{{25, 46, 4}, 4}, {{47, 5, 26}, 4}, {{6, 27, 48}, 4}, {{28, 49, 7}, 4},
	{{50, 8, 29}, 4}, {{9, 30, 51}, 4}, {{31, 52, 10}, 4}, {{53, 11, 32}, 4},
	{{12, 33, 54}, 4}, {{34, 55, 13}, 4}, {{56, 14, 35}, 4}, {{15, 36, 57}, 4},
	{{37, 58, 16}, 4}, {{59, 17, 38}, 4}, {{18, 39, 60}, 4}, {{40, 61, 19}, 4},
	{{62, 20, 41}, 4}, {{NONE, NONE, 63}, 2},
};

struct method {
	char id;                      /* the digit between the first two '$' */
	gnutls_digest_algorithm_t alg;
	size_t len;                   /* digest bytes */
	const struct group *order;
	size_t n_groups;
	size_t hash_chars;            /* characters of the encoded digest */
};

static const struct method methods[] = {
	{'5', GNUTLS_DIG_SHA256, 32, order_256, sizeof(order_256) / sizeof(order_256[0]), 43},
	{'6', GNUTLS_DIG_SHA512, 64, order_512, sizeof(order_512) / sizeof(order_512[0]), 86},
};

static const char alphabet[] =
	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* What the setting says; salt borrows from it. */
struct setting {
	const struct method *m;
	unsigned long rounds;
	bool is_rounds_given;         /* then the result repeats "rounds=N$" */
	const char *salt;
	size_t salt_len;              /* already cut to TLS_SHA_CRYPT_SALT_MAX */
};

/* Everything derived from the password, so one wipe covers it. */
struct work {
	unsigned char c[DIGEST_MAX];  /* digest A, then each round's digest */
	unsigned char b[DIGEST_MAX];  /* digest B; then DP, then DS */
	unsigned char p[TLS_SHA_CRYPT_PASSWORD_MAX]; /* the P sequence */
	unsigned char s[TLS_SHA_CRYPT_SALT_MAX];     /* the S sequence */
	unsigned char round[2 * TLS_SHA_CRYPT_PASSWORD_MAX + TLS_SHA_CRYPT_SALT_MAX + DIGEST_MAX];
};

static bool is_alphabet(char c)
{
	return c != '\0' && strchr(alphabet, c) != NULL;
}

static const struct method *find_method(const char *setting)
{
	if (setting[0] != '$' || setting[1] == '\0' || setting[2] != '$')
		return NULL;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].id == setting[1])
			return &methods[i];
	return NULL;
}

/* "rounds=N$" at *p: N without leading zeros, at most 10 digits, clamped. */
static int parse_rounds(const char **p, struct setting *out)
{
	static const char prefix[] = "rounds=";
	const char *q = *p + sizeof(prefix) - 1;
	unsigned long n = 0;
	size_t digits = 0;

	if (strncmp(*p, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	if (*q < '1' || *q > '9')
		return VPN_ERR_INVALID;
	while (*q >= '0' && *q <= '9') {
		if (++digits > 10)
			return VPN_ERR_INVALID;
		n = n * 10 + (unsigned long)(*q++ - '0');
	}
	if (*q != '$')
		return VPN_ERR_INVALID;
	if (n < TLS_SHA_CRYPT_ROUNDS_MIN)
		n = TLS_SHA_CRYPT_ROUNDS_MIN;
	if (n > TLS_SHA_CRYPT_ROUNDS_MAX)
		n = TLS_SHA_CRYPT_ROUNDS_MAX;
	out->rounds = n;
	out->is_rounds_given = true;
	*p = q + 1;
	return 0;
}

/* The salt, then nothing, "$", or "$" and at most one encoded digest. */
static int parse_salt(const char *p, struct setting *out)
{
	size_t len = 0, tail = 0;

	while (is_alphabet(p[len]))
		len++;
	out->salt = p;
	out->salt_len = len < TLS_SHA_CRYPT_SALT_MAX ? len : TLS_SHA_CRYPT_SALT_MAX;
	p += len;
	if (*p == '\0')
		return 0;
	if (*p != '$')
		return VPN_ERR_INVALID;
	p++;
	while (is_alphabet(p[tail]))
		tail++;
	if (p[tail] != '\0' || tail > out->m->hash_chars)
		return VPN_ERR_INVALID;
	return 0;
}

static int parse_setting(const char *setting, struct setting *out)
{
	const char *p;
	int r;

	memset(out, 0, sizeof(*out));
	out->m = find_method(setting);
	if (!out->m)
		return VPN_ERR_UNSUPPORTED;
	if (strnlen(setting, TLS_SHA_CRYPT_SETTING_MAX + 1) > TLS_SHA_CRYPT_SETTING_MAX)
		return VPN_ERR_TOO_BIG;
	out->rounds = TLS_SHA_CRYPT_ROUNDS_DEFAULT;
	p = setting + 3;
	r = parse_rounds(&p, out);
	if (r < 0)
		return r;
	return parse_salt(p, out);
}

/* Feeds `from` to h in digest-sized pieces until len bytes went in. */
static int add_repeated(gnutls_hash_hd_t h, const unsigned char *from, size_t from_len,
			size_t len)
{
	int r = 0;

	for (; len >= from_len; len -= from_len)
		r |= gnutls_hash(h, from, from_len);
	return r | gnutls_hash(h, from, len);
}

/* Digest B = H(password salt password), then A into w->c. */
static int digest_a(gnutls_hash_hd_t h, const struct setting *st, const unsigned char *pw,
		    size_t pw_len, struct work *w)
{
	size_t n = st->m->len;
	int r;

	memcpy(w->round, pw, pw_len);
	memcpy(w->round + pw_len, st->salt, st->salt_len);
	memcpy(w->round + pw_len + st->salt_len, pw, pw_len);
	if (gnutls_hash_fast(st->m->alg, w->round, 2 * pw_len + st->salt_len, w->b) != 0)
		return VPN_ERR_TLS;
	r = gnutls_hash(h, pw, pw_len);
	r |= gnutls_hash(h, st->salt, st->salt_len);
	r |= add_repeated(h, w->b, n, pw_len);
	/* the bits of the length, lowest first, up to its highest one */
	for (size_t bits = pw_len; bits; bits >>= 1)
		r |= (bits & 1) ? gnutls_hash(h, w->b, n) : gnutls_hash(h, pw, pw_len);
	gnutls_hash_output(h, w->c);
	return r ? VPN_ERR_TLS : 0;
}

/* The P and S sequences: DP and DS cut or repeated to the input lengths. */
static int sequences(gnutls_hash_hd_t h, const struct setting *st, const unsigned char *pw,
		     size_t pw_len, struct work *w)
{
	size_t n = st->m->len;
	int r = 0;

	for (size_t i = 0; i < pw_len; i++)
		r |= gnutls_hash(h, pw, pw_len);
	gnutls_hash_output(h, w->b);
	for (size_t off = 0; off < pw_len; off += n)
		memcpy(w->p + off, w->b, pw_len - off < n ? pw_len - off : n);
	for (unsigned i = 0; i < 16u + w->c[0]; i++)
		r |= gnutls_hash(h, st->salt, st->salt_len);
	gnutls_hash_output(h, w->b);
	memcpy(w->s, w->b, st->salt_len);
	return r ? VPN_ERR_TLS : 0;
}

static int run_rounds(const struct setting *st, size_t pw_len, struct work *w)
{
	size_t n = st->m->len, sl = st->salt_len;

	for (unsigned long i = 0; i < st->rounds; i++) {
		unsigned char *q = w->round;
		bool is_odd = i & 1;

		memcpy(q, is_odd ? w->p : w->c, is_odd ? pw_len : n);
		q += is_odd ? pw_len : n;
		if (i % 3) {
			memcpy(q, w->s, sl);
			q += sl;
		}
		if (i % 7) {
			memcpy(q, w->p, pw_len);
			q += pw_len;
		}
		memcpy(q, is_odd ? w->c : w->p, is_odd ? n : pw_len);
		q += is_odd ? n : pw_len;
		if (gnutls_hash_fast(st->m->alg, w->round, (size_t)(q - w->round), w->c) != 0)
			return VPN_ERR_TLS;
	}
	return 0;
}

static void encode(struct buf_writer *wr, const struct method *m, const unsigned char *d)
{
	for (size_t g = 0; g < m->n_groups; g++) {
		const struct group *gr = &m->order[g];
		uint32_t v = 0;

		for (int k = 0; k < 3; k++)
			v = v << 8 | (gr->byte[k] == NONE ? 0u : d[gr->byte[k]]);
		for (int k = 0; k < gr->chars; k++, v >>= 6)
			buf_write_u8(wr, (uint8_t)alphabet[v & 0x3f]);
	}
}

static int compute(const struct setting *st, const unsigned char *pw, size_t pw_len,
		   struct work *w)
{
	gnutls_hash_hd_t h;
	int r;

	if (gnutls_hash_init(&h, st->m->alg) != 0)
		return VPN_ERR_TLS;
	r = digest_a(h, st, pw, pw_len, w);
	if (r == 0)
		r = sequences(h, st, pw, pw_len, w);
	gnutls_hash_deinit(h, NULL);
	if (r == 0)
		r = run_rounds(st, pw_len, w);
	return r;
}

int tls_sha_crypt(const char *password, size_t password_len, const char *setting, char *out,
		  size_t out_len)
{
	struct setting st;
	struct work w;
	struct buf_writer wr;
	int r;

	if (out_len)
		out[0] = '\0';
	if (password_len > TLS_SHA_CRYPT_PASSWORD_MAX)
		return VPN_ERR_TOO_BIG;
	r = parse_setting(setting, &st);
	if (r < 0)
		return r;
	r = compute(&st, (const unsigned char *)password, password_len, &w);
	if (r == 0) {
		buf_writer_init(&wr, out, out_len);
		buf_printf(&wr, "$%c$", st.m->id);
		if (st.is_rounds_given)
			buf_printf(&wr, "rounds=%lu$", st.rounds);
		buf_write_bytes(&wr, st.salt, st.salt_len);
		buf_write_u8(&wr, '$');
		encode(&wr, st.m, w.c);
		buf_write_u8(&wr, '\0');
		r = buf_writer_error(&wr);
		if (r < 0 && out_len)
			out[0] = '\0';
	}
	buf_wipe(&w, sizeof(w));
	return r;
}
