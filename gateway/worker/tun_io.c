/* SPDX-License-Identifier: ISC */
/*
 * The worker's tun, steered by destination address. A plain device gives
 * one packet per read and takes one per write. An offload device
 * (lib/net/offload.h) gives frames of up to 64 KiB, split here into
 * MTU-sized packets, and takes the sessions' packets through a coalescer
 * flushed at the end of every loop iteration, so a bulk flow costs one
 * system call and one pass through the kernel per 64 KiB each way.
 */
#include "gateway/worker/tun_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/worker/inner_map.h"
#include "gateway/worker/session.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/frame.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"

/* Packets handed to sessions per wake-up: enough to amortise it, few enough to stay fair. */
#define TUN_BURST 64
/* With offloads a frame is split whole, so the packet bound may be passed by one frame. */
#define TUN_BURST_PACKETS 128
#define TUN_BURST_FRAMES 64
/* TCP flows the coalescer holds at once (up to 64 KiB each, only while a batch lasts). */
#define TUN_GRO_FLOWS 16

/* The session a packet goes to; NULL when its session left a moment ago. */
static struct session *steer(struct worker *w, const uint8_t *pkt, size_t len)
{
	struct net_addr dst;

	if (inner_map_packet_dst(pkt, len, &dst) != 0)
		return NULL;
	return inner_map_get(&w->inner, &dst);
}

static void read_packets(struct worker *w)
{
	for (int i = 0; i < TUN_BURST; i++) {
		struct outq_rec *rec = outq_rec_get(&w->pool, OUTQ_REC_CAP);
		struct session *s;
		size_t len = 0;
		int rc;

		if (!rec)
			return;
		/* Read behind room for the CSTP header, so the frame needs no copy. */
		rc = net_tun_read(w->tun_fd, rec->data + CSTP_FRAME_HEADER_LEN,
				  rec->cap - CSTP_FRAME_HEADER_LEN, &len);
		if (rc != 0 || len == 0) {
			outq_rec_put(&w->pool, rec);
			if (rc != 0 && rc != VPN_ERR_AGAIN)
				log_warn("worker %u: tun read failed", w->index);
			return;
		}
		rec->len = CSTP_FRAME_HEADER_LEN + len;
		s = steer(w, rec->data + CSTP_FRAME_HEADER_LEN, len);
		if (!s) {
			/* The route goes with the lease. */
			outq_rec_put(&w->pool, rec);
			continue;
		}
		tunnel_send_packet(s, rec);
	}
}

/*
 * Splits the frame in w->tun_frame into records, each behind room for the
 * CSTP header. Every segment of a frame has the same addresses, so the
 * first one picks the session for all. Returns the packets handed over.
 */
static unsigned split_frame(struct worker *w, size_t frame_len)
{
	struct net_gso_iter it;
	struct session *s = NULL;
	unsigned n = 0;

	if (net_gso_begin(&it, w->tun_frame, frame_len) != 0) {
		log_debug("worker %u: a tun frame the kernel should not give (%zu bytes)", w->index,
			  frame_len);
		return 0;
	}
	for (;;) {
		struct outq_rec *rec = outq_rec_get(&w->pool, OUTQ_REC_CAP);
		size_t len = 0;

		if (!rec)
			return n;
		if (net_gso_next(&it, rec->data + CSTP_FRAME_HEADER_LEN,
				 rec->cap - CSTP_FRAME_HEADER_LEN, &len) != 0) {
			/* VPN_ERR_NOT_FOUND: done; TOO_BIG (beyond any MTU we set): dropped */
			outq_rec_put(&w->pool, rec);
			return n;
		}
		rec->len = CSTP_FRAME_HEADER_LEN + len;
		if (n == 0)
			s = steer(w, rec->data + CSTP_FRAME_HEADER_LEN, len);
		if (!s) {
			outq_rec_put(&w->pool, rec);
			return n;
		}
		n++;
		tunnel_send_packet(s, rec);
	}
}

static void read_frames(struct worker *w)
{
	unsigned packets = 0;

	for (int i = 0; i < TUN_BURST_FRAMES && packets < TUN_BURST_PACKETS; i++) {
		size_t len = 0;
		int rc = net_tun_read(w->tun_fd, w->tun_frame, NET_OFFLOAD_FRAME_MAX, &len);

		if (rc != 0 || len == 0) {
			if (rc != 0 && rc != VPN_ERR_AGAIN)
				log_warn("worker %u: tun read failed", w->index);
			return;
		}
		packets += split_frame(w, len);
	}
}

static void on_tun(struct event_io *io, unsigned events)
{
	struct worker *w = container_of(io, struct worker, tun_io);

	(void)events;
	if (w->tun_frame)
		read_frames(w);
	else
		read_packets(w);
}

/* Whatever the iteration's TLS reads and DTLS batches gave the coalescer goes now. */
static void on_iteration_end(struct event_loop *loop, void *ctx)
{
	struct worker *w = ctx;

	(void)loop;
	if (w->gro)
		net_gro_flush(w->gro);
}

static int start_offload(struct worker *w)
{
	w->tun_frame = malloc(NET_OFFLOAD_FRAME_MAX);
	w->gro = net_gro_new(w->tun_fd, TUN_GRO_FLOWS);
	if (!w->tun_frame || !w->gro)
		return VPN_ERR_NOMEM;
	event_loop_on_iteration_end(w->loop, on_iteration_end, w);
	return 0;
}

int tun_io_start(struct worker *w, const char *name)
{
	int rc;

	snprintf(w->tun_name, sizeof(w->tun_name), "%s", name ? name : "-");
	if (w->tun_fd < 0)
		return 0;
	if (w->is_tun_offload) {
		rc = start_offload(w);
		if (rc != 0)
			return rc;
	}
	rc = event_io_add(w->loop, &w->tun_io, w->tun_fd, EVENT_READ, on_tun);
	w->is_tun_added = rc == 0;
	return rc;
}

static void stop_offload(struct worker *w)
{
	struct net_gro_stats st;

	if (w->gro) {
		net_gro_get_stats(w->gro, &st);
		log_debug("worker %u: tun writes: %llu packets in %llu frames, %llu dropped",
			  w->index, (unsigned long long)st.packets, (unsigned long long)st.frames,
			  (unsigned long long)st.dropped);
	}
	if (w->loop)
		event_loop_on_iteration_end(w->loop, NULL, NULL);
	net_gro_free(w->gro);
	w->gro = NULL;
	free(w->tun_frame);
	w->tun_frame = NULL;
}

void tun_io_stop(struct worker *w)
{
	if (w->is_tun_added) {
		event_io_del(w->loop, &w->tun_io);
		w->is_tun_added = false;
	}
	stop_offload(w);
	if (w->tun_fd >= 0)
		close(w->tun_fd);
	w->tun_fd = -1;
}

int tun_io_write(struct worker *w, const uint8_t *pkt, size_t len)
{
	if (w->tun_fd < 0)
		return VPN_ERR_IO;
	if (w->gro)
		return net_gro_write(w->gro, pkt, len);
	return net_tun_write(w->tun_fd, pkt, len);
}
