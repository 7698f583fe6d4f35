/* SPDX-License-Identifier: ISC */
/*
 * The gateway's documents in the layouts clients already parse.
 * ocserv's (vectors 02/05/06, what openconnect is tested against): version
 * line, <form method action>, self-closing inputs, the chosen option moved
 * to the top instead of selected="true", the profile manifest on one line,
 * and no line end after the last tag. The ASA's (PROTOCOL.md 3.3, 4.4, for
 * Cisco user agents): aggregate-auth-version, opaque, <input></input>,
 * selected="true", <error id="88" param1 param2>, session-token and
 * vpn-base-config. The legacy layout is ocserv's without config-auth.
 */
#include <stdbool.h>
#include <stdio.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

static void put_msg(struct xml_out *o, const char *name, const struct auth_text *t)
{
	auth_xml_out_open(o, name);
	auth_xml_out_attr(o, "id", t->id);
	auth_xml_out_attr(o, "param1", t->param1);
	auth_xml_out_attr(o, "param2", t->param2);
	auth_xml_out_close(o, name, t->text ? t->text : "");
}

/* Cisco's message and error elements always carry all three attributes. */
static void put_asa_msg(struct xml_out *o, const char *name, const struct auth_text *t,
			const char *default_id)
{
	struct auth_text full = {
		.text = t->text,
		.id = t->id ? t->id : (char *)default_id,
		.param1 = t->param1 ? t->param1 : (char *)"",
		.param2 = t->param2 ? t->param2 : (char *)"",
	};

	put_msg(o, name, &full);
}

static void put_root(struct xml_out *o, const struct auth_doc *doc, const char *type)
{
	unsigned agg = doc->aggregate_auth_version;
	char agg_text[12];

	if (doc->shape == AUTH_SHAPE_ASA && agg == 0)
		agg = 2;
	auth_xml_out_raw(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth");
	auth_xml_out_attr(o, "client", "vpn");
	auth_xml_out_attr(o, "type", type);
	if (agg) {
		snprintf(agg_text, sizeof(agg_text), "%u", agg);
		auth_xml_out_attr(o, "aggregate-auth-version", agg_text);
	}
	auth_xml_out_raw(o, ">\n");
	if (doc->version) {
		auth_xml_out_open(o, "version");
		auth_xml_out_attr(o, "who", doc->version_who ? doc->version_who : "sg");
		auth_xml_out_close(o, "version", doc->version);
		auth_xml_out_raw(o, "\n");
	}
}

static void put_option(struct xml_out *o, const struct auth_form_option *opt, bool is_asa)
{
	auth_xml_out_open(o, "option");
	if (opt->has_value_attr)
		auth_xml_out_attr(o, "value", opt->value);
	if (is_asa && opt->is_selected)
		auth_xml_out_attr(o, "selected", "true");
	auth_xml_out_close(o, "option", opt->label ? opt->label : "");
	auth_xml_out_raw(o, "\n");
}

static void put_select(struct xml_out *o, const struct auth_form_field *f, bool is_asa)
{
	auth_xml_out_open(o, "select");
	auth_xml_out_attr(o, "name", f->name);
	auth_xml_out_attr(o, "label", f->label);
	auth_xml_out_raw(o, ">\n");
	if (is_asa) {
		for (size_t i = 0; i < f->n_options; i++)
			put_option(o, &f->options[i], true);
	} else {
		/* ocserv lists the chosen entry first and marks nothing. */
		for (size_t i = 0; i < f->n_options; i++)
			if (f->options[i].is_selected)
				put_option(o, &f->options[i], false);
		for (size_t i = 0; i < f->n_options; i++)
			if (!f->options[i].is_selected)
				put_option(o, &f->options[i], false);
	}
	auth_xml_out_raw(o, "</select>\n");
}

static const char *const field_type_names[] = {
	[AUTH_FIELD_TEXT] = "text",
	[AUTH_FIELD_PASSWORD] = "password",
	[AUTH_FIELD_HIDDEN] = "hidden",
	[AUTH_FIELD_SSO] = "sso",
};

static void put_input(struct xml_out *o, const struct auth_form_field *f, bool is_asa)
{
	auth_xml_out_open(o, "input");
	auth_xml_out_attr(o, "type", field_type_names[f->type]);
	auth_xml_out_attr(o, "name", f->name);
	auth_xml_out_attr(o, "label", f->label);
	if (f->type == AUTH_FIELD_HIDDEN)
		auth_xml_out_attr(o, "value", f->value ? f->value : "");
	if (f->is_second_auth)
		auth_xml_out_attr(o, "second-auth", "1");
	auth_xml_out_raw(o, is_asa ? "></input>\n" : " />\n");
}

static void put_form(struct xml_out *o, const struct auth_form *form, bool is_asa)
{
	auth_xml_out_open(o, "form");
	auth_xml_out_attr(o, "method", form->method);
	auth_xml_out_attr(o, "action", form->action);
	auth_xml_out_raw(o, ">\n");
	for (size_t i = 0; i < form->n_fields; i++) {
		const struct auth_form_field *f = &form->fields[i];

		if (f->type == AUTH_FIELD_SELECT)
			put_select(o, f, is_asa);
		else if (f->type >= AUTH_FIELD_TEXT && f->type <= AUTH_FIELD_SSO)
			put_input(o, f, is_asa);
		else if (o->rc == 0)
			o->rc = VPN_ERR_INVALID;
	}
	auth_xml_out_raw(o, is_asa ? "</form>\n" : "</form>");
}

/* <auth id=...> with everything in it, up to and including "</auth>". */
static void put_request_auth(struct xml_out *o, const struct auth_doc *doc)
{
	bool is_asa = doc->shape == AUTH_SHAPE_ASA;

	auth_xml_out_open(o, "auth");
	auth_xml_out_attr(o, "id", doc->auth_id ? doc->auth_id : "main");
	auth_xml_out_raw(o, ">\n");
	if (doc->title) {
		auth_xml_out_elem(o, "title", doc->title);
		auth_xml_out_raw(o, "\n");
	}
	if (doc->banner.text && !is_asa)
		put_msg(o, "banner", &doc->banner); /* ocserv: no line end after it */
	if (doc->message.text) {
		put_msg(o, "message", &doc->message);
		auth_xml_out_raw(o, "\n");
	}
	if (doc->banner.text && is_asa) {
		put_msg(o, "banner", &doc->banner);
		auth_xml_out_raw(o, "\n");
	}
	if (doc->error.text) {
		if (is_asa)
			put_asa_msg(o, "error", &doc->error, "88");
		else
			put_msg(o, "error", &doc->error);
		auth_xml_out_raw(o, "\n");
	}
	if (doc->has_form)
		put_form(o, &doc->form, is_asa);
	auth_xml_out_raw(o, "</auth>\n");
}

void auth_xml_write_request(struct xml_out *o, const struct auth_doc *doc)
{
	if (doc->shape == AUTH_SHAPE_LEGACY) {
		auth_xml_out_raw(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		put_request_auth(o, doc);
		return;
	}
	put_root(o, doc, "auth-request");
	if (doc->opaque) {
		auth_xml_out_raw(o, doc->opaque);
		auth_xml_out_raw(o, "\n");
	}
	if (doc->has_client_cert_request)
		auth_xml_out_raw(o, "<client-cert-request/>\n");
	put_request_auth(o, doc);
	auth_xml_out_raw(o, doc->shape == AUTH_SHAPE_ASA ? "</config-auth>\n" : "</config-auth>");
}

static void put_manifest(struct xml_out *o, const struct auth_doc *doc, const char *nl)
{
	auth_xml_out_raw(o, "<vpn-profile-manifest><vpn rev=\"1.0\">");
	auth_xml_out_raw(o, nl);
	for (size_t i = 0; i < doc->n_files; i++) {
		const struct auth_manifest_file *f = &doc->files[i];

		auth_xml_out_open(o, "file");
		auth_xml_out_attr(o, "type", f->type);
		auth_xml_out_attr(o, "service-type", f->service_type);
		auth_xml_out_raw(o, ">");
		auth_xml_out_elem(o, "uri", f->uri);
		auth_xml_out_open(o, "hash");
		auth_xml_out_attr(o, "type", f->hash_type);
		auth_xml_out_close(o, "hash", f->hash);
		auth_xml_out_raw(o, "</file>");
		auth_xml_out_raw(o, nl);
	}
	auth_xml_out_raw(o, "</vpn></vpn-profile-manifest>\n");
}

static void put_complete_head(struct xml_out *o, const struct auth_doc *doc)
{
	put_root(o, doc, "complete");
	if (doc->session_id) {
		auth_xml_out_elem(o, "session-id", doc->session_id);
		auth_xml_out_raw(o, "\n");
	}
	if (doc->session_token) {
		auth_xml_out_elem(o, "session-token", doc->session_token);
		auth_xml_out_raw(o, "\n");
	}
	auth_xml_out_open(o, "auth");
	auth_xml_out_attr(o, "id", doc->auth_id ? doc->auth_id : "success");
	auth_xml_out_raw(o, ">\n");
}

static void write_complete_ocserv(struct xml_out *o, const struct auth_doc *doc)
{
	put_complete_head(o, doc);
	if (doc->title)
		auth_xml_out_elem(o, "title", doc->title);
	if (doc->banner.text)
		put_msg(o, "banner", &doc->banner);
	if (doc->message.text)
		put_msg(o, "message", &doc->message);
	if (doc->n_files == 0 && !doc->server_cert_hash) {
		auth_xml_out_raw(o, "</auth></config-auth>\n");
		return;
	}
	auth_xml_out_raw(o, "</auth>\n<config client=\"vpn\" type=\"private\">");
	if (doc->server_cert_hash) {
		auth_xml_out_raw(o, "<vpn-base-config>");
		auth_xml_out_elem(o, "server-cert-hash", doc->server_cert_hash);
		auth_xml_out_raw(o, "</vpn-base-config>");
	}
	if (doc->n_files)
		put_manifest(o, doc, "");
	auth_xml_out_raw(o, "</config></config-auth>");
}

static void put_line(struct xml_out *o, const char *name, const char *text)
{
	if (!text)
		return;
	auth_xml_out_elem(o, name, text);
	auth_xml_out_raw(o, "\n");
}

static void write_complete_asa(struct xml_out *o, const struct auth_doc *doc)
{
	put_complete_head(o, doc);
	put_line(o, "title", doc->title);
	if (doc->banner.text) {
		put_msg(o, "banner", &doc->banner);
		auth_xml_out_raw(o, "\n");
	}
	put_asa_msg(o, "message", &doc->message, "0");
	auth_xml_out_raw(o, "\n</auth>\n"
			 "<capabilities><crypto-supported>ssl-dhe</crypto-supported></capabilities>\n"
			 "<config client=\"vpn\" type=\"private\">\n<vpn-base-config>\n");
	put_line(o, "base-package-uri", doc->base_package_uri);
	put_line(o, "server-cert-hash", doc->server_cert_hash);
	auth_xml_out_raw(o, "</vpn-base-config>\n");
	if (doc->n_files)
		put_manifest(o, doc, "\n");
	auth_xml_out_raw(o, "</config>\n</config-auth>\n");
}

void auth_xml_write_complete(struct xml_out *o, const struct auth_doc *doc)
{
	if (doc->shape == AUTH_SHAPE_ASA)
		write_complete_asa(o, doc);
	else
		write_complete_ocserv(o, doc);
}
