/* SPDX-License-Identifier: ISC */
/*
 * The listening sockets: one TCP (and, with udp-port, one UDP) socket per
 * worker slot, all bound to the same address with SO_REUSEPORT, so the
 * kernel spreads new connections over the workers. The parent keeps them,
 * so a restarted worker inherits the queue of the one that died.
 */
#include "gateway/parent/parent_internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

/* The address to bind: listen-host (name or literal) or every address. */
static int resolve(const char *host, uint16_t port, int type, struct sockaddr_storage *out,
		   socklen_t *out_len)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = type };
	struct addrinfo *res = NULL;
	char service[8];
	int r;

	snprintf(service, sizeof(service), "%u", port);
	/* no host: "::" takes IPv4 too (V6ONLY off); the caller falls back to IPv4 */
	hints.ai_family = host ? AF_UNSPEC : AF_INET6;
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		log_err("listen-host %s: %s", host ? host : "(any)", gai_strerror(r));
		return VPN_ERR_NOT_FOUND;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*out_len = res->ai_addrlen;
	if (res->ai_next && host)
		log_warn("listen-host %s has several addresses; listening on the first", host);
	freeaddrinfo(res);
	return 0;
}

static int open_socket(const struct sockaddr_storage *sa, socklen_t len, int type)
{
	int fd = socket(sa->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int on = 1, off = 0;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (sa->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
	    bind(fd, (const struct sockaddr *)sa, len) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 1024) != 0)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int listen_one(const char *host, uint16_t port, int type)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int fd;

	if (resolve(host, port, type, &sa, &len) < 0)
		return -1;
	fd = open_socket(&sa, len, type);
	if (fd < 0 && !host && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
		struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(port) };

		memset(&sa, 0, sizeof(sa));
		memcpy(&sa, &any, sizeof(any));
		fd = open_socket(&sa, sizeof(any), type);
	}
	if (fd < 0)
		log_err("cannot listen on %s %s port %u: %s", type == SOCK_STREAM ? "TCP" : "UDP",
			host ? host : "every address", port, strerror(errno));
	return fd;
}

static unsigned slot_count(const struct gw_config *cfg)
{
	long n = cfg->workers ? (long)cfg->workers : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > PARENT_SLOTS_MAX ? PARENT_SLOTS_MAX : (unsigned)n;
}

int parent_listen(struct parent *p)
{
	const struct gw_config *cfg = p->cfg;
	const char *udp_host = cfg->udp_listen_host ? cfg->udp_listen_host : cfg->listen_host;

	for (unsigned i = 0; i < PARENT_SLOTS_MAX; i++)
		p->slots[i].tcp_fd = p->slots[i].udp_fd = -1;
	p->n_slots = slot_count(cfg);
	for (unsigned i = 0; i < p->n_slots; i++) {
		struct parent_slot *s = &p->slots[i];

		s->worker = -1;
		s->udp_fd = -1;
		s->tcp_fd = listen_one(cfg->listen_host, cfg->tcp_port, SOCK_STREAM);
		if (s->tcp_fd < 0)
			return VPN_ERR_IO;
		if (cfg->udp_port) {
			s->udp_fd = listen_one(udp_host, cfg->udp_port, SOCK_DGRAM);
			if (s->udp_fd < 0)
				return VPN_ERR_IO;
		}
	}
	log_info("listening on %s TCP port %u%s (%u workers)",
		 cfg->listen_host ? cfg->listen_host : "every address", cfg->tcp_port,
		 cfg->udp_port ? " and UDP" : "", p->n_slots);
	return 0;
}

void parent_unlisten(struct parent *p)
{
	for (unsigned i = 0; i < p->n_slots; i++) {
		if (p->slots[i].tcp_fd >= 0)
			close(p->slots[i].tcp_fd);
		if (p->slots[i].udp_fd >= 0)
			close(p->slots[i].udp_fd);
		p->slots[i].tcp_fd = p->slots[i].udp_fd = -1;
	}
}
