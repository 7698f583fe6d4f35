/* SPDX-License-Identifier: ISC */
/*
 * Private sharing between the lib/auth XML files. libxml2 types may appear
 * here and nowhere in the public headers.
 */
#ifndef AUTH_XML_INTERNAL_H
#define AUTH_XML_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/auth/xml.h"
#include "lib/auth/xml_lib.h"

/* One document being read: libxml2 and the parsed tree (borrowed), the output. */
struct xml_reader {
	const struct auth_xml_lib *lib;
	xmlDoc *doc;
	struct auth_doc *out;
	struct auth_xml_error *err; /* may be NULL */
	bool has_auth;              /* an <auth> element was read */
};

/*
 * One element the reader knows under some parent: take() copies it into
 * the doc; off locates the doc member for the generic takers below.
 */
struct xml_rule {
	const char *name;
	int (*take)(struct xml_reader *r, xmlNode *node, size_t off);
	size_t off;
};

/* xml_parse.c */

/*
 * Checks size and encoding, parses with lib (network, DTDs and entities
 * off), refuses any DOCTYPE, checks depth. *out is the tree to free with
 * lib->free_doc. 0 or a negative vpn_err with err filled in.
 */
int auth_xml_parse(const struct auth_xml_lib *lib, xmlDoc **out, const void *data, size_t len,
		   struct auth_xml_error *err);

/* Fills err with "auth xml: [line N: ]..." (line when > 0); returns code. */
int auth_xml_fail(struct auth_xml_error *err, long line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* xml_node.c */

/* auth_xml_fail at node's line. */
int auth_xml_node_fail(struct xml_reader *r, const xmlNode *node, int code,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Calls the matching rule's take() for each element child; others are ignored. */
int auth_xml_node_walk(struct xml_reader *r, xmlNode *parent,
		       const struct xml_rule *rules, size_t n_rules);
/* The element's name is name. */
int auth_xml_node_is(const xmlNode *node, const char *name);
/* Copies the element's text (all text below it) into *slot, replacing it. */
int auth_xml_node_text(struct xml_reader *r, xmlNode *node, char **slot);
/* Copies attribute name into *slot; absent sets *slot to NULL. */
int auth_xml_node_attr(struct xml_reader *r, xmlNode *node, const char *name, char **slot);
/* Attribute name equals value (case-insensitively, as openconnect compares). */
int auth_xml_node_attr_is(struct xml_reader *r, xmlNode *node, const char *name,
			  const char *value);
/* Re-serialises the whole element (tags included) into *slot. */
int auth_xml_node_dump(struct xml_reader *r, xmlNode *node, char **slot);

/* Generic takers: the doc member at off is a char * / struct auth_text / bool. */
int auth_xml_node_take_text(struct xml_reader *r, xmlNode *node, size_t off);
int auth_xml_node_take_msg(struct xml_reader *r, xmlNode *node, size_t off);
int auth_xml_node_take_flag(struct xml_reader *r, xmlNode *node, size_t off);
int auth_xml_node_take_version(struct xml_reader *r, xmlNode *node, size_t off);
int auth_xml_node_take_opaque(struct xml_reader *r, xmlNode *node, size_t off);

/* xml_read_gw.c: the gateway's documents, from their root element. */
int auth_xml_read_request(struct xml_reader *r, xmlNode *root);
int auth_xml_read_complete(struct xml_reader *r, xmlNode *root);

/*
 * xml_out.c: checked, escaped output. A string that XML cannot carry
 * (invalid UTF-8, control characters, a bad element name) makes the
 * output invalid; like the writer's overflow the error is sticky, so a
 * document is written without checks and checked once at the end.
 */
struct xml_out {
	struct buf_writer *w;
	int rc; /* 0 or the first VPN_ERR_INVALID */
};

void auth_xml_out_raw(struct xml_out *o, const char *s);
/* Text content, escaped as libxml2 escapes it (&lt; &gt; &amp; &#13;). */
void auth_xml_out_text(struct xml_out *o, const char *s);
/* ' name="value"', escaped as libxml2 escapes attributes; nothing when value is NULL. */
void auth_xml_out_attr(struct xml_out *o, const char *name, const char *value);
/* <name>text</name>, or <name/> when text is NULL (as libxml2 writes it). */
void auth_xml_out_elem(struct xml_out *o, const char *name, const char *text);
/* The same in two steps, so attributes can go between: "<name" ... */
void auth_xml_out_open(struct xml_out *o, const char *name);
/* ... then ">text</name>", or "/>" when text is NULL. */
void auth_xml_out_close(struct xml_out *o, const char *name, const char *text);
/* Refuses names other than [A-Za-z_][A-Za-z0-9_.-]*: what real input names use. */
void auth_xml_out_check_name(struct xml_out *o, const char *name);
/* 0, VPN_ERR_INVALID or VPN_ERR_TOO_BIG. */
int auth_xml_out_result(const struct xml_out *o);

/* xml_write_gw.c */
void auth_xml_write_request(struct xml_out *o, const struct auth_doc *doc);
void auth_xml_write_complete(struct xml_out *o, const struct auth_doc *doc);

#endif
