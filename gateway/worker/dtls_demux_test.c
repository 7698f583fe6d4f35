/* SPDX-License-Identifier: ISC */
/*
 * The DTLS demux's figures: every datagram it reads ends in exactly one
 * count. A parent that reads nothing fills the real parent channel (its
 * SOCK_SEQPACKET socket, then the worker's backlog of 4096 messages): hellos
 * past that are counted lost, the rest forwarded, and the parent's end then
 * holds exactly the forwarded ones. A socket the parent connected to a client
 * for a hello no session has is read out before it is closed: what it caught
 * is sorted as the shared port would have sorted it. Hellos whose key
 * names a live worker but was never made by the gateway (its tag fails)
 * are counted unknown and never reach the parent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/worker/dtls_demux.h"
#include "gateway/worker/dtls_link.h"
#include "gateway/worker/testenv.h"
#include "lib/base/log.h"
#include "lib/base/testutil.h"

/* Forwardable hellos fed to a parent that reads nothing: well past its
 * socket buffer and the 4096-message backlog. */
#define FILL_MAX 10000

enum kind { KIND_GARBAGE, KIND_TRUNCATED, KIND_UNKNOWN, KIND_FORGED, KIND_OVERSIZED, KIND_FORWARD };

struct fixture {
	struct testenv t;
	char last_line[512];       /* the last DTLS port line the worker logged */
	unsigned lines;
};

static void capture(enum log_level level, const char *line, void *ctx)
{
	struct fixture *f = ctx;

	if (level == LOG_LEVEL_WARN && strstr(line, "DTLS port: dropped")) {
		snprintf(f->last_line, sizeof(f->last_line), "%s", line);
		f->lines++;
	}
}

static int loopback_udp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return -1;
	return fd;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || testenv_setup(&f->t, "udp-port = 443\n") != 0)
		return -1;
	f->t.w.udp_fd = loopback_udp();
	if (f->t.w.udp_fd < 0 || dtls_demux_start(&f->t.w) != 0)
		return -1;
	log_set_sink(capture, f, LOG_LEVEL_WARN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	log_set_sink(NULL, NULL, LOG_LEVEL_ERR);
	testenv_teardown(&f->t);
	free(f);
	return 0;
}

/*
 * A DTLS ClientHello as RFC 6347 lays it out: record header (handshake,
 * version 0xFEFF, epoch 0, sequence 0), handshake header (client_hello,
 * message_seq 0, one fragment), then version 0xFEFD, random, the 32-byte
 * session id key, no cookie, one suite (0x009D) and null compression.
 */
static size_t make_hello(uint8_t *out, const uint8_t key[32], uint8_t salt)
{
	uint8_t body[128];
	size_t b = 0, n = 0;

	body[b++] = 0xfe, body[b++] = 0xfd;
	for (int i = 0; i < 32; i++)
		body[b++] = (uint8_t)(i * 13 + salt);
	body[b++] = 32;
	memcpy(body + b, key, 32);
	b += 32;
	body[b++] = 0;
	body[b++] = 0, body[b++] = 2, body[b++] = 0x00, body[b++] = 0x9d;
	body[b++] = 1, body[b++] = 0;
	out[n++] = 22, out[n++] = 0xfe, out[n++] = 0xff;
	memset(out + n, 0, 8);
	n += 8;
	out[n++] = (uint8_t)((b + 12) >> 8), out[n++] = (uint8_t)(b + 12);
	out[n++] = 1, out[n++] = 0, out[n++] = 0, out[n++] = (uint8_t)b;
	out[n++] = 0, out[n++] = 0;
	out[n++] = 0, out[n++] = 0, out[n++] = 0;
	out[n++] = 0, out[n++] = 0, out[n++] = (uint8_t)b;
	memcpy(out + n, body, b);
	return n + b;
}

/* A key as a stranger would write it: it names owner, its tag is made up. */
static void forge_key(uint8_t out[32], uint8_t owner, unsigned salt)
{
	out[0] = owner;
	for (int i = 1; i < 32; i++)
		out[i] = (uint8_t)(i * 29 + salt);
}

/* One datagram of a kind for worker w, into out (DTLS_DEMUX_DGRAM_CAP bytes); its length. */
static size_t make_datagram(const struct worker *w, uint8_t *out, enum kind k, unsigned salt)
{
	uint8_t key[32];

	switch (k) {
	case KIND_GARBAGE:
		/* an application-data record of epoch 1 from a stranger */
		memset(out, (int)(salt & 0xff), 61);
		out[0] = 23, out[1] = 0xfe, out[2] = 0xfd, out[3] = 0, out[4] = 1;
		return 61;
	case KIND_TRUNCATED:
		assert_int_equal(dtls_link_key_make(w->dtls_secret, key, 1), 0);
		make_hello(out, key, (uint8_t)salt);
		return 40;
	case KIND_UNKNOWN:
		/* a genuine key of this worker (index 0), which has no session at all */
		assert_int_equal(dtls_link_key_make(w->dtls_secret, key, 0), 0);
		return make_hello(out, key, (uint8_t)salt);
	case KIND_FORGED:
		/* names a live worker, but the gateway never made it */
		forge_key(key, (uint8_t)(salt % 4), salt);
		return make_hello(out, key, (uint8_t)salt);
	case KIND_OVERSIZED:
		memset(out, 0x17, MSG_DTLS_HELLO_MAX + 1);
		return MSG_DTLS_HELLO_MAX + 1;
	case KIND_FORWARD:
		break;
	}
	/* a genuine key of worker 1: only the parent knows whether it has the session */
	assert_int_equal(dtls_link_key_make(w->dtls_secret, key, 1), 0);
	return make_hello(out, key, (uint8_t)salt);
}

static void feed(struct worker *w, enum kind k, unsigned salt)
{
	static uint8_t dgram[DTLS_DEMUX_DGRAM_CAP];
	struct net_addr from = { .family = AF_INET, .bytes = { 198, 18, 1, 2 } };
	size_t len = make_datagram(w, dgram, k, salt);
	struct guarded g;

	/* whole and against a guard page: a read past the datagram crashes */
	assert_int_equal(guarded_init(&g, dgram, len), 0);
	dtls_demux_on_datagram(w, g.data, len, &from, (uint16_t)(40000 + salt % 1000));
	guarded_cleanup(&g);
}

static uint64_t sum(const struct dtls_demux_counts *c)
{
	return c->garbage + c->truncated + c->unknown + c->oversized + c->lost + c->forwarded;
}

/* Lets the worker flush its backlog into the parent's end; counts the hellos read there. */
static uint64_t parent_reads(struct fixture *f)
{
	struct msg_dtls_hello m;
	uint64_t got = 0;
	int idle = 0;

	for (int round = 0; round < 100000 && idle < 3; round++) {
		ssize_t n;
		bool has_read = false;

		testenv_run(&f->t, 0);
		while ((n = recv(f->t.parent_peer, &m, sizeof(m), MSG_DONTWAIT)) > 0) {
			assert_int_equal(n, sizeof(m));
			assert_int_equal(m.h.type, MSG_DTLS_HELLO);
			assert_int_equal(m.owner, 1);
			got++;
			has_read = true;
		}
		idle = has_read ? 0 : idle + 1;
	}
	return got;
}

static void full_channel_hello_is_lost_and_logged(void **state)
{
	struct fixture *f = *state;
	struct dtls_demux *d = f->t.w.demux;
	unsigned fed = 0;

	while (d->total.lost == 0 && fed < FILL_MAX)
		feed(&f->t.w, KIND_FORWARD, fed++);
	assert_int_equal(d->total.lost, 1);
	/* the socket took some, the backlog its 4096: a real full channel */
	assert_true(d->total.forwarded > 4096);
	assert_int_equal(d->total.forwarded + d->total.lost, fed);
	/* the first drop is logged at once, and says why */
	assert_int_equal(f->lines, 1);
	assert_non_null(strstr(f->last_line, "dropped 1 datagram(s): 0 garbage, 0 truncated, "
					     "0 for unknown sessions, 0 oversized, "
					     "1 lost (parent channel busy)"));
	assert_int_equal(parent_reads(f), d->total.forwarded);
}

static void full_channel_every_datagram_counted_once(void **state)
{
	static const enum kind mix[] = {
		KIND_FORWARD, KIND_GARBAGE, KIND_FORWARD, KIND_TRUNCATED,
		KIND_FORWARD, KIND_UNKNOWN, KIND_FORWARD, KIND_OVERSIZED,
		KIND_FORGED, KIND_FORWARD,
	};
	struct fixture *f = *state;
	struct dtls_demux *d = f->t.w.demux;
	uint64_t fed[KIND_FORWARD + 1] = { 0 };
	const unsigned total = 12000;

	for (unsigned i = 0; i < total; i++) {
		enum kind k = mix[i % (sizeof(mix) / sizeof(mix[0]))];

		feed(&f->t.w, k, i);
		fed[k]++;
	}
	assert_int_equal(sum(&d->total), total);
	assert_int_equal(d->total.garbage, fed[KIND_GARBAGE]);
	assert_int_equal(d->total.truncated, fed[KIND_TRUNCATED]);
	assert_int_equal(d->total.unknown, fed[KIND_UNKNOWN] + fed[KIND_FORGED]);
	assert_int_equal(d->total.oversized, fed[KIND_OVERSIZED]);
	assert_int_equal(d->total.forwarded + d->total.lost, fed[KIND_FORWARD]);
	assert_true(d->total.lost > 0);
	assert_int_equal(parent_reads(f), d->total.forwarded);
	/* drained, the channel takes hellos again */
	feed(&f->t.w, KIND_FORWARD, 1);
	assert_int_equal(d->total.forwarded + d->total.lost, fed[KIND_FORWARD] + 1);
	assert_int_equal(parent_reads(f), 1);
}

static void refused_socket_counts_what_it_caught(void **state)
{
	static const enum kind caught[] = { KIND_GARBAGE, KIND_TRUNCATED, KIND_UNKNOWN,
					    KIND_FORWARD, KIND_FORGED, KIND_GARBAGE };
	struct fixture *f = *state;
	struct dtls_demux *d = f->t.w.demux;
	struct sockaddr_in rx_addr, tx_addr;
	socklen_t len = sizeof(rx_addr);
	uint8_t dgram[DTLS_DEMUX_DGRAM_CAP];
	struct msg_dtls_hello m;
	int rx = loopback_udp(), tx = loopback_udp();

	/* as the parent does: a socket connected to the client */
	assert_true(rx >= 0 && tx >= 0);
	assert_int_equal(getsockname(rx, (struct sockaddr *)&rx_addr, &len), 0);
	len = sizeof(tx_addr);
	assert_int_equal(getsockname(tx, (struct sockaddr *)&tx_addr, &len), 0);
	assert_int_equal(connect(rx, (struct sockaddr *)&tx_addr, sizeof(tx_addr)), 0);
	for (unsigned i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		size_t n = make_datagram(&f->t.w, dgram, caught[i], i);

		assert_int_equal(sendto(tx, dgram, n, 0, (struct sockaddr *)&rx_addr,
					sizeof(rx_addr)), (ssize_t)n);
	}
	dtls_demux_refuse_socket(&f->t.w, rx);
	assert_int_equal(fcntl(rx, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	/* the refused hello itself, then the six caught */
	assert_int_equal(sum(&d->total), 7);
	assert_int_equal(d->total.unknown, 3);
	assert_int_equal(d->total.garbage, 2);
	assert_int_equal(d->total.truncated, 1);
	assert_int_equal(d->total.forwarded, 1);
	/* the caught hello goes on with the client's address */
	testenv_run(&f->t, 0);
	assert_int_equal(testenv_recv(f->t.parent_peer, &m, sizeof(m)), sizeof(m));
	assert_int_equal(m.h.type, MSG_DTLS_HELLO);
	assert_int_equal(m.owner, 1);
	assert_int_equal(m.remote_port, ntohs(tx_addr.sin_port));
	assert_memory_equal(m.remote.bytes, "\x7f\x00\x00\x01", 4);
	assert_int_equal(f->lines, 1);
	close(tx);
}

/*
 * Hellos whose ids name workers 0-3 with made-up bytes, as the interop burst
 * and any stranger send them: each dies here as unknown, none reaches the
 * parent (which would open a socket per hello for them).
 */
static void forged_hellos_never_reach_the_parent(void **state)
{
	struct fixture *f = *state;
	struct dtls_demux *d = f->t.w.demux;
	const unsigned total = 1000;

	for (unsigned i = 0; i < total; i++)
		feed(&f->t.w, KIND_FORGED, i);
	assert_int_equal(d->total.unknown, total);
	assert_int_equal(d->total.forwarded + d->total.lost, 0);
	assert_int_equal(sum(&d->total), total);
	assert_int_equal(parent_reads(f), 0);
	/* a genuine key of another worker still goes through */
	feed(&f->t.w, KIND_FORWARD, 1);
	assert_int_equal(parent_reads(f), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(full_channel_hello_is_lost_and_logged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(full_channel_every_datagram_counted_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refused_socket_counts_what_it_caught, setup,
						teardown),
		cmocka_unit_test_setup_teardown(forged_hellos_never_reach_the_parent, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
