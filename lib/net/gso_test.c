/* SPDX-License-Identifier: ISC */
/*
 * The splitter against frames laid out as Linux's tun hands them over with
 * TSO4/TSO6 on (virtio-net header, super packet, pseudo-header sum in the
 * TCP checksum field): every segment's length, sequence number, flags, IP
 * id and checksums are checked with the reference checksum of
 * tests/include/ref_csum.h. Frames sit right before a guard page, and so
 * does every truncation of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "lib/net/offload.h"

#include "lib/net/gso_testpkt.h"

static uint8_t frame[NET_OFFLOAD_FRAME_MAX];
static uint8_t seg[NET_OFFLOAD_FRAME_MAX];

static int begin_guarded(struct guarded *g, struct net_gso_iter *it, const uint8_t *f, size_t len)
{
	assert_int_equal(guarded_init(g, f, len), 0);
	return net_gso_begin(it, g->data, len);
}

static void check_split(const struct tp_spec *sp, uint16_t gso_size)
{
	size_t flen = tp_build_tso(frame, sp, gso_size);
	size_t h = sp->is_v6 ? 40 : 20, thl = 20 + sp->opts_len, n = 0, got = 0, len;
	size_t nsegs = (sp->payload_len + gso_size - 1) / gso_size;
	struct net_gso_iter it;
	struct guarded g;

	assert_int_equal(begin_guarded(&g, &it, frame, flen), 0);
	while (net_gso_next(&it, seg, sizeof(seg), &len) == 0) {
		size_t pl = len - h - thl;
		uint8_t *t = seg + h, want_flags = sp->flags;

		assert_true(pl == gso_size || (n == nsegs - 1 && pl == sp->payload_len - got));
		assert_int_equal(tp_l4_verify(seg, len), 0xffff);
		if (sp->is_v6) {
			assert_int_equal(tp_get16(seg + 4), len - 40);
		} else {
			assert_int_equal(tp_get16(seg + 2), len);
			assert_int_equal(tp_get16(seg + 4), (uint16_t)(sp->ip_id + n));
			assert_int_equal(tp_ip_verify(seg), 0xffff);
		}
		assert_int_equal(tp_get32(t + 4), (uint32_t)(sp->seq + got));
		assert_int_equal(tp_get32(t + 8), sp->ack);
		if (n + 1 < nsegs)
			want_flags &= (uint8_t)~(TP_FIN | TP_PSH);
		if (n > 0)
			want_flags &= (uint8_t)~TP_CWR;
		assert_int_equal(t[13], want_flags);
		assert_memory_equal(t + 20, sp->opts, sp->opts_len);
		assert_memory_equal(t + thl, tp_data + sp->payload_at + got, pl);
		got += pl;
		n++;
	}
	assert_int_equal(n, nsegs);
	assert_int_equal(got, sp->payload_len);
	assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), VPN_ERR_NOT_FOUND);
	guarded_cleanup(&g);
}

static void split_tcp4_64k(void **state)
{
	/* Sequence numbers wrap inside the frame; every flag the split treats specially. */
	struct tp_spec sp = {
		.seq = 0xffffd000u, .ack = 0x01020304, .ip_id = 0xfff0,
		.flags = TP_ACK | TP_PSH | TP_CWR | TP_FIN | TP_ECE,
		.opts = tp_ts_opts, .opts_len = 12, .payload_len = 65535 - 52,
	};

	(void)state;
	check_split(&sp, 1448);
	sp.payload_len = 1448 * 10; /* exact multiple: the last segment is full */
	check_split(&sp, 1448);
	sp.payload_len = 100; /* one short segment */
	check_split(&sp, 1448);
	sp.opts_len = 0;
	sp.payload_len = 65535 - 40;
	sp.flags = TP_ACK;
	check_split(&sp, 1);
}

static void split_tcp6_64k(void **state)
{
	struct tp_spec sp = {
		.is_v6 = true, .seq = 7, .ack = 0xdeadbeef, .tos = 0x28,
		.flags = TP_ACK | TP_PSH, .opts = tp_ts_opts, .opts_len = 12,
		.payload_len = 65535 - 72, .payload_at = 1,
	};

	(void)state;
	check_split(&sp, 1428);
	sp.payload_len = 3001; /* odd: the last segment's checksum ends on a half word */
	check_split(&sp, 1000);
}

/*
 * The ECN bit of gso_type is the same split (the kernel's TSO_ECN), and
 * hdr_len as the forwarding path sets it (the skb's linear head, here a
 * whole first packet) does not move the split.
 */
static void split_ecn_type(void **state)
{
	struct tp_spec sp = { .seq = 1, .flags = TP_ACK | TP_CWR, .payload_len = 5000 };
	struct net_gso_iter it;
	size_t len, n = 0;

	(void)state;
	size_t flen = tp_build_tso(frame, &sp, 1400);
	tp_vnet_hdr(frame, 1, 0x81, 1440, 1400, 20, 16);
	assert_int_equal(net_gso_begin(&it, frame, flen), 0);
	while (net_gso_next(&it, seg, sizeof(seg), &len) == 0) {
		assert_int_equal(tp_l4_verify(seg, len), 0xffff);
		assert_int_equal(seg[33] & TP_CWR, n == 0 ? TP_CWR : 0);
		assert_int_equal(len, n < 3 ? 1440 : 40 + 800);
		n++;
	}
	assert_int_equal(n, 4);
}

/* Checksum offload alone: UDP and TCP packets whose checksum the kernel left to us. */
static void needs_csum_without_gso(void **state)
{
	struct tp_spec sp = { .flags = TP_ACK, .seq = 9, .payload_len = 333, .opts = tp_ts_opts,
			      .opts_len = 12 };
	uint8_t *ip = frame + 10;
	struct net_gso_iter it;
	struct guarded g;
	size_t len, ip_len;

	(void)state;
	for (int v6 = 0; v6 < 2; v6++) {
		size_t h = v6 ? 40 : 20;

		sp.is_v6 = v6;
		/* UDP: 8-byte header, checksum at 6 */
		ip_len = tp_build_ip(ip, &sp, 17, 8 + 21) + 8 + 21;
		memset(ip + h, 0, 8);
		tp_put16(ip + h, 53000);
		tp_put16(ip + h + 2, 53);
		tp_put16(ip + h + 4, 8 + 21);
		memcpy(ip + h + 8, tp_data, 21);
		tp_put16(ip + h + 6, ref_csum_fold(ref_csum_pseudo(ip, 8 + 21)));
		tp_vnet_hdr(frame, 1, 0, 0, 0, (uint16_t)h, 6);
		assert_int_equal(begin_guarded(&g, &it, frame, 10 + ip_len), 0);
		assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), 0);
		assert_int_equal(len, ip_len);
		assert_int_equal(tp_l4_verify(seg, len), 0xffff);
		assert_memory_equal(seg, ip, h + 6);
		assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), VPN_ERR_NOT_FOUND);
		guarded_cleanup(&g);

		ip_len = tp_build_tcp(ip, &sp);
		tp_put16(ip + h + 16, ref_csum_fold(ref_csum_pseudo(ip, ip_len - h)));
		tp_vnet_hdr(frame, 1, 0, 0, 0, (uint16_t)h, 16);
		assert_int_equal(begin_guarded(&g, &it, frame, 10 + ip_len), 0);
		assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), 0);
		assert_int_equal(tp_l4_verify(seg, len), 0xffff);
		guarded_cleanup(&g);

		/* Without NEEDS_CSUM the packet passes untouched. */
		tp_vnet_hdr(frame, 0, 0, 0, 0, 0, 0);
		assert_int_equal(begin_guarded(&g, &it, frame, 10 + ip_len), 0);
		assert_int_equal(net_gso_next(&it, seg, sizeof(seg), &len), 0);
		assert_memory_equal(seg, ip, ip_len);
		assert_int_equal(net_gso_next(&it, seg, 10, &len), VPN_ERR_NOT_FOUND);
		guarded_cleanup(&g);
	}
}

static void small_cap_too_big(void **state)
{
	struct tp_spec sp = { .flags = TP_ACK, .payload_len = 4000 };
	size_t flen = tp_build_tso(frame, &sp, 1400), len;
	struct net_gso_iter it;

	(void)state;
	assert_int_equal(net_gso_begin(&it, frame, flen), 0);
	assert_int_equal(net_gso_next(&it, seg, 1439, &len), VPN_ERR_TOO_BIG);
	assert_int_equal(net_gso_next(&it, seg, 1440, &len), 0);
	assert_int_equal(len, 1440); /* 20 + 20 + 1400 */
}

/* Every prefix of a TSO frame is one the kernel would never hand over. */
static void truncations_rejected(void **state)
{
	struct tp_spec sp = { .flags = TP_ACK, .opts = tp_ts_opts, .opts_len = 12, .payload_len = 3000 };
	struct net_gso_iter it;
	struct guarded g;

	(void)state;
	for (int v6 = 0; v6 < 2; v6++) {
		sp.is_v6 = v6;
		size_t flen = tp_build_tso(frame, &sp, 1400);

		for (size_t cut = 0; cut < flen; cut++) {
			assert_int_equal(begin_guarded(&g, &it, frame, cut), VPN_ERR_INVALID);
			guarded_cleanup(&g);
		}
		assert_int_equal(begin_guarded(&g, &it, frame, flen), 0);
		guarded_cleanup(&g);
	}
}

struct mangle {
	const char *what;
	size_t at;  /* byte offset in the frame */
	uint8_t value;
};

static void malformed_rejected(void **state)
{
	static const struct mangle bad[] = {
		{ "unknown flag", 0, 0x05 },
		{ "hdr_len past the frame", 2, 0xff },
		{ "no NEEDS_CSUM with TSO", 0, 0x00 },
		{ "UDP gso type", 1, 3 },
		{ "TCPV6 type on IPv4", 1, 4 },
		{ "gso_size 0", 4, 0 },
		{ "csum_start not the IP header", 6, 24 },
		{ "csum_offset not TCP's", 8, 6 },
		{ "IPv4 length too long", 10 + 2, 0xff },
		{ "IP version 5", 10, 0x55 },
		{ "IHL 4", 10, 0x44 },
		{ "fragment offset", 10 + 7, 1 },
		{ "more fragments", 10 + 6, 0x20 },
		{ "UDP in a TCP frame", 10 + 9, 17 },
		{ "TCP data offset 4", 10 + 20 + 12, 0x40 },
		{ "TCP data offset past the end", 10 + 20 + 12, 0xf0 },
	};
	struct tp_spec sp = { .flags = TP_ACK, .payload_len = 2, .ip_id = 0 };
	struct net_gso_iter it;
	struct guarded g;
	uint8_t copy[128];

	(void)state;
	size_t flen = tp_build_tso(frame, &sp, 1400);
	frame[5] = 0; /* gso_size's high byte, so "gso_size 0" is whole */
	frame[4] = 100;
	assert_true(flen <= sizeof(copy));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(copy, frame, flen);
		copy[bad[i].at] = bad[i].value;
		if (bad[i].at == 2 || bad[i].at == 4 || bad[i].at == 6 || bad[i].at == 8)
			copy[bad[i].at + 1] = 0;
		assert_int_equal(net_gso_begin(&it, frame, flen), 0);
		if (begin_guarded(&g, &it, copy, flen) != VPN_ERR_INVALID)
			fail_msg("accepted: %s", bad[i].what);
		guarded_cleanup(&g);
	}
	/* Checksum offload alone, with the checksum field past the packet. */
	tp_vnet_hdr(copy, 1, 0, 0, 0, 20, 40);
	memcpy(copy + 10, frame + 10, flen - 10);
	assert_int_equal(net_gso_begin(&it, copy, flen), VPN_ERR_INVALID);
	assert_int_equal(net_gso_begin(&it, copy, NET_OFFLOAD_FRAME_MAX + 1), VPN_ERR_INVALID);
}

/* By hand: SSLGATE_OFFLOAD_BENCH=1 build/lib/net/... prints split speed. */
static void split_speed(void **state)
{
	struct tp_spec sp = { .flags = TP_ACK, .opts = tp_ts_opts, .opts_len = 12,
			      .payload_len = 65535 - 52 };
	size_t flen = tp_build_tso(frame, &sp, 1368), len, bytes = 0;
	struct timespec a, b;
	struct net_gso_iter it;

	(void)state;
	if (getenv("SSLGATE_OFFLOAD_BENCH") == NULL)
		skip();
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 20000; i++) {
		assert_int_equal(net_gso_begin(&it, frame, flen), 0);
		while (net_gso_next(&it, seg, sizeof(seg), &len) == 0)
			bytes += len;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("split: %.0f MB/s of segments (gso_size 1368)\n",
	       (double)bytes / ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9) / 1e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_tcp4_64k),
		cmocka_unit_test(split_tcp6_64k),
		cmocka_unit_test(split_ecn_type),
		cmocka_unit_test(needs_csum_without_gso),
		cmocka_unit_test(small_cap_too_big),
		cmocka_unit_test(truncations_rejected),
		cmocka_unit_test(malformed_rejected),
		cmocka_unit_test(split_speed),
	};

	tp_fill_data();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
