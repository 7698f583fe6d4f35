/* SPDX-License-Identifier: ISC */
/*
 * sg-probe command line: which gateway, which trust, which scenarios.
 *
 *   sg-probe --host 198.18.1.1 --sni gw.sslgate.test --ca ca.pem [--cookie C]
 *            [--dtls-id HEX] [--timeout MS] SCENARIO|GROUP|all ...
 *
 * Groups: tls http xml connect cstp udp. Scenarios that need --cookie or
 * --dtls-id are reported as skipped (outcome=skipped) without them. Exit status: 0 when every
 * scenario ran (whatever the gateway did), 2 when the probe itself failed
 * in one (outcome=error), 1 on a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth/xml.h"
#include "lib/tls/tls.h"
#include "tests/tools/probe.h"

static const struct {
	const char *name;
	const struct probe_scenario *table;
} groups[] = {
	{ "tls", probe_tls_raw_scenarios },     { "http", probe_http_scenarios },
	{ "xml", probe_xml_scenarios },         { "connect", probe_connect_scenarios },
	{ "cstp", probe_cstp_scenarios },       { "udp", probe_udp_scenarios },
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *f)
{
	fputs("usage: sg-probe --host ADDR [--port N] [--udp-port N] [--sni NAME] [--ca FILE]\n"
	      "       [--cert FILE --key FILE] [--cookie VALUE] [--dtls-id HEX] [--timeout MS]\n"
	      "       [--slow-steps N] [--slow-gap-ms MS] [--body-bytes N]\n"
	      "       [--flood-headers N] [--line-bytes N] SCENARIO|GROUP|all ...\n"
	      "       sg-probe --list\n", f);
}

static void list(void)
{
	for (size_t g = 0; g < N_GROUPS; g++)
		for (const struct probe_scenario *s = groups[g].table; s->name; s++)
			printf("%-8s %-26s %s%s%s\n", groups[g].name, s->name, s->what,
			       s->needs & PROBE_NEEDS_COOKIE ? " (needs --cookie)" : "",
			       s->needs & PROBE_NEEDS_DTLS_ID ? " (needs --dtls-id)" : "");
}

/* Runs one scenario; false when the probe itself failed. */
static bool run(const struct probe_opts *o, const struct probe_scenario *s)
{
	struct probe_result r;

	probe_result_start(&r);
	if ((s->needs & PROBE_NEEDS_COOKIE) && !o->cookie) {
		printf("probe scenario=%s outcome=skipped detail=\"needs --cookie\"\n", s->name);
		return true;
	}
	if ((s->needs & PROBE_NEEDS_DTLS_ID) && !o->dtls_id) {
		printf("probe scenario=%s outcome=skipped detail=\"needs --dtls-id\"\n", s->name);
		return true;
	}
	s->run(o, &r);
	probe_result_print(&r, s->name);
	return r.outcome != PROBE_ERROR;
}

/* A scenario, a group, or "all"; false if the name is unknown. */
static bool run_name(const struct probe_opts *o, const char *name, bool *ok)
{
	bool found = false;

	for (size_t g = 0; g < N_GROUPS; g++) {
		bool whole = strcmp(name, "all") == 0 || strcmp(name, groups[g].name) == 0;

		for (const struct probe_scenario *s = groups[g].table; s->name; s++) {
			if (!whole && strcmp(name, s->name) != 0)
				continue;
			found = true;
			if (!run(o, s))
				*ok = false;
		}
	}
	return found;
}

static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0') {
		fprintf(stderr, "sg-probe: %s: not a number: %s\n", what, s);
		exit(1);
	}
	return v;
}

static void parse(struct probe_opts *o, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "host", 1, 0, 'h' }, { "port", 1, 0, 'p' }, { "udp-port", 1, 0, 'u' },
		{ "sni", 1, 0, 's' }, { "ca", 1, 0, 'C' }, { "cert", 1, 0, 'c' },
		{ "key", 1, 0, 'k' }, { "cookie", 1, 0, 'K' }, { "dtls-id", 1, 0, 'D' },
		{ "timeout", 1, 0, 't' }, { "slow-steps", 1, 0, 'S' }, { "slow-gap-ms", 1, 0, 'G' },
		{ "body-bytes", 1, 0, 'B' }, { "flood-headers", 1, 0, 'F' },
		{ "line-bytes", 1, 0, 'L' }, { "list", 0, 0, 'l' }, { "help", 0, 0, '?' },
		{ 0, 0, 0, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'h': o->host = optarg; break;
		case 'p': o->port = (unsigned)number(optarg, "--port"); break;
		case 'u': o->udp_port = (unsigned)number(optarg, "--udp-port"); break;
		case 's': o->sni = optarg; break;
		case 'C': o->ca_file = optarg; break;
		case 'c': o->cert_file = optarg; break;
		case 'k': o->key_file = optarg; break;
		case 'K': o->cookie = optarg; break;
		case 'D': o->dtls_id = optarg; break;
		case 't': o->timeout_ms = (unsigned)number(optarg, "--timeout"); break;
		case 'S': o->slow_steps = (unsigned)number(optarg, "--slow-steps"); break;
		case 'G': o->slow_gap_ms = (unsigned)number(optarg, "--slow-gap-ms"); break;
		case 'B': o->body_bytes = number(optarg, "--body-bytes"); break;
		case 'F': o->flood_headers = (unsigned)number(optarg, "--flood-headers"); break;
		case 'L': o->line_bytes = number(optarg, "--line-bytes"); break;
		case 'l': list(); exit(0);
		default: usage(stderr); exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	struct probe_opts o = {
		.port = 443, .sni = "gw.sslgate.test", .timeout_ms = 5000,
		.slow_steps = 30, .slow_gap_ms = 1000, .body_bytes = 4u << 20,
		.flood_headers = 5000, .line_bytes = 65536,
	};
	bool ok = true;

	parse(&o, argc, argv);
	if (!o.host || optind >= argc || o.body_bytes > (64u << 20) ||
	    o.flood_headers > 100000 || o.line_bytes > (16u << 20)) {
		usage(stderr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	auth_xml_global_init();
	if (tls_global_init() != 0) {
		fputs("sg-probe: TLS init failed\n", stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (!run_name(&o, argv[i], &ok)) {
			fprintf(stderr, "sg-probe: unknown scenario or group: %s\n", argv[i]);
			tls_global_cleanup();
			return 1;
		}
	}
	tls_global_cleanup();
	return ok ? 0 : 2;
}
