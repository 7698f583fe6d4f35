/* SPDX-License-Identifier: ISC */
/*
 * GROUP and AUTH, the login phases. GROUP posts init documents until the
 * gateway's form is for the group we want (a second init carries
 * <group-select> when our choice is not the gateway's default, as
 * openconnect and AnyConnect do); AUTH answers forms until "complete".
 * Both failure styles end here: ASA's 200 with an error and the form again
 * (shown, then asked again or, non-interactively, the end), and ocserv's
 * 401 after repeated failures.
 */
#include "client/auth_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/auth_exchange.h"
#include "client/link.h"
#include "client/phases.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/http/url.h"
#include "lib/tls/tls.h"

void auth_flow_init(struct auth_flow *a)
{
	memset(a, 0, sizeof(*a));
	cookies_init(&a->jar);
	auth_doc_init(&a->doc);
	auth_parser_init(&a->parser);
}

void auth_flow_cleanup(struct auth_flow *a)
{
	auth_parser_stop(&a->parser);
	cookies_cleanup(&a->jar);
	auth_doc_cleanup(&a->doc);
	auth_doc_init(&a->doc);
	a->has_cookie = false;
}

const char *auth_flow_cookie(const struct auth_flow *a)
{
	return a->has_cookie ? cookies_get(&a->jar, "webvpn") : NULL;
}

/* The value of key in ocserv's webvpnc cookie ("bu:/&p:t&...&fu:...&fh:..."). */
static bool webvpnc_value(const char *cookie, const char *key, char *out, size_t out_len)
{
	size_t key_len = strlen(key);

	for (const char *p = cookie; p && *p; ) {
		size_t len = strcspn(p, "&");

		if (len > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == ':') {
			struct str_view v = { p + key_len + 1, len - key_len - 1 };
			size_t n;

			return http_url_decode(out, out_len, &n, v) == 0;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	return false;
}

void auth_flow_take_profile(struct auth_flow *a)
{
	const char *webvpnc = cookies_get(&a->jar, "webvpnc");
	char base[AUTH_FLOW_PATH_MAX];
	char file[AUTH_FLOW_PATH_MAX];

	a->has_profile = false;
	for (size_t i = 0; i < a->doc.n_files; i++) {
		const struct auth_manifest_file *f = &a->doc.files[i];

		if (f->type && strcmp(f->type, "profile") == 0 && f->uri && f->hash &&
		    strlen(f->hash) == TLS_DIGEST_SHA1_HEX_LEN - 1) {
			snprintf(a->profile_uri, sizeof(a->profile_uri), "%s", f->uri);
			snprintf(a->profile_sha1, sizeof(a->profile_sha1), "%s", f->hash);
			a->has_profile = true;
			return;
		}
	}
	/* openconnect's fallback: base URL + file, hash from the same cookie. */
	if (webvpnc && webvpnc_value(webvpnc, "fu", file, sizeof(file)) &&
	    webvpnc_value(webvpnc, "fh", a->profile_sha1, sizeof(a->profile_sha1)) &&
	    strlen(a->profile_sha1) == TLS_DIGEST_SHA1_HEX_LEN - 1) {
		if (!webvpnc_value(webvpnc, "bu", base, sizeof(base)))
			snprintf(base, sizeof(base), "/");
		int n = snprintf(a->profile_uri, sizeof(a->profile_uri), "%s%s", base, file);

		a->has_profile = n > 0 && (size_t)n < sizeof(a->profile_uri);
	}
}

/* Where the next POST of a form goes: its action, else where we posted last. */
static void follow_action(struct auth_flow *a)
{
	if (a->doc.has_form && a->doc.form.action && a->doc.form.action[0] == '/')
		snprintf(a->post_path, sizeof(a->post_path), "%s", a->doc.form.action);
}

/* The init POST, or the legacy login page when the gateway has no XML POST. */
static enum auth_answer send_init(struct session *s)
{
	struct auth_flow *a = &s->auth;
	struct auth_doc init;
	char url[AUTH_FLOW_PATH_MAX + 300];
	enum auth_answer answer;

	if (a->is_legacy)
		return auth_exchange_get(s, a->post_path);
	auth_exchange_url(s, a->post_path, url, sizeof(url));
	auth_doc_init(&init);
	if (auth_fill_init(&init, url, a->group[0] ? a->group : NULL) != 0) {
		auth_doc_cleanup(&init);
		return AUTH_ANSWER_FAILED;
	}
	init.has_client_cert_fail = a->is_client_cert_fail;
	answer = auth_exchange_post(s, &init, a->post_path);
	auth_doc_cleanup(&init);
	return answer;
}

/* Picks the group from the form's list: --authgroup, the user, or the gateway's default. */
static int choose_group(struct session *s, const struct auth_form_field *list,
			const struct auth_form_option **out)
{
	const char *want = s->auth.group[0] ? s->auth.group : s->opts->authgroup;

	if (want) {
		*out = auth_fill_find_group(list, want);
		if (*out)
			return 0;
		log_err("the gateway offers no group called '%s'; it offers:", want);
		for (size_t i = 0; i < list->n_options; i++)
			log_err("  %s (%s)", list->options[i].value, list->options[i].label);
		return VPN_ERR_NOT_FOUND;
	}
	if (list->n_options > 1 && !s->opts->is_non_inter)
		return auth_fill_ask_group(list, &s->auth.answers, out);
	*out = auth_fill_default_group(list);
	return *out ? 0 : VPN_ERR_NOT_FOUND;
}

/* After an answer that is not aggregate-auth: openconnect's fallback to the form login. */
static enum session_phase go_legacy(struct session *s)
{
	struct auth_flow *a = &s->auth;

	if (a->is_legacy) {
		log_err("the gateway's answer to the login: %s", a->refusal);
		return session_close(s, "the gateway's login answer is neither aggregate-auth XML "
					"nor a login form");
	}
	log_info("the gateway does not understand the XML login; trying the form login");
	a->is_legacy = true;
	conn_close(&s->conn, true);
	return SESSION_PHASE_GROUP;
}

static enum session_phase after_init(struct session *s, enum auth_answer answer)
{
	struct auth_flow *a = &s->auth;
	const struct auth_form_field *list;
	const struct auth_form_option *chosen = NULL;
	const struct auth_form_option *def;

	switch (answer) {
	case AUTH_ANSWER_DOC:
		break;
	case AUTH_ANSWER_NOT_XML:
		return go_legacy(s);
	case AUTH_ANSWER_REFUSED:
		return session_close(s, "the gateway refused the login");
	case AUTH_ANSWER_FAILED:
		return session_close(s, "login failed: no usable answer from the gateway");
	}
	if (a->doc.type == AUTH_DOC_COMPLETE || !a->doc.has_form)
		return SESSION_PHASE_AUTH;
	list = auth_fill_group_list(&a->doc.form);
	if (!list)
		return SESSION_PHASE_AUTH;
	for (size_t i = 0; i < list->n_options; i++)
		log_debug("GROUP: offered: %s (%s)", list->options[i].value, list->options[i].label);
	if (choose_group(s, list, &chosen) != 0)
		return session_close(s, "no group to log in to (use --authgroup)");
	def = auth_fill_default_group(list);
	snprintf(a->group, sizeof(a->group), "%s", chosen->value);
	log_debug("GROUP: %s chosen (%s); the gateway's default is %s", chosen->value,
		  chosen->label, def ? def->value : "none");
	/* A new init with the choice, once: the gateway then shows that group's form. */
	if (chosen != def && !a->has_switched_group && !a->is_legacy) {
		a->has_switched_group = true;
		follow_action(a);
		return SESSION_PHASE_GROUP;
	}
	return SESSION_PHASE_AUTH;
}

enum session_phase auth_flow_group(struct session *s)
{
	struct auth_flow *a = &s->auth;

	if (a->post_path[0] == '\0')
		snprintf(a->post_path, sizeof(a->post_path), "%s", s->gw.path);
	if (++a->init_count > AUTH_FLOW_MAX_INITS)
		return session_close(s, "the gateway keeps asking for the group; giving up");
	return after_init(s, send_init(s));
}

/* The complete document: the cookie, the profile to fetch. */
static enum session_phase logged_in(struct session *s)
{
	struct auth_flow *a = &s->auth;

	if (a->doc.session_token && a->doc.session_token[0])
		cookies_set(&a->jar, "webvpn", a->doc.session_token);
	if (!cookies_get(&a->jar, "webvpn"))
		return session_close(s, "the gateway completed the login but sent no session cookie");
	a->has_cookie = true;
	if (a->doc.banner.text)
		log_info("%s", a->doc.banner.text);
	auth_flow_take_profile(a);
	log_debug("AUTH: logged in to group %s%s%s", a->group[0] ? a->group : "(default)",
		  a->doc.session_id ? ", session id " : "", a->doc.session_id ? a->doc.session_id : "");
	if (a->has_profile) {
		log_debug("AUTH: profile %s, SHA-1 %s", a->profile_uri, a->profile_sha1);
		return SESSION_PHASE_DOWNLOAD;
	}
	if (s->opts->action == OPTIONS_ACTION_AUTHENTICATE)
		return SESSION_PHASE_CLOSING;
	return SESSION_PHASE_CONNECT;
}

/* What the gateway says before its form: banner, message, error. */
static void show(const struct auth_doc *doc)
{
	if (doc->banner.text && doc->banner.text[0])
		log_info("%s", doc->banner.text);
	if (doc->message.text && doc->message.text[0])
		log_info("%s", doc->message.text);
	if (doc->error.text && doc->error.text[0])
		log_err("%s", doc->error.text);
}

/* Why the login cannot go on without asking, with the gateway's own words. */
static enum session_phase cannot_answer(struct session *s, int ret, const char *field)
{
	const struct auth_flow *a = &s->auth;

	if (ret == VPN_ERR_UNSUPPORTED)
		return session_close(s, "the gateway asks for single sign-on, which sslgate does not do");
	if (ret == VPN_ERR_DENIED && a->answers.is_password_used)
		log_err("login failed%s%s", a->message[0] ? ": " : "", a->message);
	else if (ret == VPN_ERR_DENIED)
		log_err("the form needs '%s' and --non-inter forbids asking", field ? field : "?");
	return session_close(s, "login failed");
}

/*
 * <client-cert-request/> (PROTOCOL.md §4.6): with identities but none sent
 * and none refused for its CA, the gateway did not ask during the handshake
 * (some ASAs forget on the first connection, §1.3): a fresh connection
 * offers one. Otherwise the next init says <client-cert-fail/>.
 */
static enum session_phase on_cert_request(struct session *s)
{
	const struct tls_conn *tls = s->conn.tls;

	if (s->auth.is_client_cert_fail)
		return session_close(s, "the gateway requires a client certificate");
	if (s->opts->n_certs > 0 && !s->auth.is_cert_retried && tls &&
	    !tls_conn_identity_sent(tls)[0] && !tls_conn_identity_error(tls)[0]) {
		log_info("the gateway asks for a client certificate: reconnecting to offer it");
		s->auth.is_cert_retried = true;
		conn_close(&s->conn, true);
		return SESSION_PHASE_GROUP;
	}
	s->auth.is_client_cert_fail = true;
	return SESSION_PHASE_GROUP;
}

static enum session_phase check_request(struct session *s)
{
	const struct auth_doc *doc = &s->auth.doc;

	if (doc->has_host_scan)
		return session_close(s, "the gateway requires a posture assessment (host scan), "
					"which sslgate does not run");
	if (doc->has_multiple_cert_request)
		return session_close(s, "the gateway requires multiple-certificate login, "
					"which sslgate does not do");
	if (doc->has_client_cert_request)
		return on_cert_request(s);
	if (!doc->has_form)
		return session_close(s, "the gateway sent a login page without a form");
	return SESSION_PHASE_AUTH;
}

enum session_phase auth_flow_auth(struct session *s)
{
	struct auth_flow *a = &s->auth;
	struct auth_doc reply;
	const char *field = NULL;
	enum session_phase next;
	enum auth_answer answer;
	int ret;

	if (a->doc.type == AUTH_DOC_COMPLETE || (a->doc.auth_id && !strcmp(a->doc.auth_id, "success")))
		return logged_in(s);
	next = check_request(s);
	if (next != SESSION_PHASE_AUTH)
		return next;
	if (++a->round_count > AUTH_FLOW_MAX_ROUNDS)
		return session_close(s, "the login takes too many rounds; giving up");
	show(&a->doc);
	auth_doc_init(&reply);
	ret = auth_fill_reply(&reply, &a->doc, &a->answers, a->group[0] ? a->group : NULL, &field);
	if (ret != 0) {
		auth_doc_cleanup(&reply);
		return cannot_answer(s, ret, field);
	}
	follow_action(a);
	answer = auth_exchange_post(s, &reply, a->post_path);
	auth_doc_cleanup(&reply);
	switch (answer) {
	case AUTH_ANSWER_DOC:
		return SESSION_PHASE_AUTH;
	case AUTH_ANSWER_REFUSED:
		if (a->message[0])
			log_err("the gateway's last words: %s", a->message);
		return session_close(s, "login failed");
	case AUTH_ANSWER_NOT_XML:
		log_err("the gateway's answer to the login: %s", a->refusal);
		return session_close(s, "the gateway's answer to the login is not a login document");
	case AUTH_ANSWER_FAILED:
		break;
	}
	return session_close(s, "login failed: no usable answer from the gateway");
}
