/* SPDX-License-Identifier: ISC */
/* Rewriting an ocserv password file through FILE.tmp and rename(2). */
#include "gateway/passwd/edit.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/authd/passwd.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"

#define FILE_MAX (16 * 1024 * 1024)

static bool is_field_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n < max && !strpbrk(s, ":\n\r");
}

/* The old file, or an empty one when it does not exist yet. */
static int read_old(const char *path, char **out, size_t *out_len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t len = 0;

	*out = NULL;
	*out_len = 0;
	if (fd < 0)
		return errno == ENOENT ? VPN_ERR_NOT_FOUND : VPN_ERR_IO;
	if (fstat(fd, st) != 0 || st->st_size > FILE_MAX) {
		close(fd);
		return VPN_ERR_IO;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		close(fd);
		return VPN_ERR_NOMEM;
	}
	while (len < (size_t)st->st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st->st_size - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*out = buf;
	*out_len = len;
	return 0;
}

/* Writes the entry that replaces an old line (NULL line: a new user). */
static void write_entry(FILE *f, const struct passwd_edit *e, const char *line, size_t len)
{
	const char *c1 = line ? memchr(line, ':', len) : NULL;
	const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
	const char *hash = c2 ? c2 + 1 : NULL;
	size_t groups_len = c2 ? (size_t)(c2 - c1 - 1) : 0;

	if (e->op == PASSWD_EDIT_SET) {
		if (e->groups)
			fprintf(f, "%s:%s:%s\n", e->user, e->groups, e->hash);
		else if (c2)
			fprintf(f, "%s:%.*s:%s\n", e->user, (int)groups_len, c1 + 1, e->hash);
		else
			fprintf(f, "%s:*:%s\n", e->user, e->hash);
		return;
	}
	if (!hash) {
		fwrite(line, 1, len, f);   /* not an entry we can change: keep it */
		fputc('\n', f);
		return;
	}
	fwrite(line, 1, (size_t)(hash - line), f);
	if (e->op == PASSWD_EDIT_LOCK && *hash != '!')
		fputc('!', f);
	if (e->op == PASSWD_EDIT_UNLOCK && *hash == '!')
		hash++;
	fwrite(hash, 1, len - (size_t)(hash - line), f);
	fputc('\n', f);
}

/* Copies old to f with e applied; returns whether the user was there. */
static bool rewrite(FILE *f, const char *old, size_t len, const struct passwd_edit *e)
{
	size_t user_len = strlen(e->user), pos = 0;
	bool is_found = false;

	while (pos < len) {
		const char *line = old + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		bool is_user = n > user_len && line[user_len] == ':' &&
			       memcmp(line, e->user, user_len) == 0;

		pos += n + (nl ? 1 : 0);
		if (!is_user) {
			fwrite(line, 1, n, f);
			fputc('\n', f);
			continue;
		}
		is_found = true;
		if (e->op != PASSWD_EDIT_DELETE)
			write_entry(f, e, line, n);
	}
	if (!is_found && e->op == PASSWD_EDIT_SET)
		write_entry(f, e, NULL, 0);
	return is_found;
}

static int write_new(const char *tmp, const struct stat *st, bool has_old, const char *old,
		     size_t len, const struct passwd_edit *e)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool is_found;
	FILE *f;
	int r;

	if (fd < 0)
		return errno == EEXIST ? VPN_ERR_AGAIN : VPN_ERR_IO;
	if (has_old && (fchmod(fd, st->st_mode & 07777) != 0 ||
			fchown(fd, st->st_uid, st->st_gid) != 0) && geteuid() == 0) {
		close(fd);
		return VPN_ERR_IO;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return VPN_ERR_IO;
	}
	is_found = rewrite(f, old, len, e);
	r = fflush(f) == 0 && fsync(fd) == 0 ? 0 : VPN_ERR_IO;
	if (fclose(f) != 0)
		r = VPN_ERR_IO;
	if (r == 0 && !is_found && e->op != PASSWD_EDIT_SET)
		r = VPN_ERR_NOT_FOUND;
	return r;
}

int passwd_edit_apply(const char *path, const struct passwd_edit *e)
{
	struct stat st = { 0 };
	char tmp[4096], *old = NULL;
	size_t len = 0;
	int r;

	if (!is_field_ok(e->user, MSG_USER_MAX) || strchr(e->user, ',') ||
	    (e->groups && !is_field_ok(e->groups, AUTHD_PASSWD_LINE_MAX / 2)) ||
	    (e->op == PASSWD_EDIT_SET && !is_field_ok(e->hash, AUTHD_PASSWD_HASH_MAX)))
		return VPN_ERR_INVALID;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return VPN_ERR_INVALID;
	r = read_old(path, &old, &len, &st);
	if (r == VPN_ERR_NOT_FOUND && e->op != PASSWD_EDIT_SET)
		return r;
	if (r < 0 && r != VPN_ERR_NOT_FOUND)
		return r;
	r = write_new(tmp, &st, old != NULL, old ? old : "", len, e);
	if (r == 0 && rename(tmp, path) != 0)
		r = VPN_ERR_IO;
	if (r < 0 && r != VPN_ERR_AGAIN)
		unlink(tmp);
	if (old) {
		buf_wipe(old, len);
		free(old);
	}
	return r;
}

int passwd_edit_hash(const char *password, char *out, size_t out_len)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int r = VPN_ERR_IO;

	if (!crypt_gensalt_rn("$6$", 0, NULL, 0, setting, sizeof(setting)))
		return VPN_ERR_IO;
	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return VPN_ERR_NOMEM;
	h = crypt_rn(password, setting, cd, (int)sizeof(*cd)); /* see authd/passwd.c */
	if (h && h[0] != '*' && strlen(h) < out_len) {
		strcpy(out, h);
		r = 0;
	}
	buf_wipe(cd, sizeof(*cd));
	free(cd);
	return r;
}
