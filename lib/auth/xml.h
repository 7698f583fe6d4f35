/* SPDX-License-Identifier: ISC */
/*
 * Aggregate-auth XML <-> struct auth_doc. The reader takes one whole HTTP
 * body (the HTTP layer has already delimited it, so a partial document is
 * simply invalid: there is no "need more"); the writers produce the exact
 * bytes real peers send. No libxml2 type appears here.
 *
 * libxml2 keeps process-wide state. auth_xml_global_init() sets it up once:
 * an allocator that wipes what libxml2 frees (parsed passwords and cookies
 * pass through its buffers), error printing switched off (the library must
 * not print), then xmlInitParser(). Program main() functions call it first
 * thing, before any thread starts and before anything else touches
 * libxml2, because blocks allocated before the allocator switch could not
 * be freed after it. auth_xml_read() calls it too (it runs only once), so
 * tests and fuzzers that use nothing else of libxml2 need not. In the
 * client, which loads libxml2 only for its login (xml_lib.h), both steps
 * happen at each load instead and auth_xml_global_init() does nothing.
 */
#ifndef AUTH_XML_H
#define AUTH_XML_H

#include <stddef.h>

#include "lib/auth/doc.h"
#include "lib/base/buf.h"

enum {
	AUTH_XML_MAX_SIZE = 64 * 1024, /* checked before parsing */
	AUTH_XML_MAX_DEPTH = 16,       /* element nesting, root = 1 */
};

/* Why a document was refused, as one log line: "auth xml: line 3: ...". */
struct auth_xml_error {
	char text[200];
};

void auth_xml_global_init(void);

/*
 * Gives libxml2 back to the system where the program loads it at run time
 * (the client, once its login is over); the next auth_xml_read() loads it
 * again. Where libxml2 is linked it stays, and this does nothing. No
 * document may be in the middle of being read.
 */
void auth_xml_unload(void);

/*
 * Parses the document in data[0..len) into out, which must be freshly
 * initialised (auth_doc_init); the type comes from the root (config-auth
 * type=..., or a bare <auth> for a legacy auth-request). Network access,
 * DTDs and entities are off and any DOCTYPE is refused. Returns 0,
 * VPN_ERR_TOO_BIG (document or one of its lists past a bound),
 * VPN_ERR_INVALID (not well-formed, not UTF-8, unknown type, ...) or
 * VPN_ERR_NOMEM; on failure out holds nothing and err (may be NULL) says why.
 */
int auth_xml_read(struct auth_doc *out, const void *data, size_t len,
		  struct auth_xml_error *err);

/*
 * Appends the document to w, chosen by doc->type:
 * - init, auth-reply: openconnect 9.01's bytes (XML declaration line, the
 *   root on one line, LF), given the same inputs.
 * - auth-request: by doc->shape; ocserv's layout, the ASA's (for Cisco
 *   user agents: aggregate-auth-version 2, opaque, selected="true", error
 *   with id, default "88"), or the legacy bare <auth>.
 * - complete: ocserv's layout or the ASA's. There is no legacy complete: a
 *   legacy success page is an auth-request with auth_id "success".
 * Text and attributes are escaped. Returns 0, VPN_ERR_TOO_BIG when w is
 * full (w's sticky error), VPN_ERR_INVALID when a string is not valid
 * UTF-8, holds a character XML cannot carry, or a reply field name is not
 * an XML name, VPN_ERR_UNSUPPORTED for a type/shape with no layout.
 */
int auth_xml_write(struct buf_writer *w, const struct auth_doc *doc);

/*
 * Builds the ASA's <opaque is-for="sg"> with tunnel-group, group-alias and
 * config-hash (each may be NULL) into *out (owned, free with
 * auth_doc_str_free), ready for doc->opaque. 0, VPN_ERR_INVALID, VPN_ERR_NOMEM.
 */
int auth_xml_opaque_sg(char **out, const char *tunnel_group,
		       const char *group_alias, const char *config_hash);

#endif
