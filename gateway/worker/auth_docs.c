/* SPDX-License-Identifier: ISC */
/* auth-request and complete documents, and the cookies of a successful login. */
#include "gateway/worker/auth_docs.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gateway/worker/groups.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/http/cookie.h"
#include "lib/http/url.h"

/* What ocserv puts in <version who="sg">; clients only display it. */
#define SG_VERSION "0.1(1)"

static enum auth_doc_shape shape_of(const struct session *s)
{
	switch (s->auth.client) {
	case SESSION_CLIENT_ANYCONNECT:
		return AUTH_SHAPE_ASA;
	case SESSION_CLIENT_LEGACY:
		return AUTH_SHAPE_LEGACY;
	default:
		return AUTH_SHAPE_OCSERV;
	}
}

static int add_option(struct auth_form_field *f, const struct group_choice *c, bool is_selected)
{
	return auth_form_add_option(f, c->has_value ? c->name : NULL, c->label, is_selected);
}

/*
 * The current choice goes first (ocserv: clients take the first as the
 * default) and, for the ASA shape, also carries selected="true"; after a
 * group URL it is the only one.
 */
static int add_group_list(struct auth_form *form, const struct session *s, bool is_asa)
{
	struct group_choice list[GROUPS_MAX], chosen;
	struct auth_form_field *f;
	bool has_chosen = false;
	size_t n = groups_list(s->w, list, GROUPS_MAX);
	int rc;

	if (n == 0)
		return 0;
	rc = auth_form_add_field(form, &f, AUTH_FIELD_SELECT, "group_list", is_asa ? "GROUP:" : "Group:");
	if (rc != 0)
		return rc;
	if (s->auth.group[0] && groups_resolve(s->w, s->auth.group, &chosen)) {
		has_chosen = true;
	} else if (s->auth.group[0]) {
		/* An unknown choice is echoed, as ocserv does; authd will refuse it. */
		chosen.name = s->auth.group;
		chosen.label = s->auth.group;
		chosen.has_value = true;
		has_chosen = true;
	}
	if (has_chosen && (rc = add_option(f, &chosen, is_asa)) != 0)
		return rc;
	/* A group URL fixes the profile (as the ASA's group-url does); one choice
	 * is also what openconnect takes without asking. */
	if (has_chosen && s->auth.is_group_by_url)
		return 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (has_chosen && strcmp(list[i].name, chosen.name) == 0)
			continue;
		rc = add_option(f, &list[i], is_asa && !has_chosen && i == 0);
	}
	return rc;
}

static int build_form(struct auth_doc *doc, const struct session *s, enum auth_docs_form form)
{
	struct auth_form_field *f;
	bool is_asa = doc->shape == AUTH_SHAPE_ASA;
	int rc = 0;

	doc->has_form = true;
	if (!is_asa) {
		rc = auth_doc_set(&doc->form.method, "post");
		if (rc == 0)
			rc = auth_doc_set(&doc->form.action, "/auth");
	}
	if (rc == 0 && form != AUTH_DOCS_PASSWORD)
		rc = auth_form_add_field(&doc->form, &f, AUTH_FIELD_TEXT, "username", "Username:");
	if (rc == 0 && form != AUTH_DOCS_USERNAME)
		rc = auth_form_add_field(&doc->form, &f, AUTH_FIELD_PASSWORD, "password", "Password:");
	if (rc == 0 && form != AUTH_DOCS_PASSWORD)
		rc = add_group_list(&doc->form, s, is_asa);
	return rc;
}

static int asa_opaque(struct auth_doc *doc, const struct session *s)
{
	struct group_choice c;
	const char *group = "DefaultWEBVPNGroup";
	const char *alias = NULL;

	if (s->auth.group[0] && groups_resolve(s->w, s->auth.group, &c)) {
		group = c.name;
		alias = c.label;
	}
	return auth_xml_opaque_sg(&doc->opaque, group, alias, NULL);
}

static int request(struct buf_writer *out, const struct session *s, enum auth_docs_form form,
		   const char *message, bool is_failure, bool is_cert_request)
{
	struct auth_doc doc;
	int rc;

	auth_doc_init(&doc);
	doc.type = AUTH_DOC_AUTH_REQUEST;
	doc.has_client_cert_request = is_cert_request;
	doc.shape = shape_of(s);
	rc = auth_doc_set(&doc.version, SG_VERSION);
	if (rc == 0)
		rc = auth_doc_set(&doc.version_who, "sg");
	if (rc == 0)
		rc = auth_doc_set(&doc.auth_id, "main");
	if (doc.shape == AUTH_SHAPE_ASA) {
		doc.aggregate_auth_version = 2;
		if (rc == 0)
			rc = auth_doc_set(&doc.title, "Login");
		if (rc == 0)
			rc = asa_opaque(&doc, s);
		if (rc == 0 && is_failure)
			rc = auth_doc_set(&doc.error.text, "Login failed.");
		if (rc == 0 && is_failure)
			rc = auth_doc_set(&doc.error.id, "88");
	}
	if (rc == 0 && message)
		rc = auth_doc_set(&doc.message.text, message);
	if (rc == 0)
		rc = build_form(&doc, s, form);
	if (rc == 0)
		rc = auth_xml_write(out, &doc);
	auth_doc_cleanup(&doc);
	return rc;
}

int auth_docs_request(struct buf_writer *out, const struct session *s, enum auth_docs_form form,
		      const char *message, bool is_failure)
{
	return request(out, s, form, message, is_failure, false);
}

int auth_docs_cert_request(struct buf_writer *out, const struct session *s)
{
	return request(out, s, AUTH_DOCS_USERNAME, "Please present a client certificate.", false,
		       true);
}

void auth_docs_cookie_hex(const struct session *s, char *out)
{
	for (size_t i = 0; i < MSG_COOKIE_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", s->ident.cookie[i]);
}

static uint64_t session_number(const struct session *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < MSG_SESSION_ID_LEN; i++)
		n = n << 8 | s->ident.session_id[i];
	return n;
}

static int complete_fields(struct auth_doc *doc, const struct session *s, const char *cookie)
{
	const struct worker *w = s->w;
	char number[24];
	int rc;

	snprintf(number, sizeof(number), "%" PRIu64, session_number(s));
	rc = auth_doc_set(&doc->session_id, number);
	if (rc == 0)
		rc = auth_doc_set(&doc->session_token, cookie);
	if (rc == 0 && w->cert_sha1[0])
		rc = auth_doc_set(&doc->server_cert_hash, w->cert_sha1);
	if (rc == 0 && w->profile.data)
		rc = auth_doc_add_manifest_file(doc, w->profile.uri, w->profile.sha1_hex);
	return rc;
}

int auth_docs_complete(struct buf_writer *out, const struct session *s)
{
	char cookie[2 * MSG_COOKIE_LEN + 1];
	struct auth_doc doc;
	int rc;

	auth_doc_init(&doc);
	auth_docs_cookie_hex(s, cookie);
	doc.type = AUTH_DOC_COMPLETE;
	doc.shape = shape_of(s) == AUTH_SHAPE_ASA ? AUTH_SHAPE_ASA : AUTH_SHAPE_OCSERV;
	if (doc.shape == AUTH_SHAPE_ASA)
		doc.aggregate_auth_version = 2;
	rc = auth_doc_set(&doc.version, SG_VERSION);
	if (rc == 0)
		rc = auth_doc_set(&doc.version_who, "sg");
	if (rc == 0)
		rc = auth_doc_set(&doc.auth_id, "success");
	if (rc == 0)
		rc = auth_doc_set(&doc.title, "SSL VPN Service");
	if (rc == 0)
		rc = complete_fields(&doc, s, cookie);
	if (rc == 0)
		rc = auth_xml_write(out, &doc);
	auth_doc_cleanup(&doc);
	buf_wipe(cookie, sizeof(cookie));
	return rc;
}

static void set_cookie(struct buf_writer *out, const char *name, const char *value,
		       const char *path)
{
	struct http_set_cookie c;

	memset(&c, 0, sizeof(c));
	c.name = str_view_of(name);
	c.value = str_view_of(value);
	c.path = str_view_of(path);
	c.is_secure = true;
	c.is_http_only = true;
	http_set_cookie_write(out, &c);
}

/* ocserv's webvpnc: what legacy Cisco clients read instead of the XML manifest. */
static void webvpnc_value(struct buf_writer *v, const struct worker *w)
{
	buf_printf(v, "bu:/&p:t&iu:1/&sh:%s", w->cert_sha1);
	if (!w->profile.data)
		return;
	buf_write_str(v, "&lu:/+CSCOT+/translation-table?textdomain%3DAnyConnect%26type%3Dmanifest");
	buf_write_str(v, "&fu:");
	/* The path without its leading slash, %-encoded as one component. */
	http_url_encode(v, str_view_of(w->profile.uri + 1));
	buf_printf(v, "&fh:%s", w->profile.sha1_hex);
}

void auth_docs_login_cookies(struct buf_writer *out, const struct session *s)
{
	char cookie[2 * MSG_COOKIE_LEN + 1];
	char value[1024];
	struct buf_writer v;

	auth_docs_cookie_hex(s, cookie);
	set_cookie(out, "webvpncontext", cookie, NULL);
	set_cookie(out, "webvpn", cookie, NULL);
	buf_wipe(cookie, sizeof(cookie));
	http_set_cookie_write_cleared(out, "webvpnc", "/");
	buf_writer_init(&v, value, sizeof(value) - 1);
	webvpnc_value(&v, s->w);
	if (buf_writer_error(&v) != 0) {
		/* A profile name this long is a config problem; the XML manifest still works. */
		return;
	}
	value[v.len] = '\0';
	set_cookie(out, "webvpnc", value, "/");
}
