/* SPDX-License-Identifier: ISC */
/*
 * Copying values out of libxml2 nodes into owned doc strings, and the
 * table-driven walk over an element's children that every reader uses.
 * Strings libxml2 hands out come from its (wiping) allocator and go back
 * to it at once; the doc keeps its own copies.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

int auth_xml_node_fail(struct xml_reader *r, const xmlNode *node, int code,
		       const char *fmt, ...)
{
	char detail[sizeof(r->err->text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return auth_xml_fail(r->err, node ? r->lib->get_line_no(node) : 0, code, "%s", detail);
}

int auth_xml_node_is(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

/* Moves a libxml2 string into *slot as an owned copy; NULL clears *slot. */
static int adopt(struct xml_reader *r, const xmlNode *node, xmlChar *value, char **slot)
{
	int rc = auth_doc_set(slot, (const char *)value);

	auth_xml_free(value);
	if (rc != 0)
		return auth_xml_node_fail(r, node, rc, "out of memory");
	return 0;
}

int auth_xml_node_text(struct xml_reader *r, xmlNode *node, char **slot)
{
	xmlChar *text = r->lib->node_get_content(node);

	if (!text)
		return auth_xml_node_fail(r, node, VPN_ERR_NOMEM, "out of memory");
	return adopt(r, node, text, slot);
}

int auth_xml_node_attr(struct xml_reader *r, xmlNode *node, const char *name, char **slot)
{
	/* NULL (absent) clears what an earlier element of the same name left. */
	return adopt(r, node, r->lib->get_prop(node, (const xmlChar *)name), slot);
}

int auth_xml_node_attr_is(struct xml_reader *r, xmlNode *node, const char *name,
			  const char *value)
{
	xmlChar *got = r->lib->get_prop(node, (const xmlChar *)name);
	bool is_equal = got && strcasecmp((const char *)got, value) == 0;

	auth_xml_free(got);
	return is_equal;
}

int auth_xml_node_dump(struct xml_reader *r, xmlNode *node, char **slot)
{
	/*
	 * A detached copy, as openconnect takes one: namespaces declared
	 * above the element get declared on it, so the text stands alone.
	 */
	const struct auth_xml_lib *lib = r->lib;
	xmlNodePtr copy = lib->doc_copy_node(node, r->doc, 1);
	xmlBufferPtr buf = lib->buffer_create();
	int rc = VPN_ERR_NOMEM;

	/* No formatting: whitespace inside stays as the gateway sent it. */
	if (copy && buf && lib->node_dump(buf, r->doc, copy, 0, 0) >= 0)
		rc = auth_doc_set(slot, (const char *)lib->buffer_content(buf));
	lib->buffer_free(buf);
	lib->free_node(copy);
	if (rc != 0)
		return auth_xml_node_fail(r, node, rc, "cannot copy <%s>", (const char *)node->name);
	return 0;
}

int auth_xml_node_walk(struct xml_reader *r, xmlNode *parent,
		       const struct xml_rule *rules, size_t n_rules)
{
	for (xmlNode *node = parent->children; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < n_rules; i++) {
			int rc;

			if (!auth_xml_node_is(node, rules[i].name))
				continue;
			rc = rules[i].take(r, node, rules[i].off);
			if (rc != 0)
				return rc;
			break;
		}
	}
	return 0;
}

static void *member(struct xml_reader *r, size_t off)
{
	return (char *)r->out + off;
}

int auth_xml_node_take_text(struct xml_reader *r, xmlNode *node, size_t off)
{
	return auth_xml_node_text(r, node, member(r, off));
}

int auth_xml_node_take_msg(struct xml_reader *r, xmlNode *node, size_t off)
{
	struct auth_text *t = member(r, off);
	int rc;

	rc = auth_xml_node_text(r, node, &t->text);
	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "id", &t->id);
	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "param1", &t->param1);
	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "param2", &t->param2);
	return rc;
}

int auth_xml_node_take_flag(struct xml_reader *r, xmlNode *node, size_t off)
{
	bool *flag = member(r, off);

	*flag = true;
	return 0;
}

int auth_xml_node_take_version(struct xml_reader *r, xmlNode *node, size_t off)
{
	int rc = auth_xml_node_text(r, node, &r->out->version);

	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "who", &r->out->version_who);
	return rc;
}

int auth_xml_node_take_opaque(struct xml_reader *r, xmlNode *node, size_t off)
{
	return auth_xml_node_dump(r, node, &r->out->opaque);
}
