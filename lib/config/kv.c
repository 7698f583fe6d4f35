/* SPDX-License-Identifier: ISC */
/* The bounded reader for ocserv-format configuration files (see kv.h). */
#include "lib/config/kv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base/err.h"

struct config_kv {
	char *name;                     /* owned */
	char *text;                     /* owned; entries and sections point into it */
	struct config_entry *entries;   /* owned array */
	size_t count;
	size_t cap;
	const char **sections;          /* owned array of pointers into text */
	size_t n_sections;
	size_t sections_cap;
};

/* Where the reader is; lives for one load. */
struct reader {
	struct config_kv *kv;
	unsigned flags;
	const char *section;
	unsigned line;
	struct config_err *err;
};

static int fail(struct reader *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct reader *r, int rc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->err)
		return rc;
	n = snprintf(r->err->text, sizeof(r->err->text), "%s:%u: ", r->kv->name, r->line);
	if (n < 0 || (size_t)n >= sizeof(r->err->text))
		return rc;
	va_start(ap, fmt);
	vsnprintf(r->err->text + n, sizeof(r->err->text) - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks in place: returns the new start, writes a NUL at the end. */
static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (is_blank(*s))
		s++;
	while (end > s && is_blank(end[-1]))
		end--;
	*end = '\0';
	return s;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static bool grow(void **array, size_t *cap, size_t need, size_t limit, size_t item)
{
	size_t next;
	void *p;

	if (need <= *cap)
		return true;
	next = *cap ? *cap * 2 : 64;
	if (next > limit)
		next = limit;
	p = realloc(*array, next * item);
	if (!p)
		return false;
	*array = p;
	*cap = next;
	return true;
}

static int parse_section(struct reader *r, char *s)
{
	char *close = strchr(s, ']');
	char *rest;
	size_t len;

	if (r->flags & CONFIG_KV_NO_SECTIONS)
		return fail(r, VPN_ERR_INVALID, "sections are not allowed in this file");
	if (!close)
		return fail(r, VPN_ERR_INVALID, "missing ']' in section header");
	rest = close + 1;
	while (is_blank(*rest))
		rest++;
	if (*rest && *rest != '#' && *rest != ';')
		return fail(r, VPN_ERR_INVALID, "text after ']'");
	*close = '\0';
	s++;
	len = strlen(s);
	if (len == 0 || len > CONFIG_KV_MAX_SECTION_NAME)
		return fail(r, VPN_ERR_INVALID, "section name must be 1 to %d bytes",
			    CONFIG_KV_MAX_SECTION_NAME);
	for (size_t i = 0; i < len; i++)
		if (is_blank(s[i]) || s[i] == '[' || s[i] == '"')
			return fail(r, VPN_ERR_INVALID, "malformed section name");
	if (strcmp(s, "vhost:") == 0)
		return fail(r, VPN_ERR_INVALID, "empty virtual host name");
	if (r->kv->n_sections >= CONFIG_KV_MAX_SECTIONS)
		return fail(r, VPN_ERR_TOO_BIG, "more than %d sections", CONFIG_KV_MAX_SECTIONS);
	if (!grow((void **)&r->kv->sections, &r->kv->sections_cap, r->kv->n_sections + 1,
		  CONFIG_KV_MAX_SECTIONS, sizeof(*r->kv->sections)))
		return fail(r, VPN_ERR_NOMEM, "out of memory");
	r->kv->sections[r->kv->n_sections++] = s;
	r->section = s;
	return 0;
}

/*
 * raw is everything after the separator. Removes the quotes, or a trailing
 * comment: "#" after a blank, counting the blank after the separator, as
 * inih does ("key = #x" is empty, "key=#x" is "#x"). NULL and *why on error.
 */
static char *clean_value(char *raw, const char **why)
{
	char *v = raw, *p;

	while (is_blank(*v))
		v++;
	if (*v == '"') {
		char *close = strchr(v + 1, '"');

		if (!close) {
			*why = "unterminated quote";
			return NULL;
		}
		for (p = close + 1; is_blank(*p); p++)
			;
		if (*p && *p != '#') {
			*why = "text after closing quote";
			return NULL;
		}
		*close = '\0';
		return v + 1;
	}
	for (p = raw; *p; p++) {
		if (*p == '#' && p > raw && is_blank(p[-1])) {
			*p = '\0';
			break;
		}
	}
	v = trim(v);
	if (*v && v[strlen(v) - 1] == '"') {
		*why = "unbalanced quote";
		return NULL;
	}
	return v;
}

static int parse_pair(struct reader *r, char *s)
{
	char *sep = strpbrk(s, "=:");
	const char *why = NULL;
	struct config_entry *e;
	char *key, *value;
	size_t key_len;

	if (!sep)
		return fail(r, VPN_ERR_INVALID, "expected 'key = value'");
	value = sep + 1;
	*sep = '\0';
	key = trim(s);
	key_len = strlen(key);
	if (key_len == 0)
		return fail(r, VPN_ERR_INVALID, "expected 'key = value'");
	if (key_len > CONFIG_KV_MAX_KEY)
		return fail(r, VPN_ERR_INVALID, "key longer than %d bytes", CONFIG_KV_MAX_KEY);
	for (size_t i = 0; i < key_len; i++)
		if (!is_key_char(key[i]))
			return fail(r, VPN_ERR_INVALID, "malformed key '%s'", key);
	value = clean_value(value, &why);
	if (!value)
		return fail(r, VPN_ERR_INVALID, "%s: %s", key, why);
	if (r->kv->count >= CONFIG_KV_MAX_ENTRIES)
		return fail(r, VPN_ERR_TOO_BIG, "more than %d entries", CONFIG_KV_MAX_ENTRIES);
	if (!grow((void **)&r->kv->entries, &r->kv->cap, r->kv->count + 1,
		  CONFIG_KV_MAX_ENTRIES, sizeof(*r->kv->entries)))
		return fail(r, VPN_ERR_NOMEM, "out of memory");
	e = &r->kv->entries[r->kv->count++];
	e->section = r->section;
	e->key = key;
	e->value = value;
	e->line = r->line;
	return 0;
}

/* One line, NUL-terminated in place, line end removed. */
static int parse_line(struct reader *r, char *s)
{
	s = trim(s);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section(r, s);
	return parse_pair(r, s);
}

static int check_bytes(struct reader *r, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return fail(r, VPN_ERR_INVALID, "NUL byte in line");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(r, VPN_ERR_INVALID, "control character 0x%02x in line", c);
	}
	return 0;
}

static int parse_text(struct reader *r, char *p, char *end)
{
	static const char bom[] = "\xef\xbb\xbf";

	if ((size_t)(end - p) >= 3 && memcmp(p, bom, 3) == 0)
		p += 3;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *next = nl ? nl + 1 : end;
		int rc;

		r->line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n > CONFIG_KV_MAX_LINE)
			return fail(r, VPN_ERR_TOO_BIG, "line longer than %d bytes",
				    CONFIG_KV_MAX_LINE);
		rc = check_bytes(r, p, n);
		if (rc != 0)
			return rc;
		/* The text has one spare byte past its end for this NUL. */
		p[n] = '\0';
		rc = parse_line(r, p);
		if (rc != 0)
			return rc;
		p = next;
	}
	return 0;
}

/* Takes ownership of text (len bytes plus one spare). */
static int load_owned(struct config_kv **out, const char *name, char *text, size_t len,
		      unsigned flags, struct config_err *err)
{
	struct config_kv *kv = calloc(1, sizeof(*kv));
	struct reader r = { kv, flags, "", 0, err };
	int rc;

	*out = NULL;
	if (!kv || !(kv->name = strdup(name))) {
		free(kv);
		free(text);
		if (err)
			snprintf(err->text, sizeof(err->text), "%s: out of memory", name);
		return VPN_ERR_NOMEM;
	}
	kv->text = text;
	text[len] = '\0';
	rc = parse_text(&r, text, text + len);
	if (rc != 0) {
		config_kv_free(kv);
		return rc;
	}
	*out = kv;
	return 0;
}

int config_kv_load_buffer(struct config_kv **out, const char *name, const void *data,
			  size_t len, unsigned flags, struct config_err *err)
{
	char *text;

	*out = NULL;
	if (len > CONFIG_KV_MAX_FILE) {
		if (err)
			snprintf(err->text, sizeof(err->text), "%s: larger than %u bytes", name,
				 CONFIG_KV_MAX_FILE);
		return VPN_ERR_TOO_BIG;
	}
	text = malloc(len + 1);
	if (!text) {
		if (err)
			snprintf(err->text, sizeof(err->text), "%s: out of memory", name);
		return VPN_ERR_NOMEM;
	}
	if (len)
		memcpy(text, data, len);
	return load_owned(out, name, text, len, flags, err);
}

/*
 * Reads at most CONFIG_KV_MAX_FILE + 1 bytes, so an oversized file (or a
 * pipe or /proc file whose size stat cannot tell) is caught. The buffer
 * grows with what arrives: a megabyte malloc()ed and freed for a 2 KiB
 * file is not just waste, glibc then raises its mmap threshold to that
 * size, and later large callocs come from the heap and are zeroed there.
 */
#define READ_FIRST 4096

static int read_all(int fd, char **out, size_t *out_len)
{
	size_t cap = READ_FIRST, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return VPN_ERR_NOMEM;
	while (len < CONFIG_KV_MAX_FILE + 1) {
		ssize_t n;

		if (len == cap - 1) {
			size_t bigger = 2 * cap < CONFIG_KV_MAX_FILE + 2 ? 2 * cap
									: CONFIG_KV_MAX_FILE + 2;
			char *grown = realloc(buf, bigger);

			if (!grown) {
				free(buf);
				return VPN_ERR_NOMEM;
			}
			buf = grown;
			cap = bigger;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return VPN_ERR_IO;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int config_kv_load_file(struct config_kv **out, const char *path, unsigned flags,
			struct config_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int fd, rc, saved;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		if (err)
			snprintf(err->text, sizeof(err->text), "%s: cannot open: %s", path,
				 strerror(saved));
		errno = saved;
		return VPN_ERR_IO;
	}
	rc = read_all(fd, &text, &len);
	saved = errno;
	close(fd);
	if (rc != 0) {
		if (err)
			snprintf(err->text, sizeof(err->text), "%s: cannot read: %s", path,
				 rc == VPN_ERR_IO ? strerror(saved) : "out of memory");
		errno = saved;
		return rc;
	}
	if (len > CONFIG_KV_MAX_FILE) {
		free(text);
		if (err)
			snprintf(err->text, sizeof(err->text), "%s: larger than %u bytes", path,
				 CONFIG_KV_MAX_FILE);
		return VPN_ERR_TOO_BIG;
	}
	return load_owned(out, path, text, len, flags, err);
}

void config_kv_free(struct config_kv *kv)
{
	if (!kv)
		return;
	free(kv->sections);
	free(kv->entries);
	free(kv->text);
	free(kv->name);
	free(kv);
}

const char *config_kv_name(const struct config_kv *kv)
{
	return kv->name;
}

const struct config_entry *config_kv_entries(const struct config_kv *kv, size_t *out_count)
{
	*out_count = kv->count;
	return kv->entries;
}

const char *const *config_kv_sections(const struct config_kv *kv, size_t *out_count)
{
	*out_count = kv->n_sections;
	return kv->sections;
}

static bool matches(const struct config_entry *e, const char *section, const char *key)
{
	return strcmp(e->section, section ? section : "") == 0 && strcmp(e->key, key) == 0;
}

const struct config_entry *config_kv_first(const struct config_kv *kv, const char *section,
					   const char *key)
{
	for (size_t i = 0; i < kv->count; i++)
		if (matches(&kv->entries[i], section, key))
			return &kv->entries[i];
	return NULL;
}

const struct config_entry *config_kv_last(const struct config_kv *kv, const char *section,
					  const char *key)
{
	for (size_t i = kv->count; i-- > 0;)
		if (matches(&kv->entries[i], section, key))
			return &kv->entries[i];
	return NULL;
}

const struct config_entry *config_kv_next(const struct config_kv *kv,
					  const struct config_entry *prev)
{
	size_t start = (size_t)(prev - kv->entries) + 1;

	for (size_t i = start; i < kv->count; i++)
		if (matches(&kv->entries[i], prev->section, prev->key))
			return &kv->entries[i];
	return NULL;
}

size_t config_kv_count(const struct config_kv *kv, const char *section, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < kv->count; i++)
		if (matches(&kv->entries[i], section, key))
			n++;
	return n;
}
