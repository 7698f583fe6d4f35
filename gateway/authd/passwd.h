/* SPDX-License-Identifier: ISC */
/*
 * ocserv's password file ("ocpasswd" format), read by authd and written by
 * sslgate-passwd: one "user:group1,group2:crypt-hash" per line. A hash that
 * starts with '!' is a locked account; a group list of "*" (or any
 * one-character name) means no group; the first group listed is the
 * user's default. Lines with fewer than five characters are skipped, as
 * ocserv does.
 *
 * Nothing here keeps the file: a lookup copies the one entry it needs into
 * a caller-owned struct, which the caller wipes (authd_passwd_entry_wipe).
 */
#ifndef GATEWAY_AUTHD_PASSWD_H
#define GATEWAY_AUTHD_PASSWD_H

#include <stdbool.h>
#include <stddef.h>

#include "gateway/privsep/msg.h"

#define AUTHD_PASSWD_LINE_MAX 1024  /* longer lines are an error, not truncated */
#define AUTHD_PASSWD_GROUPS_MAX 32
#define AUTHD_PASSWD_HASH_MAX 256

struct authd_passwd_entry {
	char user[MSG_USER_MAX];
	char groups[AUTHD_PASSWD_GROUPS_MAX][MSG_GROUP_MAX];
	unsigned n_groups;
	char hash[AUTHD_PASSWD_HASH_MAX];   /* secret-ish: wiped with the entry */
	bool is_locked;                     /* the hash started with '!' */
};

/*
 * Parses the next line of a password file from data. PARSE_DONE fills out
 * (a line that holds no entry, such as a blank line, gives PARSE_DONE with
 * out->user empty); PARSE_NEED_MORE when data holds no whole line yet and
 * is_final is false (with is_final the rest is taken as the last line);
 * PARSE_INVALID for a line longer than AUTHD_PASSWD_LINE_MAX or a field
 * that does not fit. *out_consumed counts the bytes of the line and its end.
 */
int authd_passwd_parse(struct authd_passwd_entry *out, const char *data, size_t len,
		       bool is_final, size_t *out_consumed);

/*
 * Reads the file behind fd from its start (pread, so the offset is kept)
 * and copies the entry for user. 0, VPN_ERR_NOT_FOUND, VPN_ERR_IO, or
 * VPN_ERR_INVALID when a line in the file cannot be parsed.
 */
int authd_passwd_lookup(int fd, const char *user, struct authd_passwd_entry *out);

/* true when group is one of the entry's groups. */
bool authd_passwd_has_group(const struct authd_passwd_entry *e, const char *group);

/*
 * Checks password against a crypt(3) hash (SHA-crypt through lib/tls, every
 * other method through libxcrypt) and a comparison that does not stop at
 * the first difference. A locked or empty hash never matches. Work is done even for a NULL hash (unknown user) so that the
 * answer takes about as long either way.
 */
bool authd_passwd_verify(const char *hash, const char *password);

void authd_passwd_entry_wipe(struct authd_passwd_entry *e);

#endif
