/* SPDX-License-Identifier: ISC */
/* Group choice and form answers for the login phases. */
#include "client/auth_fill.h"

#include <stdio.h>
#include <string.h>

#include "client/prompt.h"
#include "lib/base/err.h"
#include "lib/http/url.h"

const struct auth_form_field *auth_fill_group_list(const struct auth_form *form)
{
	for (size_t i = 0; i < form->n_fields; i++)
		if (form->fields[i].type == AUTH_FIELD_SELECT &&
		    strcmp(form->fields[i].name, "group_list") == 0)
			return &form->fields[i];
	return NULL;
}

const struct auth_form_option *auth_fill_default_group(const struct auth_form_field *select)
{
	for (size_t i = 0; i < select->n_options; i++)
		if (select->options[i].is_selected)
			return &select->options[i];
	/* ocserv marks nothing: the chosen group is listed first. */
	return select->n_options > 0 ? &select->options[0] : NULL;
}

const struct auth_form_option *auth_fill_find_group(const struct auth_form_field *select,
						    const char *want)
{
	for (size_t i = 0; i < select->n_options; i++)
		if (strcmp(select->options[i].value, want) == 0)
			return &select->options[i];
	for (size_t i = 0; i < select->n_options; i++)
		if (select->options[i].label && strcmp(select->options[i].label, want) == 0)
			return &select->options[i];
	return NULL;
}

int auth_fill_ask_group(const struct auth_form_field *select, struct auth_answers *a,
			const struct auth_form_option **out)
{
	const struct auth_form_option *def = auth_fill_default_group(select);
	char answer[PROMPT_LINE_MAX];
	char question[160];
	int ret;

	if (a->is_non_inter)
		return VPN_ERR_DENIED;
	fprintf(stderr, "%s\n", select->label ? select->label : "Group:");
	for (size_t i = 0; i < select->n_options; i++) {
		const struct auth_form_option *o = &select->options[i];
		bool has_label = o->label && o->label[0] && strcmp(o->label, o->value) != 0;

		fprintf(stderr, "  %s%s%s%s\n", o->value, has_label ? " (" : "",
			has_label ? o->label : "", has_label ? ")" : "");
	}
	snprintf(question, sizeof(question), "Group [%s]: ", def ? def->value : "");
	ret = prompt_line(a->in, question, false, answer, sizeof(answer));
	if (ret != 0)
		return ret;
	*out = answer[0] ? auth_fill_find_group(select, answer) : def;
	return *out ? 0 : VPN_ERR_NOT_FOUND;
}

/*
 * The password moved into out, by hand rather than through snprintf: the
 * answer is then the only copy (nothing asks for it again: a refused login
 * with the same form is denied, a reconnect presents the cookie), and one
 * that does not fit is refused, not cut.
 */
static int move_secret(char *out, size_t out_len, char *secret)
{
	size_t len = strlen(secret);
	int ret = VPN_ERR_TOO_BIG;

	if (len < out_len) {
		memcpy(out, secret, len + 1);
		ret = 0;
	}
	buf_wipe(secret, len);
	return ret;
}

/* The answer to one text or password input: from the command line, or asked. */
static int answer_input(const struct auth_form_field *f, struct auth_answers *a,
			char *out, size_t out_len)
{
	bool is_secret = f->type == AUTH_FIELD_PASSWORD;
	char question[160];

	if (!is_secret && a->user && strcmp(f->name, "username") == 0) {
		snprintf(out, out_len, "%s", a->user);
		return 0;
	}
	if (is_secret && a->password && !a->is_password_used) {
		a->is_password_used = true;
		return move_secret(out, out_len, a->password);
	}
	if (a->is_non_inter)
		return VPN_ERR_DENIED;
	snprintf(question, sizeof(question), "%s ", f->label ? f->label : f->name);
	return prompt_line(a->in, question, is_secret, out, out_len);
}

/* The option of a select that is not the group list: the default, as openconnect picks it. */
static const char *select_value(const struct auth_form_field *f)
{
	const struct auth_form_option *o = auth_fill_default_group(f);

	return o ? o->value : "";
}

static int fill_field(struct auth_doc *reply, const struct auth_form_field *f,
		      struct auth_answers *a)
{
	const char *name = auth_form_reply_name(f->name);
	char answer[PROMPT_LINE_MAX];
	int ret;

	if (f->type == AUTH_FIELD_SSO)
		return VPN_ERR_UNSUPPORTED;
	if (!name)
		return 0; /* group_list, verify_*: not an <auth> field */
	switch (f->type) {
	case AUTH_FIELD_HIDDEN:
		return auth_doc_add_reply_field(reply, name, f->value ? f->value : "");
	case AUTH_FIELD_SELECT:
		return auth_doc_add_reply_field(reply, name, select_value(f));
	default:
		break;
	}
	ret = answer_input(f, a, answer, sizeof(answer));
	if (ret == 0)
		ret = auth_doc_add_reply_field(reply, name, answer);
	buf_wipe(answer, sizeof(answer));
	return ret;
}

static int reply_head(struct auth_doc *reply, const struct auth_doc *req, const char *group)
{
	int ret;

	reply->type = AUTH_DOC_AUTH_REPLY;
	reply->shape = req->shape;
	ret = auth_doc_set(&reply->version, AUTH_FILL_VERSION);
	ret = ret ? ret : auth_doc_set(&reply->device_id, AUTH_FILL_DEVICE_ID);
	ret = ret ? ret : auth_doc_set(&reply->opaque, req->opaque);
	if (group && req->has_form && auth_fill_group_list(&req->form))
		ret = ret ? ret : auth_doc_set(&reply->group_select, group);
	return ret;
}

int auth_fill_reply(struct auth_doc *reply, const struct auth_doc *req, struct auth_answers *a,
		    const char *group, const char **out_field)
{
	int ret = reply_head(reply, req, group);

	*out_field = NULL;
	for (size_t i = 0; ret == 0 && req->has_form && i < req->form.n_fields; i++) {
		ret = fill_field(reply, &req->form.fields[i], a);
		if (ret != 0)
			*out_field = req->form.fields[i].label ? req->form.fields[i].label
							       : req->form.fields[i].name;
	}
	return ret;
}

int auth_fill_form_body(struct buf_writer *w, const struct auth_doc *reply)
{
	for (size_t i = 0; i < reply->n_fields; i++)
		http_url_form_write(w, reply->fields[i].name, str_view_of(reply->fields[i].value));
	if (reply->group_select)
		http_url_form_write(w, "group_list", str_view_of(reply->group_select));
	return buf_writer_error(w);
}

int auth_fill_init(struct auth_doc *out, const char *group_access, const char *group)
{
	int ret;

	out->type = AUTH_DOC_INIT;
	ret = auth_doc_set(&out->version, AUTH_FILL_VERSION);
	ret = ret ? ret : auth_doc_set(&out->device_id, AUTH_FILL_DEVICE_ID);
	ret = ret ? ret : auth_doc_set(&out->group_access, group_access);
	ret = ret ? ret : auth_doc_set(&out->group_select, group);
	return ret;
}
