/* SPDX-License-Identifier: ISC */
/*
 * sslgated's privileged parent: it reads the configuration, binds the
 * ports, makes one tun per worker, owns the address pools and routes, starts
 * authd and the workers under their own users and restarts workers that
 * die. It never parses network input: workers and authd talk to it only in
 * the checked messages of gateway/privsep/msg.h, and sslgatectl through a
 * root-only unix socket in the same framing.
 *
 * Signals: SIGHUP reloads the configuration (new workers serve new
 * connections, the old ones keep their sessions until they end), SIGTERM
 * and SIGINT stop everything.
 */
#ifndef GATEWAY_PARENT_PARENT_H
#define GATEWAY_PARENT_PARENT_H

#include <stdbool.h>

#include "lib/base/log.h"

/* What the command line decided (gateway/main.c). */
struct parent_options {
	const char *config_path;  /* NULL: the built-in configuration */
	const char *pid_file;     /* -p: overrides pid-file */
	bool is_foreground;       /* -f: no fork, logs on stderr */
	bool is_test_only;        /* -t */
	int log_level;            /* -d, as enum log_level; -1: the configuration's */
	log_sink_fn use_syslog;   /* set when logging goes to syslog */
};

/* Runs the gateway until SIGTERM. 0 on an orderly stop, else a negative vpn_err. */
int parent_main(const struct parent_options *o);

#endif
