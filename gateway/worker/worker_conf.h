/* SPDX-License-Identifier: ISC */
/*
 * What the worker takes from the configuration at start: phase deadlines,
 * the TLS context and the profile the parent loaded (a worker is chrooted
 * and unprivileged: it opens no file named in the config), and the
 * profile's SHA-1 for the manifest.
 */
#ifndef GATEWAY_WORKER_WORKER_CONF_H
#define GATEWAY_WORKER_WORKER_CONF_H

struct worker;

/* 0, or a vpn_err when the config cannot serve clients (logged). */
int worker_conf_apply(struct worker *w);
void worker_conf_release(struct worker *w);

#endif
