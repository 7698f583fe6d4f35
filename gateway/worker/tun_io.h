/* SPDX-License-Identifier: ISC */
/*
 * The worker's tun device: packets the kernel routes to this worker (one
 * host route per session, set by the parent) are read in batches and
 * handed to the session that owns the destination address; packets from
 * the sessions are written back one by one.
 */
#ifndef GATEWAY_WORKER_TUN_IO_H
#define GATEWAY_WORKER_TUN_IO_H

#include <stddef.h>
#include <stdint.h>

struct worker;

/* Watches w->tun_fd (may be -1: no data path, as in tests). 0 or a vpn_err. */
int tun_io_start(struct worker *w, const char *name);
/* Unwatches and closes the tun fd. */
void tun_io_stop(struct worker *w);
/* Writes one packet from a client; a full device drops it (counted by the caller). 0 or vpn_err. */
int tun_io_write(struct worker *w, const uint8_t *pkt, size_t len);

#endif
