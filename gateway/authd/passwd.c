/* SPDX-License-Identifier: ISC */
/* Reading ocserv's password file and checking a password against it. */
#include "gateway/authd/passwd.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/tls/sha_crypt.h"

/*
 * Spent on unknown users so that they answer as slowly as known ones: a
 * "$5$" setting, so it takes the same fast path as ocpasswd's hashes.
 */
static const char dummy_setting[] = "$5$sslgatedummysalt$";

static bool copy_field(char *out, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One comma-separated name, trimmed; one-character names ("*") mean none. */
static bool add_group(struct authd_passwd_entry *e, const char *s, size_t len)
{
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	while (len && is_blank(s[len - 1]))
		len--;
	if (len <= 1)
		return true;
	if (e->n_groups == AUTHD_PASSWD_GROUPS_MAX)
		return false;
	if (!copy_field(e->groups[e->n_groups], MSG_GROUP_MAX, s, len))
		return false;
	e->n_groups++;
	return true;
}

static bool split_groups(struct authd_passwd_entry *e, const char *s, size_t len)
{
	const char *end = s + len;

	while (s <= end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = comma ? comma : end;

		if (!add_group(e, s, (size_t)(stop - s)))
			return false;
		s = stop + 1;
	}
	return true;
}

/* Fills e from one line without its end; false when a field does not fit. */
static bool parse_fields(struct authd_passwd_entry *e, const char *line, size_t len)
{
	const char *end = line + len;
	const char *c1, *c2, *c3, *hash;

	/* a NUL inside a line would cut a name short: such a line is nobody's */
	if (len <= 4 || memchr(line, '\0', len))
		return true;
	c1 = memchr(line, ':', len);
	if (!c1)
		return true;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2)
		return true; /* no hash field: ocserv finds no entry either */
	hash = c2 + 1;
	c3 = memchr(hash, ':', (size_t)(end - hash));
	if (!c3)
		c3 = end;
	if (!copy_field(e->user, sizeof(e->user), line, (size_t)(c1 - line)) ||
	    !split_groups(e, c1 + 1, (size_t)(c2 - c1 - 1)) ||
	    !copy_field(e->hash, sizeof(e->hash), hash, (size_t)(c3 - hash)))
		return false;
	e->is_locked = e->hash[0] == '!';
	return true;
}

int authd_passwd_parse(struct authd_passwd_entry *out, const char *data, size_t len,
		       bool is_final, size_t *out_consumed)
{
	size_t scan = len < AUTHD_PASSWD_LINE_MAX + 1 ? len : AUTHD_PASSWD_LINE_MAX + 1;
	const char *nl = memchr(data, '\n', scan);
	size_t line_len, consumed;

	memset(out, 0, sizeof(*out));
	*out_consumed = 0;
	if (nl) {
		line_len = (size_t)(nl - data);
		consumed = line_len + 1;
	} else if (len > AUTHD_PASSWD_LINE_MAX) {
		return PARSE_INVALID;
	} else if (!is_final || len == 0) {
		return PARSE_NEED_MORE;
	} else {
		line_len = len;
		consumed = len;
	}
	if (line_len > AUTHD_PASSWD_LINE_MAX)
		return PARSE_INVALID;
	if (line_len && data[line_len - 1] == '\r')
		line_len--;
	if (!parse_fields(out, data, line_len)) {
		authd_passwd_entry_wipe(out);
		return PARSE_INVALID;
	}
	*out_consumed = consumed;
	return PARSE_DONE;
}

/* Skips past the next line end; false when the buffer holds none. */
static bool skip_line(const char *data, size_t len, size_t *out_consumed)
{
	const char *nl = memchr(data, '\n', len);

	if (!nl)
		return false;
	*out_consumed = (size_t)(nl - data) + 1;
	return true;
}

struct scan {
	int fd;
	char buf[4 * AUTHD_PASSWD_LINE_MAX];
	size_t len;
	off_t offset;
	bool is_eof;
	bool is_skipping;   /* inside a line that was too long: drop it */
};

static int fill(struct scan *s)
{
	ssize_t n;

	do {
		n = pread(s->fd, s->buf + s->len, sizeof(s->buf) - s->len, s->offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return VPN_ERR_IO;
	s->is_eof = n == 0;
	s->len += (size_t)n;
	s->offset += n;
	return 0;
}

/* One step: 1 = entry in out, 0 = nothing yet, VPN_ERR_NOT_FOUND at the end. */
static int scan_next(struct scan *s, struct authd_passwd_entry *out)
{
	size_t used = 0;
	int r;

	if (s->is_skipping) {
		if (skip_line(s->buf, s->len, &used))
			s->is_skipping = false;
		else
			used = s->len;
		r = 0;
	} else {
		r = authd_passwd_parse(out, s->buf, s->len, s->is_eof, &used);
		if (r == PARSE_INVALID) {
			s->is_skipping = true;  /* an unreadable line matches nobody */
			r = 0;
		} else {
			r = r == PARSE_DONE ? 1 : 0;
		}
	}
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
	if (r == 0 && used == 0) {
		if (s->is_eof)
			return VPN_ERR_NOT_FOUND;
		return fill(s);
	}
	return r;
}

int authd_passwd_lookup(int fd, const char *user, struct authd_passwd_entry *out)
{
	struct scan *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return VPN_ERR_NOMEM;
	s->fd = fd;
	for (;;) {
		r = scan_next(s, out);
		if (r < 0)
			break;
		if (r == 1 && out->user[0] && strcmp(out->user, user) == 0) {
			r = 0;
			break;
		}
		if (r == 1)
			authd_passwd_entry_wipe(out);
	}
	if (r < 0)
		authd_passwd_entry_wipe(out);
	buf_wipe(s, sizeof(*s));
	free(s);
	return r;
}

bool authd_passwd_has_group(const struct authd_passwd_entry *e, const char *group)
{
	for (unsigned i = 0; i < e->n_groups; i++)
		if (strcmp(e->groups[i], group) == 0)
			return true;
	return false;
}

static bool equal_consttime(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/*
 * libxcrypt for every method but SHA-crypt, and for SHA-crypt settings
 * that tls_sha_crypt finds too odd. crypt_rn, not crypt_r: the sanitizers
 * intercept crypt_r and, with --as-needed, can leave libxcrypt unlinked
 * behind the interceptor. crypt_rn answers a failure with NULL.
 */
static bool verify_libxcrypt(const char *setting, const char *password, const char *hash)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	bool is_match = false;
	const char *out;

	if (!cd)
		return false;
	out = crypt_rn(password, setting, cd, (int)sizeof(*cd));
	if (hash && out && out[0] != '*')
		is_match = equal_consttime(out, hash);
	buf_wipe(cd, sizeof(*cd));
	free(cd);
	return is_match;
}

bool authd_passwd_verify(const char *hash, const char *password)
{
	bool is_usable = hash && hash[0] != '\0' && hash[0] != '!';
	const char *setting = is_usable ? hash : dummy_setting;
	char out[TLS_SHA_CRYPT_OUT_MAX];
	bool is_match;

	/* the GnuTLS digests use the CPU's SHA instructions: about 3x faster */
	if (tls_sha_crypt(password, strnlen(password, TLS_SHA_CRYPT_PASSWORD_MAX + 1), setting,
			  out, sizeof(out)) != 0)
		return verify_libxcrypt(setting, password, is_usable ? hash : NULL);
	is_match = is_usable && equal_consttime(out, hash);
	buf_wipe(out, sizeof(out));
	return is_match;
}

void authd_passwd_entry_wipe(struct authd_passwd_entry *e)
{
	buf_wipe(e, sizeof(*e));
}
