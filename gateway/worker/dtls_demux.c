/* SPDX-License-Identifier: ISC */
/* First ClientHellos on the worker's share of the DTLS port: sort, forward, count. */
#include "gateway/worker/dtls_demux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/privsep/msg.h"
#include "gateway/worker/dtls_link.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/log.h"
#include "lib/net/addr.h"
#include "lib/tls/dtls.h"

/* recvmmsg calls per wake-up. */
#define BATCHES 4
/* recvmmsg calls for a refused socket: 1024 datagrams, more than a default
 * 208 KiB receive buffer holds, so it is read to the end; the bound only
 * keeps a flood from holding the loop. */
#define REFUSED_BATCHES 64
/* One line per this long at most, whatever a flood does. */
#define LOG_EVERY_MS 10000

static void maybe_log(struct dtls_demux *d)
{
	uint64_t now = worker_now_ms(d->w);
	uint64_t next = d->last_log_ms + LOG_EVERY_MS;
	const struct dtls_demux_counts *t = &d->total, *o = &d->logged;
	uint64_t dropped = (t->garbage - o->garbage) + (t->truncated - o->truncated) +
			   (t->unknown - o->unknown) + (t->oversized - o->oversized) +
			   (t->lost - o->lost);

	if (dropped == 0)
		return;
	if (d->last_log_ms && now < next) {
		/* The counts wait for the next line, which a timer makes sure comes. */
		if (!d->is_log_armed)
			event_timer_arm(d->w->loop, &d->log_timer, next - now);
		d->is_log_armed = true;
		return;
	}
	log_warn("worker %u: DTLS port: dropped %llu datagram(s): %llu garbage, %llu truncated, "
		 "%llu for unknown sessions, %llu oversized, %llu lost (parent channel busy) "
		 "(%llu dropped since start)",
		 d->w->index, (unsigned long long)dropped,
		 (unsigned long long)(t->garbage - o->garbage),
		 (unsigned long long)(t->truncated - o->truncated),
		 (unsigned long long)(t->unknown - o->unknown),
		 (unsigned long long)(t->oversized - o->oversized),
		 (unsigned long long)(t->lost - o->lost),
		 (unsigned long long)(t->garbage + t->truncated + t->unknown + t->oversized +
				      t->lost));
	d->logged = d->total;
	d->last_log_ms = now;
}

static void on_log_timer(struct event_timer *t)
{
	struct dtls_demux *d = container_of(t, struct dtls_demux, log_timer);

	d->is_log_armed = false;
	maybe_log(d);
}

void dtls_demux_count_unknown(struct worker *w)
{
	if (!w->demux)
		return;
	w->demux->total.unknown++;
	maybe_log(w->demux);
}

/* Counts the hello forwarded or, when the parent channel takes no more, lost. */
static void forward(struct dtls_demux *d, const uint8_t *data, size_t len, unsigned owner,
		    const struct net_addr *remote, uint16_t remote_port)
{
	struct msg_dtls_hello *m = calloc(1, sizeof(*m));
	int rc = VPN_ERR_NOMEM;

	if (m) {
		msg_init(&m->h, MSG_DTLS_HELLO, sizeof(*m), 0);
		m->owner = owner;
		m->remote = *remote;
		m->remote_port = remote_port;
		m->len = (uint16_t)len;
		memcpy(m->data, data, len);
		rc = worker_chan_send(d->w, &d->w->parent, m, sizeof(*m), false);
	}
	if (rc == 0)
		d->total.forwarded++;
	else
		d->total.lost++;
	free(m);
}

void dtls_demux_on_datagram(struct worker *w, const uint8_t *data, size_t len,
			    const struct net_addr *remote, uint16_t remote_port)
{
	struct dtls_demux *d = w->demux;
	struct dtls_hello h;
	const uint8_t *key;
	size_t used, key_len;
	enum parse_result r;
	int owner;

	if (len > MSG_DTLS_HELLO_MAX) {
		d->total.oversized++;
		goto out;
	}
	r = dtls_hello_parse(&h, &used, data, len);
	if (r != PARSE_DONE) {
		if (r == PARSE_NEED_MORE)
			d->total.truncated++;
		else
			d->total.garbage++;
		goto out;
	}
	owner = dtls_hello_session_key(&h, &key, &key_len) == 0 ?
		dtls_link_key_owner(w->dtls_secret, key, key_len) : -1;
	/*
	 * A key this gateway never made fails its tag: a stranger naming a live
	 * worker ends here, not in a socket the parent opens. Ours: no need to
	 * trouble the parent for a session we do not have.
	 */
	if (owner < 0 || ((unsigned)owner == w->index && !dtls_link_has_key(w, key, key_len))) {
		d->total.unknown++;
		goto out;
	}
	forward(d, data, len, (unsigned)owner, remote, remote_port);
out:
	maybe_log(d);
}

/* Sorts what fd holds, up to rounds recvmmsg calls; false once fd is empty. */
static bool read_batches(struct dtls_demux *d, int fd, int rounds)
{
	struct sockaddr_storage from[DTLS_DEMUX_BATCH];
	struct iovec iov[DTLS_DEMUX_BATCH];
	struct mmsghdr msgs[DTLS_DEMUX_BATCH];

	for (int round = 0; round < rounds; round++) {
		int n;

		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < DTLS_DEMUX_BATCH; i++) {
			iov[i].iov_base = d->dgrams[i];
			iov[i].iov_len = sizeof(d->dgrams[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(fd, msgs, DTLS_DEMUX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return false;
		for (int i = 0; i < n; i++) {
			struct net_addr remote;
			uint16_t port;
			size_t len = msgs[i].msg_len;

			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
				len = DTLS_DEMUX_DGRAM_CAP;
			net_addr_from_sockaddr(&from[i], &remote, &port);
			dtls_demux_on_datagram(d->w, d->dgrams[i], len, &remote, port);
		}
		if (n < DTLS_DEMUX_BATCH)
			return false;
	}
	return true;
}

static void on_udp(struct event_io *io, unsigned events)
{
	struct dtls_demux *d = container_of(io, struct dtls_demux, io);

	(void)events;
	/* Level-triggered: what is left wakes the loop again, after the others' turn. */
	read_batches(d, d->w->udp_fd, BATCHES);
}

/*
 * Points fd at itself, so the client's datagrams from now on go where they
 * would have gone without it (connect keeps what is queued). Closing after a
 * last read instead would lose what comes in between: the client may still be
 * sending, as a burst does. Nothing sends from our own address and port.
 */
static void turn_away(int fd)
{
	struct sockaddr_storage self;
	socklen_t len = sizeof(self);

	if (getsockname(fd, (struct sockaddr *)&self, &len) == 0)
		(void)connect(fd, (const struct sockaddr *)&self, len);
}

void dtls_demux_refuse_socket(struct worker *w, int fd)
{
	struct dtls_demux *d = w->demux;

	if (d) {
		d->total.unknown++;
		turn_away(fd);
		/* What it caught is what the shared port would have had: sorted the
		 * same way (a later hello of the client may be a real one). */
		if (read_batches(d, fd, REFUSED_BATCHES))
			log_debug("worker %u: a refused DTLS socket still held datagrams after %d "
				  "batches; closing it", w->index, REFUSED_BATCHES);
		maybe_log(d);
	}
	close(fd);
}

int dtls_demux_start(struct worker *w)
{
	struct dtls_demux *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return VPN_ERR_NOMEM;
	d->w = w;
	event_timer_init(&d->log_timer, on_log_timer);
	w->demux = d;
	if (dtls_batch_new(&d->batch) != 0)
		return VPN_ERR_NOMEM;
	if (w->udp_fd < 0)
		return 0;
	rc = event_io_add(w->loop, &d->io, w->udp_fd, EVENT_READ, on_udp);
	if (rc == 0)
		w->is_udp_added = true;
	return rc;
}

void dtls_demux_stop(struct worker *w)
{
	if (w->is_udp_added)
		event_io_del(w->loop, &w->demux->io);
	w->is_udp_added = false;
	if (w->demux && w->loop)
		event_timer_cancel(w->loop, &w->demux->log_timer);
	if (w->demux)
		dtls_batch_free(w->demux->batch);
	free(w->demux);
	w->demux = NULL;
}
