/* SPDX-License-Identifier: ISC */
/*
 * The characters XML 1.0 can carry, in UTF-8: what xml_out.c will write
 * and what doc_wire.c accepts as text a parsed document could hold.
 */
#ifndef AUTH_XML_CHAR_H
#define AUTH_XML_CHAR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the UTF-8 sequence at p[0..left) if it encodes a character
 * XML 1.0 allows (tab, LF, CR, U+0020-D7FF, U+E000-FFFD,
 * U+10000-10FFFF), else 0 (overlong, surrogate, cut short, not UTF-8).
 * left >= 1. A NUL inside a sequence fails it, so a NUL-terminated string
 * may be passed with left = SIZE_MAX.
 */
size_t auth_xml_char_len(const uint8_t *p, size_t left);

#endif
