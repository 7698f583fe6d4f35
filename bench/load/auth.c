/* SPDX-License-Identifier: ISC */
/*
 * The login exchange of a load session. Every document goes through the
 * project's own XML reader and writer (lib/auth), so the load generator
 * also exercises them against a real gateway.
 */
#include "bench/load/auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/load/request.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/http/cookie.h"
#include "lib/http/headers.h"

void load_auth_init(struct load_auth *a)
{
	memset(a, 0, sizeof(*a));
}

void load_auth_cleanup(struct load_auth *a)
{
	buf_wipe(a, sizeof(*a));
}

/* openconnect's self-description, the same in every client document. */
static int client_doc(struct auth_doc *d, enum auth_doc_type type)
{
	d->type = type;
	if (auth_doc_set(&d->version, "v9.01-3") != 0 ||
	    auth_doc_set(&d->device_id, "linux-64") != 0 ||
	    auth_doc_add_auth_method(d, "single-sign-on-v2") != 0 ||
	    auth_doc_add_auth_method(d, "single-sign-on-external-browser") != 0)
		return VPN_ERR_NOMEM;
	return 0;
}

static int send_init(struct load_auth *a, const struct load_auth_cfg *cfg,
		     struct buf_writer *w, const char *target, const char *group)
{
	struct auth_doc d;
	char url[300];
	int ret;

	auth_doc_init(&d);
	snprintf(url, sizeof(url), "https://%s%s", cfg->host, target);
	ret = client_doc(&d, AUTH_DOC_INIT);
	if (ret == 0)
		ret = auth_doc_set(&d.group_access, url);
	if (ret == 0 && group != NULL)
		ret = auth_doc_set(&d.group_select, group);
	if (ret == 0)
		ret = load_request_post(w, cfg->host, target, "webvpncontext", a->context, &d);
	auth_doc_cleanup(&d);
	return ret;
}

int load_auth_first(struct load_auth *a, const struct load_auth_cfg *cfg,
		    struct buf_writer *w)
{
	return send_init(a, cfg, w, "/", NULL);
}

/* Keeps webvpncontext and webvpn from the answer's Set-Cookie lines. */
static int keep_cookies(struct load_auth *a, const struct http_response *resp)
{
	struct str_view line;
	size_t pos = 0;

	while (http_headers_next(&resp->headers, "Set-Cookie", &pos, &line)) {
		struct http_set_cookie sc;
		char *slot;

		if (http_set_cookie_parse(&sc, line) != 0)
			continue;
		if (str_view_eq(sc.name, "webvpncontext"))
			slot = a->context;
		else if (str_view_eq(sc.name, "webvpn"))
			slot = a->webvpn;
		else
			continue;
		if (http_set_cookie_is_cleared(&sc, (int64_t)time(NULL))) {
			slot[0] = '\0';
			continue;
		}
		if (sc.value.len >= LOAD_COOKIE_MAX)
			return VPN_ERR_TOO_BIG;
		memcpy(slot, sc.value.ptr, sc.value.len);
		slot[sc.value.len] = '\0';
	}
	return 0;
}

/* What the reply says for one input; NULL for one it leaves out. */
static const char *answer_for(const struct auth_form_field *f, const struct load_auth_cfg *cfg)
{
	switch (f->type) {
	case AUTH_FIELD_TEXT:
		return cfg->user;
	case AUTH_FIELD_PASSWORD:
		return cfg->password;
	case AUTH_FIELD_HIDDEN:
		return f->value ? f->value : "";
	case AUTH_FIELD_SELECT:
		return f->n_options > 0 ? f->options[0].value : NULL;
	default:
		return NULL;
	}
}

static int fill_reply(struct auth_doc *reply, const struct auth_doc *req,
		      const struct load_auth_cfg *cfg, bool has_group_list)
{
	int ret = client_doc(reply, AUTH_DOC_AUTH_REPLY);

	if (ret == 0 && req->opaque != NULL)
		ret = auth_doc_set(&reply->opaque, req->opaque);
	if (ret == 0 && has_group_list && cfg->group != NULL)
		ret = auth_doc_set(&reply->group_select, cfg->group);
	for (size_t i = 0; ret == 0 && i < req->form.n_fields; i++) {
		const struct auth_form_field *f = &req->form.fields[i];
		const char *name = auth_form_reply_name(f->name);
		const char *value = answer_for(f, cfg);

		if (f->type == AUTH_FIELD_SSO)
			return VPN_ERR_UNSUPPORTED;
		if (name != NULL && value != NULL)
			ret = auth_doc_add_reply_field(reply, name, value);
	}
	return ret;
}

/* The gateway's form: choose the group first (a second init, as openconnect
 * does), then answer the form itself. */
static enum load_auth_next on_form(struct load_auth *a, const struct load_auth_cfg *cfg,
				   struct auth_doc *req, struct buf_writer *w,
				   const char **out_why)
{
	const char *target = req->form.action ? req->form.action : "/auth";
	bool has_group_list = auth_form_find(&req->form, "group_list") != NULL;
	struct auth_doc reply;
	int ret;

	if (has_group_list && cfg->group != NULL && !a->has_sent_group) {
		a->has_sent_group = true;
		if (send_init(a, cfg, w, target, cfg->group) != 0)
			goto failed;
		return LOAD_AUTH_SENT;
	}
	auth_doc_init(&reply);
	ret = fill_reply(&reply, req, cfg, has_group_list);
	if (ret == 0)
		ret = load_request_post(w, cfg->host, target, "webvpncontext", a->context, &reply);
	auth_doc_cleanup(&reply);
	if (ret == VPN_ERR_UNSUPPORTED) {
		*out_why = "the gateway asks for single sign-on";
		return LOAD_AUTH_FAILED;
	}
	if (ret == 0)
		return LOAD_AUTH_SENT;
failed:
	*out_why = "cannot write the auth request";
	return LOAD_AUTH_FAILED;
}

static enum load_auth_next on_doc(struct load_auth *a, const struct load_auth_cfg *cfg,
				  struct auth_doc *doc, struct buf_writer *w,
				  const char **out_why)
{
	if (doc->type == AUTH_DOC_COMPLETE) {
		if (a->webvpn[0] == '\0' && doc->session_token != NULL &&
		    strlen(doc->session_token) < LOAD_COOKIE_MAX)
			strcpy(a->webvpn, doc->session_token);
		if (a->webvpn[0] != '\0')
			return LOAD_AUTH_DONE;
		*out_why = "login complete but no session cookie";
		return LOAD_AUTH_FAILED;
	}
	if (doc->type != AUTH_DOC_AUTH_REQUEST || !doc->has_form) {
		*out_why = "unexpected auth document";
		return LOAD_AUTH_FAILED;
	}
	if (doc->error.text != NULL || a->rounds > LOAD_AUTH_ROUNDS_MAX) {
		/* ocserv re-asks with the same form after a wrong password */
		*out_why = doc->error.text != NULL ? "login refused" : "too many auth rounds";
		return LOAD_AUTH_FAILED;
	}
	return on_form(a, cfg, doc, w, out_why);
}

enum load_auth_next load_auth_on_answer(struct load_auth *a, const struct load_auth_cfg *cfg,
					const struct http_response *resp,
					const uint8_t *body, size_t body_len,
					struct buf_writer *w, const char **out_why)
{
	struct auth_doc doc;
	enum load_auth_next next;

	a->rounds++;
	if (resp->status != 200) {
		*out_why = "the gateway refused the login (HTTP status)";
		return LOAD_AUTH_FAILED;
	}
	if (keep_cookies(a, resp) != 0) {
		*out_why = "cookie too long";
		return LOAD_AUTH_FAILED;
	}
	auth_doc_init(&doc);
	if (auth_xml_read(&doc, body, body_len, NULL) != 0) {
		*out_why = "unreadable auth document";
		next = LOAD_AUTH_FAILED;
	} else {
		next = on_doc(a, cfg, &doc, w, out_why);
	}
	auth_doc_cleanup(&doc);
	return next;
}
