/* SPDX-License-Identifier: ISC */
/*
 * sslgate-load: many real client sessions from one process, against any
 * AnyConnect-compatible gateway, for the benchmarks (bench/run.sh). Each
 * session does a full TLS handshake and login; in sessions mode it then
 * CONNECTs and keeps its tunnel alive without a tun device. The password
 * comes on stdin, like openconnect's --passwd-on-stdin. Results are JSON
 * lines on stdout (bench/load/driver.h); problems go to stderr.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "bench/load/driver.h"
#include "lib/auth/xml.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/tls/dtls.h"

#define PASSWORD_MAX 256

struct options {
	struct load_ctx ctx;
	struct load_driver_cfg cfg;
	const char *server;
};

static void usage(FILE *out)
{
	fputs("Usage: sslgate-load --server ADDR:PORT --host NAME [options] < password\n"
	      "  --pin pin-sha256:...   the gateway's key must match\n"
	      "  --user NAME --group NAME\n"
	      "  --logins               log in and out for --duration S (default 10)\n"
	      "  --sessions N           hold N tunnels (default 100)\n"
	      "  --parallel N           connections being set up at once (16)\n"
	      "  --ping ADDR            echo target behind the gateway (sessions mode)\n"
	      "  --no-dtls              offer no DTLS in CONNECT (TLS only)\n"
	      "  --check S              time for every tunnel to answer (20)\n"
	      "  --hold S               hold the tunnels at most S after ready (600)\n"
	      "  --timeout S            bound on each set-up phase (30)\n", out);
}

static bool parse_server(struct sockaddr_in *out, const char *text)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	long port = colon ? strtol(colon + 1, NULL, 10) : 443;
	size_t len = colon ? (size_t)(colon - text) : strlen(text);

	if (len >= sizeof(host) || port <= 0 || port > 65535)
		return false;
	memcpy(host, text, len);
	host[len] = '\0';
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &out->sin_addr) == 1;
}

static unsigned positive(const char *text)
{
	long v = strtol(text, NULL, 10);

	return v > 0 && v < 1000000 ? (unsigned)v : 0;
}

static int parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "server", 1, NULL, 's' }, { "host", 1, NULL, 'H' }, { "pin", 1, NULL, 'p' },
		{ "user", 1, NULL, 'u' }, { "group", 1, NULL, 'g' }, { "logins", 0, NULL, 'l' },
		{ "sessions", 1, NULL, 'n' }, { "parallel", 1, NULL, 'P' },
		{ "duration", 1, NULL, 'd' }, { "ping", 1, NULL, 'i' }, { "check", 1, NULL, 'c' },
		{ "hold", 1, NULL, 'h' }, { "timeout", 1, NULL, 't' }, { "no-dtls", 0, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned duration = 10, check = 20, hold = 600, timeout = 30;
	int c;

	o->cfg.sessions = 100;
	o->cfg.parallel = 16;
	o->ctx.is_dtls = true;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'H': o->ctx.auth.host = optarg; break;
		case 'p': o->ctx.pin = optarg; break;
		case 'u': o->ctx.auth.user = optarg; break;
		case 'g': o->ctx.auth.group = optarg; break;
		case 'l': o->cfg.is_logins = true; break;
		case 'n': o->cfg.sessions = positive(optarg); break;
		case 'P': o->cfg.parallel = positive(optarg); break;
		case 'd': duration = positive(optarg); break;
		case 'c': check = positive(optarg); break;
		case 'h': hold = positive(optarg); break;
		case 't': timeout = positive(optarg); break;
		case 'D': o->ctx.is_dtls = false; break;
		case 'i':
			o->cfg.has_target = net_addr_parse(&o->cfg.target, optarg,
							   strlen(optarg)) == 0;
			if (!o->cfg.has_target || o->cfg.target.family != AF_INET)
				return -1;
			break;
		default: return -1;
		}
	}
	o->cfg.duration_ms = duration * 1000ull;
	o->cfg.check_ms = check * 1000ull;
	o->cfg.hold_ms = hold * 1000ull;
	o->ctx.phase_timeout_ms = timeout * 1000u;
	if (optind != argc || !o->server || !o->ctx.auth.host || !o->ctx.auth.user ||
	    !o->cfg.sessions || !o->cfg.parallel || !duration || !check || !hold || !timeout)
		return -1;
	return parse_server(&o->ctx.server, o->server) ? 0 : -1;
}

static void read_password(char *out, size_t cap)
{
	if (fgets(out, (int)cap, stdin) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
}

/* A thousand sessions need a thousand sockets; take what the hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int signal_fd(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int run(struct options *o, int sig_fd)
{
	/* a pin is all the trust there is: no system store to load and search */
	struct tls_client_config tc = { .hostname = o->ctx.auth.host,
					.is_pinned = o->ctx.pin != NULL };
	int ret;

	ret = event_loop_new(&o->ctx.loop);
	if (ret == 0)
		ret = tls_client_ctx_new(&o->ctx.tls, &tc);
	if (ret == 0)
		ret = load_driver_run(&o->ctx, &o->cfg, sig_fd, stdout);
	tls_client_ctx_free(o->ctx.tls);
	free(o->ctx.pinned_der);
	event_loop_free(o->ctx.loop);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o;
	char password[PASSWORD_MAX];
	int sig_fd, ret;

	memset(&o, 0, sizeof(o));
	auth_xml_global_init();
	if (parse_options(&o, argc, argv) != 0) {
		usage(stderr);
		return 2;
	}
	log_set_sink(log_sink_stderr, NULL, LOG_LEVEL_WARN);
	raise_fd_limit();
	sig_fd = signal_fd();
	if (sig_fd < 0 || tls_global_init() != 0) {
		fprintf(stderr, "sslgate-load: cannot set up signals or TLS\n");
		return 1;
	}
	/* PSK-NEGOTIATE only: what openconnect prefers and both gateways serve */
	if (o.ctx.is_dtls && dtls_offer_build(&o.ctx.offer, DTLS_PSK_NEGOTIATE, NULL) != 0) {
		fprintf(stderr, "sslgate-load: cannot build the DTLS offer\n");
		return 1;
	}
	read_password(password, sizeof(password));
	o.ctx.auth.password = password;
	ret = run(&o, sig_fd);
	buf_wipe(password, sizeof(password));
	tls_global_cleanup();
	close(sig_fd);
	if (ret != 0) {
		fprintf(stderr, "sslgate-load: %s\n", vpn_err_str(ret));
		return 1;
	}
	return 0;
}
