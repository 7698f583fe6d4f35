/* SPDX-License-Identifier: ISC */
/*
 * auth_xml_read(): parse, tell the document type from the root, and read
 * the client's documents (init, auth-reply). The gateway's documents are
 * read in xml_read_gw.c. Unknown elements are ignored, as both real peers
 * ignore them; lists past their bound are refused.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

static int take_device_id(struct xml_reader *r, xmlNode *node, size_t off)
{
	static const struct {
		const char *name;
		size_t off;
	} attrs[] = {
		{ "device-type", offsetof(struct auth_doc, device_type) },
		{ "platform-version", offsetof(struct auth_doc, platform_version) },
		{ "unique-id", offsetof(struct auth_doc, unique_id) },
		{ "unique-id-global", offsetof(struct auth_doc, unique_id_global) },
		{ "computer-name", offsetof(struct auth_doc, computer_name) },
	};
	int rc = auth_xml_node_text(r, node, &r->out->device_id);

	for (size_t i = 0; rc == 0 && i < sizeof(attrs) / sizeof(attrs[0]); i++)
		rc = auth_xml_node_attr(r, node, attrs[i].name,
					(char **)((char *)r->out + attrs[i].off));
	return rc;
}

static int take_capabilities(struct xml_reader *r, xmlNode *node, size_t off)
{
	struct auth_doc *out = r->out;

	for (xmlNode *m = node->children; m; m = m->next) {
		int rc;

		if (!auth_xml_node_is(m, "auth-method"))
			continue;
		if (out->n_auth_methods == AUTH_MAX_AUTH_METHODS)
			return auth_xml_node_fail(r, m, VPN_ERR_TOO_BIG,
						  "too many 'auth-method' elements (limit %d)",
						  AUTH_MAX_AUTH_METHODS);
		rc = auth_xml_node_text(r, m, &out->auth_methods[out->n_auth_methods]);
		if (rc != 0)
			return rc;
		out->n_auth_methods++;
	}
	return 0;
}

/* Every element under <auth> is one answer, named by its element. */
static int take_answers(struct xml_reader *r, xmlNode *node, size_t off)
{
	struct auth_doc *out = r->out;

	for (xmlNode *f = node->children; f; f = f->next) {
		struct auth_reply_field *field;
		int rc;

		if (f->type != XML_ELEMENT_NODE)
			continue;
		if (out->n_fields == AUTH_MAX_REPLY_FIELDS)
			return auth_xml_node_fail(r, f, VPN_ERR_TOO_BIG,
						  "too many fields in 'auth' (limit %d)",
						  AUTH_MAX_REPLY_FIELDS);
		field = &out->fields[out->n_fields];
		rc = auth_xml_node_text(r, f, &field->value);
		if (rc == 0 && auth_doc_set(&field->name, (const char *)f->name) != 0)
			rc = auth_xml_node_fail(r, f, VPN_ERR_NOMEM, "out of memory");
		/* Counted either way, so cleanup frees what was copied. */
		out->n_fields++;
		if (rc != 0)
			return rc;
	}
	return 0;
}

#define TEXT_RULE(elem, member) { elem, auth_xml_node_take_text, offsetof(struct auth_doc, member) }

static const struct xml_rule init_rules[] = {
	{ "version", auth_xml_node_take_version, 0 },
	{ "device-id", take_device_id, 0 },
	{ "capabilities", take_capabilities, 0 },
	TEXT_RULE("group-access", group_access),
	TEXT_RULE("group-select", group_select),
	{ "client-cert-fail", auth_xml_node_take_flag, offsetof(struct auth_doc, has_client_cert_fail) },
};

/* host-scan-token is left out on purpose: posture is not supported. */
static const struct xml_rule reply_rules[] = {
	{ "version", auth_xml_node_take_version, 0 },
	{ "device-id", take_device_id, 0 },
	{ "capabilities", take_capabilities, 0 },
	{ "opaque", auth_xml_node_take_opaque, 0 },
	{ "auth", take_answers, 0 },
	TEXT_RULE("group-select", group_select),
};

static int read_init(struct xml_reader *r, xmlNode *root)
{
	return auth_xml_node_walk(r, root, init_rules, sizeof(init_rules) / sizeof(init_rules[0]));
}

static int read_reply(struct xml_reader *r, xmlNode *root)
{
	return auth_xml_node_walk(r, root, reply_rules, sizeof(reply_rules) / sizeof(reply_rules[0]));
}

static const struct {
	enum auth_doc_type type;
	int (*read)(struct xml_reader *r, xmlNode *root);
} kinds[] = {
	{ AUTH_DOC_INIT, read_init },
	{ AUTH_DOC_AUTH_REQUEST, auth_xml_read_request },
	{ AUTH_DOC_AUTH_REPLY, read_reply },
	{ AUTH_DOC_COMPLETE, auth_xml_read_complete },
};

/* A small decimal number, else 0 ("unknown"): peers only ever send "2". */
static unsigned parse_version_attr(const char *s)
{
	unsigned v = 0;
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 6)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

static int read_config_auth(struct xml_reader *r, xmlNode *root)
{
	char *type = NULL, *agg = NULL;
	int rc;

	rc = auth_xml_node_attr(r, root, "type", &type);
	if (rc == 0)
		rc = auth_xml_node_attr(r, root, "aggregate-auth-version", &agg);
	if (rc != 0)
		goto out;
	r->out->aggregate_auth_version = parse_version_attr(agg);
	r->out->shape = r->out->aggregate_auth_version ? AUTH_SHAPE_ASA : AUTH_SHAPE_OCSERV;
	if (!type) {
		rc = auth_xml_node_fail(r, root, VPN_ERR_INVALID, "config-auth has no type");
		goto out;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(type, auth_doc_type_name(kinds[i].type)) == 0) {
			r->out->type = kinds[i].type;
			rc = kinds[i].read(r, root);
			goto out;
		}
	}
	rc = auth_xml_node_fail(r, root, VPN_ERR_INVALID, "unknown document type '%.40s'", type);
out:
	auth_doc_str_free(type);
	auth_doc_str_free(agg);
	return rc;
}

static int read_root(struct xml_reader *r, xmlNode *root)
{
	if (!root)
		return auth_xml_fail(r->err, 0, VPN_ERR_INVALID, "no root element");
	if (auth_xml_node_is(root, "config-auth"))
		return read_config_auth(r, root);
	if (auth_xml_node_is(root, "auth")) {
		r->out->type = AUTH_DOC_AUTH_REQUEST;
		r->out->shape = AUTH_SHAPE_LEGACY;
		return auth_xml_read_request(r, root);
	}
	return auth_xml_node_fail(r, root, VPN_ERR_INVALID, "unknown root element '%.40s'",
				  (const char *)root->name);
}

int auth_xml_read(struct auth_doc *out, const void *data, size_t len,
		  struct auth_xml_error *err)
{
	struct xml_reader r = { .out = out, .err = err };
	int rc;

	if (err)
		err->text[0] = '\0';
	r.lib = auth_xml_lib_get(err);
	if (!r.lib)
		return VPN_ERR_NOT_FOUND;
	rc = auth_xml_parse(r.lib, &r.doc, data, len, err);
	if (rc != 0)
		return rc;
	rc = read_root(&r, r.lib->doc_get_root_element(r.doc));
	r.lib->free_doc(r.doc);
	if (rc != 0)
		auth_doc_cleanup(out);
	return rc;
}
