/* SPDX-License-Identifier: ISC */
/*
 * What the files of the configuration loader share: the loader state while
 * files are read (conf.c; the lines themselves come from lib/config's
 * reader), the tables of settings (conf_keys.c, conf_net.c) and value
 * parsers (conf_value.c). Nothing here is used outside gateway/conf*.c.
 */
#ifndef GATEWAY_CONF_INTERNAL_H
#define GATEWAY_CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "gateway/conf.h"

struct config_entry;

enum conf_scope {
	CONF_MAIN = 1,        /* the main file */
	CONF_PER = 2,         /* per-group and per-user files (and the main one) */
};

enum conf_support {
	CONF_APPLY,           /* supported */
	CONF_IGNORE,          /* ocserv-internal; nothing for sslgated to do */
	CONF_WARN,            /* unsupported: one warning */
	CONF_WARN_IF_ON,      /* unsupported, warned only when enabled (true or non-zero) */
	CONF_ERROR,           /* unsupported, and ignoring it would weaken security */
	CONF_ERROR_IF_ON,
};

struct conf_loader;

struct conf_key {
	const char *name;
	unsigned scope;       /* enum conf_scope bits */
	enum conf_support support;
	int (*apply)(struct conf_loader *l, const char *value);
	const char *why;      /* for the warning or error */
};

/* State while one configuration is loaded. */
struct conf_loader {
	struct gw_config *cfg;        /* being filled; owned by the caller */
	struct gw_net_settings *net;  /* where per-group keys go now */
	const char *file;             /* for messages */
	unsigned line;
	bool is_main;                 /* the main file (not a per-group/user file) */
	unsigned errors;
	bool *warned;                 /* per key (conf_key_find's index): warned already */
	struct net_addr ipv4_netmask; /* ipv4-netmask, combined at the end of a file */
	bool has_ipv4_len;            /* ipv4-network carried its own /LEN */
	unsigned ipv4_line, ipv6_line; /* where the networks were given, for messages */
	unsigned ipv6_prefix;         /* ipv6-prefix (old name for the network length) */
	bool has_ipv6_len;
	unsigned n_auth;              /* auth lines seen */
	unsigned n_server_certs;
	struct conf_paths *paths;     /* borrowed: directories named by the main file */
};

/* Files the main file names, read after it (owned by the top-level load). */
struct conf_paths {
	char *per_group_dir;
	char *per_user_dir;
	char *default_group_file;
	char *default_user_file;
};

/* select-group = NAME[LABEL] (conf_dirs.c). */
int conf_add_group(struct conf_loader *l, const char *value);
/* Records one of the paths of struct conf_paths, by its key. */
int conf_set_dir(struct conf_loader *l, const char *key, const char *value);
/* Reads the per-group and per-user files the paths name. */
int conf_load_dirs(struct conf_loader *main_loader);
/* Reads one file of per-group settings into net. */
int conf_load_net_file(struct conf_loader *parent, const char *path,
		       struct gw_net_settings *net);

/* The main file's settings (conf_keys.c) and the per-group ones (conf_net.c). */
extern const struct conf_key conf_main_keys[];
extern const size_t conf_main_keys_count;
extern const struct conf_key conf_net_keys[];
extern const size_t conf_net_keys_count;
/* The key of that name (any case), or NULL; *out_index numbers both tables. */
const struct conf_key *conf_key_find(const char *name, size_t *out_index);

/* Messages with "file:line: " in front; conf_error also counts. */
void conf_error(struct conf_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void conf_warn(struct conf_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Value parsers: 0, or -1 after logging an error for the current line. */
int conf_parse_bool(struct conf_loader *l, const char *value, bool *out);
int conf_parse_uint(struct conf_loader *l, const char *value, unsigned max, unsigned *out);
int conf_parse_addr(struct conf_loader *l, const char *value, struct net_addr *out);
/* "a.b.c.d/len", "a.b.c.d/m.m.m.m", "x::/len" or a bare address (a host prefix). */
int conf_parse_prefix(struct conf_loader *l, const char *value, struct net_prefix *out);
int conf_set_string(struct conf_loader *l, char **field, const char *value);
/* "true" for booleans, non-zero for numbers, anything else for strings. */
bool conf_value_is_on(const char *value);

/* Per-group settings (conf_net.c). */
void conf_net_init(struct gw_net_settings *n);
void conf_net_cleanup(struct gw_net_settings *n);
/* Clears what one file's network keys left in the loader. */
void conf_net_begin(struct conf_loader *l);
/* Completes a file's ipv4-network with its ipv4-netmask; checks the pools. */
int conf_net_finish(struct conf_loader *l, struct gw_net_settings *n);
/* Copies the fields src set onto dst (borrowing src's arrays). */
void conf_net_overlay(struct gw_net_settings *dst, const struct gw_net_settings *src);

/* Login methods and client-certificate settings (conf_auth.c). */
int conf_set_auth(struct conf_loader *l, const char *value);
int conf_set_enable_auth(struct conf_loader *l, const char *value);
int conf_set_crl(struct conf_loader *l, const char *value);
int conf_set_cert_user_oid(struct conf_loader *l, const char *value);
int conf_set_cert_group_oid(struct conf_loader *l, const char *value);
/* After every file: the methods have what they need (passwd file, ca-cert). */
void conf_auth_check(struct conf_loader *l);

/* Applies one line from any file; unknown and unsupported keys are reported. */
int conf_apply_entry(struct conf_loader *l, const struct config_entry *e);
/*
 * Reads one file with lib/config's reader (text, or the file at path when
 * text is NULL) and applies every entry to l. Per-group files
 * (l->is_main false) may not have sections.
 */
int conf_load_entries(struct conf_loader *l, const char *path, const char *text, size_t len);

#endif
