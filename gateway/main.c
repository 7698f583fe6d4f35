/* SPDX-License-Identifier: ISC */
/*
 * sslgated: ocserv's command line, then the parent process (parent.c),
 * which starts authd and the workers. Only this file installs the log sink
 * and turns results into exit statuses.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "gateway/parent/parent.h"
#include "lib/base/log.h"
#include "lib/tls/tls.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: sslgated [options]\n"
		"  -c, --config FILE      read FILE (ocserv.conf format); without -c the\n"
		"                         built-in configuration is used\n"
		"  -f, --foreground       stay in the foreground, log to stderr\n"
		"  -t, --test-config      check the configuration and exit\n"
		"  -d, --debug LEVEL      log level as ocserv counts it (1 basic .. 9 TLS)\n"
		"  -p, --pid-file FILE    write the parent's PID to FILE\n"
		"  -h, --help             show this help\n"
		"  -v, --version          show the version\n");
}

static void sink_syslog(enum log_level level, const char *line, void *ctx)
{
	static const int priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	(void)ctx;
	syslog(priorities[level], "%s", line);
}

static int level_from_ocserv(const char *s)
{
	int n = atoi(s);

	return n >= 3 ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO;
}

static int parse_args(int argc, char **argv, struct parent_options *o)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "test-config", no_argument, NULL, 't' },
		{ "debug", required_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:ftd:p:hv", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'f': o->is_foreground = true; break;
		case 't': o->is_test_only = true; break;
		case 'd': o->log_level = level_from_ocserv(optarg); break;
		case 'p': o->pid_file = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'v': printf("sslgated %s\n", SSLGATE_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int test_config(const struct parent_options *o)
{
	struct gw_config *cfg = NULL;
	int r = gw_config_load(&cfg, o->config_path);

	if (r == 0)
		r = gw_config_load_profile(cfg);
	if (r == 0 && cfg->server_cert)
		r = gw_config_load_tls(cfg);
	else if (r == 0)
		log_info("no server-cert: the first start writes a self-signed one to %s",
			 cfg->state_dir);
	gw_config_free(cfg);
	fprintf(stderr, "%s: configuration %s\n", o->config_path ? o->config_path : "built-in",
		r == 0 ? "OK" : "has errors");
	return r == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct parent_options o = { .log_level = -1 };
	int r;

	log_set_sink(log_sink_stderr, NULL, LOG_LEVEL_INFO);
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	if (o.log_level >= 0)
		log_set_level((enum log_level)o.log_level);
	if (tls_global_init() < 0) {
		log_err("cannot initialise TLS");
		return 1;
	}
	if (o.is_test_only) {
		r = test_config(&o);
	} else {
		if (!o.is_foreground) {
			openlog("sslgated", LOG_PID, LOG_DAEMON);
			o.use_syslog = sink_syslog;
			/* the parent's own lines too, not only its children's */
			log_set_sink(sink_syslog, NULL, o.log_level >= 0
				     ? (enum log_level)o.log_level : LOG_LEVEL_INFO);
		}
		r = parent_main(&o) < 0 ? 1 : 0;
	}
	tls_global_cleanup();
	return r;
}
