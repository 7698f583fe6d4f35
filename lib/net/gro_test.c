/* SPDX-License-Identifier: ISC */
/*
 * The coalescer writing into one end of an AF_UNIX SOCK_SEQPACKET pair,
 * which keeps every write as one message, as a tun device does with frames.
 * Packets are built by gso_testpkt.h with the reference checksum; merged
 * frames are checked field by field against the virtio-net contract and
 * split back with net_gso_* to the exact packets that went in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"

#include "lib/net/gso_testpkt.h"

#define MAX_PKTS 64

struct fixture {
	int fds[2]; /* [0] the coalescer's "device", [1] the test reads frames */
	struct net_gro *gro;
	uint8_t pkts[MAX_PKTS][1600];
	size_t lens[MAX_PKTS];
	uint8_t frame[NET_OFFLOAD_FRAME_MAX + 1];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int sz = 4 << 20;

	assert_non_null(fx);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fx->fds), 0);
	/* Root may go past wmem_max; otherwise the default holds a few 64 KiB frames. */
	(void)setsockopt(fx->fds[0], SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fx->fds[1], SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	assert_int_equal(fcntl(fx->fds[0], F_SETFL, O_NONBLOCK), 0);
	fx->gro = net_gro_new(fx->fds[0], 8);
	assert_non_null(fx->gro);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	net_gro_free(fx->gro);
	close(fx->fds[0]);
	close(fx->fds[1]);
	free(fx);
	return 0;
}

/* The next frame written, or 0 when none is waiting. */
static size_t next_frame(struct fixture *fx)
{
	ssize_t n = recv(fx->fds[1], fx->frame, sizeof(fx->frame), MSG_DONTWAIT);

	return n < 0 ? 0 : (size_t)n;
}

/* Packet i of a bulk flow: consecutive sequence numbers and IP ids. */
static struct tp_spec bulk(bool is_v6, unsigned i, size_t mss)
{
	struct tp_spec sp = {
		.is_v6 = is_v6, .seq = 1000000 + (uint32_t)(i * mss), .ack = 555,
		.ip_id = (uint16_t)(300 + i), .flags = TP_ACK, .opts = tp_ts_opts, .opts_len = 12,
		.payload_len = mss, .payload_at = i * mss % 60000,
	};
	return sp;
}

static void put(struct fixture *fx, unsigned i, const struct tp_spec *sp)
{
	fx->lens[i] = tp_build_tcp(fx->pkts[i], sp);
	assert_int_equal(net_gro_write(fx->gro, fx->pkts[i], fx->lens[i]), 0);
}

static void expect_plain(struct fixture *fx, unsigned i)
{
	size_t n = next_frame(fx);
	static const uint8_t zero[10];

	assert_int_equal(n, 10 + fx->lens[i]);
	assert_memory_equal(fx->frame, zero, 10);
	assert_memory_equal(fx->frame + 10, fx->pkts[i], fx->lens[i]);
}

static uint16_t host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* A merged frame of packets first..last: header, fields, and its split. */
static void expect_merged(struct fixture *fx, unsigned first, unsigned last)
{
	size_t n = next_frame(fx), h = fx->pkts[first][0] >> 4 == 6 ? 40 : 20, len;
	uint8_t *ip = fx->frame + 10, seg[1600];
	size_t hdr_len = h + (size_t)(ip[h + 12] >> 4) * 4;
	struct net_gso_iter it;

	assert_true(n > 10);
	assert_int_equal(fx->frame[0], 1);             /* NEEDS_CSUM */
	assert_int_equal(fx->frame[1], h == 40 ? 4 : 1); /* TCPV6 / TCPV4 */
	assert_int_equal(host16(fx->frame + 2), hdr_len);
	assert_int_equal(host16(fx->frame + 4), fx->lens[first] - hdr_len);
	assert_int_equal(host16(fx->frame + 6), h);
	assert_int_equal(host16(fx->frame + 8), 16);
	if (h == 20) {
		assert_int_equal(tp_get16(ip + 2), n - 10);
		assert_int_equal(tp_ip_verify(ip), 0xffff);
	} else {
		assert_int_equal(tp_get16(ip + 4), n - 50);
	}
	assert_int_equal(tp_get16(ip + h + 16), ref_csum_fold(ref_csum_pseudo(ip, n - 10 - h)));
	assert_int_equal(net_gso_begin(&it, fx->frame, n), 0);
	for (unsigned i = first; i <= last; i++) {
		assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), 0);
		assert_int_equal(len, fx->lens[i]);
		assert_memory_equal(seg, fx->pkts[i], len);
	}
	assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), VPN_ERR_NOT_FOUND);
}

static void contiguous_merge(void **state)
{
	struct fixture *fx = *state;
	struct net_gro_stats st;

	for (int v6 = 0; v6 < 2; v6++) {
		for (unsigned i = 0; i < 10; i++) {
			struct tp_spec sp = bulk(v6, i, 1368);

			if (i == 9) {
				sp.payload_len = 500; /* a short last one still joins */
				sp.flags |= TP_PSH;
			}
			put(fx, i, &sp);
		}
		assert_int_equal(next_frame(fx), 0); /* held until the flush */
		assert_int_equal(net_gro_flush(fx->gro), 0);
		expect_merged(fx, 0, 9);
		assert_int_equal(next_frame(fx), 0);
	}
	net_gro_get_stats(fx->gro, &st);
	assert_int_equal(st.packets, 20);
	assert_int_equal(st.frames, 2);
	assert_int_equal(st.dropped, 0);
}

/* Each change in the second half of a pair ends the first frame. */
static void breaks_split(void **state)
{
	struct fixture *fx = *state;

	for (int what = 0; what < 9; what++) {
		for (unsigned i = 0; i < 4; i++) {
			struct tp_spec sp = bulk(false, i, 1368);
			static uint8_t other_ts[12] = { 1, 1, 8, 10, 0, 0, 0x12, 0x35, 0, 0, 0x56, 0x78 };

			if (i >= 2) {
				switch (what) {
				case 0: sp.seq += 1; break;              /* gap */
				case 1: sp.ack += 1448; break;           /* ACK moved */
				case 2: sp.flags |= TP_ECE; break;       /* flag */
				case 3: sp.opts = other_ts; break;       /* option */
				case 4: sp.window = 600; break;          /* window */
				case 5: sp.ttl = 63; break;              /* IP field */
				case 6: sp.tos = 1; break;
				case 7: sp.payload_len = 1369; break;    /* larger than the first */
				default: sp.seq += 1; sp.sport = 40001; break; /* other flow */
				}
			}
			if (i == 3 && what != 8)
				sp.seq = bulk(false, 2, 1368).seq + (what == 0 ? 1 : 0) + (uint32_t)sp.payload_len;
			put(fx, i, &sp);
		}
		assert_int_equal(net_gro_flush(fx->gro), 0);
		/* the other flow (8) took the next slot: flush order is the same */
		expect_merged(fx, 0, 1);
		expect_merged(fx, 2, 3);
		assert_int_equal(next_frame(fx), 0);
	}
}

/* A segment that cannot join is written after its flow's frame, in order. */
static void order_within_flow(void **state)
{
	struct fixture *fx = *state;
	struct tp_spec sp;

	put(fx, 0, (sp = bulk(false, 0, 1368), &sp));
	put(fx, 1, (sp = bulk(false, 1, 1368), &sp));
	sp = bulk(false, 2, 1368);
	sp.payload_len = 0; /* a pure ACK */
	put(fx, 2, &sp);
	expect_merged(fx, 0, 1);
	expect_plain(fx, 2);
	put(fx, 3, (sp = bulk(false, 2, 1368), &sp));
	sp = bulk(false, 3, 1368);
	sp.flags |= TP_FIN;
	put(fx, 4, &sp);
	expect_plain(fx, 3); /* alone in its frame: written as it came */
	expect_plain(fx, 4);
	put(fx, 5, (sp = bulk(false, 10, 1368), &sp));
	assert_int_equal(net_gro_flush(fx->gro), 0);
	expect_plain(fx, 5);
	assert_int_equal(next_frame(fx), 0);
}

static void non_tcp_at_once(void **state)
{
	struct fixture *fx = *state;
	struct tp_spec sp = bulk(false, 0, 1368);
	uint8_t udp[64]; /* room for an IPv6 header, which tp_build_ip may write */
	size_t h = tp_build_ip(udp, &sp, 17, 18), ulen = h + 18;

	put(fx, 0, &sp);
	memset(udp + h, 0, 18);
	assert_int_equal(net_gro_write(fx->gro, udp, ulen), 0);
	assert_int_equal(next_frame(fx), 10 + ulen); /* not held behind the TCP flow */
	assert_memory_equal(fx->frame + 10, udp, ulen);
	assert_int_equal(next_frame(fx), 0);
	assert_int_equal(net_gro_write(fx->gro, udp, 0), VPN_ERR_INVALID);
	udp[0] = 0x55;
	assert_int_equal(net_gro_write(fx->gro, udp, ulen), VPN_ERR_INVALID);
	assert_int_equal(net_gro_write(fx->gro, udp, 19), VPN_ERR_INVALID);
	assert_int_equal(net_gro_flush(fx->gro), 0);
	expect_plain(fx, 0);
}

/* A corrupted segment is never part of a frame whose checksum the kernel computes. */
static void bad_checksum_not_merged(void **state)
{
	struct fixture *fx = *state;
	struct tp_spec sp;

	for (int ip_hdr = 0; ip_hdr < 2; ip_hdr++) {
		put(fx, 0, (sp = bulk(false, 0, 1368), &sp));
		sp = bulk(false, 1, 1368);
		fx->lens[1] = tp_build_tcp(fx->pkts[1], &sp);
		fx->pkts[1][ip_hdr ? 8 : 500] ^= 0x01; /* TTL (IPv4 header sum) or data */
		assert_int_equal(net_gro_write(fx->gro, fx->pkts[1], fx->lens[1]), 0);
		put(fx, 2, (sp = bulk(false, 2, 1368), &sp));
		put(fx, 3, (sp = bulk(false, 3, 1368), &sp));
		assert_int_equal(net_gro_flush(fx->gro), 0);
		expect_plain(fx, 0);
		expect_plain(fx, 1);
		expect_merged(fx, 2, 3);
		assert_int_equal(next_frame(fx), 0);
	}
}

/*
 * The IPv4 reserved flag (the "evil bit") is kept on its segment: merged,
 * the kernel would cut the frame into segments that all carry the first
 * one's flags.
 */
static void reserved_flag_not_merged(void **state)
{
	struct fixture *fx = *state;
	struct tp_spec sp;
	uint8_t *ip;

	put(fx, 0, (sp = bulk(false, 0, 1368), &sp));
	sp = bulk(false, 1, 1368);
	fx->lens[1] = tp_build_tcp(fx->pkts[1], &sp);
	ip = fx->pkts[1];
	ip[6] |= 0x80;
	tp_put16(ip + 10, 0);
	tp_put16(ip + 10, (uint16_t)~ref_csum_fold(ref_csum_add(0, ip, 20)));
	assert_int_equal(tp_ip_verify(ip), 0xffff);
	assert_int_equal(net_gro_write(fx->gro, fx->pkts[1], fx->lens[1]), 0);
	put(fx, 2, (sp = bulk(false, 2, 1368), &sp));
	put(fx, 3, (sp = bulk(false, 3, 1368), &sp));
	assert_int_equal(net_gro_flush(fx->gro), 0);
	expect_plain(fx, 0);
	expect_plain(fx, 1);
	expect_merged(fx, 2, 3);
	assert_int_equal(next_frame(fx), 0);
}

/* 52 bytes of headers + 45 * 1448 = 65212; a 46th segment would pass 65535. */
static void ip_length_bound(void **state)
{
	struct fixture *fx = *state;

	for (unsigned i = 0; i < 50; i++) {
		struct tp_spec sp = bulk(false, i, 1448);

		put(fx, i, &sp);
	}
	assert_int_equal(next_frame(fx), 10 + 65212); /* the 46th started a new frame */
	assert_int_equal(net_gro_flush(fx->gro), 0);
	expect_merged(fx, 45, 49);
	assert_int_equal(next_frame(fx), 0);
}

static void full_table_flushes_oldest(void **state)
{
	struct fixture *fx = *state;
	struct tp_spec sp;

	net_gro_free(fx->gro);
	fx->gro = net_gro_new(fx->fds[0], 2);
	assert_non_null(fx->gro);
	for (unsigned f = 0; f < 3; f++) {
		sp = bulk(f == 1, f, 1368);
		sp.sport = (uint16_t)(41000 + f);
		put(fx, f == 2 ? 3 : f, &sp);
	}
	expect_plain(fx, 0); /* flow 0 gave its slot to flow 2 */
	assert_int_equal(next_frame(fx), 0);
	sp = bulk(true, 2, 1368);
	sp.sport = 41001;
	put(fx, 2, &sp); /* flow 1 continues */
	assert_int_equal(net_gro_flush(fx->gro), 0);
	/* slot order: flow 2 took slot 0 */
	expect_plain(fx, 3);
	expect_merged(fx, 1, 2);
	assert_null(net_gro_new(fx->fds[0], 0));
	assert_null(net_gro_new(fx->fds[0], 65));
}

/* gro(split(frame)) is the frame, but for hdr_len (ours is the header's length). */
static void round_trip(void **state)
{
	struct fixture *fx = *state;
	static uint8_t in[NET_OFFLOAD_FRAME_MAX];
	uint8_t seg[1600];
	size_t len, flen;

	for (int v6 = 0; v6 < 2; v6++) {
		struct tp_spec sp = bulk(v6, 0, 0);
		struct net_gso_iter it;

		sp.payload_len = 65535 - (v6 ? 72 : 32) - 1000; /* 40-byte v6 header counts apart */
		sp.flags |= TP_PSH;
		flen = tp_build_tso(in, &sp, 1368);
		assert_int_equal(net_gso_begin(&it, in, flen), 0);
		while (net_gso_next(&it, seg, sizeof(seg), &len) == 0)
			assert_int_equal(net_gro_write(fx->gro, seg, len), 0);
		assert_int_equal(net_gro_flush(fx->gro), 0);
		assert_int_equal(next_frame(fx), flen);
		assert_memory_equal(fx->frame, in, flen);
	}
}

/*
 * Non-mergeable packets that may belong to a pending TCP flow: the pieces
 * of a fragmented segment (IPv4, and IPv6's fragment header) carry no
 * ports to find the flow by, and a segment with IPv4 options is never
 * merged. Each is built from a whole segment of the flow.
 */
static size_t frag_v4(uint8_t *out, const uint8_t *seg, size_t from, size_t to, bool has_more)
{
	size_t len = 20 + to - from;

	memcpy(out, seg, 20);
	memcpy(out + 20, seg + 20 + from, to - from);
	tp_put16(out + 2, (uint32_t)len);
	tp_put16(out + 6, (uint32_t)(from / 8) | (has_more ? 0x2000 : 0));
	tp_put16(out + 10, 0);
	tp_put16(out + 10, (uint16_t)~ref_csum_fold(ref_csum_add(0, out, 20)));
	return len;
}

static size_t frag_v6(uint8_t *out, const uint8_t *seg, size_t from, size_t to, bool has_more)
{
	memcpy(out, seg, 40);
	tp_put16(out + 4, (uint32_t)(8 + to - from));
	out[6] = 44; /* fragment header, then the TCP bytes */
	memset(out + 40, 0, 8);
	out[40] = 6;
	tp_put16(out + 42, (uint32_t)from | (has_more ? 1 : 0));
	tp_put16(out + 46, 0x5a5a);
	memcpy(out + 48, seg + 40 + from, to - from);
	return 48 + to - from;
}

/* The segment with 4 bytes of IPv4 options (NOP NOP NOP EOL): the TCP checksum stays. */
static size_t with_ip_options(uint8_t *out, const uint8_t *seg, size_t len)
{
	static const uint8_t opts[4] = { 1, 1, 1, 0 };

	memcpy(out, seg, 20);
	memcpy(out + 20, opts, 4);
	memcpy(out + 24, seg + 20, len - 20);
	out[0] = 0x46;
	tp_put16(out + 2, (uint32_t)(len + 4));
	tp_put16(out + 10, 0);
	tp_put16(out + 10, (uint16_t)~ref_csum_fold(ref_csum_add(0, out, 24)));
	return len + 4;
}

/* Which input packet this is; each may come out once. */
static unsigned find_input(struct fixture *fx, const uint8_t *pkt, size_t len, unsigned n,
			   bool *is_seen)
{
	for (unsigned j = 0; j < n; j++) {
		if (!is_seen[j] && fx->lens[j] == len && memcmp(fx->pkts[j], pkt, len) == 0) {
			is_seen[j] = true;
			return j;
		}
	}
	fail_msg("a packet written was never given to the coalescer (%zu bytes)", len);
	return n;
}

static void note_out(unsigned *last, unsigned flow, unsigned j, unsigned n)
{
	if (last[flow] != n && last[flow] > j)
		fail_msg("packet %u of flow %u left before packet %u", last[flow], flow, j);
	last[flow] = j;
}

/*
 * Splits every frame written back into packets and checks each flow's
 * packets left in the order they came in: flow[j] is the flow of input j.
 */
static void expect_flow_order(struct fixture *fx, unsigned n, const unsigned *flow)
{
	bool is_seen[MAX_PKTS] = { false };
	unsigned last[MAX_PKTS], out = 0;
	uint8_t seg[1600];
	size_t flen, len;

	for (unsigned j = 0; j < n; j++)
		last[flow[j]] = n; /* none yet */
	while ((flen = next_frame(fx)) != 0) {
		struct net_gso_iter it;
		unsigned j;

		if (fx->frame[1] == 0) { /* GSO_NONE: the packet as written */
			j = find_input(fx, fx->frame + 10, flen - 10, n, is_seen);
			note_out(last, flow[j], j, n);
			out++;
			continue;
		}
		assert_int_equal(net_gso_begin(&it, fx->frame, flen), 0);
		while (net_gso_next(&it, seg, sizeof(seg), &len) == 0) {
			j = find_input(fx, seg, len, n, is_seen);
			note_out(last, flow[j], j, n);
			out++;
		}
	}
	assert_int_equal(out, n);
}

static void give(struct fixture *fx, unsigned i)
{
	assert_int_equal(net_gro_write(fx->gro, fx->pkts[i], fx->lens[i]), 0);
}

/* How one segment of a flow reaches the coalescer; two fragments split its TCP bytes at 800. */
enum piece { PIECE_WHOLE, PIECE_FRAGMENTS, PIECE_IP_OPTIONS };

/* A flow's segments 0..n_segs-1, each given as its entry says. */
struct flow_pieces {
	bool is_v6;
	size_t n_segs;
	enum piece segs[8];
};

/* The flow's pieces become packets n, n+1, ...; returns the next free one. */
static unsigned give_pieces(struct fixture *fx, unsigned n, const struct flow_pieces *flow)
{
	size_t (*frag)(uint8_t *, const uint8_t *, size_t, size_t, bool) =
		flow->is_v6 ? frag_v6 : frag_v4;

	for (unsigned i = 0; i < flow->n_segs; i++) {
		struct tp_spec sp = bulk(flow->is_v6, i, 1368);
		uint8_t whole[1600];
		size_t wlen = tp_build_tcp(whole, &sp);

		switch (flow->segs[i]) {
		case PIECE_WHOLE:
			put(fx, n++, &sp);
			break;
		case PIECE_FRAGMENTS:
			fx->lens[n] = frag(fx->pkts[n], whole, 0, 800, true);
			give(fx, n++);
			fx->lens[n] = frag(fx->pkts[n], whole, 800, wlen - tp_ip_hlen(whole), false);
			give(fx, n++);
			break;
		case PIECE_IP_OPTIONS:
			fx->lens[n] = with_ip_options(fx->pkts[n], whole, wlen);
			give(fx, n++);
			break;
		}
	}
	return n;
}

/* A UDP datagram between the IPv6 hosts, told apart by its last byte. */
static void udp_v6(struct fixture *fx, unsigned i, uint8_t mark)
{
	struct tp_spec sp = bulk(true, 0, 0);
	size_t h = tp_build_ip(fx->pkts[i], &sp, 17, 18);

	memset(fx->pkts[i] + h, 0, 18);
	fx->pkts[i][h + 17] = mark;
	fx->lens[i] = h + 18;
	give(fx, i);
}

static void order_with_fragments_and_options(void **state)
{
	/* 0: IPv4 flow, 1: its hosts, other ports, 2: UDP between the IPv6 hosts, 3: IPv6 flow */
	static const unsigned flow[] = { 0, 0, 0, 0, 0, 0, 0, 2, 3, 3, 3, 3, 3, 2, 1, 0 };
	static const struct flow_pieces v4_flow = { false, 6, { PIECE_WHOLE, PIECE_WHOLE,
		PIECE_FRAGMENTS, PIECE_WHOLE, PIECE_IP_OPTIONS, PIECE_WHOLE } };
	static const struct flow_pieces v6_flow = { true, 4, { PIECE_WHOLE, PIECE_WHOLE,
		PIECE_FRAGMENTS, PIECE_WHOLE } };
	struct fixture *fx = *state;
	struct tp_spec sp;
	unsigned n;

	n = give_pieces(fx, 0, &v4_flow);
	udp_v6(fx, n++, 0);
	n = give_pieces(fx, n, &v6_flow);
	udp_v6(fx, n++, 1);
	sp = bulk(false, 0, 1368);
	sp.sport = 40002;
	put(fx, n++, &sp);
	put(fx, n++, (sp = bulk(false, 6, 1368), &sp));
	assert_int_equal(n, sizeof(flow) / sizeof(flow[0]));
	assert_int_equal(net_gro_flush(fx->gro), 0);
	expect_flow_order(fx, n, flow);
}

/* A fragment between other hosts overtakes nothing of ours: the frame stays held. */
static void fragment_of_other_hosts_passes(void **state)
{
	struct fixture *fx = *state;
	uint8_t whole[1600];
	struct tp_spec sp;
	size_t wlen;

	put(fx, 0, (sp = bulk(false, 0, 1368), &sp));
	put(fx, 1, (sp = bulk(false, 1, 1368), &sp));
	sp = bulk(false, 2, 1368);
	wlen = tp_build_tcp(whole, &sp);
	whole[19] = 3; /* 198.19.0.3 */
	fx->lens[2] = frag_v4(fx->pkts[2], whole, 0, wlen - 20, true);
	give(fx, 2);
	expect_plain(fx, 2);
	assert_int_equal(next_frame(fx), 0);
	assert_int_equal(net_gro_flush(fx->gro), 0);
	expect_merged(fx, 0, 1);
}

static void speed(void **state)
{
	struct fixture *fx = *state;
	struct timespec a, b;
	size_t bytes = 0;

	if (getenv("SSLGATE_OFFLOAD_BENCH") == NULL)
		skip();
	for (unsigned i = 0; i < 47; i++) {
		struct tp_spec sp = bulk(false, i, 1368);

		fx->lens[i] = tp_build_tcp(fx->pkts[i], &sp);
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int round = 0; round < 20000; round++) {
		for (unsigned i = 0; i < 47; i++) {
			assert_int_equal(net_gro_write(fx->gro, fx->pkts[i], fx->lens[i]), 0);
			bytes += fx->lens[i];
		}
		assert_int_equal(net_gro_flush(fx->gro), 0);
		while (next_frame(fx) != 0)
			;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("merge: %.0f MB/s of segments (incl. one socket write + read per frame)\n",
	       (double)bytes / ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9) / 1e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(contiguous_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(breaks_split, setup, teardown),
		cmocka_unit_test_setup_teardown(order_within_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(order_with_fragments_and_options, setup, teardown),
		cmocka_unit_test_setup_teardown(fragment_of_other_hosts_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(non_tcp_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(reserved_flag_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_checksum_not_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(ip_length_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(full_table_flushes_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(speed, setup, teardown),
	};

	tp_fill_data();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
