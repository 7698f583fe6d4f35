/* SPDX-License-Identifier: ISC */
/*
 * TCP segmentation and coalescing for a tun device opened with offloads
 * (IFF_VNET_HDR and TUNSETOFFLOAD): the kernel hands us TCP "super packets"
 * of up to 64 KiB and takes them back, so a bulk flow costs one system call
 * and one pass through the kernel's forwarding path per 64 KiB instead of
 * per 1.4 KiB. The tunnel itself still carries MTU-sized IP packets: the
 * reader splits (net_gso_*), the writer merges (net_gro_*).
 *
 * Every frame on such a device starts with a 10-byte virtio-net header
 * (struct virtio_net_hdr). Frames read from the device come from the
 * kernel; packets given to the coalescer come from the network (decrypted
 * peer traffic) and are untrusted: it checks every length it uses.
 *
 * (offload, for tunwire: no public signature changed. Added at the end: the
 * checksum helpers net_gso_csum_* and net_tun_create, private to lib/net.)
 */
#ifndef NET_OFFLOAD_H
#define NET_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#define NET_VNET_HDR_LEN 10
/* Largest frame a read or a coalesced write can be: header + 64 KiB packet. */
#define NET_OFFLOAD_FRAME_MAX (NET_VNET_HDR_LEN + 65535)

/*
 * Opens a tun device like net_tun_open (lib/net/tun.h) with the virtio-net
 * header and the checksum + TSO4 + TSO6 offloads on. VPN_ERR_UNSUPPORTED when
 * the kernel refuses the offloads (the caller then uses net_tun_open); other
 * errors as net_tun_open. Every read gives a frame (header first); every
 * write must be one (net_tun_write_plain or the coalescer).
 */
int net_tun_open_offload(const char *name, char *out_name, size_t out_name_len, int *out_fd);

/* Writes one ordinary IP packet to an offload device (a zeroed header in front). */
int net_tun_write_plain(int fd, const void *pkt, size_t len);

/*
 * Splitting one frame read from an offload device into IP packets of the
 * device's MTU, with their IPv4 header and TCP/UDP checksums complete. A
 * frame without segmentation gives one packet (its checksum completed when
 * the kernel left it partial). The iterator borrows the frame until done.
 */
struct net_gso_iter {
	const uint8_t *frame; /* the whole frame, header first */
	size_t frame_len;
	/* private: */
	size_t ip_len, hdr_len, seg_payload, offset;
	uint32_t seq;
	uint16_t ip_id;
	uint8_t gso_type, flags;
	uint16_t csum_start, csum_offset;
	unsigned index;
};

/* 0, or VPN_ERR_INVALID for a frame the kernel would not produce (bad header, lengths). */
int net_gso_begin(struct net_gso_iter *it, const uint8_t *frame, size_t frame_len);
/*
 * The next packet, copied into out: 0 with *out_len; VPN_ERR_NOT_FOUND when
 * there is none left; VPN_ERR_TOO_BIG when a packet does not fit cap.
 */
int net_gso_next(struct net_gso_iter *it, uint8_t *out, size_t cap, size_t *out_len);

/*
 * The coalescer: IP packets written to an offload device through it are
 * merged, per TCP flow, into super packets when they continue each other
 * (same addresses, ports, ACK, options and flags; contiguous sequence
 * numbers; equal segment sizes but for the last), and held until
 * net_gro_flush. Anything else (UDP, ICMP, SYN/FIN/RST, IP options,
 * fragments) is written at once, after the pending frame of its flow (for
 * a fragment or a segment behind IPv6 extension headers, whose ports are
 * not read: after every pending frame between the same hosts), so no flow
 * is reordered. The owner calls net_gro_flush at the end of every
 * batch of received packets (a recvmmsg batch, a TLS read's records): the
 * coalescer never holds a packet across a wait.
 */
struct net_gro;

struct net_gro_stats {
	uint64_t packets; /* given to net_gro_write */
	uint64_t frames;  /* written to the device */
	uint64_t dropped; /* the device refused (queue full) or the packet was malformed */
};

/* max_flows: flows held at once (each up to 64 KiB); 1..64. NULL on no memory. */
struct net_gro *net_gro_new(int fd, unsigned max_flows);
void net_gro_free(struct net_gro *g);
/*
 * Queues (or writes) one IP packet: 0, VPN_ERR_INVALID (not an IP packet;
 * dropped), VPN_ERR_IO. A full device queue is a drop counted in the stats,
 * not an error. A TCP segment whose IPv4 header or TCP checksum does not
 * verify is never merged (the kernel would recompute a merged frame's
 * checksums and so deliver it repaired): it is written alone, unchanged.
 * A flow's frame holding one packet at flush time is written as that plain
 * packet (no offload in its header).
 */
int net_gro_write(struct net_gro *g, const uint8_t *pkt, size_t len);
/* Writes every pending frame: 0 or VPN_ERR_IO (after trying them all). */
int net_gro_flush(struct net_gro *g);
void net_gro_get_stats(const struct net_gro *g, struct net_gro_stats *out);

/*
 * Internet checksum (RFC 1071) shared by gso.c and gro.c (lib/net/gso_csum.c).
 * The sum is kept in host byte order over host-order 16-bit words, which
 * gives the right bytes when the folded result is stored with memcpy.
 * Chained calls must start at even offsets of the packet: only the last
 * piece may have an odd length.
 */
uint64_t net_gso_csum_add(uint64_t sum, const void *data, size_t len);
/* Folds to 16 bits, not complemented, host order. */
uint16_t net_gso_csum_fold(uint64_t sum);

/*
 * Private to tun_linux.c and tun_offload.c: net_tun_open with extra
 * TUNSETIFF flags (IFF_TUN | IFF_NO_PI always); same results.
 */
int net_tun_create(const char *name, short extra_flags, char *out_name, size_t out_name_len,
		   int *out_fd);

#endif
