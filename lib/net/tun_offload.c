/* SPDX-License-Identifier: ISC */
/*
 * Opening a tun device with the virtio-net header and TCP offloads, and
 * writing plain packets to it. Splitting and merging are gso.c and gro.c.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"

/*
 * No UFO/USO: the tunnel's UDP is mostly DTLS-in-DTLS and DNS, and the
 * kernel would hand us UDP super packets only a newer splitter could cut.
 */
#define TUN_OFFLOADS (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)

int net_tun_open_offload(const char *name, char *out_name, size_t out_name_len, int *out_fd)
{
	int hdr_len = NET_VNET_HDR_LEN;
	int fd, ret, err;

	ret = net_tun_create(name, IFF_VNET_HDR, out_name, out_name_len, &fd);
	if (ret != 0)
		return ret;
	/* 10 is the kernel's default; set it so a changed default cannot shift our frames. */
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) != 0 ||
	    ioctl(fd, TUNSETOFFLOAD, (unsigned long)TUN_OFFLOADS) != 0) {
		err = errno;
		close(fd); /* not persistent: the device goes with its last fd */
		errno = err;
		return err == EINVAL || err == ENOTTY ? VPN_ERR_UNSUPPORTED : VPN_ERR_IO;
	}
	*out_fd = fd;
	return 0;
}

int net_tun_write_plain(int fd, const void *pkt, size_t len)
{
	static const uint8_t no_offload[NET_VNET_HDR_LEN];
	struct iovec iov[2] = {
		{ .iov_base = (void *)no_offload, .iov_len = sizeof(no_offload) },
		{ .iov_base = (void *)pkt, .iov_len = len },
	};
	ssize_t n;

	do
		n = writev(fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS ?
		       VPN_ERR_AGAIN : VPN_ERR_IO;
	if ((size_t)n != sizeof(no_offload) + len) {
		errno = EIO;
		return VPN_ERR_IO;
	}
	return 0;
}
