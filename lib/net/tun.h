/* SPDX-License-Identifier: ISC */
/* Linux tun devices (IFF_TUN, no packet info header), non-blocking. */
#ifndef NET_TUN_H
#define NET_TUN_H

#include <stddef.h>

/*
 * Opens a tun device. name may be a fixed name or a template with "%d"
 * ("vpns%d"); the kernel's choice is written to out_name (IFNAMSIZ bytes).
 * The fd is non-blocking and close-on-exec.
 */
int net_tun_open(const char *name, char *out_name, size_t out_name_len, int *out_fd);

/* Reads one packet: 0 with *out_len, VPN_ERR_AGAIN, or VPN_ERR_IO. */
int net_tun_read(int fd, void *buf, size_t cap, size_t *out_len);
/* Writes one packet: 0, VPN_ERR_AGAIN (dropped by the caller), VPN_ERR_IO. */
int net_tun_write(int fd, const void *pkt, size_t len);

#endif
