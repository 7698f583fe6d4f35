/* SPDX-License-Identifier: ISC */
/*
 * Moving privsep messages: one SOCK_SEQPACKET datagram per message, an
 * optional descriptor alongside, and the check every receiver runs before
 * it trusts a field (a worker is not trusted by authd or the parent).
 */
#include "gateway/privsep/msg.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"

void msg_init(struct msg_header *h, enum msg_type type, size_t len, uint32_t req_id)
{
	h->type = (uint16_t)type;
	h->len = (uint16_t)len;
	h->req_id = req_id;
}

int msg_send(int sock, const void *msg, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		m.msg_control = control.space;
		m.msg_controllen = sizeof(control.space);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return VPN_ERR_AGAIN;
	if (n < 0 && (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN))
		return VPN_ERR_CLOSED;
	return VPN_ERR_IO;
}

/* Takes the descriptors a datagram carried; keeps the first, closes others. */
static int take_fds(struct msghdr *m)
{
	int kept = -1;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (kept < 0)
				kept = fd;
			else
				close(fd);
		}
	}
	return kept;
}

int msg_recv(int sock, void *buf, size_t cap, size_t *out_len, int *out_fd)
{
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(4 * sizeof(int))];
	} control;
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.space, .msg_controllen = sizeof(control.space),
	};
	ssize_t n;
	int fd;

	*out_fd = -1;
	do {
		n = recvmsg(sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? VPN_ERR_AGAIN
			: errno == ECONNRESET ? VPN_ERR_CLOSED : VPN_ERR_IO;
	if (n == 0)
		return VPN_ERR_CLOSED;
	fd = take_fds(&m);
	if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		if (fd >= 0)
			close(fd);
		return VPN_ERR_INVALID;
	}
	*out_fd = fd;
	*out_len = (size_t)n;
	return 0;
}

#define MAX_FIELDS 6

/* What msg_check knows about one message type. */
struct layout {
	uint16_t type;
	uint16_t size;
	uint16_t strings[MAX_FIELDS][2];  /* offset, size; size 0 ends the list */
	uint16_t addrs[MAX_FIELDS];       /* offsets of struct net_addr; 0 ends */
	const char *name;
};

#define STR(st, f) { offsetof(struct st, f), sizeof(((struct st *)0)->f) }
#define ADDR(st, f) offsetof(struct st, f)

static const struct layout layouts[] = {
	{ MSG_AUTH_PASSWORD, sizeof(struct msg_auth_password),
	  { STR(msg_auth_password, user), STR(msg_auth_password, group),
	    STR(msg_auth_password, password), STR(msg_auth_password, user_agent) },
	  { ADDR(msg_auth_password, source) }, "auth-password" },
	{ MSG_COOKIE_CHECK, sizeof(struct msg_cookie_check), { { 0, 0 } },
	  { ADDR(msg_cookie_check, source) }, "cookie-check" },
	{ MSG_SESSION_ATTACHED, sizeof(struct msg_session_event), { STR(msg_session_event, reason) },
	  { ADDR(msg_session_event, ipv4), ADDR(msg_session_event, ipv6) }, "session-attached" },
	{ MSG_SESSION_DETACHED, sizeof(struct msg_session_event), { STR(msg_session_event, reason) },
	  { ADDR(msg_session_event, ipv4), ADDR(msg_session_event, ipv6) }, "session-detached" },
	{ MSG_SESSION_END, sizeof(struct msg_session_event), { STR(msg_session_event, reason) },
	  { ADDR(msg_session_event, ipv4), ADDR(msg_session_event, ipv6) }, "session-end" },
	{ MSG_BAD_REQUEST, sizeof(struct msg_bad_request), { { 0, 0 } },
	  { ADDR(msg_bad_request, source) }, "bad-request" },
	{ MSG_AUTH_CERT, sizeof(struct msg_auth_cert),
	  { STR(msg_auth_cert, user), STR(msg_auth_cert, group), STR(msg_auth_cert, cert_group),
	    STR(msg_auth_cert, subject), STR(msg_auth_cert, user_agent),
	    STR(msg_auth_cert, password) },
	  { ADDR(msg_auth_cert, source) }, "auth-cert" },
	{ MSG_AUTH_RESULT, sizeof(struct msg_auth_result),
	  { STR(msg_auth_result, user), STR(msg_auth_result, group) }, { 0 }, "auth-result" },
	{ MSG_COOKIE_RESULT, sizeof(struct msg_cookie_result),
	  { STR(msg_cookie_result, user), STR(msg_cookie_result, group) },
	  { ADDR(msg_cookie_result, last_ipv4), ADDR(msg_cookie_result, last_ipv6) },
	  "cookie-result" },
	{ MSG_LEASE_REQUEST, sizeof(struct msg_lease_request),
	  { STR(msg_lease_request, group), STR(msg_lease_request, user) },
	  { ADDR(msg_lease_request, want_ipv4), ADDR(msg_lease_request, want_ipv6) },
	  "lease-request" },
	{ MSG_LEASE_RELEASE, sizeof(struct msg_lease_release), { { 0, 0 } }, { 0 },
	  "lease-release" },
	{ MSG_SESSION_LIST_ITEM, sizeof(struct msg_session_info),
	  { STR(msg_session_info, user), STR(msg_session_info, group),
	    STR(msg_session_info, user_agent), STR(msg_session_info, tls_cipher),
	    STR(msg_session_info, dtls_cipher), STR(msg_session_info, hostname) },
	  { ADDR(msg_session_info, remote), ADDR(msg_session_info, ipv4),
	    ADDR(msg_session_info, ipv6) }, "session-list-item" },
	{ MSG_SESSION_LIST_END, sizeof(struct msg_header), { { 0, 0 } }, { 0 }, "session-list-end" },
	{ MSG_LEASE_RESULT, sizeof(struct msg_lease_result), { { 0, 0 } },
	  { ADDR(msg_lease_result, ipv4.addr), ADDR(msg_lease_result, ipv6.addr) },
	  "lease-result" },
	{ MSG_CTL_LIST, sizeof(struct msg_header), { { 0, 0 } }, { 0 }, "ctl-list" },
	{ MSG_CTL_DISCONNECT, sizeof(struct msg_ctl_disconnect), { STR(msg_ctl_disconnect, user) },
	  { 0 }, "ctl-disconnect" },
	{ MSG_RELOAD, sizeof(struct msg_header), { { 0, 0 } }, { 0 }, "reload" },
	{ MSG_DTLS_HELLO, sizeof(struct msg_dtls_hello), { { 0, 0 } },
	  { ADDR(msg_dtls_hello, remote) }, "dtls-hello" },
	{ MSG_DTLS_SOCKET, sizeof(struct msg_dtls_hello), { { 0, 0 } },
	  { ADDR(msg_dtls_hello, remote) }, "dtls-socket" },
	{ MSG_SESSION_EXPIRED, sizeof(struct msg_session_event), { STR(msg_session_event, reason) },
	  { ADDR(msg_session_event, ipv4), ADDR(msg_session_event, ipv6) }, "session-expired" },
	{ MSG_CTL_BANS, sizeof(struct msg_header), { { 0, 0 } }, { 0 }, "ctl-bans" },
	{ MSG_BAN_ITEM, sizeof(struct msg_ban), { { 0, 0 } }, { ADDR(msg_ban, source) }, "ban-item" },
	{ MSG_BAN_LIST_END, sizeof(struct msg_ban_list_end), { { 0, 0 } }, { 0 }, "ban-list-end" },
	{ MSG_CTL_UNBAN, sizeof(struct msg_ban), { { 0, 0 } }, { ADDR(msg_ban, source) }, "ctl-unban" },
	{ MSG_WORKER_ATTACH, sizeof(struct msg_worker), { { 0, 0 } }, { 0 }, "worker-attach" },
	{ MSG_WORKER_GONE, sizeof(struct msg_worker), { { 0, 0 } }, { 0 }, "worker-gone" },
	{ MSG_PASSWD_REOPEN, sizeof(struct msg_header), { { 0, 0 } }, { 0 }, "passwd-reopen" },
	{ MSG_PASSWD_FD, sizeof(struct msg_status), { { 0, 0 } }, { 0 }, "passwd-fd" },
	{ MSG_UNBAN_RESULT, sizeof(struct msg_status), { { 0, 0 } }, { 0 }, "unban-result" },
	{ MSG_CTL_REQUEST, sizeof(struct msg_ctl_request), { STR(msg_ctl_request, user) },
	  { ADDR(msg_ctl_request, addr) }, "ctl-request" },
	{ MSG_CTL_SESSION, sizeof(struct msg_session_info),
	  { STR(msg_session_info, user), STR(msg_session_info, group),
	    STR(msg_session_info, user_agent), STR(msg_session_info, tls_cipher),
	    STR(msg_session_info, dtls_cipher), STR(msg_session_info, device) },
	  { ADDR(msg_session_info, remote), ADDR(msg_session_info, ipv4),
	    ADDR(msg_session_info, ipv6) }, "ctl-session" },
	{ MSG_CTL_BAN, sizeof(struct msg_ban), { { 0, 0 } }, { ADDR(msg_ban, source) }, "ctl-ban" },
	{ MSG_CTL_STATUS, sizeof(struct msg_ctl_status), { { 0, 0 } }, { 0 }, "ctl-status" },
	{ MSG_CTL_DONE, sizeof(struct msg_ctl_done), { STR(msg_ctl_done, text) }, { 0 }, "ctl-done" },
};

_Static_assert(sizeof(struct msg_session_info) <= MSG_MAX_SIZE, "session info fits");
_Static_assert(sizeof(struct msg_auth_password) <= MSG_MAX_SIZE, "auth fits");
_Static_assert(sizeof(struct msg_auth_cert) <= MSG_MAX_SIZE, "certificate login fits");

static const struct layout *layout_of(unsigned type)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

static bool is_family_ok(const uint8_t *p)
{
	int family;

	memcpy(&family, p + offsetof(struct net_addr, family), sizeof(family));
	return family == AF_UNSPEC || family == AF_INET || family == AF_INET6;
}

int msg_check(void *buf, size_t len)
{
	uint8_t *p = buf;
	struct msg_header h;
	const struct layout *l;

	if (len < sizeof(h))
		return VPN_ERR_INVALID;
	memcpy(&h, p, sizeof(h));
	l = layout_of(h.type);
	if (!l || len != l->size || h.len != l->size)
		return VPN_ERR_INVALID;
	/* The second list holds the hostname too; the device is the parent's to fill. */
	for (int i = 0; i < MAX_FIELDS && l->strings[i][1]; i++)
		p[l->strings[i][0] + l->strings[i][1] - 1] = '\0';
	if (h.type == MSG_SESSION_LIST_ITEM || h.type == MSG_CTL_SESSION) {
		struct msg_session_info *s = buf;

		s->hostname[sizeof(s->hostname) - 1] = '\0';
		s->device[sizeof(s->device) - 1] = '\0';
		s->routes[sizeof(s->routes) - 1] = '\0';
		s->dns[sizeof(s->dns) - 1] = '\0';
		s->dtls_mode[sizeof(s->dtls_mode) - 1] = '\0';
	}
	for (int i = 0; i < MAX_FIELDS && l->addrs[i]; i++)
		if (!is_family_ok(p + l->addrs[i]))
			return VPN_ERR_INVALID;
	return 0;
}

const char *msg_type_name(unsigned type)
{
	const struct layout *l = layout_of(type);

	return l ? l->name : "unknown";
}
