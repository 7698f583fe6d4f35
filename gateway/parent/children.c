/* SPDX-License-Identifier: ISC */
/*
 * The parent's children: authd and the workers. Each worker gets a fresh
 * tun device (the kernel numbers it from the configured template), a
 * socket to the parent, and a socket to authd whose other end is handed to
 * authd. A worker that dies is restarted, slower each time it dies young; a
 * dead authd is restarted and the workers renewed (authd_respawn.c).
 */
#include "gateway/parent/parent_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "gateway/authd/authd.h"
#include "gateway/conf.h"
#include "gateway/privsep/proc.h"
#ifdef GW_HAVE_SANDBOX
#include "lib/sandbox/seccomp.h"
#endif
#include "gateway/worker/worker.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/netlink.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"

#define QUICK_DEATH_MS 5000

/* A child's log lines carry its name; the parent's sink does the rest. */
struct child_log {
	log_sink_fn inner;
	char name[32];
};

static struct child_log child_log;

static void child_sink(enum log_level level, const char *line, void *ctx)
{
	char text[1100];

	(void)ctx;
	snprintf(text, sizeof(text), "%s: %s", child_log.name, line);
	child_log.inner(level, text, NULL);
}

/* Workers name themselves (and their session) in every line already. */
static void worker_sink(enum log_level level, const char *line, void *ctx)
{
	(void)ctx;
	child_log.inner(level, line, NULL);
}

static void child_log_init(struct parent *p, const char *name)
{
	child_log.inner = p->opts->use_syslog ? p->opts->use_syslog : log_sink_stderr;
	if (p->opts->use_syslog) {
		/*
		 * proc_fork closed the log socket inherited from the parent, and
		 * after the chroot and the seccomp filter (no AF_UNIX sockets)
		 * syslog() could not open a new one: connect now, while it can.
		 */
		closelog();
		openlog("sslgated", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
	snprintf(child_log.name, sizeof(child_log.name), "%s", name ? name : "");
	log_set_sink(name ? child_sink : worker_sink, NULL, p->opts->log_level >= 0
		     ? (enum log_level)p->opts->log_level : (enum log_level)p->cfg->log_level);
}

static int pair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0
		? 0 : VPN_ERR_IO;
}

struct authd_child {
	struct parent *p;
	int sock;
	int passwd_fd;
};

static int run_authd(void *arg)
{
	struct authd_child *c = arg;

	child_log_init(c->p, "authd");
	if (privsep_drop(&c->p->authd_id, NULL) < 0)
		return 1;
	return authd_main(c->p->cfg, c->sock, c->passwd_fd) == 0 ? 0 : 1;
}

int parent_start_authd(struct parent *p)
{
	struct authd_child c = { .p = p };
	int sv[2], keep[2];
	int r;

	if (pair(sv) < 0)
		return VPN_ERR_IO;
	c.sock = sv[1];
	/* a certificate-only gateway has no password file to open */
	c.passwd_fd = -1;
	if (p->cfg->passwd_file)
		c.passwd_fd = open(p->cfg->passwd_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (p->cfg->passwd_file && c.passwd_fd < 0)
		log_err("password file %s: %s (every password login will fail)",
			p->cfg->passwd_file, strerror(errno));
	keep[0] = c.sock;
	keep[1] = c.passwd_fd;
	r = proc_fork(&p->authd.pid, keep, 2, run_authd, &c);
	close(sv[1]);
	if (c.passwd_fd >= 0)
		close(c.passwd_fd);
	if (r < 0) {
		close(sv[0]);
		return r;
	}
	p->authd.p = p;
	p->authd.is_used = true;
	p->authd.started_ms = parent_now_ms(p);
	log_info("authd started (pid %d)", (int)p->authd.pid);
	return chan_open(&p->authd.chan, p->loop, sv[0], "parent<-authd", parent_on_authd_msg,
			 NULL, &p->authd);
}

int parent_send_passwd(struct parent *p, uint32_t req_id)
{
	struct msg_status m;
	int fd = -1;

	/* without a file authd still gets its answer, so no login stays parked */
	if (p->cfg->passwd_file)
		fd = open(p->cfg->passwd_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	msg_init(&m.h, MSG_PASSWD_FD, sizeof(m), req_id);
	m.status = fd >= 0 ? 0 : p->cfg->passwd_file ? VPN_ERR_IO : VPN_ERR_NOT_FOUND;
	if (p->cfg->passwd_file && fd < 0)
		log_err("password file %s: %s", p->cfg->passwd_file, strerror(errno));
	chan_send(&p->authd.chan, &m, sizeof(m), fd);
	if (fd >= 0)
		close(fd);
	return m.status;
}

/* The gateway's own address in every pool goes on every tun. */
static void add_gateway_addresses(struct parent *p, const char *tun)
{
	const struct gw_config *cfg = p->cfg;

	for (size_t i = 0; i <= cfg->n_groups; i++) {
		const struct gw_net_settings *n = i < cfg->n_groups ? &cfg->groups[i].net : &cfg->global;
		const struct net_prefix *pools[2] = { &n->ipv4_pool, &n->ipv6_pool };

		for (int k = 0; k < 2; k++) {
			struct net_prefix gw;
			int pool;

			if (pools[k]->addr.family == AF_UNSPEC)
				continue;
			pool = parent_leases_pool(&p->leases, pools[k],
						  k == 0 ? 32 : n->ipv6_subnet_prefix);
			if (pool < 0)
				continue;
			parent_pool_gateway(&p->leases.pools[pool], &gw.addr);
			gw.len = k == 0 ? 32 : 128;
			if (net_addr_change(tun, &gw, true) < 0)
				log_warn("%s: cannot add the gateway address", tun);
		}
	}
}

/*
 * Offloads first (lib/net/offload.h): the worker then moves 64 KiB per
 * system call and per pass through the kernel's forwarding path. A kernel
 * that refuses them gets a plain device; the worker is told which it has.
 */
static int open_tun(struct parent *p, struct parent_proc *w, int *out_fd, bool *out_offload)
{
	int r = net_tun_open_offload(p->cfg->device, w->tun, sizeof(w->tun), out_fd);

	*out_offload = r == 0;
	if (r != VPN_ERR_UNSUPPORTED)
		return r;
	if (!p->is_tun_offload_refused)
		log_info("tun offloads refused by the kernel: workers use plain tun devices");
	p->is_tun_offload_refused = true;
	return net_tun_open(p->cfg->device, w->tun, sizeof(w->tun), out_fd);
}

static int make_tun(struct parent *p, struct parent_proc *w, int *out_fd, bool *out_offload)
{
	unsigned mtu = p->cfg->global.mtu ? p->cfg->global.mtu : 1500;
	int r = open_tun(p, w, out_fd, out_offload);

	if (r < 0) {
		log_err("cannot create a tun device from '%s': %s", p->cfg->device, vpn_err_str(r));
		return r;
	}
	r = net_link_set(w->tun, true, mtu);
	if (r < 0) {
		log_err("%s: cannot bring it up: %s", w->tun, vpn_err_str(r));
		close(*out_fd);
		return r;
	}
	add_gateway_addresses(p, w->tun);
	return 0;
}

struct worker_child {
	struct parent *p;
	struct worker_fds fds;
	unsigned index;
};

/* isolate-workers: the seccomp filter, after the drop and before any input. */
static int isolate(const struct gw_config *cfg)
{
#ifdef GW_HAVE_SANDBOX
	int r;

	if (!cfg->is_isolate_workers)
		return 0;
	r = sandbox_seccomp_worker(SANDBOX_DEFAULT_EPERM, sandbox_seccomp_default_flags());
	if (r < 0)
		log_err("isolate-workers: no seccomp filter (%s)", vpn_err_str(r));
	return r;
#else
	(void)cfg;
	return 0;
#endif
}

static int run_worker(void *arg)
{
	struct worker_child *c = arg;

	child_log_init(c->p, NULL);
	if (privsep_drop(&c->p->worker_id, c->p->cfg->chroot_dir) < 0 || isolate(c->p->cfg) < 0)
		return 1;
	return worker_main(c->p->cfg, &c->fds, c->index) == 0 ? 0 : 1;
}

static int free_index(const struct parent *p)
{
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		if (!p->workers[i].is_used)
			return i;
	return -1;
}

/* Hands authd its end of the worker's socket. */
static int attach_to_authd(struct parent *p, unsigned index, int fd)
{
	struct msg_worker m;

	msg_init(&m.h, MSG_WORKER_ATTACH, sizeof(m), 0);
	m.worker = index;
	return chan_send(&p->authd.chan, &m, sizeof(m), fd);
}

static int fork_worker(struct parent *p, struct parent_proc *w, struct parent_slot *s,
		       int tun_fd, bool is_tun_offload, int parent_end, int authd_end)
{
	struct worker_child c = { .p = p, .index = w->index };
	int keep[5] = { s->tcp_fd, s->udp_fd, tun_fd, parent_end, authd_end };

	c.fds.tcp_listen = s->tcp_fd;
	c.fds.udp = s->udp_fd;
	c.fds.tun = tun_fd;
	c.fds.is_tun_offload = is_tun_offload;
	c.fds.tun_name = w->tun;
	c.fds.parent = parent_end;
	c.fds.authd = authd_end;
	c.fds.dtls_secret = p->dtls_secret;
	return proc_fork(&w->pid, keep, 5, run_worker, &c);
}

int parent_start_worker(struct parent *p, unsigned slot)
{
	struct parent_slot *s = &p->slots[slot];
	int index = free_index(p), tun_fd = -1, psv[2] = { -1, -1 }, asv[2] = { -1, -1 };
	struct parent_proc *w;
	bool is_tun_offload = false;
	int r = VPN_ERR_IO;

	if (index < 0) {
		log_err("too many workers alive; slot %u waits", slot);
		return VPN_ERR_TOO_BIG;
	}
	w = &p->workers[index];
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->index = (unsigned)index;
	w->slot = slot;
	w->chan.fd = -1;
	if (make_tun(p, w, &tun_fd, &is_tun_offload) < 0 || pair(psv) < 0 || pair(asv) < 0 ||
	    attach_to_authd(p, w->index, asv[1]) < 0)
		goto out;
	r = fork_worker(p, w, s, tun_fd, is_tun_offload, psv[1], asv[0]);
	if (r < 0)
		goto out;
	w->is_used = true;
	w->started_ms = parent_now_ms(p);
	s->worker = index;
	r = chan_open(&w->chan, p->loop, psv[0], "parent<-worker", parent_on_worker_msg, NULL, w);
	psv[0] = -1;
	log_info("worker %u started (pid %d) on %s%s", w->index, (int)w->pid, w->tun,
		 is_tun_offload ? " (offloads)" : "");
out:
	for (int i = 0; i < 2; i++) {
		if (psv[i] >= 0)
			close(psv[i]);
		if (asv[i] >= 0)
			close(asv[i]);
	}
	if (tun_fd >= 0)
		close(tun_fd);
	return r;
}

static void schedule_respawn(struct parent *p, struct parent_proc *w)
{
	struct parent_slot *s = &p->slots[w->slot];
	uint64_t now = parent_now_ms(p), delay = 0;

	if (s->worker != (int)w->index)
		return;
	s->worker = -1;
	if (now - w->started_ms < QUICK_DEATH_MS) {
		s->quick_deaths++;
		delay = 1000;
		for (unsigned i = 1; i < s->quick_deaths && delay < PARENT_RESPAWN_MAX_MS; i++)
			delay *= 2;
		if (delay > PARENT_RESPAWN_MAX_MS)
			delay = PARENT_RESPAWN_MAX_MS;
	} else {
		s->quick_deaths = 0;
	}
	s->respawn_at_ms = now + delay;
	if (delay)
		log_warn("slot %u: workers keep dying; next one in %llu ms", w->slot,
			 (unsigned long long)delay);
}

static void worker_exited(struct parent *p, struct parent_proc *w)
{
	struct msg_worker m;

	chan_close(&w->chan);
	parent_leases_worker_gone(&p->leases, (int)w->index);
	parent_ctl_worker_gone(p, w);
	msg_init(&m.h, MSG_WORKER_GONE, sizeof(m), 0);
	m.worker = w->index;
	chan_send(&p->authd.chan, &m, sizeof(m), -1);
	if (!p->is_stopping && !w->is_draining)
		schedule_respawn(p, w);
	w->is_used = false;
}

/* Exits while stopping are expected; others are worth a warning. */
static void log_exit(const struct parent *p, const char *what, unsigned index, pid_t pid,
		     int status)
{
	bool is_clean = p->is_stopping || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
	enum log_level level = is_clean ? LOG_LEVEL_INFO : LOG_LEVEL_WARN;

	if (WIFEXITED(status))
		log_msg(level, "%s %u (pid %d) exited with status %d", what, index, (int)pid,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_msg(level, "%s %u (pid %d) was killed by signal %d", what, index, (int)pid,
			WTERMSIG(status));
}

void parent_reap(struct parent *p)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p->authd.is_used && pid == p->authd.pid) {
			log_exit(p, "authd", 0, pid, status);
			p->authd.is_used = false;
			chan_close(&p->authd.chan);
			if (!p->is_stopping)
				parent_authd_respawn(p, parent_now_ms(p) - p->authd.started_ms);
			continue;
		}
		for (int i = 0; i < PARENT_PROCS_MAX; i++) {
			struct parent_proc *w = &p->workers[i];

			if (w->is_used && w->pid == pid) {
				log_exit(p, "worker", w->index, pid, status);
				worker_exited(p, w);
				break;
			}
		}
	}
}

void parent_respawn_due(struct parent *p)
{
	uint64_t now = parent_now_ms(p);

	if (p->is_stopping || !p->authd.is_used)
		return;
	for (unsigned i = 0; i < p->n_slots; i++) {
		struct parent_slot *s = &p->slots[i];

		if (s->worker >= 0 || !s->respawn_at_ms || s->respawn_at_ms > now)
			continue;
		s->respawn_at_ms = 0;
		if (parent_start_worker(p, i) < 0)
			s->respawn_at_ms = now + PARENT_RESPAWN_MAX_MS;
	}
}

/*
 * authd last: a worker's SIGTERM is then pending before authd can exit, so
 * by the time the worker sees authd's socket close it knows the gateway is
 * stopping and does not report authd as lost.
 */
void parent_signal_children(struct parent *p, int sig)
{
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		if (p->workers[i].is_used)
			kill(p->workers[i].pid, sig);
	if (p->authd.is_used)
		kill(p->authd.pid, sig);
}

bool parent_has_children(const struct parent *p)
{
	if (p->authd.is_used)
		return true;
	for (int i = 0; i < PARENT_PROCS_MAX; i++)
		if (p->workers[i].is_used)
			return true;
	return false;
}

void parent_renew_workers(struct parent *p)
{
	struct msg_header h;

	for (unsigned i = 0; i < p->n_slots; i++) {
		struct parent_slot *s = &p->slots[i];

		if (s->worker >= 0) {
			struct parent_proc *old = &p->workers[s->worker];

			old->is_draining = true;
			msg_init(&h, MSG_RELOAD, sizeof(h), 0);
			chan_send(&old->chan, &h, sizeof(h), -1);
			s->worker = -1;
		}
		s->quick_deaths = 0;
		s->respawn_at_ms = 1; /* due now */
	}
	parent_respawn_due(p);
}
