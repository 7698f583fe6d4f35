/* SPDX-License-Identifier: ISC */
/* Building, searching and freeing login forms. */
#include "lib/auth/form.h"

#include <stdlib.h>
#include <string.h>

#include "lib/auth/doc.h"
#include "lib/base/err.h"

void auth_form_init(struct auth_form *form)
{
	memset(form, 0, sizeof(*form));
}

static void option_cleanup(struct auth_form_option *opt)
{
	auth_doc_str_free(opt->value);
	auth_doc_str_free(opt->label);
}

static void field_cleanup(struct auth_form_field *field)
{
	auth_doc_str_free(field->name);
	auth_doc_str_free(field->label);
	auth_doc_str_free(field->value);
	for (size_t i = 0; i < field->n_options; i++)
		option_cleanup(&field->options[i]);
	free(field->options);
}

void auth_form_cleanup(struct auth_form *form)
{
	auth_doc_str_free(form->method);
	auth_doc_str_free(form->action);
	for (size_t i = 0; i < form->n_fields; i++)
		field_cleanup(&form->fields[i]);
	auth_form_init(form);
}

int auth_form_add_field(struct auth_form *form, struct auth_form_field **out,
			enum auth_field_type type, const char *name, const char *label)
{
	struct auth_form_field *field;

	if (form->n_fields == AUTH_FORM_MAX_FIELDS)
		return VPN_ERR_TOO_BIG;
	field = &form->fields[form->n_fields];
	memset(field, 0, sizeof(*field));
	field->type = type;
	if (auth_doc_set(&field->name, name) != 0 ||
	    auth_doc_set(&field->label, label) != 0) {
		field_cleanup(field);
		return VPN_ERR_NOMEM;
	}
	form->n_fields++;
	*out = field;
	return 0;
}

/* Options grow in steps so a 64-entry group list costs a few reallocs. */
static int reserve_option(struct auth_form_field *field)
{
	struct auth_form_option *grown;
	size_t n = field->n_options;

	if (n == AUTH_FORM_MAX_OPTIONS)
		return VPN_ERR_TOO_BIG;
	if (n % 8 != 0)
		return 0;
	grown = realloc(field->options, (n + 8) * sizeof(*grown));
	if (!grown)
		return VPN_ERR_NOMEM;
	field->options = grown;
	return 0;
}

int auth_form_add_option(struct auth_form_field *field, const char *value,
			 const char *label, bool is_selected)
{
	struct auth_form_option opt = { 0 };
	int rc;

	if (field->type != AUTH_FIELD_SELECT || !label)
		return VPN_ERR_INVALID;
	rc = reserve_option(field);
	if (rc != 0)
		return rc;
	opt.has_value_attr = value != NULL;
	opt.is_selected = is_selected;
	if (auth_doc_set(&opt.value, value ? value : label) != 0 ||
	    auth_doc_set(&opt.label, label) != 0) {
		option_cleanup(&opt);
		return VPN_ERR_NOMEM;
	}
	field->options[field->n_options++] = opt;
	return 0;
}

struct auth_form_field *auth_form_find(struct auth_form *form, const char *name)
{
	for (size_t i = 0; i < form->n_fields; i++)
		if (form->fields[i].name && strcmp(form->fields[i].name, name) == 0)
			return &form->fields[i];
	return NULL;
}

const char *auth_form_reply_name(const char *name)
{
	static const char *const as_password[] = { "answer", "whichpin", "new_password" };
	static const char *const not_sent[] = { "verify_pin", "verify_password", "group_list" };

	for (size_t i = 0; i < sizeof(as_password) / sizeof(as_password[0]); i++)
		if (strcmp(name, as_password[i]) == 0)
			return "password";
	for (size_t i = 0; i < sizeof(not_sent) / sizeof(not_sent[0]); i++)
		if (strcmp(name, not_sent[i]) == 0)
			return NULL;
	return name;
}
