/* SPDX-License-Identifier: ISC */
/*
 * Merging the decrypted TCP segments of one flow into a super packet the
 * kernel takes in one write and one trip through its forwarding path (the
 * reverse of gso.c). Each flow slot owns one frame buffer (virtio-net
 * header, then the IP packet being built), allocated once in net_gro_new.
 *
 * The rule follows the kernel's own tcp_gro_receive, so that what the
 * kernel re-segments is what the peer sent: a segment joins a flow's frame
 * when addresses, ports, IP TOS/TTL/DF (IPv6: class, label, hop limit), ACK,
 * window, header lengths and options are equal, its sequence number
 * continues the frame, and its payload is no larger than the first
 * segment's. A shorter segment or one with PSH closes the frame. One
 * difference: IPv4 ids are not compared (the kernel wants them consecutive,
 * or fixed with DF); the kernel numbers the segments of a merged frame on
 * from the first one's id, so a segment may leave with another id than it
 * came with. Only fragment reassembly reads ids, and these are never
 * fragments.
 *
 * Order within a flow is kept: a packet that is not merged is written
 * after the held frame of its flow, and one whose ports we cannot read (a
 * fragment, a segment behind IPv6 extension headers) after every held
 * frame between its two hosts.
 *
 * Checksums: the kernel treats a NEEDS_CSUM frame's data as correct and
 * computes the checksum of each segment afresh, so a corrupted segment
 * inside a super packet would be delivered "repaired". Every segment's TCP
 * checksum (and IPv4 header checksum) is therefore verified before it
 * joins a frame; one that fails is written alone, unchanged, for the
 * receiver to drop. This costs one pass over the data, small next to its
 * decryption.
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"

#define IPPROTO_TCP_NUM 6
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_URG 0x20
#define TCP_FLAG_CWR 0x80
#define TCP_NO_MERGE (TCP_FLAG_FIN | TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_URG | TCP_FLAG_CWR)
#define IP_PACKET_MAX 65535

/* One TCP segment as the merge rule sees it; views into the packet. */
struct seg {
	const uint8_t *pkt;
	size_t len, ip_hlen, hdr_len; /* hdr_len: IP + TCP headers */
	bool is_v6;
	uint32_t seq;
	uint8_t tcp_flags;
};

struct flow {
	uint8_t *frame;     /* NET_OFFLOAD_FRAME_MAX bytes in net_gro's block, header first */
	size_t len;         /* IP packet bytes held after the header; 0 = slot free */
	size_t ip_hlen, hdr_len, gso_size;
	unsigned segs;
	uint32_t next_seq;
	uint64_t age;       /* when the slot was taken: the smallest is evicted */
	bool is_v6, is_closed;
};

/* Frames start on cache lines. */
#define FRAME_STRIDE ((NET_OFFLOAD_FRAME_MAX + 63) & ~(size_t)63)

struct net_gro {
	int fd;
	unsigned max_flows;
	/* owned: every flow's frame, one block. Sixteen separate 64 KiB
	 * mallocs come from the heap, and each writes its chunk header into a
	 * page an idle worker then keeps; a block this size is mapped, and no
	 * page of it is given to the process before traffic fills it. */
	uint8_t *frames;
	uint64_t clock;
	struct net_gro_stats stats;
	struct flow flows[];
};

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint64_t be16_sum(uint16_t v)
{
	uint8_t b[2];
	uint16_t h;

	put16(b, v);
	memcpy(&h, b, 2);
	return h;
}

struct net_gro *net_gro_new(int fd, unsigned max_flows)
{
	struct net_gro *g;

	if (max_flows < 1 || max_flows > 64)
		return NULL;
	g = calloc(1, sizeof(*g) + max_flows * sizeof(g->flows[0]));
	if (g == NULL)
		return NULL;
	g->fd = fd;
	g->max_flows = max_flows;
	g->frames = malloc((size_t)max_flows * FRAME_STRIDE);
	if (g->frames == NULL) {
		free(g);
		return NULL;
	}
	for (unsigned i = 0; i < max_flows; i++)
		g->flows[i].frame = g->frames + (size_t)i * FRAME_STRIDE;
	return g;
}

void net_gro_free(struct net_gro *g)
{
	if (g == NULL)
		return;
	free(g->frames);
	free(g);
}

void net_gro_get_stats(const struct net_gro *g, struct net_gro_stats *out)
{
	*out = g->stats;
}

/* Queue full is a drop, as for a plain tun write; anything else is fatal. */
static int account(struct net_gro *g, int ret)
{
	if (ret == 0) {
		g->stats.frames++;
		return 0;
	}
	g->stats.dropped++;
	return ret == VPN_ERR_AGAIN ? 0 : VPN_ERR_IO;
}

static uint64_t pseudo_sum(const uint8_t *ip, bool is_v6, size_t tcp_len)
{
	uint64_t sum = be16_sum(IPPROTO_TCP_NUM) + be16_sum((uint16_t)tcp_len);

	return is_v6 ? net_gso_csum_add(sum, ip + 8, 32) : net_gso_csum_add(sum, ip + 12, 8);
}

/* Turns a flow's frame of two or more segments into one the kernel re-segments. */
static void finish_frame(struct flow *f)
{
	uint8_t *hdr = f->frame, *ip = f->frame + NET_VNET_HDR_LEN;
	uint16_t v, csum;

	hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr[1] = f->is_v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	v = (uint16_t)f->hdr_len;
	memcpy(hdr + 2, &v, 2);
	v = (uint16_t)f->gso_size;
	memcpy(hdr + 4, &v, 2);
	v = (uint16_t)f->ip_hlen;
	memcpy(hdr + 6, &v, 2);
	v = 16;
	memcpy(hdr + 8, &v, 2);
	if (f->is_v6) {
		put16(ip + 4, (uint16_t)(f->len - 40));
	} else {
		put16(ip + 2, (uint16_t)f->len);
		memset(ip + 10, 0, 2);
		csum = (uint16_t)~net_gso_csum_fold(net_gso_csum_add(0, ip, f->ip_hlen));
		memcpy(ip + 10, &csum, 2);
	}
	/* NEEDS_CSUM: the field holds the pseudo-header sum, uncomplemented. */
	csum = net_gso_csum_fold(pseudo_sum(ip, f->is_v6, f->len - f->ip_hlen));
	memcpy(ip + f->ip_hlen + 16, &csum, 2);
}

static int flush_flow(struct net_gro *g, struct flow *f)
{
	int ret;

	if (f->len == 0)
		return 0;
	if (f->segs == 1) {
		memset(f->frame, 0, NET_VNET_HDR_LEN); /* alone: as it came, checksums its own */
	} else {
		finish_frame(f);
	}
	ret = net_tun_write(g->fd, f->frame, NET_VNET_HDR_LEN + f->len);
	f->len = 0;
	return account(g, ret);
}

int net_gro_flush(struct net_gro *g)
{
	int ret = 0;

	for (unsigned i = 0; i < g->max_flows; i++)
		if (flush_flow(g, &g->flows[i]) != 0)
			ret = VPN_ERR_IO;
	return ret;
}

enum seg_kind {
	SEG_OTHER, /* not a TCP segment we can tie to a flow: written at once (flush_hosts) */
	SEG_ALONE, /* a flow's segment that must not be merged: written after its flow */
	SEG_MERGE, /* may join its flow's frame */
};

static bool is_csum_ok(const struct seg *s)
{
	uint64_t sum = pseudo_sum(s->pkt, s->is_v6, s->len - s->ip_hlen);

	if (!s->is_v6 && net_gso_csum_fold(net_gso_csum_add(0, s->pkt, s->ip_hlen)) != 0xffff)
		return false;
	return net_gso_csum_fold(net_gso_csum_add(sum, s->pkt + s->ip_hlen,
						  s->len - s->ip_hlen)) == 0xffff;
}

/* The IP layer: where the TCP header starts, or SEG_OTHER. */
static enum seg_kind parse_ip(struct seg *s)
{
	const uint8_t *ip = s->pkt;

	if (s->is_v6) {
		if (get16(ip + 4) != s->len - 40 || ip[6] != IPPROTO_TCP_NUM)
			return SEG_OTHER;
		s->ip_hlen = 40;
		return SEG_MERGE;
	}
	s->ip_hlen = (size_t)(ip[0] & 0x0f) * 4;
	if (s->ip_hlen < 20 || s->ip_hlen > s->len || get16(ip + 2) != s->len ||
	    ip[9] != IPPROTO_TCP_NUM || (get16(ip + 6) & 0x3fff) != 0)
		return SEG_OTHER; /* fragments included: their flow is not known */
	/* IP options, or the reserved flag, which a merged frame would spread or lose */
	return s->ip_hlen == 20 && !(ip[6] & 0x80) ? SEG_MERGE : SEG_ALONE;
}

static int parse_seg(struct seg *s, const uint8_t *pkt, size_t len, enum seg_kind *out)
{
	enum seg_kind kind;
	size_t tcp_hlen;

	memset(s, 0, sizeof(*s));
	s->pkt = pkt;
	s->len = len;
	if (len < 20 || (pkt[0] >> 4 != 4 && pkt[0] >> 4 != 6) || (pkt[0] >> 4 == 6 && len < 40))
		return VPN_ERR_INVALID;
	s->is_v6 = pkt[0] >> 4 == 6;
	kind = parse_ip(s);
	if (kind == SEG_OTHER || len - s->ip_hlen < 20) {
		*out = SEG_OTHER;
		return 0;
	}
	tcp_hlen = (size_t)(pkt[s->ip_hlen + 12] >> 4) * 4;
	if (tcp_hlen < 20 || tcp_hlen > len - s->ip_hlen) {
		*out = SEG_OTHER;
		return 0;
	}
	s->hdr_len = s->ip_hlen + tcp_hlen;
	s->seq = get32(pkt + s->ip_hlen + 4);
	s->tcp_flags = pkt[s->ip_hlen + 13];
	if ((s->tcp_flags & TCP_NO_MERGE) || !(s->tcp_flags & TCP_FLAG_ACK) || len == s->hdr_len ||
	    !is_csum_ok(s))
		kind = SEG_ALONE;
	*out = kind;
	return 0;
}

static bool is_same_hosts(const struct flow *f, const struct seg *s)
{
	const uint8_t *ip = f->frame + NET_VNET_HDR_LEN;

	if (f->len == 0 || f->is_v6 != s->is_v6)
		return false;
	return s->is_v6 ? memcmp(ip + 8, s->pkt + 8, 32) == 0 : memcmp(ip + 12, s->pkt + 12, 8) == 0;
}

/*
 * Runs for every segment: the address compare is repeated rather than
 * taken from is_same_hosts, which gcc -O2 leaves a call (+1.7% instructions
 * per merged segment under callgrind).
 */
static bool is_same_flow(const struct flow *f, const struct seg *s)
{
	const uint8_t *ip = f->frame + NET_VNET_HDR_LEN;

	if (f->len == 0 || f->is_v6 != s->is_v6)
		return false;
	if (memcmp(ip + f->ip_hlen, s->pkt + s->ip_hlen, 4) != 0) /* ports */
		return false;
	return s->is_v6 ? memcmp(ip + 8, s->pkt + 8, 32) == 0 : memcmp(ip + 12, s->pkt + 12, 8) == 0;
}

static struct flow *find_flow(struct net_gro *g, const struct seg *s)
{
	for (unsigned i = 0; i < g->max_flows; i++)
		if (is_same_flow(&g->flows[i], s))
			return &g->flows[i];
	return NULL;
}

/* Everything the split copies from the first segment must be equal in this one. */
static bool can_merge(const struct flow *f, const struct seg *s)
{
	const uint8_t *ip = f->frame + NET_VNET_HDR_LEN, *tcp = ip + f->ip_hlen;
	const uint8_t *sip = s->pkt, *stcp = sip + s->ip_hlen;
	size_t payload = s->len - s->hdr_len;

	if (f->is_closed || s->hdr_len != f->hdr_len || s->seq != f->next_seq ||
	    payload > f->gso_size || f->len + payload > IP_PACKET_MAX)
		return false;
	if (s->is_v6 ? memcmp(ip, sip, 4) != 0 || ip[7] != sip[7] :
	    ip[1] != sip[1] || ip[8] != sip[8] || ((ip[6] ^ sip[6]) & 0x40) != 0)
		return false;
	if (memcmp(tcp + 8, stcp + 8, 5) != 0 || ((tcp[13] ^ stcp[13]) & ~TCP_FLAG_PSH) != 0 ||
	    memcmp(tcp + 14, stcp + 14, 2) != 0)
		return false;
	return memcmp(tcp + 20, stcp + 20, f->hdr_len - f->ip_hlen - 20) == 0;
}

static void append(struct flow *f, const struct seg *s)
{
	size_t payload = s->len - s->hdr_len;

	memcpy(f->frame + NET_VNET_HDR_LEN + f->len, s->pkt + s->hdr_len, payload);
	f->len += payload;
	f->segs++;
	f->next_seq += (uint32_t)payload;
	if (s->tcp_flags & TCP_FLAG_PSH) {
		f->frame[NET_VNET_HDR_LEN + f->ip_hlen + 13] |= TCP_FLAG_PSH;
		f->is_closed = true;
	}
	if (payload < f->gso_size)
		f->is_closed = true;
}

static void start(struct net_gro *g, struct flow *f, const struct seg *s)
{
	memcpy(f->frame + NET_VNET_HDR_LEN, s->pkt, s->len);
	f->len = s->len;
	f->ip_hlen = s->ip_hlen;
	f->hdr_len = s->hdr_len;
	f->gso_size = s->len - s->hdr_len;
	f->segs = 1;
	f->next_seq = s->seq + (uint32_t)f->gso_size;
	f->age = g->clock++;
	f->is_v6 = s->is_v6;
	f->is_closed = (s->tcp_flags & TCP_FLAG_PSH) != 0;
}

/*
 * Whether a packet we cannot tie to a flow may still be part of one of
 * ours: a fragment of a TCP segment (IPv4, or behind IPv6's fragment
 * header) or a segment behind other IPv6 extension headers has no ports
 * we read, yet the receiver sees it in the middle of its flow. UDP, ICMP
 * and the rest are flows of their own and may pass the held frames.
 */
static bool may_carry_tcp(const struct seg *s)
{
	if (!s->is_v6)
		return s->pkt[9] == IPPROTO_TCP_NUM;
	switch (s->pkt[6]) {
	case IPPROTO_TCP_NUM:
	case 0:   /* hop-by-hop options */
	case 43:  /* routing */
	case 44:  /* fragment */
	case 51:  /* authentication header */
	case 60:  /* destination options */
		return true;
	default:
		return false;
	}
}

/* Writes the frames such a packet would otherwise overtake: every flow between its hosts. */
static int flush_hosts(struct net_gro *g, const struct seg *s)
{
	int ret = 0;

	if (!may_carry_tcp(s))
		return 0;
	for (unsigned i = 0; i < g->max_flows; i++)
		if (is_same_hosts(&g->flows[i], s) && flush_flow(g, &g->flows[i]) != 0)
			ret = VPN_ERR_IO;
	return ret;
}

/* A free slot, or the oldest frame's slot once that frame is written. */
static struct flow *take_slot(struct net_gro *g, int *out_ret)
{
	struct flow *oldest = &g->flows[0];

	for (unsigned i = 0; i < g->max_flows; i++) {
		if (g->flows[i].len == 0)
			return &g->flows[i];
		if (g->flows[i].age < oldest->age)
			oldest = &g->flows[i];
	}
	*out_ret = flush_flow(g, oldest);
	return oldest;
}

int net_gro_write(struct net_gro *g, const uint8_t *pkt, size_t len)
{
	enum seg_kind kind;
	struct flow *f = NULL;
	struct seg s;
	int ret = 0;

	g->stats.packets++;
	if (parse_seg(&s, pkt, len, &kind) != 0) {
		g->stats.dropped++;
		return VPN_ERR_INVALID;
	}
	if (kind != SEG_OTHER)
		f = find_flow(g, &s);
	if (kind == SEG_MERGE && f != NULL && can_merge(f, &s)) {
		append(f, &s);
		return 0;
	}
	if (f != NULL)
		ret = flush_flow(g, f);
	else if (kind == SEG_OTHER)
		ret = flush_hosts(g, &s);
	if (kind != SEG_MERGE) {
		int wret = account(g, net_tun_write_plain(g->fd, pkt, len));

		return ret != 0 ? ret : wret;
	}
	if (f == NULL)
		f = take_slot(g, &ret);
	start(g, f, &s);
	return ret;
}
