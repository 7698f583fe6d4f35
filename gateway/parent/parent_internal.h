/* SPDX-License-Identifier: ISC */
/* What the files of gateway/parent/ share: the parent's state. */
#ifndef GATEWAY_PARENT_PARENT_INTERNAL_H
#define GATEWAY_PARENT_PARENT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "gateway/parent/lease.h"
#include "gateway/parent/parent.h"
#include "gateway/privsep/chan.h"
#include "gateway/privsep/drop.h"
#include "gateway/privsep/msg.h"
#include "gateway/worker/dtls_link.h"

#define PARENT_SLOTS_MAX 64      /* worker processes serving at once */
#define PARENT_PROCS_MAX 256     /* live workers, draining ones included (authd's table) */
#define PARENT_CTL_CLIENTS 8
#define PARENT_CTL_TIMEOUT_MS 3000
#define PARENT_RESPAWN_MAX_MS 30000
#define PARENT_STOP_GRACE_MS 5000

struct gw_config;
struct parent;

/* A child process and the parent's end of its socket. */
struct parent_proc {
	struct parent *p;        /* borrowed: the owner */
	bool is_used;
	bool is_draining;        /* a worker of an older configuration */
	unsigned index;          /* worker index, unique among live workers */
	unsigned slot;           /* its listeners */
	pid_t pid;
	struct chan chan;
	char tun[32];
	uint64_t started_ms;
};

/* One serving position: its listening sockets and the worker using them. */
struct parent_slot {
	int tcp_fd;              /* owned; shared by every worker of the slot over time */
	int udp_fd;              /* owned; -1 without udp-port */
	int worker;              /* index of its current worker, -1 while none */
	unsigned quick_deaths;   /* workers that died soon after starting, in a row */
	uint64_t respawn_at_ms;  /* 0: nothing scheduled */
};

/* The one control request being answered (they are served one at a time). */
struct parent_ctl_job {
	bool is_active;
	struct chan *client;     /* borrowed from the client table */
	struct msg_ctl_request req;
	uint32_t req_id;         /* the id sent to workers and authd for it */
	unsigned waiting_workers;
	bool is_waiting[PARENT_PROCS_MAX]; /* workers it still waits for */
	bool is_waiting_authd;
	bool is_disconnect_sent;
	uint32_t count;          /* sessions reported or affected */
	struct msg_ctl_status status;
	uint64_t deadline_ms;
};

struct parent_ctl {
	int listen_fd;           /* owned; -1 when use-occtl is off */
	struct event_io listen_io;
	char *path;              /* owned copy: unlinked at the end */
	struct chan clients[PARENT_CTL_CLIENTS];
	struct parent_ctl_job job;
	uint32_t seq;
};

struct parent {
	const struct parent_options *opts;
	struct gw_config *cfg;   /* owned: the current configuration */
	struct event_loop *loop; /* owned */
	int sig_fd;              /* owned signalfd */
	struct event_io sig_io;
	struct parent_proc authd;
	struct parent_proc workers[PARENT_PROCS_MAX];
	struct parent_slot slots[PARENT_SLOTS_MAX];
	unsigned n_slots;
	struct privsep_drop_id worker_id;
	struct privsep_drop_id authd_id;
	struct parent_leases leases;
	struct parent_ctl ctl;
	struct event_timer tick; /* respawns and control timeouts */
	uint64_t started_unix;
	uint64_t reloaded_unix;
	bool is_stopping;
	uint64_t stop_deadline_ms; /* children still alive then are killed */
	bool is_reload_asked;
	bool is_tun_offload_refused; /* logged once: workers get plain tun devices */
	int exit_status;
	/* Tags every worker's DTLS keys (dtls_link.h): made once before the first
	 * worker, so restarted and post-reload workers verify the keys of those
	 * still serving; wiped at exit. */
	uint8_t dtls_secret[DTLS_LINK_SECRET_LEN];
};

uint64_t parent_now_ms(const struct parent *p);

/* children.c: authd and workers. */
int parent_start_authd(struct parent *p);
int parent_start_worker(struct parent *p, unsigned slot);
/* Reaps exited children; restarts workers and authd (authd_respawn.c). */
void parent_reap(struct parent *p);
/* Starts the workers a slot is missing, when their time has come. */
void parent_respawn_due(struct parent *p);
/* Sends sig to every child. */
void parent_signal_children(struct parent *p, int sig);
bool parent_has_children(const struct parent *p);
/* Old workers drain; new ones take the slots. */
void parent_renew_workers(struct parent *p);
int parent_send_passwd(struct parent *p, uint32_t req_id);

/* authd_respawn.c: authd died (not while stopping) after living lived_ms. */
void parent_authd_respawn(struct parent *p, uint64_t lived_ms);

/* listen.c */
int parent_listen(struct parent *p);
void parent_unlisten(struct parent *p);

/* on_msg.c: what workers and authd send. */
void parent_on_worker_msg(struct chan *c, void *msg, size_t len, int fd);
void parent_on_authd_msg(struct chan *c, void *msg, size_t len, int fd);

/* dtls_fwd.c: a first DTLS ClientHello goes to its owner with a connected socket. */
void parent_dtls_forward(struct parent *p, struct parent_proc *from, struct msg_dtls_hello *m);

/* ctl.c: the control socket. */
int parent_ctl_open(struct parent *p);
void parent_ctl_close(struct parent *p);
/* Answers that belong to the control job (ignored when they do not). */
void parent_ctl_on_session(struct parent *p, struct parent_proc *w, struct msg_session_info *s);
void parent_ctl_on_list_end(struct parent *p, struct parent_proc *w, uint32_t req_id);
void parent_ctl_on_ban(struct parent *p, const struct msg_ban *b);
void parent_ctl_on_ban_end(struct parent *p, const struct msg_ban_list_end *e);
void parent_ctl_on_unban(struct parent *p, const struct msg_status *s);
/* A worker went away: it will not answer the job. */
void parent_ctl_worker_gone(struct parent *p, struct parent_proc *w);
/* Ends the job when its time is up. */
void parent_ctl_tick(struct parent *p);

#endif
