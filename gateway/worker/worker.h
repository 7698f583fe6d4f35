/* SPDX-License-Identifier: ISC */
/*
 * An sslgated worker: one unprivileged process, one event loop, many
 * sessions. It terminates TLS, runs each session's phase machine
 * (TLS -> AUTH -> CONNECT -> TUNNEL -> CLOSING) and moves packets between
 * the sessions and its own tun device. Privileged work (addresses, routes)
 * is asked of the parent and secrets (passwords, cookies) of authd, both
 * with the messages of gateway/privsep/msg.h.
 */
#ifndef GATEWAY_WORKER_WORKER_H
#define GATEWAY_WORKER_WORKER_H

#include <stdbool.h>
#include <stdint.h>

struct gw_config;

/*
 * What the parent hands a worker. Every fd is owned by the worker from the
 * call on (worker_main closes them before it returns); the config is
 * borrowed and must outlive the call (the worker reads it, never writes it).
 */
struct worker_fds {
	int tcp_listen;    /* TCP listener (SO_REUSEPORT), non-blocking, already listening */
	int udp;           /* UDP socket for DTLS (unused until DTLS lands), or -1 */
	int tun;           /* this worker's tun device, non-blocking */
	bool is_tun_offload; /* opened with net_tun_open_offload: frames, not packets */
	const char *tun_name; /* its name, for log lines; borrowed */
	int parent;        /* SOCK_SEQPACKET to the parent */
	int authd;         /* SOCK_SEQPACKET to authd */
	/* The gateway's DTLS key secret (DTLS_LINK_SECRET_LEN bytes, dtls_link.h),
	 * borrowed and copied: every worker must verify every other's keys. NULL:
	 * the worker makes its own (a gateway of one worker, tests). */
	const uint8_t *dtls_secret;
};

/*
 * Runs the worker until the parent closes its socket or asks it to stop.
 * index is the worker's number (0..N-1), reported in session lists and log
 * lines. The caller has already dropped privileges and installed the log
 * sink. Returns 0 on an orderly stop, or a negative enum vpn_err when the
 * worker could not start or lost a socket it cannot live without; the
 * caller turns that into the process's exit status.
 */
int worker_main(const struct gw_config *cfg, const struct worker_fds *fds, unsigned index);

#endif
