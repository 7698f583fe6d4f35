/* SPDX-License-Identifier: ISC */
/*
 * Changing an ocserv password file the way ocpasswd does, so either tool can
 * manage the same file: the new content goes to FILE.tmp (created
 * exclusively: its presence means someone else is editing, "locked"), then
 * replaces FILE with rename(2), so readers (authd) see the old or the new
 * file, never half of one. The new file keeps the old one's mode and owner;
 * a new file is mode 0600.
 */
#ifndef GATEWAY_PASSWD_EDIT_H
#define GATEWAY_PASSWD_EDIT_H

#include <stddef.h>

enum passwd_edit_op {
	PASSWD_EDIT_SET,     /* add the user or change the password (and groups) */
	PASSWD_EDIT_LOCK,    /* '!' in front of the hash */
	PASSWD_EDIT_UNLOCK,
	PASSWD_EDIT_DELETE,
};

struct passwd_edit {
	enum passwd_edit_op op;
	const char *user;
	const char *groups;  /* SET: "g1,g2"; NULL keeps the user's groups ("*" for a new one) */
	const char *hash;    /* SET: the crypt(3) hash */
};

/*
 * Applies e to the file at path. 0; VPN_ERR_NOT_FOUND when the user is not
 * there (LOCK, UNLOCK, DELETE); VPN_ERR_AGAIN when FILE.tmp exists;
 * VPN_ERR_INVALID for a user or group name that would break the format;
 * VPN_ERR_IO otherwise (errno set).
 */
int passwd_edit_apply(const char *path, const struct passwd_edit *e);

/* A fresh SHA-512 crypt(3) hash of password (ocserv reads it with crypt_r). */
int passwd_edit_hash(const char *password, char *out, size_t out_len);

#endif
