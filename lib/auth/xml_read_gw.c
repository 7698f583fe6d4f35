/* SPDX-License-Identifier: ISC */
/*
 * Reading what a gateway sends: auth-request (ocserv, ASA and legacy bare
 * <auth> shapes alike, the form included) and complete (session token,
 * server certificate hash, profile manifest). What a client must
 * understand is in PROTOCOL.md 3.3 and 4.4; inputs the client cannot use
 * (no type, no name, submit/reset, unknown types) are skipped, as
 * openconnect skips them.
 */
#include <stddef.h>
#include <string.h>

#include <libxml/tree.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

#define MEMBER(m) offsetof(struct auth_doc, m)
#define N(rules) (sizeof(rules) / sizeof((rules)[0]))

static const struct {
	const char *name;
	enum auth_field_type type;
} input_types[] = {
	{ "text", AUTH_FIELD_TEXT },
	{ "password", AUTH_FIELD_PASSWORD },
	{ "hidden", AUTH_FIELD_HIDDEN },
	{ "sso", AUTH_FIELD_SSO },
};

static int add_field(struct xml_reader *r, xmlNode *node, struct auth_form_field **out,
		     enum auth_field_type type, const char *name)
{
	struct auth_form *form = &r->out->form;
	int rc;

	if (form->n_fields == AUTH_FORM_MAX_FIELDS)
		return auth_xml_node_fail(r, node, VPN_ERR_TOO_BIG, "too many form fields (limit %d)",
					  AUTH_FORM_MAX_FIELDS);
	rc = auth_form_add_field(form, out, type, name, NULL);
	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "label", &(*out)->label);
	if (rc != 0)
		return auth_xml_node_fail(r, node, rc, "out of memory");
	return 0;
}

static int read_input(struct xml_reader *r, xmlNode *node)
{
	xmlChar *type = r->lib->get_prop(node, (const xmlChar *)"type");
	xmlChar *name = r->lib->get_prop(node, (const xmlChar *)"name");
	struct auth_form_field *field;
	int rc = 0;

	for (size_t i = 0; type && name && i < N(input_types); i++) {
		if (strcmp((const char *)type, input_types[i].name) != 0)
			continue;
		rc = add_field(r, node, &field, input_types[i].type, (const char *)name);
		if (rc == 0 && field->type == AUTH_FIELD_HIDDEN)
			rc = auth_xml_node_attr(r, node, "value", &field->value);
		if (rc == 0)
			field->is_second_auth = auth_xml_node_attr_is(r, node, "second-auth", "1");
		break;
	}
	auth_xml_free(type);
	auth_xml_free(name);
	return rc;
}

static int read_option(struct xml_reader *r, struct auth_form_field *field, xmlNode *node)
{
	xmlChar *value, *text;
	int rc;

	if (field->n_options == AUTH_FORM_MAX_OPTIONS)
		return auth_xml_node_fail(r, node, VPN_ERR_TOO_BIG,
					  "too many 'option' elements (limit %d)",
					  AUTH_FORM_MAX_OPTIONS);
	value = r->lib->get_prop(node, (const xmlChar *)"value");
	text = r->lib->node_get_content(node);
	rc = text ? auth_form_add_option(field, (const char *)value, (const char *)text,
					 auth_xml_node_attr_is(r, node, "selected", "true"))
		  : VPN_ERR_NOMEM;
	auth_xml_free(value);
	auth_xml_free(text);
	if (rc != 0)
		return auth_xml_node_fail(r, node, rc, "out of memory");
	return 0;
}

static int read_select(struct xml_reader *r, xmlNode *node)
{
	xmlChar *name = r->lib->get_prop(node, (const xmlChar *)"name");
	struct auth_form_field *field;
	int rc;

	if (!name)
		return auth_xml_node_fail(r, node, VPN_ERR_INVALID, "'select' has no name");
	rc = add_field(r, node, &field, AUTH_FIELD_SELECT, (const char *)name);
	auth_xml_free(name);
	for (xmlNode *opt = node->children; rc == 0 && opt; opt = opt->next)
		if (auth_xml_node_is(opt, "option"))
			rc = read_option(r, field, opt);
	return rc;
}

static int take_form(struct xml_reader *r, xmlNode *node, size_t off)
{
	struct auth_form *form = &r->out->form;
	int rc;

	r->out->has_form = true;
	rc = auth_xml_node_attr(r, node, "method", &form->method);
	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "action", &form->action);
	for (xmlNode *child = node->children; rc == 0 && child; child = child->next) {
		if (auth_xml_node_is(child, "input"))
			rc = read_input(r, child);
		else if (auth_xml_node_is(child, "select"))
			rc = read_select(r, child);
	}
	return rc;
}

static const struct xml_rule auth_rules[] = {
	{ "title", auth_xml_node_take_text, MEMBER(title) },
	{ "message", auth_xml_node_take_msg, MEMBER(message) },
	{ "banner", auth_xml_node_take_msg, MEMBER(banner) },
	{ "error", auth_xml_node_take_msg, MEMBER(error) },
	{ "form", take_form, 0 },
};

static int take_auth(struct xml_reader *r, xmlNode *node, size_t off)
{
	int rc = auth_xml_node_attr(r, node, "id", &r->out->auth_id);

	r->has_auth = true;
	if (rc != 0)
		return rc;
	return auth_xml_node_walk(r, node, auth_rules, N(auth_rules));
}

static const struct xml_rule request_rules[] = {
	{ "version", auth_xml_node_take_version, 0 },
	{ "opaque", auth_xml_node_take_opaque, 0 },
	{ "auth", take_auth, 0 },
	{ "error", auth_xml_node_take_msg, MEMBER(error) },
	{ "client-cert-request", auth_xml_node_take_flag, MEMBER(has_client_cert_request) },
	{ "multiple-client-cert-request", auth_xml_node_take_flag, MEMBER(has_multiple_cert_request) },
	{ "host-scan", auth_xml_node_take_flag, MEMBER(has_host_scan) },
};

int auth_xml_read_request(struct xml_reader *r, xmlNode *root)
{
	int rc;

	/* The legacy document is its own <auth> element. */
	if (r->out->shape == AUTH_SHAPE_LEGACY)
		return take_auth(r, root, 0);
	rc = auth_xml_node_walk(r, root, request_rules, N(request_rules));
	if (rc != 0)
		return rc;
	/* Without a form or a certificate request there is nothing to act on. */
	if (!r->has_auth && !r->out->has_client_cert_request && !r->out->has_multiple_cert_request)
		return auth_xml_node_fail(r, root, VPN_ERR_INVALID, "auth-request has no 'auth' element");
	return 0;
}

static int read_file(struct xml_reader *r, xmlNode *node)
{
	struct auth_manifest_file *f;
	int rc;

	if (r->out->n_files == AUTH_MAX_MANIFEST_FILES)
		return auth_xml_node_fail(r, node, VPN_ERR_TOO_BIG, "too many manifest files (limit %d)",
					  AUTH_MAX_MANIFEST_FILES);
	f = &r->out->files[r->out->n_files++];
	rc = auth_xml_node_attr(r, node, "type", &f->type);
	if (rc == 0)
		rc = auth_xml_node_attr(r, node, "service-type", &f->service_type);
	for (xmlNode *c = node->children; rc == 0 && c; c = c->next) {
		if (auth_xml_node_is(c, "uri")) {
			rc = auth_xml_node_text(r, c, &f->uri);
		} else if (auth_xml_node_is(c, "hash")) {
			rc = auth_xml_node_text(r, c, &f->hash);
			if (rc == 0)
				rc = auth_xml_node_attr(r, c, "type", &f->hash_type);
		}
	}
	return rc;
}

/* <vpn-profile-manifest><vpn rev="1.0"><file ...>: other revisions are not understood. */
static int take_manifest(struct xml_reader *r, xmlNode *node, size_t off)
{
	for (xmlNode *vpn = node->children; vpn; vpn = vpn->next) {
		if (!auth_xml_node_is(vpn, "vpn") || !auth_xml_node_attr_is(r, vpn, "rev", "1.0"))
			continue;
		for (xmlNode *file = vpn->children; file; file = file->next) {
			int rc;

			if (!auth_xml_node_is(file, "file"))
				continue;
			rc = read_file(r, file);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static const struct xml_rule base_config_rules[] = {
	{ "base-package-uri", auth_xml_node_take_text, MEMBER(base_package_uri) },
	{ "server-cert-hash", auth_xml_node_take_text, MEMBER(server_cert_hash) },
};

static int take_base_config(struct xml_reader *r, xmlNode *node, size_t off)
{
	return auth_xml_node_walk(r, node, base_config_rules, N(base_config_rules));
}

static const struct xml_rule config_rules[] = {
	{ "vpn-base-config", take_base_config, 0 },
	{ "vpn-profile-manifest", take_manifest, 0 },
};

static int take_config(struct xml_reader *r, xmlNode *node, size_t off)
{
	return auth_xml_node_walk(r, node, config_rules, N(config_rules));
}

static const struct xml_rule complete_rules[] = {
	{ "version", auth_xml_node_take_version, 0 },
	{ "session-id", auth_xml_node_take_text, MEMBER(session_id) },
	{ "session-token", auth_xml_node_take_text, MEMBER(session_token) },
	{ "auth", take_auth, 0 },
	{ "config", take_config, 0 },
};

int auth_xml_read_complete(struct xml_reader *r, xmlNode *root)
{
	return auth_xml_node_walk(r, root, complete_rules, N(complete_rules));
}
