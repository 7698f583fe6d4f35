/* SPDX-License-Identifier: ISC */
/*
 * What the files of gateway/worker/ share: the worker itself. One per
 * process; every session points back to it. Not exported beyond this folder.
 */
#ifndef GATEWAY_WORKER_WORKER_INTERNAL_H
#define GATEWAY_WORKER_WORKER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/worker/dtls_link.h"
#include "gateway/worker/inner_map.h"
#include "gateway/worker/outq.h"
#include "gateway/worker/shed.h"
#include "lib/event/loop.h"
#include "lib/tls/tls.h"

struct gw_config;
struct session;
struct dtls_demux;
struct net_gro;

/* A SOCK_SEQPACKET socket to authd or the parent. */
struct worker_chan {
	struct worker *w;        /* borrowed: the owner */
	const char *name;        /* "authd" or "parent", for log lines */
	int fd;                  /* owned */
	struct event_io io;
	bool is_io_added;
	struct outq backlog;     /* owned: messages the socket would not take yet */
};

/* The profile XML served by the downloader (the parent read it before forking). */
struct worker_profile {
	const uint8_t *data;     /* borrowed from the config; NULL when none is configured */
	size_t len;
	char uri[256];           /* the path advertised in the manifest, e.g. "/profiles/profile.xml" */
	char sha1_hex[41];       /* upper-case SHA-1 of data */
};

/* Phase deadlines, copied from the config at start (seconds). */
struct worker_timeouts {
	unsigned handshake_s;    /* TLS phase */
	unsigned auth_s;         /* AUTH phase: ocserv's auth-timeout */
	unsigned request_s;      /* one request, first to last byte; 0 = none (deadline.h) */
	unsigned connect_s;      /* CONNECT phase: authd and the parent answer locally */
	unsigned closing_ms;     /* CLOSING: time to flush the last answer */
};

struct worker {
	const struct gw_config *cfg;     /* borrowed from the caller of worker_main */
	struct worker_timeouts timeouts;
	unsigned index;
	struct event_loop *loop;         /* owned */
	struct tls_server_ctx *tls_ctx;  /* borrowed from the config; NULL in tests without TLS */
	char cert_sha1[TLS_SHA1_HEX_LEN];
	struct worker_profile profile;

	int listen_fd;                   /* owned */
	struct event_io listen_io;
	bool is_listen_added;
	int tun_fd;                      /* owned */
	struct event_io tun_io;
	bool is_tun_added;
	bool is_tun_offload;             /* frames with a virtio-net header (lib/net/offload.h) */
	uint8_t *tun_frame;              /* owned: one frame read; offload only */
	struct net_gro *gro;             /* owned: coalesces writes; offload only */
	char tun_name[32];
	int udp_fd;                      /* owned: this worker's share of the DTLS port */
	struct dtls_demux *demux;        /* owned (dtls_demux.c); NULL before attach */
	bool is_udp_added;

	struct worker_chan authd;
	struct worker_chan parent;

	struct outq_pool pool;           /* record buffers for every session's queue */
	struct inner_map inner;          /* inner address -> session in TUNNEL */

	struct session **slots;          /* owned array; sessions owned through the list */
	uint32_t slot_cap;
	uint32_t *free_slots;            /* owned stack of unused slot indexes */
	uint32_t free_count;
	uint32_t req_seq;                /* upper bits of req_id, so stale answers miss */

	struct session *sessions;        /* every live session (owned) */
	size_t session_count;
	uint64_t next_serial;
	struct session *flush_list;      /* sessions with queued output (borrowed) */
	struct event_timer flush_timer;  /* runs the flush list after a burst of callbacks */

	struct shed shed;                /* the cap on connections not yet tunnels (shed.h) */

	bool is_stopping;
	bool is_draining;                /* MSG_RELOAD: no new clients; exit after the last session */

	/* The gateway's, from the parent (its own in tests); tags DTLS keys; wiped at cleanup. */
	uint8_t dtls_secret[DTLS_LINK_SECRET_LEN];
};

/* Session table: slot allocation so a req_id finds its session in O(1). */
int worker_slot_alloc(struct worker *w, struct session *s);
void worker_slot_free(struct worker *w, struct session *s);
/* A fresh req_id for a request made on behalf of s. */
uint32_t worker_req_id(struct worker *w, const struct session *s);
/* The session a req_id was made for, when it still waits for that very id. */
struct session *worker_session_by_req(struct worker *w, uint32_t req_id);

/* Adds s to the list flushed at the end of this loop iteration. */
void worker_flush_later(struct worker *w, struct session *s);
/* Takes s off that list (before s is freed). */
void worker_flush_forget(struct worker *w, struct session *s);

/* Creates/destroys the parts of a worker that need no sockets (tests use these). */
int worker_init(struct worker *w, const struct gw_config *cfg, unsigned index);
void worker_cleanup(struct worker *w);

/*
 * MSG_RELOAD (msg.h): newer workers take new clients. Stops listening on
 * TCP and on the DTLS port (the new workers hold the same sockets; first
 * hellos for our sessions reach us through the parent), keeps serving the
 * sessions it has and stops the loop (exit 0) when the last one is gone.
 */
void worker_drain(struct worker *w);
/* Stops the loop of a draining worker that has no session left. */
void worker_check_drained(struct worker *w);

/* Monotonic milliseconds of the current loop iteration. */
uint64_t worker_now_ms(const struct worker *w);

#endif
