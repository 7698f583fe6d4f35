/* SPDX-License-Identifier: ISC */
/*
 * The tun offload code (lib/net/offload.h) over arbitrary bytes, two ways:
 * the whole input as a frame read from the device (net_gso_*), and the
 * input as a stream of packets, each behind a 2-byte big-endian length, as
 * decrypted peer traffic given to the coalescer (net_gro_*), writing into
 * a socketpair; an empty packet ends a batch (net_gro_flush). The length's
 * top bit asks for the packet's IPv4 header and TCP checksums to be made
 * right first: a mutated segment would otherwise nearly always fail them
 * and be written alone, and the merge rule would go untested.
 *
 * For the splitter: segments fit their buffer and never outgrow the frame.
 * For the coalescer, every frame it writes is read back and held against
 * what went in (abort() and a line on stderr when a promise is broken):
 *  - a frame without offload has a zeroed header and is an input packet,
 *    byte for byte (packets written alone and one-packet frames);
 *  - a super packet meets the kernel's TSO contract (virtio header fields,
 *    IP lengths, IPv4 header checksum, pseudo-header seed in the TCP
 *    checksum field), holds two segments or more, and splits into input
 *    packets whose checksums verify, equal but for what a merge may
 *    rewrite: IPv4 id, IPv4 reserved flag, checksums, urgent pointer;
 *  - every packet taken (all but VPN_ERR_INVALID, which is exactly "not
 *    IPv4/IPv6") comes out once: nothing lost, duplicated or invented.
 *    Packets one for one, which says more than per-flow byte counts;
 *  - a packet the coalescer must not hold (no ports read, not TCP, SYN/
 *    FIN/RST, IPv4 options, a checksum that fails) is out when its write
 *    returns, and nothing is held after a flush;
 *  - no packet leaves before an earlier one of its flow: same addresses
 *    and ports, or, when either has no ports we read (a fragment, an IPv6
 *    extension header), the same two hosts. Non-TCP packets keep their
 *    order per hosts and protocol.
 * Super packets are cut here by the kernel's rule (tcp_gso_segment:
 * gso_size bytes each, sequence numbers advanced, FIN/PSH kept for the
 * last, CWR for the first) after their virtio header is checked against
 * the packet, rather than with net_gso_*: gso.c and gro.c share one
 * reading of that header (and gso.c ignores hdr_len), so a misreading in
 * both would cancel out in a round trip, while the kernel would cut the
 * frame otherwise. net_gso_* splits each one too, and must agree on the
 * count and make segments whose checksums verify.
 * Checksums here come from tests/include/ref_csum.h, not lib/net.
 * A frame the socketpair refuses (counted as dropped) turns the loss and
 * order checks off for the rest of that input: the sender buffer is made
 * large enough that this should not happen.
 */
#include <fcntl.h>
#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"
#include "tests/include/ref_csum.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_CWR 0x80
#define TCP_HDR_MAX 60
#define HDR_MAX (60 + TCP_HDR_MAX) /* IPv4 with options; IPv6 is 40 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t seg[65536];
static uint8_t frame[NET_OFFLOAD_FRAME_MAX + 1];

static void split(const uint8_t *data, size_t size, size_t cap)
{
	struct net_gso_iter it;
	size_t len, total = 0;
	unsigned n = 0;

	if (net_gso_begin(&it, data, size) != 0)
		return;
	while (net_gso_next(&it, seg, cap, &len) == 0) {
		if (len > cap || len == 0)
			abort();
		total += len;
		/* each segment repeats at most 120 bytes of headers */
		if (++n > 65536 || total > size + (size_t)n * 120)
			abort();
	}
}

/* How a packet is ordered against others between the same hosts. */
enum order_kind {
	ORDER_PORTS, /* a TCP segment whose ports we read: its flow */
	ORDER_HOSTS, /* may carry TCP, ports unread: every TCP packet of its hosts */
	ORDER_OTHER, /* not TCP: its hosts and protocol */
};

struct in_pkt {
	const uint8_t *p; /* borrowed from the fuzz input */
	size_t len, ip_hlen, index; /* index: place in the stream, for reports */
	enum order_kind order;
	bool is_csum_ok;  /* may be a segment of a super packet */
	bool is_at_once;  /* must be out when its write returns */
	bool is_out;
};

struct oracle {
	struct in_pkt *in; /* owned: the packets taken, in order */
	size_t n_in, first_open; /* before first_open every packet is out */
	size_t now; /* the stream packet last written: where a frame came from */
	uint64_t invalid, frames;
	bool is_lossy;
};

static void fail(const char *why, size_t index)
{
	fprintf(stderr, "fuzz_tun_offload: %s (stream packet %zu)\n", why, index);
	abort();
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static bool is_ip(const uint8_t *p, size_t len)
{
	return len >= 20 && (p[0] >> 4 == 4 || (p[0] >> 4 == 6 && len >= 40));
}

static bool is_v6_tcpish(uint8_t next)
{
	/* TCP itself, or hop-by-hop, routing, fragment, AH, destination options */
	return next == 6 || next == 0 || next == 43 || next == 44 || next == 51 || next == 60;
}

static bool has_good_csums(const uint8_t *p, size_t len, size_t ip_hlen)
{
	if (p[0] >> 4 == 4 && ref_csum_fold(ref_csum_add(0, p, ip_hlen)) != 0xffff)
		return false;
	return ref_csum_fold(ref_csum_add(ref_csum_pseudo(p, len - ip_hlen), p + ip_hlen,
					  len - ip_hlen)) == 0xffff;
}

/* Our own reading of a packet taken, independent of gro.c's. */
static void classify(struct in_pkt *pk)
{
	const uint8_t *p = pk->p;
	bool is_v6 = p[0] >> 4 == 6;
	size_t h = is_v6 ? 40 : (size_t)(p[0] & 0x0f) * 4;
	bool is_tcp = is_v6 ? p[6] == 6 : p[9] == 6;

	pk->ip_hlen = h;
	if (is_v6 ? !is_v6_tcpish(p[6]) : !is_tcp)
		pk->order = ORDER_OTHER;
	else if (is_tcp && h >= 20 && h + 4 <= pk->len && (is_v6 || (get16(p + 6) & 0x3fff) == 0))
		pk->order = ORDER_PORTS;
	else
		pk->order = ORDER_HOSTS;
	pk->is_csum_ok = pk->order == ORDER_PORTS && h + 20 <= pk->len &&
			 has_good_csums(p, pk->len, h);
	pk->is_at_once = pk->order != ORDER_PORTS || !pk->is_csum_ok || (!is_v6 && h > 20) ||
			 (h + 14 <= pk->len && (p[h + 13] & (TCP_FIN | TCP_SYN | TCP_RST)));
}

static bool is_same_hosts(const uint8_t *a, const uint8_t *b)
{
	if (a[0] >> 4 != b[0] >> 4)
		return false;
	return a[0] >> 4 == 6 ? memcmp(a + 8, b + 8, 32) == 0 : memcmp(a + 12, b + 12, 8) == 0;
}

/* Whether b may not leave before a, a being earlier (see the top). */
static bool is_ordered(const struct in_pkt *a, const struct in_pkt *b)
{
	if (!is_same_hosts(a->p, b->p))
		return false;
	if (a->order == ORDER_OTHER || b->order == ORDER_OTHER)
		return a->order == b->order && a->p[a->p[0] >> 4 == 6 ? 6 : 9] ==
		       b->p[b->p[0] >> 4 == 6 ? 6 : 9];
	if (a->order == ORDER_HOSTS || b->order == ORDER_HOSTS)
		return true;
	return memcmp(a->p + a->ip_hlen, b->p + b->ip_hlen, 4) == 0;
}

static void mark_out(struct oracle *o, size_t j)
{
	for (size_t i = o->first_open; i < j && !o->is_lossy; i++)
		if (!o->in[i].is_out && is_ordered(&o->in[i], &o->in[j]))
			fail("left before an earlier packet of its flow", o->in[j].index);
	o->in[j].is_out = true;
	while (o->first_open < o->n_in && o->in[o->first_open].is_out)
		o->first_open++;
}

static void take_plain(struct oracle *o, const uint8_t *pkt, size_t len)
{
	for (size_t j = o->first_open; j < o->n_in; j++) {
		const struct in_pkt *pk = &o->in[j];

		if (!pk->is_out && pk->len == len && memcmp(pk->p, pkt, len) == 0) {
			mark_out(o, j);
			return;
		}
	}
	fail("a plain frame that is no packet waiting to go out", o->now);
}

/* Zeroes what a merge may rewrite in a segment's headers (hdr holds ip_hlen + TCP). */
static void mask_rewritten(uint8_t *hdr, size_t ip_hlen)
{
	if (hdr[0] >> 4 == 4) {
		memset(hdr + 4, 0, 2);  /* id: the kernel numbers segments from the first */
		hdr[6] &= 0x7f;         /* reserved flag: not compared by gro.c */
		memset(hdr + 10, 0, 2); /* header checksum */
	}
	memset(hdr + ip_hlen + 16, 0, 4); /* TCP checksum, urgent pointer (URG never merges) */
}

/* hdr: the segment's headers, masked; payload: its bytes inside the super packet. */
static void take_segment(struct oracle *o, const uint8_t *hdr, size_t hdr_len, size_t ip_hlen,
			 const uint8_t *payload, size_t payload_len)
{
	uint8_t mine[HDR_MAX];

	for (size_t j = o->first_open; j < o->n_in; j++) {
		const struct in_pkt *pk = &o->in[j];

		if (pk->is_out || !pk->is_csum_ok || pk->len != hdr_len + payload_len ||
		    memcmp(pk->p + hdr_len, payload, payload_len) != 0)
			continue;
		memcpy(mine, pk->p, hdr_len);
		mask_rewritten(mine, ip_hlen);
		if (memcmp(mine, hdr, hdr_len) == 0) {
			mark_out(o, j);
			return;
		}
	}
	fail("a merged segment that is no packet waiting to go out", o->now);
}

/* What the kernel needs of a TSO frame; the header length, or 0 when broken. */
static size_t check_super(const uint8_t *f, size_t len, size_t *out_ip_hlen)
{
	const uint8_t *ip = f + NET_VNET_HDR_LEN;
	size_t ip_len = len - NET_VNET_HDR_LEN, h, hdr_len;
	bool is_v6 = f[1] == VIRTIO_NET_HDR_GSO_TCPV6;

	if (f[0] != VIRTIO_NET_HDR_F_NEEDS_CSUM || ip_len < 40 || ip[0] >> 4 != (is_v6 ? 6 : 4) ||
	    (!is_v6 && f[1] != VIRTIO_NET_HDR_GSO_TCPV4))
		return 0;
	h = is_v6 ? 40 : (size_t)(ip[0] & 0x0f) * 4;
	if (is_v6 ? get16(ip + 4) != ip_len - 40 || ip[6] != 6 :
	    h < 20 || get16(ip + 2) != ip_len || ip[9] != 6 || (get16(ip + 6) & 0x3fff) != 0 ||
	    ref_csum_fold(ref_csum_add(0, ip, h)) != 0xffff)
		return 0;
	if (h + 20 > ip_len)
		return 0;
	hdr_len = h + (size_t)(ip[h + 12] >> 4) * 4;
	if (hdr_len < h + 20 || hdr_len > ip_len || host16(f + 2) != hdr_len ||
	    host16(f + 6) != h || host16(f + 8) != 16 || host16(f + 4) == 0 ||
	    ip_len - hdr_len <= host16(f + 4)) /* one segment goes out plain */
		return 0;
	/* NEEDS_CSUM: the field seeds the kernel's sum with the pseudo header, uncomplemented */
	if (get16(ip + h + 16) != ref_csum_fold(ref_csum_pseudo(ip, ip_len - h)))
		return 0;
	*out_ip_hlen = h;
	return hdr_len;
}

/* Cuts a super packet as the kernel's tcp_gso_segment would; the segment count. */
static unsigned take_super(struct oracle *o, const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + NET_VNET_HDR_LEN;
	size_t ip_len = len - NET_VNET_HDR_LEN, ip_hlen = 0, gso = host16(f + 4), off;
	size_t hdr_len = check_super(f, len, &ip_hlen);
	uint32_t seq;
	unsigned n = 0;

	if (hdr_len == 0)
		fail("a super packet the kernel would refuse", o->now);
	seq = (uint32_t)get16(ip + ip_hlen + 4) << 16 | get16(ip + ip_hlen + 6);
	for (off = hdr_len; off < ip_len; off += gso, n++) {
		size_t payload = ip_len - off < gso ? ip_len - off : gso;
		uint8_t hdr[HDR_MAX], *tcp = hdr + ip_hlen;
		uint32_t s = seq + (uint32_t)(off - hdr_len);
		size_t l3 = hdr_len + payload - (ip[0] >> 4 == 6 ? 40 : 0);

		memcpy(hdr, ip, hdr_len);
		hdr[ip[0] >> 4 == 6 ? 4 : 2] = (uint8_t)(l3 >> 8);
		hdr[ip[0] >> 4 == 6 ? 5 : 3] = (uint8_t)l3;
		tcp[4] = (uint8_t)(s >> 24);
		tcp[5] = (uint8_t)(s >> 16);
		tcp[6] = (uint8_t)(s >> 8);
		tcp[7] = (uint8_t)s;
		if (off + payload < ip_len)
			tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (n > 0)
			tcp[13] &= (uint8_t)~TCP_CWR;
		mask_rewritten(hdr, ip_hlen);
		take_segment(o, hdr, hdr_len, ip_hlen, ip + off, payload);
	}
	return n;
}

/* The library's own split of a super packet: its segments' checksums verify. */
static unsigned gso_split(const uint8_t *f, size_t len, size_t now)
{
	struct net_gso_iter it;
	size_t seg_len;
	unsigned n = 0;

	if (net_gso_begin(&it, f, len) != 0)
		fail("a super packet net_gso_begin refuses", now);
	while (net_gso_next(&it, seg, sizeof(seg), &seg_len) == 0) {
		size_t h = seg[0] >> 4 == 6 ? 40 : (size_t)(seg[0] & 0x0f) * 4;

		if (!has_good_csums(seg, seg_len, h))
			fail("net_gso_next made a segment with a bad checksum", now);
		n++;
	}
	return n;
}

static void take_frame(struct oracle *o, const uint8_t *f, size_t len)
{
	static const uint8_t no_offload[NET_VNET_HDR_LEN];

	o->frames++;
	if (len <= NET_VNET_HDR_LEN || len > NET_OFFLOAD_FRAME_MAX)
		fail("a frame of impossible length", o->now);
	if (f[1] == VIRTIO_NET_HDR_GSO_NONE) {
		if (memcmp(f, no_offload, sizeof(no_offload)) != 0)
			fail("a plain frame with offload fields set", o->now);
		take_plain(o, f + NET_VNET_HDR_LEN, len - NET_VNET_HDR_LEN);
		return;
	}
	if (take_super(o, f, len) != gso_split(f, len, o->now))
		fail("net_gso_* and the kernel's rule cut a super packet differently", o->now);
}

static void drain(struct oracle *o, int fd)
{
	ssize_t n;

	while ((n = recv(fd, frame, sizeof(frame), MSG_DONTWAIT)) > 0)
		take_frame(o, frame, (size_t)n);
}

/* Records a packet given to the coalescer; ret is what net_gro_write said. */
static void note_input(struct oracle *o, const uint8_t *pkt, size_t len, int ret, size_t index)
{
	struct in_pkt *pk = &o->in[o->n_in];

	if (ret == VPN_ERR_INVALID) {
		if (is_ip(pkt, len))
			fail("an IP packet refused as invalid", index);
		o->invalid++;
		return;
	}
	if (!is_ip(pkt, len) || (ret != 0 && ret != VPN_ERR_IO))
		fail("a packet that is not IP taken, or an unknown result", index);
	memset(pk, 0, sizeof(*pk));
	pk->p = pkt;
	pk->len = len;
	pk->index = index;
	classify(pk);
	o->n_in++;
}

/* After a write (and its frames read back): what must be out by now is. */
static void check_held(struct oracle *o, const struct net_gro *g, bool is_flushed, size_t index)
{
	struct net_gro_stats st;

	net_gro_get_stats(g, &st);
	if (st.dropped > o->invalid)
		o->is_lossy = true;
	if (o->is_lossy)
		return;
	if (is_flushed && o->first_open != o->n_in)
		fail("a packet taken is not out after a flush", o->in[o->first_open].index);
	if (o->n_in > 0 && o->in[o->n_in - 1].index == index && o->in[o->n_in - 1].is_at_once &&
	    !o->in[o->n_in - 1].is_out)
		fail("held a packet that must go at once", index);
}

static int open_pair(int fds[2])
{
	int sz = 4 << 20;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) != 0)
		return -1;
	/* Root may go past wmem_max: room for every frame one write can cause. */
	if (setsockopt(fds[0], SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	return fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

/* The length word's top bit: see the top of this file. */
static void fix_csums(uint8_t *p, size_t len)
{
	size_t h = p[0] >> 4 == 6 ? 40 : (size_t)(p[0] & 0x0f) * 4;
	uint16_t c;

	if (!is_ip(p, len) || h < 20 || h + 20 > len)
		return;
	if (p[0] >> 4 == 4) {
		memset(p + 10, 0, 2);
		c = (uint16_t)~ref_csum_fold(ref_csum_add(0, p, h));
		p[10] = (uint8_t)(c >> 8);
		p[11] = (uint8_t)c;
	}
	if (p[p[0] >> 4 == 6 ? 6 : 9] != 6 || (p[0] >> 4 == 4 && (get16(p + 6) & 0x3fff) != 0))
		return; /* a fragment's checksum covers the whole datagram */
	memset(p + h + 16, 0, 2);
	c = (uint16_t)~ref_csum_fold(ref_csum_add(ref_csum_pseudo(p, len - h), p + h, len - h));
	p[h + 16] = (uint8_t)(c >> 8);
	p[h + 17] = (uint8_t)c;
}

static void coalesce(const uint8_t *data, size_t size)
{
	static int fds[2] = { -1, -1 };
	struct oracle o = { 0 };
	struct net_gro_stats st;
	struct net_gro *g;
	size_t pos = 0, index = 0;
	uint8_t *pkts = malloc(size + 1); /* the stream, checksums fixed; the oracle borrows it */

	if (fds[0] < 0 && open_pair(fds) != 0)
		abort();
	/* a packet taken is 20 bytes or more, behind its 2-byte length */
	o.in = calloc(size / 22 + 1, sizeof(*o.in));
	g = net_gro_new(fds[0], 2);
	if (g == NULL || o.in == NULL || pkts == NULL)
		abort();
	memcpy(pkts, data, size);
	for (; size - pos >= 2; index++) {
		size_t word = (size_t)pkts[pos] << 8 | pkts[pos + 1], len = word & 0x7fff;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		if (word & 0x8000)
			fix_csums(pkts + pos, len);
		o.now = index;
		note_input(&o, pkts + pos, len, net_gro_write(g, pkts + pos, len), index);
		pos += len;
		if (len == 0) /* an empty packet marks the end of a batch */
			(void)net_gro_flush(g);
		drain(&o, fds[1]);
		check_held(&o, g, len == 0, index);
	}
	(void)net_gro_flush(g);
	drain(&o, fds[1]);
	check_held(&o, g, true, index);
	net_gro_get_stats(g, &st);
	if (st.packets != index || (!o.is_lossy && st.frames != o.frames))
		fail("stats that do not count what happened", index);
	net_gro_free(g);
	free(o.in);
	free(pkts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	split(data, size, sizeof(seg));
	split(data, size, 1500);
	coalesce(data, size);
	return 0;
}
