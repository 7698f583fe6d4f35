/* SPDX-License-Identifier: ISC */
/*
 * Splitting a frame read from an offload tun device into the IP packets a
 * NIC's TSO would have sent: the kernel leaves segmentation and the TCP
 * checksum to us. Each segment is the frame's IP + TCP headers (adjusted)
 * followed by gso_size bytes of its payload.
 *
 * The kernel's hdr_len is not trusted: on the forwarding path it is the
 * length of the linear head, which can be the whole first packet, so the
 * header length is taken from the IP and TCP headers themselves.
 */
#include <linux/virtio_net.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"

#define IPPROTO_TCP_NUM 6
#define TCP_MIN_HLEN 20
#define TCP_CSUM_OFFSET 16
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_CWR 0x80

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The header's 16-bit fields are in the host's order (legacy virtio, no TUNSETVNETLE). */
static inline uint16_t get_host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t host_be16(uint16_t v)
{
	uint8_t b[2];
	uint16_t h;

	put16(b, v);
	memcpy(&h, b, 2);
	return h;
}

/* Finishes a checksum whose field holds the pseudo-header sum (NEEDS_CSUM). */
static int complete_csum(uint8_t *pkt, size_t len, size_t start, size_t offset)
{
	uint16_t csum;

	if (start > len || offset > len - start || len - start - offset < 2)
		return VPN_ERR_INVALID;
	csum = (uint16_t)~net_gso_csum_fold(net_gso_csum_add(0, pkt + start, len - start));
	if (csum == 0)
		csum = 0xffff; /* as the kernel writes it: 0 means "no checksum" to UDP */
	memcpy(pkt + start + offset, &csum, 2);
	return 0;
}

static int check_ipv4(const uint8_t *ip, size_t ip_len, size_t *out_hlen)
{
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;

	if (ip_len < 20 || ip[0] >> 4 != 4 || hlen < 20 || hlen > ip_len)
		return VPN_ERR_INVALID;
	if (get16(ip + 2) != ip_len || ip[9] != IPPROTO_TCP_NUM)
		return VPN_ERR_INVALID;
	if ((get16(ip + 6) & 0x3fff) != 0) /* MF or a fragment offset */
		return VPN_ERR_INVALID;
	*out_hlen = hlen;
	return 0;
}

static int check_ipv6(const uint8_t *ip, size_t ip_len, size_t *out_hlen)
{
	/* The kernel segments extension-header packets itself before us: none here. */
	if (ip_len < 40 || ip[0] >> 4 != 6 || get16(ip + 4) != ip_len - 40 ||
	    ip[6] != IPPROTO_TCP_NUM)
		return VPN_ERR_INVALID;
	*out_hlen = 40;
	return 0;
}

static int begin_tcp(struct net_gso_iter *it, const uint8_t *ip, uint16_t gso_size)
{
	size_t ip_hlen, tcp_hlen;
	int ret;

	ret = it->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 ? check_ipv4(ip, it->ip_len, &ip_hlen) :
	      check_ipv6(ip, it->ip_len, &ip_hlen);
	if (ret != 0)
		return ret;
	if (!(it->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || it->csum_start != ip_hlen ||
	    it->csum_offset != TCP_CSUM_OFFSET || gso_size == 0 ||
	    it->ip_len - ip_hlen < TCP_MIN_HLEN)
		return VPN_ERR_INVALID;
	tcp_hlen = (size_t)(ip[ip_hlen + 12] >> 4) * 4;
	if (tcp_hlen < TCP_MIN_HLEN || tcp_hlen > it->ip_len - ip_hlen)
		return VPN_ERR_INVALID;
	it->hdr_len = ip_hlen + tcp_hlen;
	it->seg_payload = gso_size;
	it->seq = (uint32_t)get16(ip + ip_hlen + 4) << 16 | get16(ip + ip_hlen + 6);
	it->ip_id = it->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 ? get16(ip + 4) : 0;
	return 0;
}

int net_gso_begin(struct net_gso_iter *it, const uint8_t *frame, size_t frame_len)
{
	const uint8_t *ip = frame + NET_VNET_HDR_LEN;

	memset(it, 0, sizeof(*it));
	if (frame_len <= NET_VNET_HDR_LEN || frame_len > NET_OFFLOAD_FRAME_MAX)
		return VPN_ERR_INVALID;
	it->frame = frame;
	it->frame_len = frame_len;
	it->ip_len = frame_len - NET_VNET_HDR_LEN;
	it->flags = frame[0];
	it->gso_type = frame[1] & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	it->csum_start = get_host16(frame + 6);
	it->csum_offset = get_host16(frame + 8);
	/* hdr_len is only checked: see the top of this file. */
	if ((it->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)) ||
	    get_host16(frame + 2) > it->ip_len)
		return VPN_ERR_INVALID;
	switch (it->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if ((it->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    (it->csum_start > it->ip_len || it->csum_offset > it->ip_len - it->csum_start ||
		     it->ip_len - it->csum_start - it->csum_offset < 2))
			return VPN_ERR_INVALID;
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return begin_tcp(it, ip, get_host16(frame + 4));
	default:
		return VPN_ERR_INVALID;
	}
}

static int next_whole(struct net_gso_iter *it, uint8_t *out, size_t cap, size_t *out_len)
{
	if (it->ip_len > cap)
		return VPN_ERR_TOO_BIG;
	memcpy(out, it->frame + NET_VNET_HDR_LEN, it->ip_len);
	if (it->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		(void)complete_csum(out, it->ip_len, it->csum_start, it->csum_offset);
	it->offset = it->ip_len;
	*out_len = it->ip_len;
	return 0;
}

/* IP length, id and header checksum of one segment; returns the pseudo-header sum. */
static uint64_t fix_ip(const struct net_gso_iter *it, uint8_t *out, size_t len)
{
	size_t tcp_len = len - it->csum_start;
	uint16_t csum;

	if (it->gso_type == VIRTIO_NET_HDR_GSO_TCPV6) {
		put16(out + 4, (uint16_t)(len - 40));
		return net_gso_csum_add(host_be16(IPPROTO_TCP_NUM) + host_be16((uint16_t)tcp_len),
					out + 8, 32);
	}
	put16(out + 2, (uint16_t)len);
	put16(out + 4, (uint16_t)(it->ip_id + it->index));
	memset(out + 10, 0, 2);
	csum = (uint16_t)~net_gso_csum_fold(net_gso_csum_add(0, out, it->csum_start));
	memcpy(out + 10, &csum, 2);
	return net_gso_csum_add(host_be16(IPPROTO_TCP_NUM) + host_be16((uint16_t)tcp_len),
				out + 12, 8);
}

int net_gso_next(struct net_gso_iter *it, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t payload, len, done;
	uint8_t *tcp;
	uint64_t sum;
	uint16_t csum;

	if (it->offset >= it->ip_len)
		return VPN_ERR_NOT_FOUND;
	if (it->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return next_whole(it, out, cap, out_len);
	if (it->offset == 0)
		it->offset = it->hdr_len;
	payload = it->ip_len - it->offset;
	if (payload > it->seg_payload)
		payload = it->seg_payload;
	len = it->hdr_len + payload;
	if (len > cap)
		return VPN_ERR_TOO_BIG;
	memcpy(out, it->frame + NET_VNET_HDR_LEN, it->hdr_len);
	memcpy(out + it->hdr_len, it->frame + NET_VNET_HDR_LEN + it->offset, payload);
	done = it->offset - it->hdr_len;
	tcp = out + it->csum_start;
	sum = fix_ip(it, out, len);
	put16(tcp + 4, (uint16_t)((it->seq + done) >> 16));
	put16(tcp + 6, (uint16_t)(it->seq + done));
	/* As the kernel's tcp_gso_segment: FIN/PSH end the burst, CWR starts it. */
	if (it->offset + payload < it->ip_len)
		tcp[13] &= (uint8_t)~(TCP_FLAG_FIN | TCP_FLAG_PSH);
	if (it->index > 0)
		tcp[13] &= (uint8_t)~TCP_FLAG_CWR;
	memset(tcp + TCP_CSUM_OFFSET, 0, 2);
	csum = (uint16_t)~net_gso_csum_fold(net_gso_csum_add(sum, tcp, len - it->csum_start));
	memcpy(tcp + TCP_CSUM_OFFSET, &csum, 2);
	it->offset += payload;
	it->index++;
	*out_len = len;
	return 0;
}
