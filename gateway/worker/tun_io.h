/* SPDX-License-Identifier: ISC */
/*
 * The worker's tun device: packets the kernel routes to this worker (one
 * host route per session, set by the parent) are read in batches and
 * handed to the session that owns the destination address; packets from
 * the sessions are written back. With offloads (w->is_tun_offload) reads
 * give frames split into packets here, and writes go through a coalescer
 * that the loop flushes at the end of each iteration.
 */
#ifndef GATEWAY_WORKER_TUN_IO_H
#define GATEWAY_WORKER_TUN_IO_H

#include <stddef.h>
#include <stdint.h>

struct worker;

/*
 * Watches w->tun_fd (may be -1: no data path, as in tests); with offloads
 * also allocates the frame buffer and the coalescer and hooks the loop's
 * end of iteration. 0 or a vpn_err.
 */
int tun_io_start(struct worker *w, const char *name);
/* Unwatches and closes the tun fd; frees what tun_io_start allocated. */
void tun_io_stop(struct worker *w);
/*
 * Writes one packet from a client, or queues it to be coalesced until the
 * end of this loop iteration; a full device drops it. 0 or vpn_err.
 */
int tun_io_write(struct worker *w, const uint8_t *pkt, size_t len);

#endif
