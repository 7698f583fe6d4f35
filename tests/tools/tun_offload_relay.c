/* SPDX-License-Identifier: ISC */
/*
 * sg-tun-offload: relays between two offload tun devices, one in this
 * network namespace and one in another, through lib/net/offload.h: every
 * frame read is split with net_gso_*, every segment checked with the
 * reference checksum of tests/include/ref_csum.h (not the library's), then
 * written to the other device through a net_gro coalescer flushed after
 * each read batch. Used
 * by tests/integration/tun_offload.sh, which judges the counters it prints
 * when it ends (SIGTERM, or its time limit).
 *
 *   sg-tun-offload NAME_A NETNS_PATH_B NAME_B MAX_SECONDS
 *
 * Prints "ready" once both devices exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/offload.h"
#include "lib/net/tun.h"
#include "tests/include/ref_csum.h"

#define BATCH 64

struct side {
	const char *name;
	int fd;
	struct net_gro *out; /* the coalescer writing to the other side */
	unsigned long frames, gso_frames, csum_frames, segments, bad_csum, invalid, max_frame;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* IPv4 header and TCP/UDP checksums of one segment (UDP over IPv4 may have none). */
static int is_segment_ok(const uint8_t *ip, size_t len)
{
	size_t h;
	uint8_t proto;

	if (len < 20)
		return 0;
	if (ip[0] >> 4 == 4) {
		h = (size_t)(ip[0] & 0x0f) * 4;
		if (h < 20 || h > len || ref_csum_fold(ref_csum_add(0, ip, h)) != 0xffff)
			return 0;
		proto = ip[9];
	} else if (ip[0] >> 4 == 6 && len >= 40) {
		h = 40;
		proto = ip[6];
	} else {
		return 0;
	}
	if (proto != 6 && proto != 17)
		return 1;
	if (proto == 17 && ip[0] >> 4 == 4 && len >= h + 8 && ip[h + 6] == 0 && ip[h + 7] == 0)
		return 1;
	return ref_csum_fold(ref_csum_add(ref_csum_pseudo(ip, len - h), ip + h, len - h)) == 0xffff;
}

static void relay_frame(struct side *s, const uint8_t *frame, size_t len)
{
	static uint8_t seg[65536];
	struct net_gso_iter it;
	size_t seg_len;

	s->frames++;
	if (len > s->max_frame)
		s->max_frame = len;
	if (frame[1] != 0)
		s->gso_frames++;
	else if (frame[0] & 1)
		s->csum_frames++;
	if (net_gso_begin(&it, frame, len) != 0) {
		s->invalid++;
		return;
	}
	while (net_gso_next(&it, seg, sizeof(seg), &seg_len) == 0) {
		s->segments++;
		if (!is_segment_ok(seg, seg_len))
			s->bad_csum++;
		if (net_gro_write(s->out, seg, seg_len) == VPN_ERR_IO)
			fprintf(stderr, "%s: write: %s\n", s->name, strerror(errno));
	}
}

static void relay_batch(struct side *s)
{
	static uint8_t frame[NET_OFFLOAD_FRAME_MAX];
	size_t len;

	for (int i = 0; i < BATCH; i++) {
		if (net_tun_read(s->fd, frame, sizeof(frame), &len) != 0)
			break;
		relay_frame(s, frame, len);
	}
	if (net_gro_flush(s->out) != 0)
		fprintf(stderr, "%s: flush: %s\n", s->name, strerror(errno));
}

static void report(const struct side *s)
{
	struct net_gro_stats st;

	net_gro_get_stats(s->out, &st);
	printf("%s: frames=%lu gso_frames=%lu csum_frames=%lu max_frame=%lu segments=%lu "
	       "bad_csum=%lu invalid=%lu written_packets=%llu written_frames=%llu dropped=%llu\n",
	       s->name, s->frames, s->gso_frames, s->csum_frames, s->max_frame, s->segments,
	       s->bad_csum, s->invalid, (unsigned long long)st.packets,
	       (unsigned long long)st.frames, (unsigned long long)st.dropped);
}

static int open_in(const char *netns_path, const char *name, struct side *s)
{
	char got[64];
	int ns, ret;

	if (netns_path != NULL) {
		ns = open(netns_path, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) {
			perror(netns_path);
			return -1;
		}
		close(ns);
	}
	ret = net_tun_open_offload(name, got, sizeof(got), &s->fd);
	if (ret != 0) {
		fprintf(stderr, "%s: %s\n", name, vpn_err_str(ret));
		return ret == VPN_ERR_UNSUPPORTED ? 77 : -1;
	}
	s->name = name;
	return 0;
}

static int run(struct side *a, struct side *b, int max_seconds)
{
	time_t end = time(NULL) + max_seconds;
	struct pollfd p[2] = { { .fd = a->fd, .events = POLLIN }, { .fd = b->fd, .events = POLLIN } };

	while (!stopping && time(NULL) < end) {
		if (poll(p, 2, 200) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN)
			relay_batch(a);
		if (p[1].revents & POLLIN)
			relay_batch(b);
	}
	report(a);
	report(b);
	return 0;
}

int main(int argc, char **argv)
{
	struct side a = { 0 }, b = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	int ret;

	if (argc != 5) {
		fprintf(stderr, "usage: sg-tun-offload NAME_A NETNS_PATH_B NAME_B MAX_SECONDS\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((ret = open_in(NULL, argv[1], &a)) != 0 || (ret = open_in(argv[2], argv[3], &b)) != 0)
		return ret == 77 ? 77 : 1;
	a.out = net_gro_new(b.fd, 16);
	b.out = net_gro_new(a.fd, 16);
	if (a.out == NULL || b.out == NULL)
		return 1;
	printf("ready\n");
	fflush(stdout);
	ret = run(&a, &b, atoi(argv[4]));
	net_gro_free(a.out);
	net_gro_free(b.out);
	close(a.fd);
	close(b.fd);
	return ret;
}
