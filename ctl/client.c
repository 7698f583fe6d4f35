/* SPDX-License-Identifier: ISC */
/* One control request over the gateway's unix socket, answers until done. */
#include "ctl/client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/base/err.h"

int ctl_client_connect(const char *path, int *out_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return VPN_ERR_IO;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return VPN_ERR_IO;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return VPN_ERR_IO;
	}
	*out_fd = fd;
	return 0;
}

static int next(int fd, uint8_t *buf, size_t cap, size_t *out_len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r, passed;

	r = poll(&p, 1, CTL_CLIENT_TIMEOUT_MS);
	if (r == 0)
		return VPN_ERR_AGAIN;
	if (r < 0)
		return VPN_ERR_IO;
	r = msg_recv(fd, buf, cap, out_len, &passed);
	if (passed >= 0)
		close(passed);
	if (r == VPN_ERR_AGAIN)
		return next(fd, buf, cap, out_len);
	if (r < 0)
		return r;
	return msg_check(buf, *out_len);
}

int ctl_client_run(int fd, const struct msg_ctl_request *req, ctl_client_fn on_answer,
		   void *ctx, struct msg_ctl_done *out_done)
{
	uint8_t buf[MSG_MAX_SIZE];
	int r = send(fd, req, sizeof(*req), MSG_NOSIGNAL) == (ssize_t)sizeof(*req) ? 0 : VPN_ERR_IO;

	while (r == 0) {
		struct msg_header *h = (struct msg_header *)buf;
		size_t len;

		r = next(fd, buf, sizeof(buf), &len);
		if (r < 0)
			break;
		if (h->type == MSG_CTL_DONE) {
			memcpy(out_done, buf, sizeof(*out_done));
			return 0;
		}
		if (h->type != MSG_CTL_SESSION && h->type != MSG_CTL_BAN && h->type != MSG_CTL_STATUS)
			return VPN_ERR_INVALID;
		on_answer(ctx, h);
	}
	return r;
}
