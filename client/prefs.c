/* SPDX-License-Identifier: ISC */
/* The per-user preferences directory: accepted server pins and downloaded profiles. */
#include "client/prefs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base/err.h"

static int set_dir(struct prefs *p, const char *dir, const char *suffix)
{
	int n = snprintf(p->dir, sizeof(p->dir), "%s%s", dir, suffix);

	if (n < 0 || (size_t)n >= sizeof(p->dir))
		return VPN_ERR_TOO_BIG;
	return 0;
}

int prefs_init_at(struct prefs *p, const char *dir)
{
	return set_dir(p, dir, "");
}

int prefs_init(struct prefs *p)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	if (xdg && xdg[0] == '/')
		return set_dir(p, xdg, "/sslgate");
	if (home && home[0] == '/')
		return set_dir(p, home, "/.config/sslgate");
	return VPN_ERR_NOT_FOUND;
}

void prefs_server_key(char *out, size_t out_len, const char *host, unsigned port)
{
	snprintf(out, out_len, "%s:%u", host, port);
}

/* The server key as one path component: safe characters only, never "." or "..". */
static void component(char *out, size_t out_len, const char *key)
{
	size_t i = 0;

	for (; key[i] && i + 1 < out_len; i++) {
		char c = key[i];
		bool is_safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			       (c >= '0' && c <= '9') || c == '-' || (c == '.' && i > 0);

		out[i] = is_safe ? c : '_';
	}
	out[i] = '\0';
}

static int path_join(char *out, size_t out_len, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, out_len, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");

	if (n < 0 || (size_t)n >= out_len)
		return VPN_ERR_TOO_BIG;
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	return VPN_ERR_IO;
}

/* Creates dir, dir/sub and dir/sub/leaf (leaf may be NULL). */
static int make_dirs(const struct prefs *p, const char *sub, const char *leaf)
{
	char path[PREFS_PATH_MAX];
	char *slash;
	int ret;

	/* The parents of the preferences directory (~/.config) too. */
	ret = path_join(path, sizeof(path), p->dir, sub, leaf);
	for (slash = strchr(path + 1, '/'); ret == 0 && slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		ret = make_dir(path);
		*slash = '/';
	}
	return ret ? ret : make_dir(path);
}

/* Reads a small file whole; VPN_ERR_NOT_FOUND when it does not exist. */
static int read_small(const char *path, char *out, size_t cap, size_t *out_len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return errno == ENOENT ? VPN_ERR_NOT_FOUND : VPN_ERR_IO;
	n = fread(out, 1, cap, f);
	if (ferror(f) || n == cap) {
		fclose(f);
		return n == cap ? VPN_ERR_TOO_BIG : VPN_ERR_IO;
	}
	fclose(f);
	out[n] = '\0';
	*out_len = n;
	return 0;
}

/* Writes path.tmp (mode 0600), syncs it and renames it over path. */
static int write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[PREFS_PATH_MAX + 8];
	const char *p = data;
	int fd;
	int ret = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return VPN_ERR_TOO_BIG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return VPN_ERR_IO;
	while (len > 0 && ret == 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ret = VPN_ERR_IO;
		else {
			p += n;
			len -= (size_t)n;
		}
	}
	if (ret == 0 && fsync(fd) != 0)
		ret = VPN_ERR_IO;
	if (close(fd) != 0 && ret == 0)
		ret = VPN_ERR_IO;
	if (ret == 0 && rename(tmp, path) != 0)
		ret = VPN_ERR_IO;
	if (ret != 0)
		unlink(tmp);
	return ret;
}

static int pins_path(const struct prefs *p, const char *server_key, char *out, size_t out_len)
{
	char name[256];

	component(name, sizeof(name), server_key);
	return path_join(out, out_len, p->dir, "servers", name);
}

/* Whether text holds pin as a whole line. */
static bool has_line(const char *text, const char *pin)
{
	size_t len = strlen(pin);

	for (const char *line = text; *line; ) {
		size_t line_len = strcspn(line, "\n");

		if (line_len == len && strncmp(line, pin, len) == 0)
			return true;
		line += line_len;
		if (*line == '\n')
			line++;
	}
	return false;
}

int prefs_pin_is_accepted(const struct prefs *p, const char *server_key, const char *pin,
			  bool *out_is_accepted)
{
	char path[PREFS_PATH_MAX];
	char text[PREFS_PINS_MAX_BYTES + 1];
	size_t len;
	int ret;

	*out_is_accepted = false;
	ret = pins_path(p, server_key, path, sizeof(path));
	if (ret == 0)
		ret = read_small(path, text, sizeof(text) - 1, &len);
	if (ret == VPN_ERR_NOT_FOUND)
		return 0;
	if (ret == 0)
		*out_is_accepted = has_line(text, pin);
	return ret;
}

int prefs_pin_accept(const struct prefs *p, const char *server_key, const char *pin)
{
	static const char header[] = "# sslgate: server keys this user accepted; one pin per line\n";
	char path[PREFS_PATH_MAX];
	char text[PREFS_PINS_MAX_BYTES + 1];
	size_t len = 0;
	int ret;

	if (strchr(pin, '\n'))
		return VPN_ERR_INVALID;
	ret = pins_path(p, server_key, path, sizeof(path));
	if (ret == 0)
		ret = read_small(path, text, sizeof(text) - 1, &len);
	if (ret == VPN_ERR_NOT_FOUND) {
		len = strlen(header);
		memcpy(text, header, len + 1);
		ret = 0;
	}
	if (ret != 0 || has_line(text, pin))
		return ret;
	if (len + strlen(pin) + 2 > PREFS_PINS_MAX_BYTES)
		return VPN_ERR_TOO_BIG;
	if (len > 0 && text[len - 1] != '\n')
		text[len++] = '\n';
	len += (size_t)sprintf(text + len, "%s\n", pin);
	ret = make_dirs(p, "servers", NULL);
	return ret ? ret : write_atomic(path, text, len);
}

/* The last path segment of uri, without query or fragment; it must be a plain file name. */
static int profile_name(char *out, size_t out_len, const char *uri)
{
	size_t end = strcspn(uri, "?#");
	size_t start = end;

	while (start > 0 && uri[start - 1] != '/')
		start--;
	if (end == start || end - start >= out_len)
		return VPN_ERR_INVALID;
	memcpy(out, uri + start, end - start);
	out[end - start] = '\0';
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0 || strchr(out, '\\'))
		return VPN_ERR_INVALID;
	return 0;
}

int prefs_profile_path(const struct prefs *p, const char *server_key, const char *uri,
		       char *out, size_t out_len)
{
	char server[256];
	char name[256];
	char sub[300];
	int ret = profile_name(name, sizeof(name), uri);

	if (ret != 0)
		return ret;
	component(server, sizeof(server), server_key);
	snprintf(sub, sizeof(sub), "profiles/%s", server);
	return path_join(out, out_len, p->dir, sub, name);
}

int prefs_profile_load(const struct prefs *p, const char *server_key, const char *uri,
		       void *out, size_t cap, size_t *out_len)
{
	char path[PREFS_PATH_MAX];
	FILE *f;
	size_t n;
	int ret = prefs_profile_path(p, server_key, uri, path, sizeof(path));

	if (ret != 0)
		return ret;
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? VPN_ERR_NOT_FOUND : VPN_ERR_IO;
	n = fread(out, 1, cap, f);
	ret = ferror(f) ? VPN_ERR_IO : 0;
	/* One byte more than fits means the file is larger than cap. */
	if (ret == 0 && n == cap && fgetc(f) != EOF)
		ret = VPN_ERR_TOO_BIG;
	fclose(f);
	*out_len = n;
	return ret;
}

int prefs_profile_store(const struct prefs *p, const char *server_key, const char *uri,
			const void *data, size_t len)
{
	char path[PREFS_PATH_MAX];
	char server[256];
	int ret;

	if (len > PREFS_PROFILE_MAX_BYTES)
		return VPN_ERR_TOO_BIG;
	ret = prefs_profile_path(p, server_key, uri, path, sizeof(path));
	component(server, sizeof(server), server_key);
	ret = ret ? ret : make_dirs(p, "profiles", server);
	return ret ? ret : write_atomic(path, data, len);
}
