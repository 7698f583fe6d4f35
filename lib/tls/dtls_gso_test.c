/* SPDX-License-Identifier: ISC */
/*
 * Corked bursts of a gateway session, and of a client session, over real UDP
 * on loopback: runs of equal records leave in segmented messages
 * (UDP_SEGMENT) and still reach the peer as one datagram per record, in
 * order; a socket the kernel will not segment for (SO_NO_CHECK makes it
 * answer EINVAL) delivers everything one message per datagram.
 *
 * After the handshake both sessions talk through a relay socket the test
 * reads, so it sees the datagrams as the network carries them before the
 * other session decrypts them. Every test runs once per sending end. Sizes on the wire: PROTOCOL.md §6.5, GCM
 * adds 37 bytes to a record (13 header, 8 explicit nonce, 16 tag).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

#define PUMP_MS 5000
#define GCM_OVERHEAD 37
#define BURST_MAX 80

struct udp_trio {
	struct tls_test_dtls p;    /* fds[0] the server's, fds[1] the client's */
	int relay;
	struct sockaddr_in relay_addr, server_addr, client_addr;
	/* the sending end of the test, and the one the relay passes it on to */
	struct dtls_conn *tx, *rx;
	int tx_fd, rx_fd;
	const struct sockaddr_in *rx_addr;
};

/* Which end sends: the test's prestate. */
static bool sends_from_client = true, sends_from_server = false;

static void connect_to(int fd, const struct sockaddr_in *to)
{
	assert_int_equal(connect(fd, (const struct sockaddr *)to, sizeof(*to)), 0);
}

static void resume_params(struct dtls_params *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = DTLS_MODE_RESUME;
	p->suite = dtls_suite_find(DTLS_LIST_LEGACY, str_view_of("OC-DTLS1_2-AES256-GCM"));
	assert_non_null(p->suite);
	for (size_t i = 0; i < DTLS_MASTER_SECRET_LEN; i++)
		p->master_secret[i] = (uint8_t)(0x31 + i);
	for (size_t i = 0; i < DTLS_SESSION_ID_LEN; i++)
		p->id[i] = (uint8_t)(0x70 + i);
	p->id_len = DTLS_SESSION_ID_LEN;
	p->retrans_ms = 100;
	p->total_ms = 2000;
}

/*
 * A resumed GCM session pair over UDP, then both ends rerouted through the
 * relay; *is_client_tx picks the end that sends.
 */
static void open_trio(struct udp_trio *t, const bool *is_client_tx)
{
	struct dtls_params params;
	ssize_t n;
	int rc, rs;

	memset(t, 0, sizeof(*t));
	t->p.fds[0] = tls_test_udp_bound(&t->server_addr);
	assert_true(t->p.fds[0] >= 0);
	t->p.fds[1] = tls_test_udp_bound(&t->client_addr);
	assert_true(t->p.fds[1] >= 0);
	t->relay = tls_test_udp_bound(&t->relay_addr);
	assert_true(t->relay >= 0);
	connect_to(t->p.fds[0], &t->client_addr);
	connect_to(t->p.fds[1], &t->server_addr);
	resume_params(&params);
	assert_int_equal(dtls_conn_new_client(&t->p.c, t->p.fds[1], &params), 0);
	assert_int_equal(dtls_conn_handshake(t->p.c), VPN_ERR_AGAIN);
	n = tls_test_recv(t->p.fds[0], t->p.hello, sizeof(t->p.hello), 1000);
	assert_true(n > 0);
	assert_int_equal(dtls_conn_new_server(&t->p.s, t->p.fds[0], &params, t->p.hello,
					      (size_t)n), 0);
	tls_test_dtls_pump(&t->p, PUMP_MS, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	dtls_conn_set_mtu(t->p.c, 1472);
	dtls_conn_set_mtu(t->p.s, 1472);
	connect_to(t->p.fds[1], &t->relay_addr);
	connect_to(t->p.fds[0], &t->relay_addr);
	dtls_params_wipe(&params);
	t->tx = *is_client_tx ? t->p.c : t->p.s;
	t->rx = *is_client_tx ? t->p.s : t->p.c;
	t->tx_fd = t->p.fds[*is_client_tx ? 1 : 0];
	t->rx_fd = t->p.fds[*is_client_tx ? 0 : 1];
	t->rx_addr = *is_client_tx ? &t->server_addr : &t->client_addr;
}

static void close_trio(struct udp_trio *t)
{
	tls_test_dtls_close(&t->p);
	close(t->relay);
}

/* Record n of a burst: len bytes, type 0x00, an IPv4-looking packet filled with n. */
static void fill_record(uint8_t *out, size_t len, unsigned n)
{
	memset(out, (int)(n + 1), len);
	out[0] = 0x00;
	out[1] = 0x45;
}

/* Writes the records corked, one length each; 0 or the first error. */
static int send_burst(struct dtls_conn *c, const size_t *lens, unsigned count)
{
	uint8_t rec[DTLS_BATCH_SLOT];
	int ret = 0;

	dtls_conn_cork(c);
	for (unsigned i = 0; i < count && ret == 0; i++) {
		fill_record(rec, lens[i], i);
		ret = dtls_conn_write(c, rec, lens[i]);
	}
	return ret != 0 ? ret : dtls_conn_uncork(c);
}

/*
 * Takes count datagrams off the relay: each must be one record of the
 * expected size on the wire; each is passed on to the receiving session,
 * which must read exactly that record back.
 */
static void relay_and_check(struct udp_trio *t, const size_t *lens, unsigned count)
{
	static uint8_t in[DTLS_RECORD_MAX];
	uint8_t wire[4096], want[DTLS_BATCH_SLOT];
	size_t got = 0;

	for (unsigned i = 0; i < count; i++) {
		ssize_t n = tls_test_recv(t->relay, wire, sizeof(wire), 1000);

		if (n < 0)
			fail_msg("datagram %u of %u never came", i, count);
		assert_int_equal((size_t)n, lens[i] + GCM_OVERHEAD);
		assert_int_equal(sendto(t->relay, wire, (size_t)n, 0,
					(const struct sockaddr *)t->rx_addr, sizeof(*t->rx_addr)), n);
		assert_true(tls_test_ready(t->rx_fd, false));
		assert_int_equal(dtls_conn_read(t->rx, in, sizeof(in), &got), 0);
		fill_record(want, lens[i], i);
		assert_int_equal(got, lens[i]);
		assert_memory_equal(in, want, got);
	}
	assert_false(tls_test_ready(t->relay, false));
}

/* One TSO frame's worth: 40 full records (1400 bytes of packet) and a short tail. */
static unsigned tso_burst(size_t *lens)
{
	for (unsigned i = 0; i < 40; i++)
		lens[i] = 1401;
	lens[40] = 301;
	return 41;
}

/*
 * 41 datagrams fill the batch (32) once and then hold 9: two flushes, each
 * one run of equal datagrams, so two messages where sendmmsg alone hands
 * the kernel 41.
 */
static void equal_burst_segmented(void **state)
{
	struct udp_trio t;
	struct dtls_batch *b;
	size_t lens[BURST_MAX];
	unsigned count = tso_burst(lens);

	open_trio(&t, *state);
	assert_int_equal(dtls_batch_new(&b), 0);
	dtls_conn_set_batch(t.tx, b, false);
	assert_int_equal(send_burst(t.tx, lens, count), 0);
	assert_int_equal(dtls_batch_tx_messages(b), 2);
	relay_and_check(&t, lens, count);
	assert_int_equal(dtls_conn_send_drops(t.tx), 0);
	close_trio(&t);
	dtls_batch_free(b);
}

/*
 * Where sizes change a run ends: a shorter datagram closes it, a longer
 * one starts the next: 5x1000 + 600 | 4x800 | 3x1400, three messages.
 */
static void runs_follow_sizes(void **state)
{
	static const size_t lens[] = { 1000, 1000, 1000, 1000, 1000, 600, 800, 800, 800,
				       800, 1400, 1400, 1400 };
	unsigned count = sizeof(lens) / sizeof(lens[0]);
	struct udp_trio t;
	struct dtls_batch *b;

	open_trio(&t, *state);
	assert_int_equal(dtls_batch_new(&b), 0);
	dtls_conn_set_batch(t.tx, b, false);
	assert_int_equal(send_burst(t.tx, lens, count), 0);
	assert_int_equal(dtls_batch_tx_messages(b), 3);
	relay_and_check(&t, lens, count);
	close_trio(&t);
	dtls_batch_free(b);
}

/*
 * The kernel refuses to segment on a socket without UDP checksums: the
 * first burst's probe fails, nothing of it is lost, and both bursts leave
 * one message per datagram.
 */
static void refused_falls_back(void **state)
{
	struct udp_trio t;
	struct dtls_batch *b;
	size_t lens[BURST_MAX];
	unsigned count = tso_burst(lens);
	int one = 1;

	open_trio(&t, *state);
	assert_int_equal(setsockopt(t.tx_fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)), 0);
	assert_int_equal(dtls_batch_new(&b), 0);
	dtls_conn_set_batch(t.tx, b, false);
	for (int round = 1; round <= 2; round++) {
		assert_int_equal(send_burst(t.tx, lens, count), 0);
		assert_int_equal(dtls_batch_tx_messages(b), (unsigned long)round * count);
		relay_and_check(&t, lens, count);
		assert_int_equal(dtls_conn_send_drops(t.tx), 0);
	}
	close_trio(&t);
	dtls_batch_free(b);
}

/* One test per sending end, named after it. */
#define BOTH_ENDS(f) \
	{ "gateway_" #f, f, NULL, NULL, &sends_from_server }, \
	{ "client_" #f, f, NULL, NULL, &sends_from_client }

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH_ENDS(equal_burst_segmented),
		BOTH_ENDS(runs_follow_sizes),
		BOTH_ENDS(refused_falls_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
