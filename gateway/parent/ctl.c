/* SPDX-License-Identifier: ISC */
/*
 * The control socket sslgatectl talks to: root only (the peer's uid is
 * checked, and the socket is mode 0600), one request at a time. A request
 * becomes a job: the parent asks every worker for its sessions and/or authd
 * for its bans, forwards what matches, and ends with MSG_CTL_DONE, after
 * PARENT_CTL_TIMEOUT_MS at the latest.
 */
#include "gateway/parent/parent_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/addr.h"

static void send_done(struct parent *p, int status, const char *text)
{
	struct parent_ctl_job *j = &p->ctl.job;
	struct msg_ctl_done d;

	memset(&d, 0, sizeof(d));
	msg_init(&d.h, MSG_CTL_DONE, sizeof(d), j->req.h.req_id);
	d.status = status;
	d.count = j->count;
	snprintf(d.text, sizeof(d.text), "%s", text ? text : "");
	if (j->client)
		chan_send(j->client, &d, sizeof(d), -1);
	j->is_active = false;
}

static void to_client(struct parent *p, void *msg, size_t len)
{
	if (p->ctl.job.client)
		chan_send(p->ctl.job.client, msg, len, -1);
}

static bool is_disconnect(uint32_t command)
{
	return command == MSG_CTL_CMD_DISCONNECT_USER || command == MSG_CTL_CMD_DISCONNECT_ID;
}

static void send_disconnects(struct parent *p)
{
	struct parent_ctl_job *j = &p->ctl.job;
	struct msg_ctl_disconnect d;

	memset(&d, 0, sizeof(d));
	msg_init(&d.h, MSG_CTL_DISCONNECT, sizeof(d), j->req_id);
	if (j->req.command == MSG_CTL_CMD_DISCONNECT_USER)
		snprintf(d.user, sizeof(d.user), "%s", j->req.user);
	else
		memcpy(d.session_id, j->req.session_id, sizeof(d.session_id));
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		if (p->workers[i].is_used)
			chan_send(&p->workers[i].chan, &d, sizeof(d), -1);
	/* authd forgets the cookies too, also of sessions without a tunnel now */
	chan_send(&p->authd.chan, &d, sizeof(d), -1);
	log_info("control: disconnect %s %s (%u with a tunnel)",
		 j->req.command == MSG_CTL_CMD_DISCONNECT_USER ? "user" : "session",
		 j->req.command == MSG_CTL_CMD_DISCONNECT_USER ? j->req.user : "by id", j->count);
}

static void check_done(struct parent *p)
{
	struct parent_ctl_job *j = &p->ctl.job;

	if (!j->is_active || j->waiting_workers || j->is_waiting_authd)
		return;
	if (is_disconnect(j->req.command)) {
		send_disconnects(p);
		send_done(p, j->count ? 0 : VPN_ERR_NOT_FOUND, j->count ? NULL : "no such session");
		return;
	}
	if (j->req.command == MSG_CTL_CMD_STATUS) {
		j->status.sessions = j->count;
		to_client(p, &j->status, sizeof(j->status));
	}
	send_done(p, 0, NULL);
}

static void ask_workers(struct parent *p)
{
	struct parent_ctl_job *j = &p->ctl.job;
	struct msg_header h;

	msg_init(&h, MSG_CTL_LIST, sizeof(h), j->req_id);
	for (int i = 0; i < PARENT_PROCS_MAX; i++) {
		j->is_waiting[i] = false;
		if (p->workers[i].is_used && chan_send(&p->workers[i].chan, &h, sizeof(h), -1) == 0) {
			j->is_waiting[i] = true;
			j->waiting_workers++;
		}
	}
}

static void ask_authd(struct parent *p, enum msg_type type)
{
	struct parent_ctl_job *j = &p->ctl.job;
	struct msg_header h;
	struct msg_ban b;
	int r;

	if (type == MSG_CTL_UNBAN) {
		memset(&b, 0, sizeof(b));
		msg_init(&b.h, MSG_CTL_UNBAN, sizeof(b), j->req_id);
		b.source = j->req.addr;
		r = chan_send(&p->authd.chan, &b, sizeof(b), -1);
	} else {
		msg_init(&h, type, sizeof(h), j->req_id);
		r = chan_send(&p->authd.chan, &h, sizeof(h), -1);
	}
	j->is_waiting_authd = r == 0;
}

static void fill_status(struct parent *p)
{
	struct msg_ctl_status *s = &p->ctl.job.status;

	memset(s, 0, sizeof(*s));
	msg_init(&s->h, MSG_CTL_STATUS, sizeof(*s), p->ctl.job.req.h.req_id);
	s->started_unix = p->started_unix;
	s->reloaded_unix = p->reloaded_unix;
	s->parent_pid = (uint32_t)getpid();
	s->authd_pid = p->authd.is_used ? (uint32_t)p->authd.pid : 0;
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		if (p->workers[i].is_used)
			s->workers++;
	s->leases = p->leases.count;
}

static void start_job(struct parent *p, struct chan *client, const struct msg_ctl_request *req)
{
	struct parent_ctl_job *j = &p->ctl.job;

	memset(j, 0, sizeof(*j));
	j->is_active = true;
	j->client = client;
	j->req = *req;
	j->req_id = ++p->ctl.seq;
	j->deadline_ms = parent_now_ms(p) + PARENT_CTL_TIMEOUT_MS;
	switch (req->command) {
	case MSG_CTL_CMD_LIST:
	case MSG_CTL_CMD_SHOW_ID:
	case MSG_CTL_CMD_SHOW_USER:
	case MSG_CTL_CMD_DISCONNECT_USER:
	case MSG_CTL_CMD_DISCONNECT_ID:
		ask_workers(p);
		break;
	case MSG_CTL_CMD_STATUS:
		fill_status(p);
		ask_workers(p);
		ask_authd(p, MSG_CTL_BANS);
		break;
	case MSG_CTL_CMD_BANS:
		ask_authd(p, MSG_CTL_BANS);
		break;
	case MSG_CTL_CMD_UNBAN:
		ask_authd(p, MSG_CTL_UNBAN);
		break;
	case MSG_CTL_CMD_RELOAD:
		p->is_reload_asked = true;
		log_info("control: reload requested");
		break;
	default:
		send_done(p, VPN_ERR_UNSUPPORTED, "unknown command");
		return;
	}
	check_done(p);
}

static bool matches(const struct parent_ctl_job *j, const struct msg_session_info *s)
{
	switch (j->req.command) {
	case MSG_CTL_CMD_SHOW_ID:
	case MSG_CTL_CMD_DISCONNECT_ID:
		return memcmp(s->session_id, j->req.session_id, sizeof(s->session_id)) == 0;
	case MSG_CTL_CMD_SHOW_USER:
	case MSG_CTL_CMD_DISCONNECT_USER:
		return strcmp(s->user, j->req.user) == 0;
	default:
		return true;
	}
}

/* Appends words while they fit whole. */
static void append(char *out, size_t cap, const char *word)
{
	size_t n = strlen(out);

	if (n + strlen(word) + 2 <= cap)
		snprintf(out + n, cap - n, "%s%s", n ? " " : "", word);
}

/* What sslgatectl shows that only the configuration knows. */
static void fill_settings(struct parent *p, struct parent_proc *w, struct msg_session_info *s)
{
	struct gw_net_settings net;
	char text[NET_PREFIX_STRLEN];

	gw_config_settings(p->cfg, s->user, s->group, &net);
	snprintf(s->device, sizeof(s->device), "%s", w->tun);
	s->dpd_s = net.dpd_s;
	s->keepalive_s = net.keepalive_s;
	s->is_restricted = net.is_restrict_to_routes;
	s->routes[0] = s->dns[0] = '\0';
	for (size_t i = 0; !net.is_default_route && i < net.n_routes; i++) {
		net_prefix_format_mask(&net.routes[i], text, sizeof(text));
		append(s->routes, sizeof(s->routes), text);
	}
	for (size_t i = 0; i < net.n_dns; i++) {
		net_addr_format(&net.dns[i], text, sizeof(text));
		append(s->dns, sizeof(s->dns), text);
	}
}

void parent_ctl_on_session(struct parent *p, struct parent_proc *w, struct msg_session_info *s)
{
	struct parent_ctl_job *j = &p->ctl.job;

	if (!j->is_active || s->h.req_id != j->req_id || !matches(j, s))
		return;
	j->count++;
	if (is_disconnect(j->req.command) || j->req.command == MSG_CTL_CMD_STATUS)
		return;
	s->worker = w->index;
	fill_settings(p, w, s);
	msg_init(&s->h, MSG_CTL_SESSION, sizeof(*s), j->req.h.req_id);
	to_client(p, s, sizeof(*s));
}

void parent_ctl_on_list_end(struct parent *p, struct parent_proc *w, uint32_t req_id)
{
	struct parent_ctl_job *j = &p->ctl.job;

	if (!j->is_active || req_id != j->req_id || !j->is_waiting[w->index])
		return;
	j->is_waiting[w->index] = false;
	j->waiting_workers--;
	check_done(p);
}

void parent_ctl_worker_gone(struct parent *p, struct parent_proc *w)
{
	if (p->ctl.job.is_active && p->ctl.job.is_waiting[w->index])
		parent_ctl_on_list_end(p, w, p->ctl.job.req_id);
}

void parent_ctl_on_ban(struct parent *p, const struct msg_ban *b)
{
	struct parent_ctl_job *j = &p->ctl.job;
	struct msg_ban out = *b;

	if (!j->is_active || b->h.req_id != j->req_id || j->req.command != MSG_CTL_CMD_BANS)
		return;
	if (!j->req.is_all && b->until_unix == 0)
		return;
	j->count++;
	msg_init(&out.h, MSG_CTL_BAN, sizeof(out), j->req.h.req_id);
	to_client(p, &out, sizeof(out));
}

void parent_ctl_on_ban_end(struct parent *p, const struct msg_ban_list_end *e)
{
	struct parent_ctl_job *j = &p->ctl.job;

	if (!j->is_active || e->h.req_id != j->req_id)
		return;
	j->status.banned = e->banned;
	j->status.auth_sessions = e->sessions;
	j->status.auth_failures = e->auth_failures;
	j->is_waiting_authd = false;
	check_done(p);
}

void parent_ctl_on_unban(struct parent *p, const struct msg_status *s)
{
	struct parent_ctl_job *j = &p->ctl.job;

	if (!j->is_active || s->h.req_id != j->req_id)
		return;
	j->count = s->status == 0;
	if (s->status == 0)
		log_info("control: an address was unbanned");
	send_done(p, s->status, s->status ? "that address is not in the ban list" : NULL);
}

void parent_ctl_tick(struct parent *p)
{
	struct parent_ctl_job *j = &p->ctl.job;

	if (!j->is_active || parent_now_ms(p) < j->deadline_ms)
		return;
	log_warn("control: %u workers%s did not answer in time", j->waiting_workers,
		 j->is_waiting_authd ? " and authd" : "");
	j->waiting_workers = 0;
	j->is_waiting_authd = false;
	check_done(p);
}

static void on_client_msg(struct chan *c, void *msg, size_t len, int fd)
{
	struct parent *p = c->owner;
	struct msg_header *h = msg;
	struct msg_ctl_done busy;

	(void)len;
	if (fd >= 0)
		close(fd);
	if (h->type != MSG_CTL_REQUEST) {
		chan_close(c);
		return;
	}
	if (p->ctl.job.is_active) {
		memset(&busy, 0, sizeof(busy));
		msg_init(&busy.h, MSG_CTL_DONE, sizeof(busy), h->req_id);
		busy.status = VPN_ERR_AGAIN;
		snprintf(busy.text, sizeof(busy.text), "busy with another request");
		chan_send(c, &busy, sizeof(busy), -1);
		return;
	}
	start_job(p, c, msg);
}

static void on_client_closed(struct chan *c)
{
	struct parent *p = c->owner;

	if (p->ctl.job.client == c)
		p->ctl.job.client = NULL;
}

static bool is_root_peer(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == 0;
}

static void on_accept(struct event_io *io, unsigned events)
{
	struct parent *p = container_of(io, struct parent, ctl.listen_io);
	int fd = accept4(p->ctl.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)events;
	if (fd < 0)
		return;
	if (!is_root_peer(fd)) {
		log_warn("control: refused a connection from a non-root process");
		close(fd);
		return;
	}
	for (int i = 0; i < PARENT_CTL_CLIENTS; i++) {
		struct chan *c = &p->ctl.clients[i];

		if (!chan_is_open(c)) {
			chan_open(c, p->loop, fd, "parent<-ctl", on_client_msg, on_client_closed, p);
			return;
		}
	}
	log_warn("control: too many clients");
	close(fd);
}

static int bind_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	old = umask(0077);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r != 0 || chmod(path, 0600) != 0 || listen(fd, PARENT_CTL_CLIENTS) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int parent_ctl_open(struct parent *p)
{
	struct parent_ctl *c = &p->ctl;

	c->listen_fd = -1;
	for (int i = 0; i < PARENT_CTL_CLIENTS; i++)
		c->clients[i].fd = -1;
	if (!p->cfg->is_ctl_enabled)
		return 0;
	c->listen_fd = bind_socket(p->cfg->ctl_socket);
	if (c->listen_fd < 0) {
		log_err("control socket %s: %s", p->cfg->ctl_socket, strerror(errno));
		return VPN_ERR_IO;
	}
	c->path = strdup(p->cfg->ctl_socket);
	return event_io_add(p->loop, &c->listen_io, c->listen_fd, EVENT_READ, on_accept);
}

void parent_ctl_close(struct parent *p)
{
	struct parent_ctl *c = &p->ctl;

	for (int i = 0; i < PARENT_CTL_CLIENTS; i++)
		chan_close(&c->clients[i]);
	if (c->listen_fd >= 0) {
		event_io_del(p->loop, &c->listen_io);
		close(c->listen_fd);
		c->listen_fd = -1;
	}
	if (c->path) {
		unlink(c->path);
		free(c->path);
		c->path = NULL;
	}
}
