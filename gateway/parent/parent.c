/* SPDX-License-Identifier: ISC */
/*
 * The parent's life: configuration, privileges to hand out, sockets,
 * children, then one loop over signals, child messages and the control
 * socket until SIGTERM; a reload on SIGHUP (or sslgatectl reload).
 */
#include "gateway/parent/parent_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/netlink.h"

#define TICK_MS 250

uint64_t parent_now_ms(const struct parent *p)
{
	return event_loop_now(p->loop);
}

static enum log_level level_of(const struct parent *p)
{
	return p->opts->log_level >= 0 ? (enum log_level)p->opts->log_level
				       : (enum log_level)p->cfg->log_level;
}

static int lookup_accounts(struct parent *p, const struct gw_config *cfg)
{
	if (privsep_drop_lookup(cfg->run_as_user, cfg->run_as_group, &p->worker_id) < 0) {
		log_err("run-as-user %s / run-as-group %s: unknown, or root", cfg->run_as_user,
			cfg->run_as_group);
		return VPN_ERR_NOT_FOUND;
	}
	if (privsep_drop_lookup(cfg->authd_user, cfg->authd_group, &p->authd_id) < 0) {
		log_err("authd-user %s / authd-group %s: unknown, or root", cfg->authd_user,
			cfg->authd_group);
		return VPN_ERR_NOT_FOUND;
	}
	return 0;
}

static void warn_restart_only(const struct gw_config *old, const struct gw_config *cfg)
{
	bool is_same_host = (!old->listen_host && !cfg->listen_host) ||
		(old->listen_host && cfg->listen_host && !strcmp(old->listen_host, cfg->listen_host));

	if (!is_same_host || old->tcp_port != cfg->tcp_port || old->udp_port != cfg->udp_port ||
	    old->workers != cfg->workers || strcmp(old->device, cfg->device) != 0)
		log_warn("listen-host, tcp-port, udp-port, workers and device change only on a "
			 "restart; the old values stay in force");
}

static void reload(struct parent *p)
{
	struct gw_config *cfg = NULL;
	struct msg_header h;

	p->is_reload_asked = false;
	log_info("reloading the configuration");
	if (gw_config_load(&cfg, p->cfg->path) < 0 || gw_config_load_resources(cfg) < 0 ||
	    lookup_accounts(p, cfg) < 0) {
		log_err("reload failed; the running configuration stays");
		gw_config_free(cfg);
		lookup_accounts(p, p->cfg);
		return;
	}
	warn_restart_only(p->cfg, cfg);
	/* what cannot change without a restart keeps its running value */
	cfg->tcp_port = p->cfg->tcp_port;
	cfg->udp_port = p->cfg->udp_port;
	cfg->workers = p->cfg->workers;
	free(cfg->device);
	cfg->device = strdup(p->cfg->device);
	gw_config_free(p->cfg);
	p->cfg = cfg;
	log_set_level(level_of(p));
	msg_init(&h, MSG_RELOAD, sizeof(h), 0);
	chan_send(&p->authd.chan, &h, sizeof(h), -1);
	parent_send_passwd(p, 0);
	parent_renew_workers(p);
	p->reloaded_unix = (uint64_t)time(NULL);
}

static void begin_stop(struct parent *p, const char *why)
{
	if (p->is_stopping)
		return;
	log_info("stopping (%s)", why);
	p->is_stopping = true;
	parent_signal_children(p, SIGTERM);
	p->stop_deadline_ms = parent_now_ms(p) + PARENT_STOP_GRACE_MS;
}

static void on_signal(struct event_io *io, unsigned events)
{
	struct parent *p = container_of(io, struct parent, sig_io);
	struct signalfd_siginfo si;

	(void)events;
	while (read(p->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			parent_reap(p);
			break;
		case SIGHUP:
			p->is_reload_asked = true;
			break;
		default:
			begin_stop(p, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
		}
	}
	if (p->is_stopping && !parent_has_children(p))
		event_loop_stop(p->loop);
}

static void on_tick(struct event_timer *t)
{
	struct parent *p = container_of(t, struct parent, tick);

	if (p->is_stopping) {
		/* children that ignore SIGTERM past the grace time are killed */
		if (parent_now_ms(p) >= p->stop_deadline_ms)
			parent_signal_children(p, SIGKILL);
		if (!parent_has_children(p))
			event_loop_stop(p->loop);
	} else {
		if (p->is_reload_asked)
			reload(p);
		parent_respawn_due(p);
		parent_ctl_tick(p);
	}
	event_timer_arm(p->loop, &p->tick, TICK_MS);
}

static int watch_signals(struct parent *p)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return VPN_ERR_IO;
	p->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (p->sig_fd < 0)
		return VPN_ERR_IO;
	return event_io_add(p->loop, &p->sig_io, p->sig_fd, EVENT_READ, on_signal);
}

static int write_pid_file(const char *path)
{
	char text[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("pid-file %s: %s", path, strerror(errno));
		return VPN_ERR_IO;
	}
	n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (write(fd, text, (size_t)n) != n)
		log_warn("pid-file %s: short write", path);
	close(fd);
	return 0;
}

static const char *pid_file(const struct parent *p)
{
	return p->opts->pid_file ? p->opts->pid_file : p->cfg->pid_file;
}

static int start(struct parent *p)
{
	int r;

	if (geteuid() != 0) {
		log_err("sslgated must start as root (it drops privileges itself)");
		return VPN_ERR_DENIED;
	}
	r = gw_config_load(&p->cfg, p->opts->config_path);
	if (r < 0)
		return r;
	log_set_level(level_of(p));
	if (gw_config_load_resources(p->cfg) < 0 || lookup_accounts(p, p->cfg) < 0)
		return VPN_ERR_INVALID;
	if (!p->opts->is_foreground && daemon(0, 0) != 0)
		return VPN_ERR_IO;
	if (pid_file(p) && write_pid_file(pid_file(p)) < 0)
		return VPN_ERR_IO;
	p->started_unix = (uint64_t)time(NULL);
	if (event_loop_new(&p->loop) < 0 || watch_signals(p) < 0)
		return VPN_ERR_IO;
	parent_leases_init(&p->leases, net_route_change);
	if (parent_listen(p) < 0 || parent_ctl_open(p) < 0 || parent_start_authd(p) < 0)
		return VPN_ERR_IO;
	/* Before the first worker: every worker, restarted ones too, forks with it. */
	if (dtls_link_secret_make(p->dtls_secret) < 0) {
		log_err("cannot make the DTLS key secret: no random bytes");
		return VPN_ERR_IO;
	}
	for (unsigned i = 0; i < p->n_slots; i++)
		p->slots[i].respawn_at_ms = 1;
	parent_respawn_due(p);
	event_timer_init(&p->tick, on_tick);
	return event_timer_arm(p->loop, &p->tick, TICK_MS);
}

static void stop(struct parent *p)
{
	if (parent_has_children(p)) {
		parent_signal_children(p, SIGKILL);
		parent_reap(p);
	}
	if (p->loop)
		parent_ctl_close(p);
	chan_close(&p->authd.chan);
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		chan_close(&p->workers[i].chan);
	parent_unlisten(p);
	parent_leases_cleanup(&p->leases);
	if (p->cfg && pid_file(p))
		unlink(pid_file(p));
	if (p->sig_fd >= 0)
		close(p->sig_fd);
	event_loop_free(p->loop);
	gw_config_free(p->cfg);
	buf_wipe(p->dtls_secret, sizeof(p->dtls_secret));
}

int parent_main(const struct parent_options *o)
{
	struct parent *p = calloc(1, sizeof(*p));
	char config_path[PATH_MAX];
	struct parent_options opts = *o;
	int r;

	if (!p)
		return VPN_ERR_NOMEM;
	/* reloads happen after daemon() moved to "/": keep an absolute path */
	if (o->config_path && realpath(o->config_path, config_path))
		opts.config_path = config_path;
	p->opts = &opts;
	p->sig_fd = -1;
	p->authd.chan.fd = -1;
	p->ctl.listen_fd = -1;
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		p->workers[i].chan.fd = -1;
	for (int i = 0; i < PARENT_SLOTS_MAX; i++)
		p->slots[i].tcp_fd = p->slots[i].udp_fd = -1;
	for (int i = 0; i < PARENT_CTL_CLIENTS; i++)
		p->ctl.clients[i].fd = -1;
	r = start(p);
	if (r == 0) {
		log_info("sslgated %s running (pid %d)", SSLGATE_VERSION, (int)getpid());
		r = event_loop_run(p->loop);
		if (r == 0 && p->exit_status)
			r = VPN_ERR_IO;
	}
	stop(p);
	free(p);
	return r;
}
