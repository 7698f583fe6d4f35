/* SPDX-License-Identifier: ISC */
/*
 * Phases 2 and 3 (PROTOCOL.md §3-4): the init POSTs that show the group
 * list and carry the group choice, then auth-reply rounds until the
 * gateway answers "complete" with the session cookie; openconnect's
 * fallback to the legacy form login when XML POST is not understood.
 *
 * Ownership: the flow owns its cookie jar (the webvpn session cookie
 * lives there, wiped on release), the gateway's last document and the
 * answers' copies; the password is borrowed from main.c, which wipes it.
 */
#ifndef CLIENT_AUTH_FLOW_H
#define CLIENT_AUTH_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "client/auth_fill.h"
#include "client/auth_parser.h"
#include "client/cookies.h"
#include "lib/auth/doc.h"
#include "lib/tls/digest.h"

/* openconnect re-posts init at most this often when the group changes. */
#define AUTH_FLOW_MAX_INITS 5
/* Rounds of one login (username, password, OTP, new password, ...). */
#define AUTH_FLOW_MAX_ROUNDS 16
#define AUTH_FLOW_PATH_MAX 1024

struct auth_flow {
	struct cookie_jar jar;       /* Set-Cookie values; "webvpn" is the session cookie */
	struct auth_doc doc;         /* the gateway's last document */
	struct auth_answers answers;
	char post_path[AUTH_FLOW_PATH_MAX]; /* where the next POST goes */
	char group[256];             /* the group chosen ("" before the choice) */
	unsigned init_count;
	unsigned round_count;
	bool has_switched_group;     /* one init with group-select was sent */
	bool is_legacy;              /* the gateway does not do XML POST */
	bool is_client_cert_fail;    /* say <client-cert-fail/> in the next init */
	bool is_cert_retried;        /* reconnected once to offer a certificate (§1.3) */
	bool has_cookie;             /* jar holds webvpn */
	char message[512];           /* the gateway's last message or error, for failures */
	char refusal[256];           /* why the last answer was not a login document */
	struct auth_parser parser;   /* the child that parses the gateway's documents */

	/* From the complete document. */
	bool has_profile;
	char profile_uri[AUTH_FLOW_PATH_MAX];
	char profile_sha1[TLS_DIGEST_SHA1_HEX_LEN];
};

void auth_flow_init(struct auth_flow *a);
void auth_flow_cleanup(struct auth_flow *a);

/* The session cookie, or NULL before login. */
const char *auth_flow_cookie(const struct auth_flow *a);

/*
 * Reads the profile's URI and hash from the complete document, or failing
 * that from ocserv's webvpnc cookie (fu: and fh:, as openconnect does).
 */
void auth_flow_take_profile(struct auth_flow *a);

#endif
