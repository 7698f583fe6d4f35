/* SPDX-License-Identifier: ISC */
/* Group selection and the username/password rounds of a login. */
#include "gateway/worker/on_auth.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "gateway/worker/auth_cert.h"
#include "gateway/worker/auth_docs.h"
#include "gateway/worker/groups.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/http/cookie.h"
#include "lib/http/headers.h"
#include "lib/http/url.h"

/* Wrong passwords on one connection before it is refused (ocserv: the third gets 401). */
#define MAX_FAILURES 3
/* Points a hostile or malformed document costs its source. */
#define BAD_XML_POINTS 10
/* An auth-request with every group listed fits easily. */
#define DOC_MAX 16384
/* ocserv: the login context lives as long as the default auth-timeout. */
#define CONTEXT_MAX_AGE 300

/* What one request carried, whatever its encoding. Wiped after use. */
struct creds {
	bool is_init;
	bool has_cert_fail;             /* init: <client-cert-fail/> */
	bool has_user, has_pass, has_group;
	char user[MSG_USER_MAX];
	char pass[MSG_PASSWORD_MAX];
	char group[MSG_GROUP_MAX];
};

void auth_note_client(struct session *s, const struct http_request *req)
{
	struct str_view ua = { "", 0 };

	http_headers_get(&req->headers, "User-Agent", &ua);
	s->auth.client = client_class_of(ua);
	snprintf(s->auth.user_agent, sizeof(s->auth.user_agent), "%.*s", (int)ua.len, ua.ptr);
}

static bool copy_text(char *out, size_t cap, const char *in)
{
	size_t n = strlen(in);

	if (n >= cap)
		return false;
	memcpy(out, in, n + 1);
	return true;
}

/* A choice from group-select, the legacy group_list field or the URL. */
static void set_group(struct session *s, const char *text)
{
	struct group_choice c;

	if (groups_resolve(s->w, text, &c))
		text = c.name;
	snprintf(s->auth.group, sizeof(s->auth.group), "%s", text);
}

static void send_form(struct session *s, enum auth_docs_form form, const char *message,
		      bool is_failure)
{
	uint8_t body[DOC_MAX];
	char cookies[512];
	struct buf_writer bw, cw;
	struct reply_extra extra;

	buf_writer_init(&bw, body, sizeof(body));
	if (auth_docs_request(&bw, s, form, message, is_failure) != 0 || buf_writer_error(&bw)) {
		reply_error(s, 500, "could not build the login form");
		return;
	}
	buf_writer_init(&cw, cookies, sizeof(cookies));
	/* The login context exists from the username round on, as with ocserv. */
	if (s->auth.context[0]) {
		struct http_set_cookie c;

		memset(&c, 0, sizeof(c));
		c.name = str_view_of("webvpncontext");
		c.value = str_view_of(s->auth.context);
		c.has_max_age = true;
		c.max_age = CONTEXT_MAX_AGE;
		c.is_secure = true;
		c.is_http_only = true;
		http_set_cookie_write(&cw, &c);
	} else {
		http_set_cookie_write_cleared(&cw, "webvpncontext", "/");
	}
	extra.lines = cookies;
	extra.len = buf_writer_error(&cw) ? 0 : cw.len;
	reply_ok(s, "text/xml", &extra, body, bw.len, false);
}

static enum auth_docs_form first_form(const struct session *s)
{
	return s->auth.client == SESSION_CLIENT_ANYCONNECT ? AUTH_DOCS_BOTH : AUTH_DOCS_USERNAME;
}

static const char *first_message(const struct session *s)
{
	return first_form(s) == AUTH_DOCS_BOTH ? "Please enter your username and password."
					       : "Please enter your username.";
}

static void new_context(struct session *s)
{
	uint8_t r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0, sizeof(r)); /* only ties rounds together; authd checks the password */
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(s->auth.context + 2 * i, 3, "%02x", r[i]);
	auth_cert_context_hint(s);
}

void auth_send_form(struct session *s, const char *message)
{
	send_form(s, first_form(s), message, true);
}

void auth_password_round(struct session *s)
{
	new_context(s);
	send_form(s, AUTH_DOCS_PASSWORD, "Please enter your password.", false);
}

static void ask_authd(struct session *s, const char *password)
{
	struct msg_auth_password m;
	uint32_t req_id = worker_req_id(s->w, s);
	int rc;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_AUTH_PASSWORD, sizeof(m), req_id);
	m.source = s->remote;
	snprintf(m.user, sizeof(m.user), "%s", s->auth.username);
	snprintf(m.group, sizeof(m.group), "%s", s->auth.group);
	snprintf(m.password, sizeof(m.password), "%s", password);
	snprintf(m.user_agent, sizeof(m.user_agent), "%s", s->auth.user_agent);
	rc = worker_chan_send(s->w, &s->w->authd, &m, sizeof(m), true);
	buf_wipe(&m, sizeof(m));
	if (rc != 0) {
		reply_error(s, 503, "authentication service unavailable");
		return;
	}
	session_wait_begin(s, SESSION_WAIT_PASSWORD, req_id);
}

/* One round: what came in decides what is asked next. */
static void on_creds(struct session *s, const struct creds *c)
{
	if (c->has_group)
		set_group(s, c->group);
	if (c->is_init) {
		/* A (new) init restarts the login, in whatever group it picked. */
		s->auth.has_username = false;
		s->auth.context[0] = '\0';
		if (auth_cert_on_init(s, c->has_cert_fail))
			return;
		send_form(s, first_form(s), first_message(s), false);
		return;
	}
	/* a certificate login's user is the certificate's, whatever the form says */
	if (auth_cert_adopt(s)) {
		if (!auth_cert_needs_password(s)) {
			auth_cert_ask_authd(s, NULL);
			return;
		}
		if (!s->auth.context[0])
			new_context(s);
	} else if (c->has_user) {
		snprintf(s->auth.username, sizeof(s->auth.username), "%s", c->user);
		s->auth.has_username = true;
		new_context(s);
	}
	if (c->has_pass && s->auth.has_username) {
		if (s->auth.is_cert_login)
			auth_cert_ask_authd(s, c->pass);
		else
			ask_authd(s, c->pass);
		return;
	}
	if (s->auth.has_username)
		send_form(s, AUTH_DOCS_PASSWORD, "Please enter your password.", false);
	else
		send_form(s, first_form(s), first_message(s), false);
}

static void reject_doc(struct session *s, const char *why)
{
	log_warn("%s: bad login document: %s", s->label, why);
	s->is_close_logged = true;
	worker_report_bad_request(s, BAD_XML_POINTS);
	reply_error(s, 400, why);
}

/* Fills c from an XML init or auth-reply; false after answering the client. */
static bool creds_from_xml(struct session *s, const struct http_exchange *x, struct creds *c)
{
	struct auth_xml_error err;
	struct auth_doc doc;
	const char *v;
	bool is_ok = true;

	auth_doc_init(&doc);
	if (auth_xml_read(&doc, x->body, x->body_len, &err) != 0) {
		reject_doc(s, err.text);
		auth_doc_cleanup(&doc);
		return false;
	}
	if (doc.type != AUTH_DOC_INIT && doc.type != AUTH_DOC_AUTH_REPLY) {
		reject_doc(s, "not an init or auth-reply document");
		auth_doc_cleanup(&doc);
		return false;
	}
	c->is_init = doc.type == AUTH_DOC_INIT;
	c->has_cert_fail = doc.has_client_cert_fail;
	if (doc.group_select)
		c->has_group = is_ok = copy_text(c->group, sizeof(c->group), doc.group_select);
	if (is_ok && (v = auth_doc_reply_value(&doc, "username")) != NULL)
		c->has_user = is_ok = copy_text(c->user, sizeof(c->user), v);
	if (is_ok && (v = auth_doc_reply_value(&doc, "password")) != NULL)
		c->has_pass = is_ok = copy_text(c->pass, sizeof(c->pass), v);
	auth_doc_cleanup(&doc);
	if (!is_ok)
		reject_doc(s, "a field is longer than the gateway accepts");
	return is_ok;
}

static bool form_field(struct session *s, struct str_view body, const char *name, char *out,
		       size_t cap, bool *out_has)
{
	size_t len = 0;
	int rc = http_url_form_find(out, cap, &len, body, name);

	*out_has = rc == 0;
	if (rc == 0 || rc == VPN_ERR_NOT_FOUND)
		return true;
	reject_doc(s, "malformed form field");
	return false;
}

/* The pre-XML login (§3.5): username=...&password=...&group_list=... */
static bool creds_from_form(struct session *s, const struct http_exchange *x, struct creds *c)
{
	struct str_view body = { (const char *)x->body, x->body_len };

	return form_field(s, body, "username", c->user, sizeof(c->user), &c->has_user) &&
	       form_field(s, body, "password", c->pass, sizeof(c->pass), &c->has_pass) &&
	       form_field(s, body, "group_list", c->group, sizeof(c->group), &c->has_group);
}

static bool is_xml(const uint8_t *p, size_t len)
{
	while (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		len--;
	}
	return len && *p == '<';
}

static void apply_url_group(struct session *s, struct str_view path)
{
	struct group_choice c;

	if (groups_by_url(s->w, path, &c)) {
		snprintf(s->auth.group, sizeof(s->auth.group), "%s", c.name);
		s->auth.is_group_by_url = true;
	}
}

bool auth_matches_get(const struct session *s, struct str_view path)
{
	struct group_choice c;

	if (str_view_eq(path, "/") || str_view_eq(path, "/auth") || str_view_eq(path, "/VPN"))
		return true;
	return groups_by_url(s->w, path, &c);
}

void auth_on_get(struct session *s, const struct http_exchange *x)
{
	struct creds c;

	auth_note_client(s, x->req);
	apply_url_group(s, x->path);
	memset(&c, 0, sizeof(c));
	c.is_init = true;
	on_creds(s, &c);
}

void auth_on_post(struct session *s, const struct http_exchange *x)
{
	struct creds c;
	bool is_ok;

	auth_note_client(s, x->req);
	apply_url_group(s, x->path);
	auth_cert_context_group(s, x->req);
	memset(&c, 0, sizeof(c));
	if (x->body_len == 0) {
		c.is_init = true;
		is_ok = true;
	} else if (is_xml(x->body, x->body_len)) {
		is_ok = creds_from_xml(s, x, &c);
	} else {
		is_ok = creds_from_form(s, x, &c);
		c.is_init = is_ok && !c.has_user && !c.has_pass;
	}
	if (is_ok)
		on_creds(s, &c);
	buf_wipe(&c, sizeof(c));
}

static void login_ok(struct session *s, const struct msg_auth_result *m)
{
	uint8_t body[DOC_MAX];
	char cookies[2048];
	struct buf_writer bw, cw;
	struct reply_extra extra;

	s->ident.is_known = true;
	memcpy(s->ident.session_id, m->session_id, sizeof(s->ident.session_id));
	memcpy(s->ident.cookie, m->cookie, sizeof(s->ident.cookie));
	snprintf(s->ident.user, sizeof(s->ident.user), "%s", m->user);
	snprintf(s->ident.group, sizeof(s->ident.group), "%s", m->group);
	s->ident.created_unix = (uint64_t)time(NULL);
	s->auth.has_username = false;
	s->auth.failures = 0;
	log_info("%s: user %s logged in, group %s", s->label, s->ident.user,
		 s->ident.group[0] ? s->ident.group : "(default)");
	buf_writer_init(&bw, body, sizeof(body));
	buf_writer_init(&cw, cookies, sizeof(cookies));
	if (auth_docs_complete(&bw, s) != 0 || buf_writer_error(&bw)) {
		buf_wipe(body, sizeof(body));
		reply_error(s, 500, "could not build the complete document");
		return;
	}
	auth_docs_login_cookies(&cw, s);
	extra.lines = cookies;
	extra.len = buf_writer_error(&cw) ? 0 : cw.len;
	reply_ok(s, "text/xml", &extra, body, bw.len, true);
	buf_wipe(body, bw.len);
	buf_wipe(cookies, sizeof(cookies));
}

static void login_failed(struct session *s, const struct msg_auth_result *m)
{
	s->auth.failures++;
	log_info("%s: login failed for user %s (%s)", s->label, s->auth.username,
		 m->status == MSG_AUTH_LOCKED ? "account locked" : "wrong credentials");
	if (s->auth.failures >= MAX_FAILURES) {
		s->is_close_logged = true;
		reply_auth_failed(s, "too many failed logins");
		return;
	}
	if (s->auth.client == SESSION_CLIENT_ANYCONNECT && !s->auth.is_cert_login) {
		s->auth.has_username = false;
		send_form(s, AUTH_DOCS_BOTH, "Please enter your username and password.", true);
		return;
	}
	/* ocserv's words: openconnect prints both lines and asks again. */
	send_form(s, AUTH_DOCS_PASSWORD, "Login failed.\nPlease enter your password.", true);
}

static void not_in_group(struct session *s)
{
	char message[MSG_GROUP_MAX + 64];

	log_info("%s: user %s may not use group %s", s->label, s->auth.username,
		 s->auth.group[0] ? s->auth.group : "(default)");
	s->auth.has_username = false;
	s->auth.context[0] = '\0';
	snprintf(message, sizeof(message), "Login failed.\nYou may not use the group '%s'.",
		 s->auth.group);
	send_form(s, first_form(s), message, true);
}

static void handle_result(struct session *s, const struct msg_auth_result *m)
{
	switch (m->status) {
	case MSG_AUTH_OK:
		login_ok(s, m);
		break;
	case MSG_AUTH_BAD_CREDENTIALS:
	case MSG_AUTH_LOCKED:
		login_failed(s, m);
		break;
	case MSG_AUTH_NOT_IN_GROUP:
		not_in_group(s);
		break;
	case MSG_AUTH_BANNED:
		reply_auth_failed(s, "source address is banned");
		break;
	case MSG_AUTH_TOO_MANY:
		reply_auth_failed(s, "user has too many sessions");
		break;
	default:
		reply_auth_failed(s, "authd could not check the password");
		break;
	}
}

void auth_on_result(struct session *s, const struct msg_auth_result *m)
{
	if (m->delay_ms > 0) {
		s->auth.result = *m;
		session_wait_begin(s, SESSION_WAIT_DELAY, 0);
		event_timer_arm(s->w->loop, &s->wait_timer, m->delay_ms);
		return;
	}
	handle_result(s, m);
	session_wait_done(s);
}

void auth_on_delay_done(struct session *s)
{
	handle_result(s, &s->auth.result);
	buf_wipe(&s->auth.result, sizeof(s->auth.result));
	session_wait_done(s);
}
