/* SPDX-License-Identifier: ISC */
/*
 * Linux tun devices: layer 3, no packet-information header (every read is
 * one bare IP packet), non-blocking, close-on-exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"

/*
 * Packets the kernel queues for our reader before it drops. The default 500
 * overflowed under iperf3 through the gateway (about 3 % of LAN->client
 * packets dropped at the worker's tun while it shared a core with the
 * rest): a reader that is off the CPU for 10 ms at 70 000 packets per
 * second falls 700 behind.
 */
#define TUN_TXQUEUELEN 2048

/* Best effort: a short queue only means more loss under load. */
static void grow_queue(const char *ifname)
{
	struct ifreq ifr;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	ifr.ifr_qlen = TUN_TXQUEUELEN;
	(void)ioctl(sock, SIOCSIFTXQLEN, &ifr);
	close(sock);
}

int net_tun_open(const char *name, char *out_name, size_t out_name_len, int *out_fd)
{
	return net_tun_create(name, 0, out_name, out_name_len, out_fd);
}

int net_tun_create(const char *name, short extra_flags, char *out_name, size_t out_name_len,
		   int *out_fd)
{
	struct ifreq ifr;
	int fd, err;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | extra_flags);
	if (name != NULL) {
		if (strlen(name) >= IFNAMSIZ)
			return VPN_ERR_INVALID;
		memcpy(ifr.ifr_name, name, strlen(name)); /* "%d" makes the kernel pick */
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? VPN_ERR_DENIED : VPN_ERR_IO;
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		err = errno;
		close(fd);
		errno = err;
		return err == EPERM || err == EACCES ? VPN_ERR_DENIED : VPN_ERR_IO;
	}
	if (strlen(ifr.ifr_name) >= out_name_len) {
		close(fd);
		return VPN_ERR_TOO_BIG;
	}
	strcpy(out_name, ifr.ifr_name);
	grow_queue(ifr.ifr_name);
	*out_fd = fd;
	return 0;
}

int net_tun_read(int fd, void *buf, size_t cap, size_t *out_len)
{
	ssize_t n;

	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? VPN_ERR_AGAIN : VPN_ERR_IO;
	if (n == 0) {
		errno = EIO; /* a tun device never reads empty while it exists */
		return VPN_ERR_IO;
	}
	*out_len = (size_t)n;
	return 0;
}

int net_tun_write(int fd, const void *pkt, size_t len)
{
	ssize_t n;

	do
		n = write(fd, pkt, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS ?
		       VPN_ERR_AGAIN : VPN_ERR_IO;
	if ((size_t)n != len) {
		errno = EIO;
		return VPN_ERR_IO;
	}
	return 0;
}
