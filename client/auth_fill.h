/* SPDX-License-Identifier: ISC */
/*
 * Filling a gateway's login form (PROTOCOL.md §3.3, §4.1-4.2): the group
 * choice from the "group_list" select, then one answer per input, taken
 * from the command line where openconnect takes it (-u for "username", the
 * --passwd-on-stdin password once for the first password field) and asked
 * on the terminal otherwise, unless --non-inter forbids it.
 *
 * Ownership: answers are borrowed; the reply document owns copies (wiped
 * when it is cleaned up, as lib/auth does).
 */
#ifndef CLIENT_AUTH_FILL_H
#define CLIENT_AUTH_FILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/auth/doc.h"
#include "lib/base/buf.h"

/* What we say about ourselves in init and auth-reply. */
#define AUTH_FILL_VERSION "v0.1.0"
#define AUTH_FILL_DEVICE_ID "linux-64"

struct auth_answers {
	const char *user;        /* -u; NULL: ask */
	char *password;          /* --passwd-on-stdin, borrowed; wiped once used for its one field */
	bool is_password_used;
	bool is_non_inter;       /* never ask */
	FILE *in;                /* where answers are read when asked */
};

/* The group_list select of a form, or NULL. */
const struct auth_form_field *auth_fill_group_list(const struct auth_form *form);

/* The gateway's default: the option marked selected, else the first; NULL if none. */
const struct auth_form_option *auth_fill_default_group(const struct auth_form_field *select);

/*
 * The option the user means by want: its value, else its label (both
 * exact). NULL when no option matches.
 */
const struct auth_form_option *auth_fill_find_group(const struct auth_form_field *select,
						    const char *want);

/*
 * Asks which group to use, listing the options; empty answer takes the
 * default. 0 with *out; VPN_ERR_NOT_FOUND for an unknown answer,
 * VPN_ERR_DENIED when asking is forbidden.
 */
int auth_fill_ask_group(const struct auth_form_field *select, struct auth_answers *a,
			const struct auth_form_option **out);

/*
 * Builds the auth-reply for the form of req into reply (freshly
 * initialised): opaque echoed, group (may be NULL) as group-select, one
 * field per input. 0; VPN_ERR_DENIED when an answer is needed and may not be
 * asked; VPN_ERR_UNSUPPORTED for an SSO field; VPN_ERR_CLOSED at the end of
 * input. *out_field names the input concerned on failure.
 */
int auth_fill_reply(struct auth_doc *reply, const struct auth_doc *req, struct auth_answers *a,
		    const char *group, const char **out_field);

/* The same answers as an application/x-www-form-urlencoded body (legacy login). */
int auth_fill_form_body(struct buf_writer *w, const struct auth_doc *reply);

/* The init document: group_access is the URL, group may be NULL. */
int auth_fill_init(struct auth_doc *out, const char *group_access, const char *group);

#endif
