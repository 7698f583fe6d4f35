/* SPDX-License-Identifier: ISC */
/*
 * Aggregate-auth documents as plain structs. One struct auth_doc holds any
 * of the documents; type says which one and which fields mean anything
 * (the groups below). Every pointer is an owned, NUL-terminated UTF-8
 * string or NULL for "absent"; "" means present but empty. The doc owns
 * everything it points to and auth_doc_cleanup() frees it, wiping first:
 * reply fields carry passwords and session-token is the session cookie.
 */
#ifndef AUTH_DOC_H
#define AUTH_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/auth/form.h"

enum {
	AUTH_MAX_AUTH_METHODS = 8,
	AUTH_MAX_REPLY_FIELDS = 16,
	AUTH_MAX_MANIFEST_FILES = 16,
};

enum auth_doc_type {
	AUTH_DOC_NONE = 0,
	AUTH_DOC_INIT,         /* client -> gateway: hello, optional group choice */
	AUTH_DOC_AUTH_REQUEST, /* gateway -> client: a form to fill (or a bare <auth>) */
	AUTH_DOC_AUTH_REPLY,   /* client -> gateway: the filled form */
	AUTH_DOC_COMPLETE,     /* gateway -> client: logged in */
};

/* How a gateway document is laid out; the reader reports what it saw. */
enum auth_doc_shape {
	AUTH_SHAPE_OCSERV = 0, /* config-auth without aggregate-auth-version */
	AUTH_SHAPE_ASA,        /* aggregate-auth-version, opaque, selected="true", error id 88 */
	AUTH_SHAPE_LEGACY,     /* bare <auth> root, no config-auth (pre-XML-POST clients) */
};

/* <message>, <banner>, <error>: text with optional Cisco id/param1/param2. */
struct auth_text {
	char *text;
	char *id;
	char *param1;
	char *param2;
};

struct auth_reply_field {
	char *name;  /* element name under <auth> */
	char *value; /* its text (a password, maybe) */
};

/* One <file> of <vpn-profile-manifest><vpn rev="1.0">. */
struct auth_manifest_file {
	char *type;         /* "profile" */
	char *service_type; /* "user" */
	char *uri;          /* e.g. /profiles/profile.xml */
	char *hash;         /* hex, either case */
	char *hash_type;    /* "sha1" */
};

struct auth_doc {
	enum auth_doc_type type;
	enum auth_doc_shape shape;
	unsigned aggregate_auth_version; /* root attribute; 0 when absent */
	char *version;                   /* <version> text */
	char *version_who;               /* its who= ("vpn" client, "sg" gateway) */

	/* init and auth-reply: what the client says about itself */
	char *device_id;        /* platform name: linux-64, win, mac-intel, ... */
	char *device_type;      /* device-id attributes, mobile clients and AC */
	char *platform_version;
	char *unique_id;
	char *unique_id_global;
	char *computer_name;
	char *auth_methods[AUTH_MAX_AUTH_METHODS]; /* <capabilities><auth-method> */
	size_t n_auth_methods;
	char *group_select;        /* root <group-select> */
	char *group_access;        /* init: the URL the user gave */
	bool has_client_cert_fail; /* init: <client-cert-fail/> */
	struct auth_reply_field fields[AUTH_MAX_REPLY_FIELDS]; /* auth-reply <auth> */
	size_t n_fields;

	/*
	 * auth-request and auth-reply: the whole <opaque ...>...</opaque>
	 * element as XML text, exactly as the reader re-serialised it; a
	 * client echoes it unchanged and writers insert it without escaping.
	 */
	char *opaque;

	/* auth-request and complete */
	char *auth_id; /* <auth id=>: main, challenge, success, ... */
	char *title;
	struct auth_text message;
	struct auth_text banner;
	struct auth_text error;
	bool has_form;
	struct auth_form form;
	bool has_client_cert_request;   /* <client-cert-request/> */
	bool has_multiple_cert_request; /* <multiple-client-cert-request> (unsupported) */
	bool has_host_scan;             /* <host-scan>: posture scan demanded (unsupported) */

	/* complete */
	char *session_id;
	char *session_token; /* the webvpn cookie when the gateway sends it in XML */
	char *base_package_uri;
	char *server_cert_hash; /* <vpn-base-config><server-cert-hash> */
	struct auth_manifest_file files[AUTH_MAX_MANIFEST_FILES];
	size_t n_files;
};

void auth_doc_init(struct auth_doc *doc);
/* Frees and wipes every string; leaves doc as after auth_doc_init(). */
void auth_doc_cleanup(struct auth_doc *doc);

/*
 * Replaces the string in *slot (a field of a doc or form) with a copy of
 * value (NULL clears it). 0 or VPN_ERR_NOMEM, in which case *slot is unchanged.
 */
int auth_doc_set(char **slot, const char *value);

/* Appenders with copies of their arguments: 0, VPN_ERR_TOO_BIG or VPN_ERR_NOMEM. */
int auth_doc_add_auth_method(struct auth_doc *doc, const char *method);
int auth_doc_add_reply_field(struct auth_doc *doc, const char *name, const char *value);
int auth_doc_add_manifest_file(struct auth_doc *doc, const char *uri, const char *sha1_hex);

/* The reply field called name, or NULL. */
const char *auth_doc_reply_value(const struct auth_doc *doc, const char *name);

/* "init", "auth-request", ... as in the root's type attribute. */
const char *auth_doc_type_name(enum auth_doc_type type);

/* Frees a string the way doc strings are freed: wiped first. */
void auth_doc_str_free(char *s);

#endif
