/* SPDX-License-Identifier: ISC */
/* Batched reads from the worker's tun, steered by destination address. */
#include "gateway/worker/tun_io.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gateway/worker/inner_map.h"
#include "gateway/worker/session.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/frame.h"
#include "lib/net/tun.h"

/* Packets read per wake-up: enough to amortise the wake-up, few enough to stay fair. */
#define TUN_BURST 64

static void on_tun(struct event_io *io, unsigned events)
{
	struct worker *w = container_of(io, struct worker, tun_io);

	(void)events;
	for (int i = 0; i < TUN_BURST; i++) {
		struct outq_rec *rec = outq_rec_get(&w->pool, OUTQ_REC_CAP);
		struct net_addr dst;
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
		s = inner_map_packet_dst(rec->data + CSTP_FRAME_HEADER_LEN, len, &dst) == 0 ?
		    inner_map_get(&w->inner, &dst) : NULL;
		if (!s) {
			/* Its session left a moment ago; the route goes with the lease. */
			outq_rec_put(&w->pool, rec);
			continue;
		}
		tunnel_send_packet(s, rec);
	}
}

int tun_io_start(struct worker *w, const char *name)
{
	int rc;

	snprintf(w->tun_name, sizeof(w->tun_name), "%s", name ? name : "-");
	if (w->tun_fd < 0)
		return 0;
	rc = event_io_add(w->loop, &w->tun_io, w->tun_fd, EVENT_READ, on_tun);
	w->is_tun_added = rc == 0;
	return rc;
}

void tun_io_stop(struct worker *w)
{
	if (w->is_tun_added) {
		event_io_del(w->loop, &w->tun_io);
		w->is_tun_added = false;
	}
	if (w->tun_fd >= 0)
		close(w->tun_fd);
	w->tun_fd = -1;
}

int tun_io_write(struct worker *w, const uint8_t *pkt, size_t len)
{
	if (w->tun_fd < 0)
		return VPN_ERR_IO;
	return net_tun_write(w->tun_fd, pkt, len);
}
