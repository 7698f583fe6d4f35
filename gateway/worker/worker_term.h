/* SPDX-License-Identifier: ISC */
/*
 * SIGTERM in a worker: an orderly stop instead of the default death. The
 * signal handler only writes to an eventfd; the loop then stops, the worker
 * closes its sessions (DISCONNECT to each client) and frees everything, and
 * in sanitizer builds LeakSanitizer checks the process before it leaves
 * (workers end with _exit, which skips the check LSan runs at exit()),
 * whatever stopped the loop.
 * One worker per process, so the state is this file's own.
 */
#ifndef GATEWAY_WORKER_WORKER_TERM_H
#define GATEWAY_WORKER_WORKER_TERM_H

#include <stdbool.h>

struct event_loop;

/* Stops loop on SIGTERM. 0 or a negative vpn_err (then SIGTERM keeps its default). */
int worker_term_watch(struct event_loop *loop, unsigned index);
/*
 * True when SIGTERM came (then the loop is stopping): lets a handler that
 * sees a peer vanish during a gateway stop keep quiet instead of reacting.
 */
bool worker_term_check(void);
/* Before the loop is freed: stops watching, closes the eventfd. */
void worker_term_release(struct event_loop *loop);
/* After the worker freed everything: the leak check (sanitizer builds). */
void worker_term_leak_check(void);

#endif
