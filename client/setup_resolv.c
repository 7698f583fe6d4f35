/* SPDX-License-Identifier: ISC */
/*
 * resolv.conf for the built-in setup: the content (vpnc-script's generic
 * rules) and the in-place rewrite with its backup.
 */
#include "client/setup_resolv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base/err.h"

/* Whether line (no newline) starts with keyword followed by a blank or its end. */
static bool is_keyword(const char *line, size_t len, const char *keyword)
{
	size_t k = strlen(keyword);

	return len >= k && memcmp(line, keyword, k) == 0 &&
	       (len == k || line[k] == ' ' || line[k] == '\t');
}

/* The domains after "domain" or "search", appended to w with a blank before each. */
static void old_domains(struct buf_writer *w, const char *line, size_t len, const char *keyword)
{
	size_t i = strlen(keyword);

	while (i < len) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (i > start) {
			buf_write_str(w, " ");
			buf_write_bytes(w, line + start, i - start);
		}
	}
}

void setup_resolv_build(struct buf_writer *w, const char *old, size_t old_len,
			const struct net_addr *dns, size_t dns_count, const char *domain)
{
	char search[SETUP_RESOLV_MAX];
	struct buf_writer sw;
	char text[NET_ADDR_STRLEN];
	size_t pos = 0;

	buf_writer_init(&sw, search, sizeof(search));
	buf_printf(w, "%s\n", SETUP_RESOLV_MARK);
	while (pos < old_len) {
		const char *line = old + pos;
		const char *nl = memchr(line, '\n', old_len - pos);
		size_t len = nl ? (size_t)(nl - line) : old_len - pos;

		pos += len + (nl ? 1 : 0);
		if (is_keyword(line, len, "nameserver"))
			continue;
		if (is_keyword(line, len, "domain") || is_keyword(line, len, "search")) {
			old_domains(&sw, line, len, is_keyword(line, len, "domain") ? "domain" : "search");
			continue;
		}
		buf_write_bytes(w, line, len);
		buf_write_str(w, "\n");
	}
	for (size_t i = 0; i < dns_count; i++) {
		net_addr_format(&dns[i], text, sizeof(text));
		buf_printf(w, "nameserver %s\n", text);
	}
	if (domain && domain[0])
		buf_printf(&sw, " %s", domain);
	if (buf_writer_error(&sw) != 0)
		buf_write_bytes(w, NULL, SIZE_MAX); /* poisons w: too big */
	else if (sw.len > 0)
		buf_printf(w, "search%.*s\n", (int)sw.len, search);
}

/* The whole file into a fresh buffer (NUL-terminated); -1 with errno, or -2: too big. */
static int read_file(const char *path, char **out, size_t *out_len)
{
	char *data = malloc(SETUP_RESOLV_MAX + 1);
	size_t len = 0;
	ssize_t n = 1;
	int fd;

	if (!data)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		free(data);
		return -1;
	}
	while (len <= SETUP_RESOLV_MAX && n != 0) {
		n = read(fd, data + len, SETUP_RESOLV_MAX + 1 - len);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			len += (size_t)n;
	}
	close(fd);
	if (n < 0 || len > SETUP_RESOLV_MAX) {
		free(data);
		return n < 0 ? -1 : -2;
	}
	data[len] = '\0';
	*out = data;
	*out_len = len;
	return 0;
}

/* Writes data over path's content in place (flags: O_CREAT|O_EXCL for the backup). */
static int write_file(const char *path, const void *data, size_t len, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | flags, 0600);
	size_t done = 0;
	int ret = 0;

	if (fd < 0)
		return VPN_ERR_IO;
	while (done < len && ret == 0) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno != EINTR)
			ret = VPN_ERR_IO;
	}
	if (close(fd) != 0 && ret == 0)
		ret = VPN_ERR_IO;
	return ret;
}

/* The content apply writes for old: into a fresh buffer. */
static int build_new(const char *old, size_t old_len, const struct net_addr *dns,
		     size_t dns_count, const char *domain, char **out, size_t *out_len)
{
	/* the old domains move to one line; the mark, three servers and a domain come in */
	size_t cap = old_len + 1024;
	char *data = malloc(cap);
	struct buf_writer w;

	if (!data)
		return VPN_ERR_NOMEM;
	buf_writer_init(&w, data, cap);
	setup_resolv_build(&w, old, old_len, dns, dns_count, domain);
	if (buf_writer_error(&w) != 0) {
		free(data);
		return VPN_ERR_TOO_BIG;
	}
	*out = data;
	*out_len = w.len;
	return 0;
}

int setup_resolv_apply(const struct setup_resolv_paths *paths, const struct net_addr *dns,
		       size_t dns_count, const char *domain)
{
	char *old = NULL, *new = NULL;
	size_t old_len, new_len;
	struct stat st;
	int ret;

	if (lstat(paths->conf, &st) != 0 || !S_ISREG(st.st_mode))
		return VPN_ERR_UNSUPPORTED;
	ret = read_file(paths->conf, &old, &old_len);
	if (ret != 0)
		return ret == -2 ? VPN_ERR_TOO_BIG : VPN_ERR_IO;
	ret = build_new(old, old_len, dns, dns_count, domain, &new, &new_len);
	if (ret != 0)
		goto out;
	/* a leftover of a process with our pid that died: ours now */
	unlink(paths->backup);
	ret = write_file(paths->backup, old, old_len, O_CREAT | O_EXCL);
	if (ret != 0)
		goto out;
	ret = write_file(paths->conf, new, new_len, O_TRUNC);
	if (ret != 0) {
		/* half a file is worse than the old one */
		write_file(paths->conf, old, old_len, O_TRUNC);
		unlink(paths->backup);
	}
out:
	free(old);
	free(new);
	return ret;
}

int setup_resolv_restore(const struct setup_resolv_paths *paths, const struct net_addr *dns,
			 size_t dns_count, const char *domain)
{
	char *old = NULL, *now = NULL, *ours = NULL;
	size_t old_len, now_len, ours_len;
	int ret;

	if (read_file(paths->backup, &old, &old_len) != 0)
		return errno == ENOENT ? VPN_ERR_NOT_FOUND : VPN_ERR_IO;
	ret = build_new(old, old_len, dns, dns_count, domain, &ours, &ours_len);
	if (ret == 0 && read_file(paths->conf, &now, &now_len) != 0)
		ret = VPN_ERR_IO;
	if (ret == 0 && (now_len != ours_len || memcmp(now, ours, now_len) != 0))
		ret = VPN_ERR_INVALID;
	if (ret == 0)
		ret = write_file(paths->conf, old, old_len, O_TRUNC);
	if (ret != VPN_ERR_IO)
		unlink(paths->backup);
	free(old);
	free(now);
	free(ours);
	return ret;
}
