/* SPDX-License-Identifier: ISC */
/*
 * The two load modes, each a small state machine over many sessions on one
 * event loop, reporting JSON lines on its output stream:
 *
 * logins:   `parallel` sessions at a time log in and close, restarting at
 *           once, for `duration_ms`; then {"event":"done", "logins": n,
 *           "rate": per second, ...}.
 * sessions: open `sessions` tunnels, `parallel` set-ups at a time; probe
 *           every one (DPD and an echo to target) until all answered or
 *           `check_ms` passed; print {"event":"ready", "up", "dpd_ok",
 *           "traffic_ok", ...}; hold them, answering the gateway's DPD,
 *           until SIGINT/SIGTERM or `hold_ms`; then close them all with
 *           DISCONNECT and print {"event":"done", ...}.
 *
 * Ownership: the driver owns its sessions; it borrows ctx and cfg.
 */
#ifndef LOAD_DRIVER_H
#define LOAD_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/load/session.h"
#include "lib/net/addr.h"

struct load_driver_cfg {
	bool is_logins;
	unsigned sessions;
	unsigned parallel;
	uint64_t duration_ms;
	uint64_t check_ms;
	uint64_t hold_ms;
	bool has_target;
	struct net_addr target;
};

/*
 * Runs one mode to its end on ctx->loop (ctx->on_phase and ctx->owner are
 * set here). sig_fd: a signalfd for SIGINT and SIGTERM. 0 when the mode ran
 * (whatever the sessions did), or a setup error.
 */
int load_driver_run(struct load_ctx *ctx, const struct load_driver_cfg *cfg, int sig_fd,
		    FILE *out);

#endif
