/* SPDX-License-Identifier: ISC */
/* Lifetime of struct auth_doc: owned strings in, wiped strings out. */
#include "lib/auth/doc.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

void auth_doc_str_free(char *s)
{
	if (!s)
		return;
	buf_wipe(s, strlen(s));
	free(s);
}

int auth_doc_set(char **slot, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return VPN_ERR_NOMEM;
	}
	auth_doc_str_free(*slot);
	*slot = copy;
	return 0;
}

void auth_doc_init(struct auth_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	auth_form_init(&doc->form);
}

static void text_cleanup(struct auth_text *t)
{
	auth_doc_str_free(t->text);
	auth_doc_str_free(t->id);
	auth_doc_str_free(t->param1);
	auth_doc_str_free(t->param2);
}

static void file_cleanup(struct auth_manifest_file *f)
{
	auth_doc_str_free(f->type);
	auth_doc_str_free(f->service_type);
	auth_doc_str_free(f->uri);
	auth_doc_str_free(f->hash);
	auth_doc_str_free(f->hash_type);
}

static void client_cleanup(struct auth_doc *doc)
{
	char **owned[] = {
		&doc->device_id, &doc->device_type, &doc->platform_version,
		&doc->unique_id, &doc->unique_id_global, &doc->computer_name,
		&doc->group_select, &doc->group_access,
	};

	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		auth_doc_str_free(*owned[i]);
	for (size_t i = 0; i < doc->n_auth_methods; i++)
		auth_doc_str_free(doc->auth_methods[i]);
	for (size_t i = 0; i < doc->n_fields; i++) {
		auth_doc_str_free(doc->fields[i].name);
		auth_doc_str_free(doc->fields[i].value);
	}
}

static void gateway_cleanup(struct auth_doc *doc)
{
	char **owned[] = {
		&doc->auth_id, &doc->title, &doc->session_id, &doc->session_token,
		&doc->base_package_uri, &doc->server_cert_hash,
	};

	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		auth_doc_str_free(*owned[i]);
	text_cleanup(&doc->message);
	text_cleanup(&doc->banner);
	text_cleanup(&doc->error);
	auth_form_cleanup(&doc->form);
	for (size_t i = 0; i < doc->n_files; i++)
		file_cleanup(&doc->files[i]);
}

void auth_doc_cleanup(struct auth_doc *doc)
{
	auth_doc_str_free(doc->version);
	auth_doc_str_free(doc->version_who);
	auth_doc_str_free(doc->opaque);
	client_cleanup(doc);
	gateway_cleanup(doc);
	auth_doc_init(doc);
}

int auth_doc_add_auth_method(struct auth_doc *doc, const char *method)
{
	if (doc->n_auth_methods == AUTH_MAX_AUTH_METHODS)
		return VPN_ERR_TOO_BIG;
	if (auth_doc_set(&doc->auth_methods[doc->n_auth_methods], method) != 0)
		return VPN_ERR_NOMEM;
	doc->n_auth_methods++;
	return 0;
}

int auth_doc_add_reply_field(struct auth_doc *doc, const char *name, const char *value)
{
	struct auth_reply_field *f;

	if (doc->n_fields == AUTH_MAX_REPLY_FIELDS)
		return VPN_ERR_TOO_BIG;
	f = &doc->fields[doc->n_fields];
	f->name = NULL;
	f->value = NULL;
	if (auth_doc_set(&f->name, name) != 0 || auth_doc_set(&f->value, value) != 0) {
		auth_doc_str_free(f->name);
		f->name = NULL;
		return VPN_ERR_NOMEM;
	}
	doc->n_fields++;
	return 0;
}

int auth_doc_add_manifest_file(struct auth_doc *doc, const char *uri, const char *sha1_hex)
{
	struct auth_manifest_file *f;

	if (doc->n_files == AUTH_MAX_MANIFEST_FILES)
		return VPN_ERR_TOO_BIG;
	f = &doc->files[doc->n_files];
	memset(f, 0, sizeof(*f));
	if (auth_doc_set(&f->type, "profile") != 0 ||
	    auth_doc_set(&f->service_type, "user") != 0 ||
	    auth_doc_set(&f->uri, uri) != 0 ||
	    auth_doc_set(&f->hash, sha1_hex) != 0 ||
	    auth_doc_set(&f->hash_type, "sha1") != 0) {
		file_cleanup(f);
		memset(f, 0, sizeof(*f));
		return VPN_ERR_NOMEM;
	}
	doc->n_files++;
	return 0;
}

const char *auth_doc_reply_value(const struct auth_doc *doc, const char *name)
{
	for (size_t i = 0; i < doc->n_fields; i++)
		if (doc->fields[i].name && strcmp(doc->fields[i].name, name) == 0)
			return doc->fields[i].value;
	return NULL;
}

const char *auth_doc_type_name(enum auth_doc_type type)
{
	switch (type) {
	case AUTH_DOC_INIT: return "init";
	case AUTH_DOC_AUTH_REQUEST: return "auth-request";
	case AUTH_DOC_AUTH_REPLY: return "auth-reply";
	case AUTH_DOC_COMPLETE: return "complete";
	case AUTH_DOC_NONE: break;
	}
	return "none";
}
