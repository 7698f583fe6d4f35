/* SPDX-License-Identifier: ISC */
/*
 * Starting a child of sslgated: fork without exec (the child keeps the
 * parent's loaded configuration and TLS context), then give it a clean
 * slate: default signals, an empty signal mask, death when the parent dies,
 * and no descriptor except the ones it is meant to have.
 */
#ifndef GATEWAY_PRIVSEP_PROC_H
#define GATEWAY_PRIVSEP_PROC_H

#include <stddef.h>
#include <sys/types.h>

typedef int (*proc_child_fn)(void *arg);

/*
 * Forks. The child closes every descriptor >= 3 not in keep, then runs
 * child(arg) and exits with its return value; it never returns here. The
 * parent gets the pid. 0 or VPN_ERR_IO.
 */
int proc_fork(pid_t *out_pid, const int *keep, size_t n_keep, proc_child_fn child, void *arg);

/* Closes every descriptor >= 3 that is not in keep (any order). */
void proc_close_fds_except(const int *keep, size_t n_keep);

#endif
