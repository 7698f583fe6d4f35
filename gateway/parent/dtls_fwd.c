/* SPDX-License-Identifier: ISC */
/*
 * DTLS demux, the parent's part: a worker received a first ClientHello
 * that names a session (the owner's index is in its key). Workers cannot
 * bind the DTLS port (it is privileged, and SO_REUSEPORT groups require the
 * binder's uid), so the parent opens a socket bound to the port the hello
 * came in on and connected to the client, and hands it to the owner with the
 * datagram. From then on the kernel prefers the connected socket for that
 * client's datagrams.
 */
#include "gateway/parent/parent_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/base/log.h"

/* The client's address in the family of the local socket (v4-mapped on "::"). */
static int remote_sockaddr(const struct msg_dtls_hello *m, int family,
			   struct sockaddr_storage *out, socklen_t *out_len)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET && m->remote.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(m->remote_port);
		memcpy(&sin->sin_addr, m->remote.bytes, 4);
		*out_len = sizeof(*sin);
		return 0;
	}
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(m->remote_port);
		if (m->remote.family == AF_INET) {
			sin6->sin6_addr.s6_addr[10] = 0xff;
			sin6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&sin6->sin6_addr.s6_addr[12], m->remote.bytes, 4);
		} else {
			memcpy(&sin6->sin6_addr, m->remote.bytes, 16);
		}
		*out_len = sizeof(*sin6);
		return 0;
	}
	return VPN_ERR_INVALID;
}

/* A socket sharing the listener's address and port, connected to the client. */
static int connected_socket(int listener, const struct msg_dtls_hello *m)
{
	struct sockaddr_storage local, peer;
	socklen_t local_len = sizeof(local), peer_len;
	int on = 1, off = 0, fd;

	if (getsockname(listener, (struct sockaddr *)&local, &local_len) != 0 ||
	    remote_sockaddr(m, local.ss_family, &peer, &peer_len) != 0)
		return -1;
	fd = socket(local.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (local.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
	    bind(fd, (struct sockaddr *)&local, local_len) != 0 ||
	    connect(fd, (struct sockaddr *)&peer, peer_len) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void parent_dtls_forward(struct parent *p, struct parent_proc *from, struct msg_dtls_hello *m)
{
	struct parent_proc *owner;
	int listener, fd;

	if (m->remote.family != AF_INET && m->remote.family != AF_INET6) {
		log_warn("worker %u forwarded a DTLS hello without a client address", from->index);
		return;
	}
	if (m->owner >= PARENT_PROCS_MAX || !p->workers[m->owner].is_used ||
	    m->len == 0 || m->len > sizeof(m->data) || m->remote_port == 0) {
		/* Back without a socket: the sender counts it with its other drops. */
		msg_init(&m->h, MSG_DTLS_SOCKET, sizeof(*m), 0);
		chan_send(&from->chan, m, sizeof(*m), -1);
		return;
	}
	owner = &p->workers[m->owner];
	listener = from->slot < p->n_slots ? p->slots[from->slot].udp_fd : -1;
	if (listener < 0)
		return;
	fd = connected_socket(listener, m);
	if (fd < 0) {
		log_warn("DTLS: cannot open a socket for a client of worker %u: %s", owner->index,
			 strerror(errno));
		return;
	}
	msg_init(&m->h, MSG_DTLS_SOCKET, sizeof(*m), 0);
	chan_send(&owner->chan, m, sizeof(*m), fd);
	close(fd);
}
