/* SPDX-License-Identifier: ISC */
/*
 * Reader for ocserv's configuration format, shared by the main file and the
 * per-group/per-user files, so admins keep their ocserv files unchanged:
 *
 *   # comment            ; comment
 *   key = value          key=value         repeated keys kept in order
 *   auth = "plain[passwd=/etc/ocserv/ocpasswd]"    quotes removed
 *   route = 198.18.2.0/24  # trailing comment after a blank
 *   [vhost:vpn.example.com]                section (main file only)
 *
 * Only the reading is here; what a key means is the gateway's business.
 *
 * Not libinih, although DESIGN.md names it: Debian 12's libinih (r55) cuts
 * lines at 200 bytes and reads the rest as a new line, ends values at " ;"
 * (ocserv keeps those), gives the handler no line numbers, keeps quotes, and
 * stops at the first NUL of a buffer. ocserv itself ships its own copy of
 * inih built differently. So this is a small bounded reader matching what
 * ocserv 1.1.6 accepts, checked with "ocserv -t":
 *  - lines up to 2047 bytes (ocserv's limit), LF or CRLF, UTF-8 BOM skipped;
 *  - "#" and ";" start comment lines; " #" starts a trailing comment outside
 *    quotes (ocserv would also cut a quoted value there: we keep it);
 *  - "key: value" is accepted like "key = value", as inih does;
 *  - a value in double quotes loses them; an unterminated quote is an error
 *    (ocserv silently drops a lone quote character);
 *  - an indented line is an ordinary line (ocserv's inih would append it to
 *    the previous key as a continuation; we never guess that);
 *  - keys are case-sensitive, as in ocserv.
 * Errors read "FILE:LINE: reason", e.g. "ocserv.conf:12: expected 'key = value'".
 */
#ifndef CONFIG_KV_H
#define CONFIG_KV_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_KV_MAX_LINE 2047       /* bytes, line end excluded */
#define CONFIG_KV_MAX_FILE (1u << 20) /* bytes */
#define CONFIG_KV_MAX_ENTRIES 16384
#define CONFIG_KV_MAX_SECTIONS 1024
#define CONFIG_KV_MAX_KEY 64
#define CONFIG_KV_MAX_SECTION_NAME 255

/* Load flags. */
enum {
	/* Per-group and per-user files: a [section] line is an error. */
	CONFIG_KV_NO_SECTIONS = 1 << 0,
};

/* One "key = value" line. Strings are owned by the struct config_kv. */
struct config_entry {
	const char *section; /* "" before the first [section] */
	const char *key;
	const char *value;   /* quotes and trailing comment removed */
	unsigned line;       /* 1-based */
};

/* Failure text "FILE:LINE: reason" (or "FILE: reason"). */
struct config_err {
	char text[512];
};

/* A loaded file: owns its name, a copy of the text and the entry table. */
struct config_kv;

/*
 * Reads path (name in messages: path as given). 0, or VPN_ERR_IO (errno
 * set), VPN_ERR_TOO_BIG, VPN_ERR_INVALID, VPN_ERR_NOMEM with *err filled.
 */
int config_kv_load_file(struct config_kv **out, const char *path, unsigned flags,
			struct config_err *err);
/* The same from memory; name is used in messages. data may hold any byte. */
int config_kv_load_buffer(struct config_kv **out, const char *name, const void *data,
			  size_t len, unsigned flags, struct config_err *err);
void config_kv_free(struct config_kv *kv);

/* The file name messages use. */
const char *config_kv_name(const struct config_kv *kv);

/* Every entry in file order. */
const struct config_entry *config_kv_entries(const struct config_kv *kv, size_t *out_count);
/* Section names in file order, including sections without keys. */
const char *const *config_kv_sections(const struct config_kv *kv, size_t *out_count);

/*
 * Values of key within section (NULL or "" for the part before any section).
 * first/last return NULL when the key is absent; next continues after prev
 * with the same section and key.
 */
const struct config_entry *config_kv_first(const struct config_kv *kv, const char *section,
					   const char *key);
const struct config_entry *config_kv_last(const struct config_kv *kv, const char *section,
					  const char *key);
const struct config_entry *config_kv_next(const struct config_kv *kv,
					  const struct config_entry *prev);
size_t config_kv_count(const struct config_kv *kv, const char *section, const char *key);

#endif
