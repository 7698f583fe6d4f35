/* SPDX-License-Identifier: ISC */
/* Test fixtures for the DTLS tests: session pairs over datagram socketpairs. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/tls_test_util.h"

/* Bounds every loop here: no test waits forever for a peer that is gone. */
#define PUMP_ROUNDS_MAX 10000

uint64_t tls_test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int tls_test_pair_handshake(struct tls_pair *p)
{
	int rs = VPN_ERR_AGAIN, rc = VPN_ERR_AGAIN;

	for (int i = 0; i < 1000 && (rs != 0 || rc != 0); i++) {
		if (rc != 0)
			rc = tls_conn_handshake(p->c);
		if (rs != 0)
			rs = tls_conn_handshake(p->s);
		if ((rc != 0 && rc != VPN_ERR_AGAIN) || (rs != 0 && rs != VPN_ERR_AGAIN))
			return rc != 0 && rc != VPN_ERR_AGAIN ? rc : rs;
		if (rc != 0 || rs != 0) {
			struct pollfd pfd[2] = { { .fd = p->fds[0], .events = POLLIN },
						 { .fd = p->fds[1], .events = POLLIN } };

			poll(pfd, 2, 10);
		}
	}
	return rs != 0 ? rs : rc;
}

ssize_t tls_test_recv(int fd, void *buf, size_t cap, unsigned wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, (int)wait_ms) != 1)
		return -1;
	return recv(fd, buf, cap, 0);
}

int tls_test_udp_bound(struct sockaddr_in *out)
{
	socklen_t len = sizeof(*out);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)out, sizeof(*out)) != 0 ||
	    getsockname(fd, (struct sockaddr *)out, &len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int tls_test_dtls_open(struct tls_test_dtls *p, const struct dtls_params *client,
		       const struct dtls_params *server)
{
	ssize_t n;
	int ret;

	memset(p, 0, sizeof(*p));
	p->fds[0] = p->fds[1] = -1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p->fds) != 0)
		return VPN_ERR_IO;
	ret = dtls_conn_new_client(&p->c, p->fds[1], client);
	if (ret == 0 && dtls_conn_handshake(p->c) != VPN_ERR_AGAIN)
		ret = VPN_ERR_TLS;
	if (ret == 0) {
		n = tls_test_recv(p->fds[0], p->hello, sizeof(p->hello), 1000);
		ret = n > 0 ? 0 : VPN_ERR_IO;
		p->hello_len = n > 0 ? (size_t)n : 0;
	}
	if (ret == 0 && server != NULL)
		ret = dtls_conn_new_server(&p->s, p->fds[0], server, p->hello, p->hello_len);
	if (ret != 0)
		tls_test_dtls_close(p);
	return ret;
}

void tls_test_dtls_close(struct tls_test_dtls *p)
{
	dtls_conn_free(p->c);
	dtls_conn_free(p->s);
	if (p->fds[0] >= 0)
		close(p->fds[0]);
	if (p->fds[1] >= 0)
		close(p->fds[1]);
	memset(p, 0, sizeof(*p));
	p->fds[0] = p->fds[1] = -1;
}

static unsigned next_wait(struct tls_test_dtls *p, int rc, int rs)
{
	unsigned wait = 1000;

	if (rc == VPN_ERR_AGAIN && dtls_conn_timeout_ms(p->c) < wait)
		wait = dtls_conn_timeout_ms(p->c);
	if (rs == VPN_ERR_AGAIN && dtls_conn_timeout_ms(p->s) < wait)
		wait = dtls_conn_timeout_ms(p->s);
	return wait;
}

void tls_test_dtls_pump(struct tls_test_dtls *p, unsigned max_ms, int *out_client,
			int *out_server)
{
	uint64_t end = tls_test_now_ms() + max_ms;
	int rc = VPN_ERR_AGAIN, rs = VPN_ERR_AGAIN;

	for (int i = 0; i < PUMP_ROUNDS_MAX && tls_test_now_ms() < end; i++) {
		struct pollfd pfd[2] = { { .events = POLLIN }, { .events = POLLIN } };

		if (rc == VPN_ERR_AGAIN)
			rc = dtls_conn_handshake(p->c);
		if (rs == VPN_ERR_AGAIN)
			rs = dtls_conn_handshake(p->s);
		if (rc != VPN_ERR_AGAIN && rs != VPN_ERR_AGAIN)
			break;
		/* only the sides still shaking hands: the others' queues may fill */
		pfd[0].fd = rs == VPN_ERR_AGAIN ? p->fds[0] : -1;
		pfd[1].fd = rc == VPN_ERR_AGAIN ? p->fds[1] : -1;
		poll(pfd, 2, (int)next_wait(p, rc, rs) + 1);
	}
	*out_client = rc;
	*out_server = rs;
}
