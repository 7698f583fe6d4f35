/* SPDX-License-Identifier: ISC */
/* Certificate logins: what the TLS certificate lets through, and what authd is told. */
#include "gateway/worker/auth_cert.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gateway/conf.h"
#include "gateway/worker/auth_docs.h"
#include "gateway/worker/groups.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/on_auth.h"
#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/log.h"
#include "lib/http/cookie.h"
#include "lib/http/request.h"
#include "lib/tls/tls.h"

/* ocserv's spelling for "the user is the SAN e-mail". */
#define SAN_EMAIL "SAN(rfc822name)"

const char *auth_cert_user(const struct gw_config *cfg, const struct tls_client_cert *cc)
{
	const char *oid = cfg->cert_user_oid;

	if (oid && strcasecmp(oid, SAN_EMAIL) == 0)
		return cc->email;
	if (oid)
		return cc->user_field;
	return cc->cn[0] ? cc->cn : cc->email;
}

/* SAN(...) is not a DN field: lib/tls gets no OID for it. */
static const char *user_oid(const struct gw_config *cfg)
{
	const char *oid = cfg->cert_user_oid;

	return oid && strncasecmp(oid, "SAN(", 4) != 0 ? oid : NULL;
}

static void cert_request(struct session *s)
{
	uint8_t body[4096];
	struct buf_writer bw;

	s->auth.is_cert_asked = true;
	buf_writer_init(&bw, body, sizeof(body));
	if (auth_docs_cert_request(&bw, s) != 0 || buf_writer_error(&bw)) {
		reply_error(s, 500, "could not build the certificate request");
		return;
	}
	reply_ok(s, "text/xml", NULL, body, bw.len, false);
}

/*
 * The client shows the message (openconnect prints it) above the first form
 * again. The connection stays: closing right after the answer can lose it
 * to a reset, and without the certificate authd refuses the group anyway.
 */
static void refuse(struct session *s, const char *why)
{
	char message[256];

	snprintf(message, sizeof(message), "Login failed.\nCertificate refused: %s.", why);
	auth_send_form(s, message);
}

/* The certificate's user (and group) become the login's; false when it names none. */
static bool fill_identity(struct session *s, const struct tls_client_cert *cc)
{
	const char *user = auth_cert_user(s->w->cfg, cc);

	if (!user[0] || strlen(user) >= sizeof(s->auth.username) ||
	    strlen(cc->group_field) >= sizeof(s->auth.cert_group))
		return false;
	snprintf(s->auth.username, sizeof(s->auth.username), "%s", user);
	snprintf(s->auth.cert_group, sizeof(s->auth.cert_group), "%s",
		 s->w->cfg->cert_group_oid ? cc->group_field : "");
	snprintf(s->auth.cert_subject, sizeof(s->auth.cert_subject), "%s", cc->subject);
	s->auth.has_username = true;
	s->auth.is_cert_login = true;
	return true;
}

static bool take_identity(struct session *s, const struct tls_client_cert *cc)
{
	if (fill_identity(s, cc))
		return true;
	log_warn("%s: client certificate %s names no usable user", s->label, cc->subject);
	refuse(s, "it names no user this gateway can use");
	return false;
}

static void get_cert(struct session *s, struct tls_client_cert *out)
{
	const struct gw_config *cfg = s->w->cfg;

	if (!s->tls || tls_conn_client_cert(s->tls, user_oid(cfg), cfg->cert_group_oid, out) != 0)
		memset(out, 0, sizeof(*out));
}

bool auth_cert_on_init(struct session *s, bool has_cert_fail)
{
	unsigned alt, need = gw_config_auth(s->w->cfg, s->auth.group, &alt);
	bool is_needed = (need & GW_AUTH_CERT) != 0;
	struct tls_client_cert cc;

	s->auth.is_cert_login = false;
	if (!((need | alt) & GW_AUTH_CERT))
		return false;
	get_cert(s, &cc);
	if (!cc.is_present && !is_needed)
		return false; /* an alternative the client does not use */
	if (!cc.is_present && !has_cert_fail && !s->auth.is_cert_asked) {
		cert_request(s);
		return true;
	}
	if (!cc.is_present) {
		log_warn("%s: login refused: the group '%s' needs a client certificate and none "
			 "was presented", s->label, s->auth.group);
		refuse(s, "this login needs a client certificate and none was presented");
		return true;
	}
	if (!cc.is_valid) {
		log_warn("%s: login refused: client certificate %s (issuer %s): %s", s->label,
			 cc.subject, cc.issuer, cc.reason);
		refuse(s, cc.reason);
		return true;
	}
	if (!take_identity(s, &cc))
		return true;
	if (auth_cert_needs_password(s)) {
		auth_password_round(s);
		return true;
	}
	auth_cert_ask_authd(s, NULL);
	return true;
}

bool auth_cert_needs_password(const struct session *s)
{
	unsigned alt, need = gw_config_auth(s->w->cfg, s->auth.group, &alt);

	return (need & GW_AUTH_PASSWORD) && !(alt & GW_AUTH_CERT);
}

bool auth_cert_adopt(struct session *s)
{
	struct tls_client_cert cc;

	if (s->auth.is_cert_login)
		return true;
	get_cert(s, &cc);
	if (!cc.is_present || !cc.is_valid)
		return false;
	/*
	 * A round on a new connection knows no group: the certificate's is
	 * the one authd would insist on anyway.
	 */
	if (!s->auth.group[0] && s->w->cfg->cert_group_oid &&
	    strlen(cc.group_field) < sizeof(s->auth.group))
		snprintf(s->auth.group, sizeof(s->auth.group), "%s", cc.group_field);
	if (!(gw_config_auth(s->w->cfg, s->auth.group, NULL) & GW_AUTH_CERT))
		return false;
	return fill_identity(s, &cc);
}

void auth_cert_context_hint(struct session *s)
{
	size_t len = strlen(s->auth.context);
	char *p = s->auth.context + len;

	if (!s->auth.is_cert_login || !s->auth.group[0] ||
	    len + 2 + 2 * strlen(s->auth.group) > sizeof(s->auth.context))
		return;
	*p++ = '.';
	for (const char *g = s->auth.group; *g; g++, p += 2)
		snprintf(p, 3, "%02x", (unsigned char)*g);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void auth_cert_context_group(struct session *s, const struct http_request *req)
{
	char name[MSG_GROUP_MAX];
	struct group_choice c;
	struct str_view v;
	const char *dot;
	size_t n = 0;

	if (s->auth.group[0] || http_cookie_find(&req->headers, "webvpncontext", &v) != 0 ||
	    (dot = memchr(v.ptr, '.', v.len)) == NULL)
		return;
	for (const char *p = dot + 1; p + 1 < v.ptr + v.len; p += 2) {
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0 || n + 1 >= sizeof(name))
			return;
		name[n++] = (char)(hi << 4 | lo);
	}
	name[n] = '\0';
	if (n > 0 && groups_resolve(s->w, name, &c))
		snprintf(s->auth.group, sizeof(s->auth.group), "%s", c.name);
}

void auth_cert_ask_authd(struct session *s, const char *password)
{
	struct msg_auth_cert m;
	uint32_t req_id = worker_req_id(s->w, s);
	int rc;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_AUTH_CERT, sizeof(m), req_id);
	m.source = s->remote;
	snprintf(m.user, sizeof(m.user), "%s", s->auth.username);
	snprintf(m.group, sizeof(m.group), "%s", s->auth.group);
	snprintf(m.cert_group, sizeof(m.cert_group), "%s", s->auth.cert_group);
	snprintf(m.subject, sizeof(m.subject), "%s", s->auth.cert_subject);
	snprintf(m.user_agent, sizeof(m.user_agent), "%s", s->auth.user_agent);
	if (password) {
		m.has_password = 1;
		snprintf(m.password, sizeof(m.password), "%s", password);
	}
	rc = worker_chan_send(s->w, &s->w->authd, &m, sizeof(m), true);
	buf_wipe(&m, sizeof(m));
	if (rc != 0) {
		reply_error(s, 503, "authentication service unavailable");
		return;
	}
	session_wait_begin(s, SESSION_WAIT_PASSWORD, req_id);
}
