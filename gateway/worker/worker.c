/* SPDX-License-Identifier: ISC */
/*
 * worker_main and the worker's shared machinery: the session table that
 * maps a req_id back to its session, the end-of-iteration flush list, and
 * accepting connections. The loop body is the event loop's; everything
 * here is a thin shim into the sessions' phase machines.
 */
#include "gateway/worker/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/worker/dtls_demux.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/session.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/tun_io.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_conf.h"
#include "gateway/worker/worker_internal.h"
#include "gateway/worker/worker_term.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/net/addr.h"

/* Connections accepted per wake-up, so a flood cannot starve the tunnels. */
#define ACCEPT_BURST 32
/* The low bits of a req_id hold the slot; the rest a sequence number. */
#define SLOT_BITS 20
#define SLOT_MASK ((1u << SLOT_BITS) - 1)

uint64_t worker_now_ms(const struct worker *w)
{
	return event_loop_now(w->loop);
}

int worker_slot_alloc(struct worker *w, struct session *s)
{
	if (w->free_count == 0) {
		uint32_t new_cap = w->slot_cap ? w->slot_cap * 2 : 64;
		struct session **slots;
		uint32_t *free_slots;

		if (new_cap > SLOT_MASK + 1)
			return VPN_ERR_TOO_BIG;
		slots = realloc(w->slots, new_cap * sizeof(*slots));
		if (!slots)
			return VPN_ERR_NOMEM;
		w->slots = slots;
		free_slots = realloc(w->free_slots, new_cap * sizeof(*free_slots));
		if (!free_slots)
			return VPN_ERR_NOMEM;
		w->free_slots = free_slots;
		/* Hand out low slots first: pushed in reverse. */
		for (uint32_t i = new_cap; i > w->slot_cap; i--) {
			w->slots[i - 1] = NULL;
			w->free_slots[w->free_count++] = i - 1;
		}
		w->slot_cap = new_cap;
	}
	s->slot = w->free_slots[--w->free_count];
	w->slots[s->slot] = s;
	return 0;
}

void worker_slot_free(struct worker *w, struct session *s)
{
	if (s->slot >= w->slot_cap || w->slots[s->slot] != s)
		return;
	w->slots[s->slot] = NULL;
	w->free_slots[w->free_count++] = s->slot;
}

uint32_t worker_req_id(struct worker *w, const struct session *s)
{
	w->req_seq = (w->req_seq + 1) & (UINT32_MAX >> SLOT_BITS);
	if (w->req_seq == 0)
		w->req_seq = 1;
	return w->req_seq << SLOT_BITS | s->slot;
}

struct session *worker_session_by_req(struct worker *w, uint32_t req_id)
{
	uint32_t slot = req_id & SLOT_MASK;
	struct session *s;

	if (req_id == 0 || slot >= w->slot_cap)
		return NULL;
	s = w->slots[slot];
	return s && s->wait_req_id == req_id ? s : NULL;
}

static void on_flush_timer(struct event_timer *t)
{
	struct worker *w = container_of(t, struct worker, flush_timer);
	struct session *list = w->flush_list;

	/* Sessions queued while this runs go on a fresh list and a fresh timer. */
	w->flush_list = NULL;
	while (list) {
		struct session *s = list;

		list = s->flush_next;
		s->flush_next = NULL;
		s->is_flush_listed = false;
		session_io_flush(s);
	}
}

void worker_flush_later(struct worker *w, struct session *s)
{
	if (s->is_flush_listed)
		return;
	s->is_flush_listed = true;
	s->flush_next = w->flush_list;
	w->flush_list = s;
	if (!event_timer_is_armed(&w->flush_timer))
		event_timer_arm(w->loop, &w->flush_timer, 0);
}

/* Takes s off the flush list before it is freed. */
void worker_flush_forget(struct worker *w, struct session *s)
{
	struct session **pp = &w->flush_list;

	if (!s->is_flush_listed)
		return;
	while (*pp && *pp != s)
		pp = &(*pp)->flush_next;
	if (*pp)
		*pp = s->flush_next;
	s->is_flush_listed = false;
	s->flush_next = NULL;
}

int worker_init(struct worker *w, const struct gw_config *cfg, unsigned index)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	w->index = index;
	w->listen_fd = -1;
	w->tun_fd = -1;
	w->udp_fd = -1;
	w->authd.fd = -1;
	w->parent.fd = -1;
	w->authd.name = "authd";
	w->parent.name = "parent";
	outq_init(&w->authd.backlog);
	outq_init(&w->parent.backlog);
	outq_pool_init(&w->pool);
	inner_map_init(&w->inner);
	event_timer_init(&w->flush_timer, on_flush_timer);
	/* worker_main puts the gateway's in its place; tests keep this one. */
	rc = dtls_link_secret_make(w->dtls_secret);
	if (rc != 0)
		return rc;
	rc = event_loop_new(&w->loop);
	if (rc != 0)
		return rc;
	rc = worker_conf_apply(w);
	if (rc != 0) {
		event_loop_free(w->loop);
		w->loop = NULL;
	}
	return rc;
}

void worker_cleanup(struct worker *w)
{
	while (w->sessions)
		session_free(w->sessions);
	if (w->loop)
		event_timer_cancel(w->loop, &w->flush_timer);
	shed_cleanup(w);
	worker_chan_close(w, &w->authd);
	worker_chan_close(w, &w->parent);
	tun_io_stop(w);
	if (w->is_listen_added)
		event_io_del(w->loop, &w->listen_io);
	if (w->listen_fd >= 0)
		close(w->listen_fd);
	dtls_demux_stop(w);
	if (w->udp_fd >= 0)
		close(w->udp_fd);
	worker_conf_release(w);
	inner_map_cleanup(&w->inner);
	outq_pool_cleanup(&w->pool);
	free(w->slots);
	free(w->free_slots);
	event_loop_free(w->loop);
	buf_wipe(w->dtls_secret, sizeof(w->dtls_secret));
	memset(w, 0, sizeof(*w));
}

static void peer_of(int fd, struct net_addr *out, uint16_t *out_port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	/* a peer already gone leaves the address zeroed (family 0) */
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		ss.ss_family = AF_UNSPEC;
	net_addr_from_sockaddr(&ss, out, out_port);
}

static void accept_one(struct worker *w, int fd)
{
	struct tls_conn *tls = NULL;
	struct session *s = NULL;
	struct net_addr remote;
	uint16_t port;
	int one = 1;

	peer_of(fd, &remote, &port);
	if (shed_refuse(w, &remote)) {
		close(fd);
		return;
	}
	/* Small records (DPD, interactive traffic) must not wait for Nagle. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (tls_conn_new_server(&tls, w->tls_ctx, fd) != 0 ||
	    session_new(&s, w, fd, tls, &remote, port) != 0) {
		log_err("worker %u: no memory for a new connection", w->index);
		tls_conn_free(tls);
		close(fd);
		return;
	}
	log_debug("%s: connection accepted", s->label);
	if (session_io_start(s) != 0)
		session_close(s, "cannot watch the connection");
	else
		shed_classify(s);
}

static void on_listen(struct event_io *io, unsigned events)
{
	struct worker *w = container_of(io, struct worker, listen_io);

	(void)events;
	for (int i = 0; i < ACCEPT_BURST; i++) {
		int fd = accept4(w->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			/* Another worker took it (SO_REUSEPORT) or we ran out of fds:
			 * either way, wait for the next readiness. */
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("worker %u: accept: %s", w->index, strerror(errno));
			return;
		}
		accept_one(w, fd);
	}
}

void worker_drain(struct worker *w)
{
	w->is_draining = true;
	if (w->is_listen_added)
		event_io_del(w->loop, &w->listen_io);
	w->is_listen_added = false;
	if (w->listen_fd >= 0)
		close(w->listen_fd);
	w->listen_fd = -1;
	if (w->is_udp_added)
		event_io_del(w->loop, &w->demux->io);
	w->is_udp_added = false;
	if (w->udp_fd >= 0)
		close(w->udp_fd);
	w->udp_fd = -1;
	worker_check_drained(w);
}

void worker_check_drained(struct worker *w)
{
	if (w->is_draining && w->session_count == 0 && w->loop && !w->is_stopping) {
		log_info("worker %u: last session gone after a reload; exiting", w->index);
		w->is_stopping = true;
		event_loop_stop(w->loop);
	}
}

/* Ends every session so it can be resumed elsewhere: the cookies stay valid. */
static void close_all(struct worker *w)
{
	for (struct session *s = w->sessions; s; s = s->next)
		session_close(s, "worker stopping");
	/* One last round of writes for the DISCONNECT frames, without waiting. */
	for (struct session *s = w->sessions; s; s = s->next)
		session_io_flush(s);
}

/* Whatever the parent handed over, a blocked read would stall every session. */
static void set_nonblocking(int fd)
{
	int flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1;

	if (flags >= 0 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int attach(struct worker *w, const struct worker_fds *fds)
{
	int rc;

	/* Adopt every fd first, so worker_cleanup closes them whatever fails below. */
	w->listen_fd = fds->tcp_listen;
	w->udp_fd = fds->udp;
	w->tun_fd = fds->tun;
	w->is_tun_offload = fds->tun >= 0 && fds->is_tun_offload;
	w->parent.fd = fds->parent;
	w->authd.fd = fds->authd;
	set_nonblocking(w->listen_fd);
	set_nonblocking(w->tun_fd);
	set_nonblocking(w->udp_fd);
	set_nonblocking(w->parent.fd);
	set_nonblocking(w->authd.fd);
	rc = worker_chan_open(w, &w->parent, "parent", fds->parent);
	if (rc == 0)
		rc = worker_chan_open(w, &w->authd, "authd", fds->authd);
	if (rc == 0)
		rc = tun_io_start(w, fds->tun_name);
	if (rc == 0)
		rc = dtls_demux_start(w);
	if (rc == 0 && w->listen_fd >= 0) {
		rc = event_io_add(w->loop, &w->listen_io, w->listen_fd, EVENT_READ, on_listen);
		w->is_listen_added = rc == 0;
		/* accepting starts handshakes: it waits behind the tunnels like them */
		if (rc == 0)
			event_io_set_class(w->loop, &w->listen_io, EVENT_CLASS_BULK);
	}
	return rc;
}

static void close_fds(const struct worker_fds *fds)
{
	const int all[] = { fds->tcp_listen, fds->udp, fds->tun, fds->parent, fds->authd };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i] >= 0)
			close(all[i]);
}

int worker_main(const struct gw_config *cfg, const struct worker_fds *fds, unsigned index)
{
	struct worker *w = malloc(sizeof(*w));
	int rc;

	/* A client that vanishes mid-write must cost an error code, not the process. */
	signal(SIGPIPE, SIG_IGN);
	if (!w) {
		close_fds(fds);
		return VPN_ERR_NOMEM;
	}
	rc = worker_init(w, cfg, index);
	if (rc != 0) {
		log_err("worker %u: cannot start: %s", index, vpn_err_str(rc));
		close_fds(fds);
		free(w);
		return rc;
	}
	if (fds->dtls_secret)
		memcpy(w->dtls_secret, fds->dtls_secret, sizeof(w->dtls_secret));
	rc = attach(w, fds);
	if (rc == 0 && worker_term_watch(w->loop, index) != 0)
		log_warn("worker %u: cannot watch SIGTERM; it will end without cleaning up", index);
	if (rc != 0) {
		log_err("worker %u: cannot watch its sockets: %s", index, vpn_err_str(rc));
	} else {
		log_info("worker %u: serving, tun %s", index, w->tun_name);
		rc = event_loop_run(w->loop);
		close_all(w);
	}
	worker_term_release(w->loop);
	worker_cleanup(w);
	free(w);
	worker_term_leak_check();
	return rc;
}
