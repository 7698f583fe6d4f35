/* SPDX-License-Identifier: ISC */
/*
 * struct auth_doc as flat bytes, for handing a parsed document from one
 * process to another (the client's XML parser child, client/auth_parser.h).
 * The reading side treats the bytes as hostile: the process that wrote
 * them parsed what the network sent and may be anybody's by now. So the
 * decoder checks every length and count against the document's bounds
 * (AUTH_MAX_*, AUTH_FORM_MAX_*) and gives back only a doc that could have
 * come out of auth_xml_read(): a known type and shape, no member the type
 * cannot carry, strings of XML 1.0 characters in UTF-8 (so no NUL and no
 * control characters but tab, LF and CR), reply and form fields named,
 * options only in selects.
 *
 * Layout (big-endian): version byte, type, shape, flags, u32
 * aggregate-auth-version; then the doc's plain strings in a fixed order;
 * then the lists, each a u8 count and its items. A string is a u32 length
 * and its bytes, or the length 0xffffffff alone for NULL.
 */
#ifndef AUTH_DOC_WIRE_H
#define AUTH_DOC_WIRE_H

#include <stddef.h>

#include "lib/auth/doc.h"
#include "lib/base/buf.h"

enum {
	AUTH_DOC_WIRE_VERSION = 1,
	/*
	 * A 64 KiB document can come out larger: the opaque element is
	 * re-serialised (one '"' in an attribute becomes six bytes) and a bare
	 * option's text is both its label and its value.
	 */
	AUTH_DOC_WIRE_MAX_SIZE = 1024 * 1024,
};

/*
 * Appends doc to w. 0, VPN_ERR_TOO_BIG when w is full or the encoding
 * would pass AUTH_DOC_WIRE_MAX_SIZE, VPN_ERR_INVALID when a count is past
 * its bound.
 */
int auth_doc_wire_encode(struct buf_writer *w, const struct auth_doc *doc);

/*
 * Decodes exactly data[0..len) into out, which must be freshly initialised
 * (auth_doc_init). 0; VPN_ERR_TOO_BIG when len or a count is past its
 * bound; VPN_ERR_INVALID for anything else that is wrong (truncated,
 * trailing bytes, a string that is not XML text, a broken invariant);
 * VPN_ERR_NOMEM. On failure out holds nothing. The caller wipes data.
 */
int auth_doc_wire_decode(struct auth_doc *out, const void *data, size_t len);

#endif
