/* SPDX-License-Identifier: ISC */
/*
 * sg-probe-target's main: listen on TCP and UDP (same port), fork a child
 * per connection, answer datagrams in place, and stop after --lifetime-s
 * whatever happens, so a forgotten target cannot outlive its test.
 *
 *   sg-probe-target --listen ADDR --port N --cert FILE --key FILE
 *                   --cookie VALUE --dtls-id HEX64 [--head-timeout-ms MS]
 *                   [--conn-timeout-ms MS] [--lifetime-s S]
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/auth/xml.h"
#include "lib/tls/tls.h"
#include "tests/tools/probe.h"
#include "tests/tools/target.h"

void target_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "target[%d]: %s\n", (int)getpid(), line);
}

/* A DTLS ClientHello whose session_id is cfg->dtls_id gets one datagram back. */
void target_udp_datagram(const struct target_cfg *cfg, int fd)
{
	/* record header 13, handshake header 12, version 2, random 32 */
	enum { SID_AT = 13 + 12 + 2 + 32 };
	static const uint8_t reply[] = { 22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0 };
	uint8_t d[2048];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, d, sizeof(d), 0, (struct sockaddr *)&from, &flen);

	if (n <= 0)
		return;
	if (n >= SID_AT + 1 + 32 && d[0] == 22 && d[13] == 1 && d[SID_AT] == 32 &&
	    memcmp(d + SID_AT + 1, cfg->dtls_id, 32) == 0) {
		target_log("udp hello for the known session: answered");
		sendto(fd, reply, sizeof(reply), 0, (struct sockaddr *)&from, flen);
		return;
	}
	target_log("udp drop: %zd bytes, first byte %u", n, d[0]);
}

static int listen_on(const char *addr, unsigned port, int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 64) != 0))
		return -1;
	return fd;
}

static void serve_child(const struct target_cfg *cfg, int lfd, int ufd, int cfd)
{
	close(lfd);
	close(ufd);
	/* a hard stop in case a bug blocks past every deadline */
	alarm(cfg->conn_timeout_ms / 1000 + 2);
	target_conn_serve(cfg, cfd);
	close(cfd);
	_exit(0);
}

static void loop(const struct target_cfg *cfg, int lfd, int ufd, unsigned lifetime_s)
{
	uint64_t end = probe_now_ms() + (uint64_t)lifetime_s * 1000;

	while (probe_now_ms() < end) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { ufd, POLLIN, 0 } };

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[1].revents & POLLIN)
			target_udp_datagram(cfg, ufd);
		if (p[0].revents & POLLIN) {
			int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			pid_t pid;

			if (cfd < 0)
				continue;
			pid = fork();
			if (pid == 0)
				serve_child(cfg, lfd, ufd, cfd);
			close(cfd);
		}
	}
	target_log("lifetime over");
}

static bool hex32(const char *s, uint8_t out[32])
{
	if (strlen(s) != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "listen", 1, 0, 'l' }, { "port", 1, 0, 'p' }, { "cert", 1, 0, 'c' },
		{ "key", 1, 0, 'k' }, { "cookie", 1, 0, 'K' }, { "dtls-id", 1, 0, 'D' },
		{ "head-timeout-ms", 1, 0, 'H' }, { "conn-timeout-ms", 1, 0, 'T' },
		{ "lifetime-s", 1, 0, 'L' }, { 0, 0, 0, 0 },
	};
	struct target_cfg cfg = { .head_timeout_ms = 3000, .conn_timeout_ms = 20000 };
	struct tls_server_config tcfg = { 0 };
	const char *addr = NULL, *dtls_id = "";
	unsigned port = 443, lifetime_s = 120;
	int ch, lfd, ufd;

	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'l': addr = optarg; break;
		case 'p': port = (unsigned)atoi(optarg); break;
		case 'c': tcfg.cert_file = optarg; break;
		case 'k': tcfg.key_file = optarg; break;
		case 'K': cfg.cookie = optarg; break;
		case 'D': dtls_id = optarg; break;
		case 'H': cfg.head_timeout_ms = (unsigned)atoi(optarg); break;
		case 'T': cfg.conn_timeout_ms = (unsigned)atoi(optarg); break;
		case 'L': lifetime_s = (unsigned)atoi(optarg); break;
		default: return 1;
		}
	}
	if (!addr || !tcfg.cert_file || !tcfg.key_file || !cfg.cookie || !hex32(dtls_id, cfg.dtls_id)) {
		fputs("usage: sg-probe-target --listen ADDR --port N --cert F --key F"
		      " --cookie V --dtls-id HEX64\n", stderr);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	auth_xml_global_init();
	if (tls_global_init() != 0 || tls_server_ctx_new(&cfg.tls, &tcfg) != 0) {
		fputs("sg-probe-target: TLS setup failed\n", stderr);
		return 1;
	}
	lfd = listen_on(addr, port, SOCK_STREAM);
	ufd = listen_on(addr, port, SOCK_DGRAM);
	if (lfd < 0 || ufd < 0) {
		perror("sg-probe-target: listen");
		return 1;
	}
	target_log("listening on %s:%u (tcp, udp)", addr, port);
	loop(&cfg, lfd, ufd, lifetime_s);
	tls_server_ctx_free(cfg.tls);
	tls_global_cleanup();
	return 0;
}
