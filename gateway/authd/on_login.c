/* SPDX-License-Identifier: ISC */
/*
 * authd's answers to workers: a login (password file, group membership,
 * limits, then a fresh cookie), a cookie check for CONNECT and the
 * downloader, and the tunnel events that start and stop a session's clock.
 */
#include "gateway/authd/authd_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "gateway/authd/passwd.h"
#include "gateway/conf.h"
#include "lib/base/buf.h"
#include "lib/base/log.h"

static const char *addr_text(const struct net_addr *a, char out[INET6_ADDRSTRLEN])
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return "?";
	return inet_ntop(a->family, a->bytes, out, INET6_ADDRSTRLEN) ? out : "?";
}

static void copy_str(char *out, size_t cap, const char *s)
{
	snprintf(out, cap, "%s", s);
}

static void answer_auth(struct authd *a, unsigned worker, uint32_t req_id, uint32_t status,
			uint32_t delay_ms, const struct authd_session *s)
{
	struct msg_auth_result r;

	memset(&r, 0, sizeof(r));
	msg_init(&r.h, MSG_AUTH_RESULT, sizeof(r), req_id);
	r.status = status;
	r.delay_ms = delay_ms;
	if (s) {
		memcpy(r.cookie, s->cookie, sizeof(r.cookie));
		memcpy(r.session_id, s->id, sizeof(r.session_id));
		copy_str(r.user, sizeof(r.user), s->user);
		copy_str(r.group, sizeof(r.group), s->group);
	}
	chan_send(&a->workers[worker], &r, sizeof(r), -1);
	buf_wipe(&r, sizeof(r));
}

/* The password file descriptor still names the file at its path. */
static bool is_passwd_current(struct authd *a)
{
	struct stat st;

	if (a->passwd_fd < 0)
		return false;
	/* If authd may not look, the descriptor is all it has. */
	if (stat(a->cfg->passwd_file, &st) != 0)
		return true;
	return st.st_dev == a->passwd_st.st_dev && st.st_ino == a->passwd_st.st_ino;
}

static bool park(struct authd *a, unsigned worker, const struct msg_auth_password *m)
{
	struct msg_header h;

	if (a->n_parked == AUTHD_PARKED_MAX)
		return false;
	a->parked[a->n_parked].worker = worker;
	a->parked[a->n_parked].m = *m;
	a->n_parked++;
	if (!a->is_reopen_asked) {
		msg_init(&h, MSG_PASSWD_REOPEN, sizeof(h), 0);
		a->is_reopen_asked = chan_send(&a->parent, &h, sizeof(h), -1) == 0;
	}
	return true;
}

/* The group a login ends up in, or NULL when the user may not have it. */
static const char *pick_group(const struct authd_passwd_entry *e, const char *wanted)
{
	if (wanted[0] == '\0')
		return e->n_groups ? e->groups[0] : "";
	return authd_passwd_has_group(e, wanted) ? wanted : NULL;
}

/*
 * A certificate login: the certificate's group when cert-group-oid gave one
 * (another choice is refused), else the password file's, else the choice.
 */
static const char *pick_cert_group(const struct authd_passwd_entry *e, const char *wanted,
				   const char *from_cert)
{
	if (from_cert[0])
		return !wanted[0] || strcmp(wanted, from_cert) == 0 ? from_cert : NULL;
	return e ? pick_group(e, wanted) : wanted;
}

/* The methods used pass what the group asks for (gw_config_auth). */
static bool is_method_enough(const struct gw_config *cfg, const char *group,
			     const struct authd_cert_claim *cert)
{
	unsigned alt, need = gw_config_auth(cfg, group, &alt);
	unsigned have = !cert ? GW_AUTH_PASSWORD
		: cert->has_password ? GW_AUTH_CERT | GW_AUTH_PASSWORD : GW_AUTH_CERT;

	return (have & need) == need || (have & alt) != 0;
}

/*
 * A full table (max-clients, or its own bound) gives up its oldest cookies
 * that never carried a tunnel. Without this, cookies nobody uses (scripts
 * that only log in, clients that give up between login and CONNECT) fill
 * it for cookie-timeout and shut every user out: 8192 logins in 300 s is 27
 * a second. The user logging in gives up an unused cookie of their own
 * first, so one user's flood cannot push out the cookie another user
 * fetched with --authenticate and has not used yet while the flood still
 * has cookies of its own. Sessions that have, or had, a tunnel are never
 * given up.
 */
static bool make_room(struct authd *a, const char *user)
{
	size_t limit = a->cfg->max_clients ? a->cfg->max_clients : a->sessions.cap;

	if (limit > a->sessions.cap)
		limit = a->sessions.cap;
	while (a->sessions.count >= limit) {
		struct authd_session *s = authd_sessions_to_evict(&a->sessions, user);

		if (!s)
			return false;
		authd_session_gone(a, s, strcmp(s->user, user) == 0
				   ? "no room: the user's own oldest cookie never used gives way"
				   : "no room: the oldest cookie never used gives way "
				     "(the user has none)");
		authd_sessions_remove(&a->sessions, s);
	}
	return true;
}

static uint32_t check_limits(struct authd *a, const char *user, const char *group)
{
	struct gw_net_settings net;

	gw_config_settings(a->cfg, user, group, &net);
	if (net.max_same_clients && authd_sessions_count_user(&a->sessions, user) >=
	    net.max_same_clients)
		return MSG_AUTH_TOO_MANY;
	if (!make_room(a, user))
		return MSG_AUTH_TOO_MANY;
	return MSG_AUTH_OK;
}

static void fail_login(struct authd *a, unsigned worker, const struct msg_auth_password *m,
		       const char *why)
{
	char ip[INET6_ADDRSTRLEN];
	uint32_t delay;

	a->auth_failures++;
	delay = authd_bans_failed_login(&a->bans, &a->policy, &m->source,
					a->cfg->ban_points_wrong_password, authd_now());
	log_info("login failed: user '%s' from %s: %s (answer delayed %u ms)", m->user,
		 addr_text(&m->source, ip), why, delay);
	if (authd_bans_is_banned(&a->bans, &a->policy, &m->source, authd_now()))
		log_warn("%s is banned for %u s after repeated failures", ip,
			 a->cfg->min_reauth_time_s);
	answer_auth(a, worker, m->h.req_id, MSG_AUTH_BAD_CREDENTIALS, delay, NULL);
}

static void log_refusal(const struct msg_auth_password *m, const char *why)
{
	char ip[INET6_ADDRSTRLEN];

	log_info("login refused: user '%s' group '%s' from %s: %s", m->user, m->group,
		 addr_text(&m->source, ip), why);
}

/* Creates the session once everything else said yes. */
static void grant(struct authd *a, unsigned worker, const struct msg_auth_password *m,
		  const char *group)
{
	struct authd_login login = {
		.user = m->user, .group = group, .source = &m->source,
		.now_s = authd_now(), .now_unix = authd_now_unix(),
		.cookie_timeout_s = a->cfg->cookie_timeout_s,
	};
	struct gw_net_settings net;
	struct authd_session *s;
	char ip[INET6_ADDRSTRLEN];

	gw_config_settings(a->cfg, m->user, group, &net);
	login.session_timeout_s = net.session_timeout_s;
	if (authd_sessions_create(&a->sessions, &login, &s) < 0) {
		log_refusal(m, "no room for another session");
		answer_auth(a, worker, m->h.req_id, MSG_AUTH_TOO_MANY, 0, NULL);
		return;
	}
	authd_bans_logged_in(&a->bans, &m->source);
	log_info("login: user '%s' group '%s' from %s, session %llu", s->user,
		 s->group[0] ? s->group : "(none)", addr_text(&m->source, ip),
		 (unsigned long long)msg_session_id_value(s->id));
	answer_auth(a, worker, m->h.req_id, MSG_AUTH_OK, 0, s);
}

/* cert: NULL for a password login; the worker's verified certificate otherwise. */
static void login(struct authd *a, unsigned worker, const struct msg_auth_password *m,
		  const struct authd_cert_claim *cert)
{
	struct authd_passwd_entry e;
	const char *group;
	bool is_known, is_ok = true;
	uint32_t status;

	if (authd_bans_is_banned(&a->bans, &a->policy, &m->source, authd_now())) {
		log_refusal(m, "source address is banned");
		answer_auth(a, worker, m->h.req_id, MSG_AUTH_BANNED, 0, NULL);
		return;
	}
	is_known = m->user[0] && a->passwd_fd >= 0 &&
		   authd_passwd_lookup(a->passwd_fd, m->user, &e) == 0;
	/* crypt runs for unknown users too, so timing does not tell who exists */
	if (!cert || cert->has_password)
		is_ok = authd_passwd_verify(is_known ? e.hash : NULL, m->password);
	if (!is_ok) {
		fail_login(a, worker, m, !is_known ? "unknown user"
			   : e.is_locked ? "account locked" : "wrong password");
		goto out;
	}
	group = cert ? pick_cert_group(is_known ? &e : NULL, m->group, cert->group)
		     : pick_group(&e, m->group);
	if (!group || !is_method_enough(a->cfg, group, cert)) {
		log_refusal(m, !group ? "not a member of the group"
			    : cert ? "the group needs a password as well as the certificate"
			    : "the group needs a client certificate");
		answer_auth(a, worker, m->h.req_id, MSG_AUTH_NOT_IN_GROUP, 0, NULL);
		goto out;
	}
	status = check_limits(a, m->user, group);
	if (status != MSG_AUTH_OK) {
		log_refusal(m, "too many sessions (max-clients or max-same-clients)");
		answer_auth(a, worker, m->h.req_id, status, 0, NULL);
		goto out;
	}
	grant(a, worker, m, group);
out:
	if (is_known)
		authd_passwd_entry_wipe(&e);
}

/*
 * No auth = "plain[passwd=...]": there is nothing to check a password
 * against, and asking the parent for a file it has no name for would only
 * park the login.
 */
static bool refuse_without_passwd_file(struct authd *a, unsigned worker,
				       const struct msg_auth_password *m)
{
	if (a->cfg->passwd_file)
		return false;
	log_refusal(m, "password logins are not configured (no auth = \"plain[passwd=FILE]\"); "
		    "this gateway takes certificates only");
	answer_auth(a, worker, m->h.req_id, MSG_AUTH_BAD_CREDENTIALS, 0, NULL);
	return true;
}

void authd_on_password(struct authd *a, unsigned worker, struct msg_auth_password *m)
{
	if (refuse_without_passwd_file(a, worker, m)) {
		buf_wipe(m->password, sizeof(m->password));
		return;
	}
	if (!is_passwd_current(a)) {
		if (!park(a, worker, m)) {
			log_err("password file unavailable; login of '%s' fails", m->user);
			answer_auth(a, worker, m->h.req_id, MSG_AUTH_INTERNAL, 0, NULL);
		}
		buf_wipe(m->password, sizeof(m->password));
		return;
	}
	login(a, worker, m, NULL);
	buf_wipe(m->password, sizeof(m->password));
}

/*
 * The certificate was checked by the worker, which holds the TLS session;
 * authd decides the rest as for a password login, with the same bans and
 * limits. A password file being reopened is not waited for here: a login
 * that needs it fails and the user tries again.
 */
void authd_on_cert(struct authd *a, unsigned worker, struct msg_auth_cert *m)
{
	struct authd_cert_claim cert = { m->cert_group, m->has_password != 0 };
	struct msg_auth_password pw;

	memset(&pw, 0, sizeof(pw));
	pw.h = m->h;
	pw.source = m->source;
	copy_str(pw.user, sizeof(pw.user), m->user);
	copy_str(pw.group, sizeof(pw.group), m->group);
	copy_str(pw.password, sizeof(pw.password), m->password);
	copy_str(pw.user_agent, sizeof(pw.user_agent), m->user_agent);
	log_info("certificate login: user '%s' from certificate %s", m->user, m->subject);
	if (!cert.has_password || is_passwd_current(a)) {
		login(a, worker, &pw, &cert);
	} else if (!refuse_without_passwd_file(a, worker, &pw)) {
		log_err("password file unavailable; login of '%s' fails", m->user);
		answer_auth(a, worker, m->h.req_id, MSG_AUTH_INTERNAL, 0, NULL);
	}
	buf_wipe(&pw, sizeof(pw));
	buf_wipe(m->password, sizeof(m->password));
}

void authd_run_parked(struct authd *a)
{
	unsigned n = a->n_parked;

	a->n_parked = 0;
	for (unsigned i = 0; i < n; i++) {
		struct authd_parked *p = &a->parked[i];

		if (a->passwd_fd >= 0 && chan_is_open(&a->workers[p->worker]))
			login(a, p->worker, &p->m, NULL);
		else if (chan_is_open(&a->workers[p->worker]))
			answer_auth(a, p->worker, p->m.h.req_id, MSG_AUTH_INTERNAL, 0, NULL);
		buf_wipe(p, sizeof(*p));
	}
}

static bool same_addr(const struct net_addr *x, const struct net_addr *y)
{
	size_t n = x->family == AF_INET ? 4 : 16;

	return x->family == y->family && memcmp(x->bytes, y->bytes, n) == 0;
}

void authd_on_cookie(struct authd *a, unsigned worker, const struct msg_cookie_check *m)
{
	struct authd_session *s = authd_sessions_by_cookie(&a->sessions, m->cookie, authd_now());
	struct msg_cookie_result r;
	struct gw_net_settings net;
	char ip[INET6_ADDRSTRLEN];

	memset(&r, 0, sizeof(r));
	msg_init(&r.h, MSG_COOKIE_RESULT, sizeof(r), m->h.req_id);
	r.status = MSG_AUTH_BAD_CREDENTIALS;
	if (authd_bans_is_banned(&a->bans, &a->policy, &m->source, authd_now())) {
		r.status = MSG_AUTH_BANNED;
	} else if (!s) {
		log_info("cookie from %s: unknown or expired", addr_text(&m->source, ip));
	} else {
		gw_config_settings(a->cfg, s->user, s->group, &net);
		if (net.is_deny_roaming && !same_addr(&s->source, &m->source)) {
			log_info("cookie of session %llu used from %s: deny-roaming refuses it",
				 (unsigned long long)msg_session_id_value(s->id),
				 addr_text(&m->source, ip));
		} else {
			r.status = MSG_AUTH_OK;
			memcpy(r.session_id, s->id, sizeof(r.session_id));
			copy_str(r.user, sizeof(r.user), s->user);
			copy_str(r.group, sizeof(r.group), s->group);
			r.last_ipv4 = s->ipv4;
			r.last_ipv6 = s->ipv6;
			r.created_unix = s->created_unix;
		}
	}
	chan_send(&a->workers[worker], &r, sizeof(r), -1);
}

void authd_session_gone(struct authd *a, const struct authd_session *s, const char *why)
{
	struct msg_session_event ev;

	memset(&ev, 0, sizeof(ev));
	msg_init(&ev.h, MSG_SESSION_EXPIRED, sizeof(ev), 0);
	memcpy(ev.session_id, s->id, sizeof(ev.session_id));
	ev.ipv4 = s->ipv4;
	ev.ipv6 = s->ipv6;
	copy_str(ev.reason, sizeof(ev.reason), why);
	log_info("session %llu of '%s' ends: %s",
		 (unsigned long long)msg_session_id_value(s->id), s->user, why);
	chan_send(&a->parent, &ev, sizeof(ev), -1);
}

void authd_on_session_event(struct authd *a, unsigned worker, const struct msg_session_event *m)
{
	struct authd_session *s = authd_sessions_by_id(&a->sessions, m->session_id);

	if (!s)
		return;
	switch (m->h.type) {
	case MSG_SESSION_ATTACHED:
		authd_session_attach(s, (int)worker, &m->ipv4, &m->ipv6);
		return;
	case MSG_SESSION_DETACHED:
		/* a late word from the worker the session left: it lives elsewhere now */
		if (s->worker == (int)worker)
			authd_session_detach(s, authd_now());
		return;
	case MSG_SESSION_END:
		if (s->worker != (int)worker && s->worker >= 0)
			return;
		if (a->cfg->is_persistent_cookies) {
			authd_session_detach(s, authd_now());
			return;
		}
		authd_session_gone(a, s, m->reason[0] ? m->reason : "ended by the client");
		authd_sessions_remove(&a->sessions, s);
		return;
	}
}
