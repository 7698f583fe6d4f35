/* SPDX-License-Identifier: ISC */
/*
 * The authd process: its loop, its sockets (the parent's and one per
 * worker, handed over by the parent), the password file descriptor, and the
 * periodic expiry of sessions and ban scores.
 */
#include "gateway/authd/authd.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/authd/authd_internal.h"
#include "gateway/conf.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

uint64_t authd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

uint64_t authd_now_unix(void)
{
	return (uint64_t)time(NULL);
}

uint64_t authd_unix_of(uint64_t mono_s)
{
	return authd_now_unix() + mono_s - authd_now();
}

static void set_policy(struct authd *a)
{
	a->policy.max_score = a->cfg->max_ban_score;
	a->policy.reset_time_s = a->cfg->ban_reset_time_s;
	a->policy.ban_time_s = a->cfg->min_reauth_time_s;
}

static void on_worker_msg(struct chan *c, void *msg, size_t len, int fd)
{
	struct authd *a = c->owner;
	struct msg_header *h = msg;

	(void)len;
	if (fd >= 0)
		close(fd);
	switch (h->type) {
	case MSG_AUTH_PASSWORD:
		authd_on_password(a, c->index, msg);
		break;
	case MSG_AUTH_CERT:
		authd_on_cert(a, c->index, msg);
		break;
	case MSG_COOKIE_CHECK:
		authd_on_cookie(a, c->index, msg);
		break;
	case MSG_SESSION_ATTACHED:
	case MSG_SESSION_DETACHED:
	case MSG_SESSION_END:
		authd_on_session_event(a, c->index, msg);
		break;
	case MSG_BAD_REQUEST: {
		const struct msg_bad_request *m = msg;
		/* a worker may score, not ban in one go */
		unsigned points = m->points < 100 ? m->points : 100;

		authd_bans_add(&a->bans, &a->policy, &m->source, points, authd_now());
		break;
	}
	default:
		log_warn("worker %u sent %s, which is not for authd", c->index,
			 msg_type_name(h->type));
	}
}

static void detach_worker(struct authd *a, unsigned worker)
{
	for (size_t i = 0; i < a->sessions.count; i++)
		if (a->sessions.items[i]->worker == (int)worker)
			authd_session_detach(a->sessions.items[i], authd_now());
}

static void on_worker_closed(struct chan *c)
{
	detach_worker(c->owner, c->index);
}

static void attach_worker(struct authd *a, const struct msg_worker *m, int fd)
{
	struct chan *c;

	if (fd < 0 || m->worker >= AUTHD_WORKERS_MAX) {
		log_err("bad worker socket for worker %u", m->worker);
		if (fd >= 0)
			close(fd);
		return;
	}
	c = &a->workers[m->worker];
	chan_close(c);
	c->index = m->worker;
	if (chan_open(c, a->loop, fd, "authd<-worker", on_worker_msg, on_worker_closed, a) < 0)
		log_err("cannot watch worker %u", m->worker);
}

static void new_passwd_fd(struct authd *a, const struct msg_status *m, int fd)
{
	a->is_reopen_asked = false;
	if (m->status == 0 && fd >= 0) {
		if (a->passwd_fd >= 0)
			close(a->passwd_fd);
		a->passwd_fd = fd;
		fstat(fd, &a->passwd_st);
	} else {
		if (fd >= 0)
			close(fd);
		if (a->cfg->passwd_file)
			log_err("the parent could not open %s", a->cfg->passwd_file);
	}
	authd_run_parked(a);
}

static void list_bans(struct authd *a, uint32_t req_id)
{
	struct msg_ban_list_end end;
	uint64_t now = authd_now();

	authd_bans_expire(&a->bans, &a->policy, now);
	for (size_t i = 0; i < a->bans.count; i++) {
		const struct authd_ban_entry *e = &a->bans.entries[i];
		struct msg_ban b;

		memset(&b, 0, sizeof(b));
		msg_init(&b.h, MSG_BAN_ITEM, sizeof(b), req_id);
		b.source = e->addr;
		b.score = e->score;
		b.until_unix = e->banned_until_s ? authd_unix_of(e->banned_until_s) : 0;
		chan_send(&a->parent, &b, sizeof(b), -1);
	}
	memset(&end, 0, sizeof(end));
	msg_init(&end.h, MSG_BAN_LIST_END, sizeof(end), req_id);
	end.banned = (uint32_t)authd_bans_count_banned(&a->bans, now);
	end.sessions = (uint32_t)a->sessions.count;
	end.auth_failures = a->auth_failures;
	chan_send(&a->parent, &end, sizeof(end), -1);
}

static void unban(struct authd *a, const struct msg_ban *m)
{
	struct msg_status r;

	msg_init(&r.h, MSG_UNBAN_RESULT, sizeof(r), m->h.req_id);
	r.status = authd_bans_remove(&a->bans, &m->source) ? 0 : VPN_ERR_NOT_FOUND;
	chan_send(&a->parent, &r, sizeof(r), -1);
}

static void disconnect(struct authd *a, const struct msg_ctl_disconnect *m)
{
	size_t i = 0;

	while (i < a->sessions.count) {
		struct authd_session *s = a->sessions.items[i];
		bool is_match = m->user[0] ? strcmp(s->user, m->user) == 0
			: memcmp(s->id, m->session_id, sizeof(s->id)) == 0;

		if (!is_match) {
			i++;
			continue;
		}
		authd_session_gone(a, s, "disconnected by the administrator");
		authd_sessions_remove(&a->sessions, s);
	}
}

static void reload(struct authd *a)
{
	struct gw_config *cfg = NULL;

	if (!a->cfg->path || gw_config_load(&cfg, a->cfg->path) < 0) {
		log_warn("configuration not reloaded; keeping the old one");
		return;
	}
	gw_config_free(a->cfg);
	a->cfg = cfg;
	set_policy(a);
	log_info("configuration reloaded");
}

static void on_parent_msg(struct chan *c, void *msg, size_t len, int fd)
{
	struct authd *a = c->owner;
	struct msg_header *h = msg;

	(void)len;
	switch (h->type) {
	case MSG_WORKER_ATTACH:
		attach_worker(a, msg, fd);
		return;
	case MSG_PASSWD_FD:
		new_passwd_fd(a, msg, fd);
		return;
	}
	if (fd >= 0)
		close(fd);
	switch (h->type) {
	case MSG_WORKER_GONE: {
		const struct msg_worker *m = msg;

		if (m->worker < AUTHD_WORKERS_MAX) {
			chan_close(&a->workers[m->worker]);
			detach_worker(a, m->worker);
		}
		break;
	}
	case MSG_CTL_BANS:
		list_bans(a, h->req_id);
		break;
	case MSG_CTL_UNBAN:
		unban(a, msg);
		break;
	case MSG_CTL_DISCONNECT:
		disconnect(a, msg);
		break;
	case MSG_RELOAD:
		reload(a);
		break;
	default:
		log_warn("the parent sent %s, which is not for authd", msg_type_name(h->type));
	}
}

static void on_parent_closed(struct chan *c)
{
	struct authd *a = c->owner;

	event_loop_stop(a->loop);
}

static void expire_one(const struct authd_session *s, void *ctx)
{
	authd_session_gone(ctx, s, "cookie-timeout or session-timeout reached");
}

static void on_expire(struct event_timer *t)
{
	struct authd *a = container_of(t, struct authd, expire_timer);
	uint64_t now = authd_now();

	authd_sessions_expire(&a->sessions, now, expire_one, a);
	authd_bans_expire(&a->bans, &a->policy, now);
	event_timer_arm(a->loop, &a->expire_timer, AUTHD_EXPIRE_MS);
}

static int start(struct authd *a, int parent_fd)
{
	size_t cap = a->cfg->max_clients ? a->cfg->max_clients : GW_SESSIONS_LIMIT;

	for (unsigned i = 0; i < AUTHD_WORKERS_MAX; i++)
		a->workers[i].fd = -1;
	a->parent.fd = -1;
	if (event_loop_new(&a->loop) < 0 ||
	    authd_sessions_init(&a->sessions, cap) < 0 ||
	    authd_bans_init(&a->bans, AUTHD_BANS_MAX) < 0)
		return VPN_ERR_NOMEM;
	set_policy(a);
	if (chan_open(&a->parent, a->loop, parent_fd, "authd<-parent", on_parent_msg,
		      on_parent_closed, a) < 0)
		return VPN_ERR_IO;
	event_timer_init(&a->expire_timer, on_expire);
	return event_timer_arm(a->loop, &a->expire_timer, AUTHD_EXPIRE_MS);
}

int authd_main(struct gw_config *cfg, int parent_fd, int passwd_fd)
{
	struct authd *a = calloc(1, sizeof(*a));
	int r;

	if (!a) {
		close(parent_fd);
		return VPN_ERR_NOMEM;
	}
	a->cfg = cfg;
	a->passwd_fd = passwd_fd;
	if (passwd_fd >= 0)
		fstat(passwd_fd, &a->passwd_st);
	r = start(a, parent_fd);
	if (r == 0) {
		log_info("running, %s%s", cfg->passwd_file ? "password file " :
			 "no password file (certificate logins only)",
			 cfg->passwd_file ? cfg->passwd_file : "");
		r = event_loop_run(a->loop);
	}
	for (unsigned i = 0; i < AUTHD_WORKERS_MAX; i++)
		chan_close(&a->workers[i]);
	chan_close(&a->parent);
	if (a->passwd_fd >= 0)
		close(a->passwd_fd);
	authd_sessions_cleanup(&a->sessions);
	authd_bans_cleanup(&a->bans);
	event_loop_free(a->loop);
	gw_config_free(a->cfg);
	buf_wipe(a, sizeof(*a));
	free(a);
	return r;
}
