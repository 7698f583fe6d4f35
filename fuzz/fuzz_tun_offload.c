/* SPDX-License-Identifier: ISC */
/*
 * The tun offload code (lib/net/offload.h) over arbitrary bytes, two ways:
 * the whole input as a frame read from the device (net_gso_*), and the
 * input as a stream of packets, each behind a 2-byte big-endian length, as
 * decrypted peer traffic given to the coalescer (net_gro_*), writing into
 * a socketpair. Checks: segments fit their buffer and never outgrow the
 * frame's payload; every super packet the coalescer writes is one the
 * splitter accepts, and splits into packets whose checksums verify (the
 * coalescer merges only verified packets).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"

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

/* A merged frame must split into packets whose checksums verify. */
static void check_merged(const uint8_t *f, size_t len)
{
	struct net_gso_iter it;
	size_t seg_len;

	if (len <= NET_VNET_HDR_LEN || f[1] == 0)
		return;
	if (net_gso_begin(&it, f, len) != 0)
		abort();
	while (net_gso_next(&it, seg, sizeof(seg), &seg_len) == 0) {
		size_t h = seg[0] >> 4 == 6 ? 40 : (size_t)(seg[0] & 0x0f) * 4;
		uint64_t sum = net_gso_csum_add(0, seg + h, seg_len - h);
		uint8_t pseudo[2] = { 0, 6 };
		uint8_t l4_len[2] = { (uint8_t)((seg_len - h) >> 8), (uint8_t)(seg_len - h) };

		sum = net_gso_csum_add(sum, pseudo, 2);
		sum = net_gso_csum_add(sum, l4_len, 2);
		sum = h == 40 ? net_gso_csum_add(sum, seg + 8, 32) : net_gso_csum_add(sum, seg + 12, 8);
		if (net_gso_csum_fold(sum) != 0xffff)
			abort();
	}
}

static void drain(int fd)
{
	ssize_t n;

	while ((n = recv(fd, frame, sizeof(frame), MSG_DONTWAIT)) > 0)
		check_merged(frame, (size_t)n);
}

static void coalesce(const uint8_t *data, size_t size)
{
	static int fds[2] = { -1, -1 };
	struct net_gro *g;
	size_t pos = 0;

	if (fds[0] < 0) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) != 0)
			abort();
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
	}
	g = net_gro_new(fds[0], 2);
	if (g == NULL)
		abort();
	while (size - pos >= 2) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		(void)net_gro_write(g, data + pos, len);
		pos += len;
		if (len == 0) /* an empty packet marks the end of a batch */
			(void)net_gro_flush(g);
		drain(fds[1]);
	}
	(void)net_gro_flush(g);
	drain(fds[1]);
	net_gro_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	split(data, size, sizeof(seg));
	split(data, size, 1500);
	coalesce(data, size);
	return 0;
}
