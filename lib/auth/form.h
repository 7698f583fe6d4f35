/* SPDX-License-Identifier: ISC */
/*
 * The login form of an aggregate-auth auth-request: inputs and selects in
 * document order. A gateway builds one with the add functions; the reader
 * fills one from what a gateway sent. Every string is owned by the form,
 * freed (and wiped, since values may be secrets) by auth_form_cleanup().
 */
#ifndef AUTH_FORM_H
#define AUTH_FORM_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds on what one form may hold; past them the reader rejects the document. */
enum {
	AUTH_FORM_MAX_FIELDS = 16,
	AUTH_FORM_MAX_OPTIONS = 64,
};

enum auth_field_type {
	AUTH_FIELD_TEXT = 1,
	AUTH_FIELD_PASSWORD,
	AUTH_FIELD_HIDDEN, /* value is sent back unchanged */
	AUTH_FIELD_SSO,    /* the SSO token (SAML), filled by a browser */
	AUTH_FIELD_SELECT, /* a list of options, e.g. "group_list" */
};

struct auth_form_option {
	char *value;         /* the identifier a reply sends: value attribute, else the text */
	char *label;         /* the text shown to the user ("" when empty) */
	bool has_value_attr; /* false for a bare <option>NAME</option> */
	bool is_selected;    /* the default choice */
};

struct auth_form_field {
	enum auth_field_type type;
	char *name;          /* element name used in the auth-reply */
	char *label;         /* NULL when absent */
	char *value;         /* hidden inputs only; NULL otherwise */
	bool is_second_auth; /* second-auth="1": a second factor */
	struct auth_form_option *options; /* select only; owned array */
	size_t n_options;
};

struct auth_form {
	char *method; /* NULL when absent (ASA omits it; POST is meant) */
	char *action; /* NULL when absent (post to the current URL) */
	struct auth_form_field fields[AUTH_FORM_MAX_FIELDS];
	size_t n_fields;
};

void auth_form_init(struct auth_form *form);
void auth_form_cleanup(struct auth_form *form);

/*
 * Appends a field with copies of name and label (label may be NULL) and
 * points *out at it. 0, VPN_ERR_TOO_BIG when the form is full, or
 * VPN_ERR_NOMEM.
 */
int auth_form_add_field(struct auth_form *form, struct auth_form_field **out,
			enum auth_field_type type, const char *name, const char *label);

/*
 * Appends an option to a select. value NULL makes a bare option whose
 * identifier is its label. 0, VPN_ERR_INVALID when field is not a select or
 * label is NULL, VPN_ERR_TOO_BIG past AUTH_FORM_MAX_OPTIONS, VPN_ERR_NOMEM.
 */
int auth_form_add_option(struct auth_form_field *field, const char *value,
			 const char *label, bool is_selected);

/* The field called name, or NULL. */
struct auth_form_field *auth_form_find(struct auth_form *form, const char *name);

/*
 * The element name under which a client answers the input called name, as
 * openconnect does it: "answer", "whichpin" and "new_password" go back as
 * "password"; "verify_pin" and "verify_password" are checked locally and
 * not sent (NULL). "group_list" is not an <auth> field at all: its choice
 * goes in the root <group-select>, so this returns NULL for it too.
 */
const char *auth_form_reply_name(const char *name);

#endif
