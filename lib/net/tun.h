/* SPDX-License-Identifier: ISC */
/* Linux tun devices (IFF_TUN, no packet info header), non-blocking. */
#ifndef NET_TUN_H
#define NET_TUN_H

#include <stddef.h>

/*
 * Opens a tun device. name may be a fixed name or a template with "%d"
 * ("vpns%d"), NULL for the kernel's "tun%d"; the kernel's choice is written
 * to out_name (IFNAMSIZ bytes). The fd is non-blocking and close-on-exec and
 * the device is not persistent: it goes away when the last fd is closed.
 * Its transmit queue (packets waiting for our reads) is 2048, not 500.
 * 0; VPN_ERR_INVALID (name too long); VPN_ERR_DENIED (no CAP_NET_ADMIN);
 * VPN_ERR_TOO_BIG (out_name too small); VPN_ERR_IO (errno set).
 *
 * There is no batch read: a tun fd gives one packet per read(2), so a
 * batch is the caller reading until VPN_ERR_AGAIN (or its own budget).
 */
int net_tun_open(const char *name, char *out_name, size_t out_name_len, int *out_fd);

/* Reads one packet: 0 with *out_len, VPN_ERR_AGAIN, or VPN_ERR_IO. cap must hold the MTU. */
int net_tun_read(int fd, void *buf, size_t cap, size_t *out_len);
/* Writes one packet: 0, VPN_ERR_AGAIN (dropped by the caller), VPN_ERR_IO. */
int net_tun_write(int fd, const void *pkt, size_t len);

#endif
