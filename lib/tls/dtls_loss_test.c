/* SPDX-License-Identifier: ISC */
/*
 * The handshake when datagrams go missing, driven only by
 * dtls_conn_timeout_ms() as the programs' event loops will drive it:
 * retransmissions double from the first timeout (the 1, 2, 4, 8, 16 s
 * schedule AnyConnect uses when UDP is blocked, PROTOCOL.md §8.7, here
 * scaled down to 50 ms), a lost flight in either direction is recovered,
 * and the gateway's demultiplexing (DESIGN.md "DTLS demux") works on real
 * UDP sockets: the first ClientHello arrives on the shared socket, later
 * datagrams on the owner's socket connected to the client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

#define PUMP_MS 5000
#define RETRANS_MS 50
#define SENDS_MAX 16

static void resume_params(struct dtls_params *p, const char *name, unsigned total_ms)
{
	memset(p, 0, sizeof(*p));
	p->mode = DTLS_MODE_RESUME;
	p->suite = dtls_suite_find(DTLS_LIST_LEGACY, str_view_of(name));
	assert_non_null(p->suite);
	memset(p->master_secret, 0x3c, DTLS_MASTER_SECRET_LEN);
	memset(p->id, 0xd9, DTLS_SESSION_ID_LEN);
	p->id_len = DTLS_SESSION_ID_LEN;
	p->retrans_ms = RETRANS_MS;
	p->total_ms = total_ms;
}

static void exchange(struct dtls_conn *from, struct dtls_conn *to, int to_fd)
{
	static uint8_t in[DTLS_RECORD_MAX];
	size_t got = 0;
	int ret = VPN_ERR_AGAIN;

	assert_int_equal(dtls_conn_write(from, "\x00" "ping", 5), 0);
	for (int i = 0; i < 50 && ret == VPN_ERR_AGAIN; i++) {
		ret = dtls_conn_read(to, in, sizeof(in), &got);
		if (ret == VPN_ERR_AGAIN)
			(void)tls_test_ready(to_fd, false);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(got, 5);
	assert_memory_equal(in, "\x00" "ping", 5);
}

/* A client with nobody answering: the same hello at doubling intervals, then CLOSED. */
static void retransmissions_double(void **state)
{
	struct dtls_params params;
	struct tls_test_dtls p;
	uint64_t at[SENDS_MAX], start;
	uint8_t first_random[32];
	size_t sends = 1;
	int ret = VPN_ERR_AGAIN;

	(void)state;
	/* AnyConnect's 0, 1, 3, 7, 15, 31 s (retrans 1000, total 32000) divided by 20 */
	resume_params(&params, "AES256-SHA", 1600);
	start = tls_test_now_ms();
	assert_int_equal(tls_test_dtls_open(&p, &params, NULL), 0);
	at[0] = start;
	memcpy(first_random, p.hello + 27, 32);
	while (ret == VPN_ERR_AGAIN && tls_test_now_ms() < start + PUMP_MS) {
		uint8_t dgram[2048];
		struct dtls_hello h;
		size_t consumed;
		ssize_t n = tls_test_recv(p.fds[0], dgram, sizeof(dgram),
					  dtls_conn_timeout_ms(p.c) + 1);

		if (n > 0 && sends < SENDS_MAX) {
			at[sends++] = tls_test_now_ms();
			assert_int_equal(dtls_hello_parse(&h, &consumed, dgram, (size_t)n), PARSE_DONE);
			assert_memory_equal(h.random, first_random, 32); /* a retransmission */
			assert_int_equal(h.record_seq, sends - 1);
		}
		ret = dtls_conn_handshake(p.c);
	}
	assert_int_equal(ret, VPN_ERR_CLOSED);
	/* 0, 50, 150, 350, 750, 1550 ms; the next one (3150) is past total_ms */
	assert_int_equal(sends, 6);
	assert_true(tls_test_now_ms() - start >= 3150 - 20);
	for (size_t i = 1; i < sends; i++) {
		uint64_t gap = at[i] - at[i - 1], want = (uint64_t)RETRANS_MS << (i - 1);

		if (gap + 5 < want || gap > want + 60)
			fail_msg("retransmission %zu after %llu ms, expected %llu", i,
				 (unsigned long long)gap, (unsigned long long)want);
	}
	tls_test_dtls_close(&p);
}

/* Drops every datagram waiting on fd; how many there were. */
static size_t drop_all(int fd)
{
	uint8_t dgram[2048];
	size_t n = 0;

	while (tls_test_recv(fd, dgram, sizeof(dgram), 20) > 0)
		n++;
	return n;
}

/* The gateway's answer is lost: the client's retransmitted hello brings it again. */
static void lost_server_flight(void **state)
{
	struct dtls_params params;
	struct tls_test_dtls p;
	int rc, rs;

	(void)state;
	resume_params(&params, "AES256-SHA", 3000);
	assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
	assert_int_equal(dtls_conn_handshake(p.s), VPN_ERR_AGAIN);
	assert_true(drop_all(p.fds[1]) > 0);
	tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	exchange(p.c, p.s, p.fds[0]);
	exchange(p.s, p.c, p.fds[1]);
	tls_test_dtls_close(&p);
}

/*
 * The client's last flight is lost after its handshake returned 0: the
 * gateway retransmits, and the client answers from inside dtls_conn_read.
 */
static void lost_client_flight(void **state)
{
	struct dtls_params params;
	struct tls_test_dtls p;
	static uint8_t in[DTLS_RECORD_MAX];
	size_t got;
	int rs = VPN_ERR_AGAIN;
	uint64_t end;

	(void)state;
	resume_params(&params, "OC-DTLS1_2-AES256-GCM", 3000);
	assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
	assert_int_equal(dtls_conn_handshake(p.s), VPN_ERR_AGAIN);
	assert_true(tls_test_ready(p.fds[1], false));
	assert_int_equal(dtls_conn_handshake(p.c), 0);
	assert_true(drop_all(p.fds[0]) > 0);
	end = tls_test_now_ms() + PUMP_MS;
	while (rs == VPN_ERR_AGAIN && tls_test_now_ms() < end) {
		struct pollfd pfd = { .fd = p.fds[0], .events = POLLIN };

		poll(&pfd, 1, (int)dtls_conn_timeout_ms(p.s) + 1);
		rs = dtls_conn_handshake(p.s);
		if (rs == VPN_ERR_AGAIN && tls_test_ready(p.fds[1], false))
			assert_int_equal(dtls_conn_read(p.c, in, sizeof(in), &got), VPN_ERR_AGAIN);
	}
	assert_int_equal(rs, 0);
	exchange(p.c, p.s, p.fds[0]);
	exchange(p.s, p.c, p.fds[1]);
	tls_test_dtls_close(&p);
}

/*
 * PSK is a full handshake: there the gateway sends the last flight and is
 * done; when that flight is lost, it answers the client's retransmission
 * from inside dtls_conn_read.
 */
static void lost_psk_server_flight(void **state)
{
	struct dtls_params params = { .mode = DTLS_MODE_PSK, .id_len = DTLS_APP_ID_MAX,
				      .retrans_ms = RETRANS_MS, .total_ms = 3000 };
	struct tls_test_dtls p;
	static uint8_t in[DTLS_RECORD_MAX];
	size_t got;
	int rc = VPN_ERR_AGAIN, rs = VPN_ERR_AGAIN;
	uint64_t end;

	(void)state;
	memset(params.psk, 0x42, DTLS_PSK_LEN);
	memset(params.id, 0x76, DTLS_APP_ID_MAX);
	assert_int_equal(tls_test_dtls_open(&p, &params, &params), 0);
	for (int i = 0; i < 20 && rs == VPN_ERR_AGAIN; i++) {
		rs = dtls_conn_handshake(p.s);
		if (rs == VPN_ERR_AGAIN)
			assert_int_equal(dtls_conn_handshake(p.c), VPN_ERR_AGAIN);
	}
	assert_int_equal(rs, 0);
	assert_true(drop_all(p.fds[1]) > 0);
	end = tls_test_now_ms() + PUMP_MS;
	while (rc == VPN_ERR_AGAIN && tls_test_now_ms() < end) {
		struct pollfd pfd = { .fd = p.fds[1], .events = POLLIN };

		poll(&pfd, 1, (int)dtls_conn_timeout_ms(p.c) + 1);
		rc = dtls_conn_handshake(p.c);
		if (rc == VPN_ERR_AGAIN && tls_test_ready(p.fds[0], false))
			assert_int_equal(dtls_conn_read(p.s, in, sizeof(in), &got), VPN_ERR_AGAIN);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(dtls_conn_description(p.c), dtls_conn_description(p.s));
	exchange(p.c, p.s, p.fds[0]);
	exchange(p.s, p.c, p.fds[1]);
	tls_test_dtls_close(&p);
}

static int udp_socket(const struct sockaddr_in *bind_to)
{
	int one = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	if (bind_to != NULL)
		assert_int_equal(bind(fd, (const struct sockaddr *)bind_to, sizeof(*bind_to)), 0);
	return fd;
}

/*
 * The gateway's path on loopback: the shared socket receives the first
 * ClientHello, the parser names the session, and a socket bound to the same
 * port and connected to the client serves the session from that datagram
 * on; the kernel delivers the rest to the connected socket.
 */
static void demux_over_udp(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET }, peer;
	socklen_t len = sizeof(addr), peer_len = sizeof(peer);
	struct dtls_params params;
	struct tls_test_dtls p = { .fds = { -1, -1 } };
	struct dtls_hello h;
	const uint8_t *key;
	size_t consumed, key_len;
	int shared, rc, rs;
	ssize_t n;

	(void)state;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	shared = udp_socket(&addr);
	assert_int_equal(getsockname(shared, (struct sockaddr *)&addr, &len), 0);
	p.fds[1] = udp_socket(NULL);
	assert_int_equal(connect(p.fds[1], (struct sockaddr *)&addr, sizeof(addr)), 0);
	resume_params(&params, "AES256-SHA", 3000);
	assert_int_equal(dtls_conn_new_client(&p.c, p.fds[1], &params), 0);
	assert_int_equal(dtls_conn_handshake(p.c), VPN_ERR_AGAIN);
	assert_true(tls_test_ready(shared, false));
	n = recvfrom(shared, p.hello, sizeof(p.hello), 0, (struct sockaddr *)&peer, &peer_len);
	assert_true(n > 0);
	p.hello_len = (size_t)n;
	assert_int_equal(dtls_hello_parse(&h, &consumed, p.hello, p.hello_len), PARSE_DONE);
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), 0);
	assert_memory_equal(key, params.id, DTLS_SESSION_ID_LEN);
	p.fds[0] = udp_socket(&addr);
	assert_int_equal(connect(p.fds[0], (struct sockaddr *)&peer, peer_len), 0);
	assert_int_equal(dtls_conn_new_server(&p.s, p.fds[0], &params, p.hello, p.hello_len), 0);
	tls_test_dtls_pump(&p, PUMP_MS, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	for (int i = 0; i < 3; i++) {
		exchange(p.c, p.s, p.fds[0]);
		exchange(p.s, p.c, p.fds[1]);
	}
	assert_false(tls_test_ready(shared, false)); /* nothing more reached the shared socket */
	tls_test_dtls_close(&p);
	close(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retransmissions_double),
		cmocka_unit_test(lost_server_flight),
		cmocka_unit_test(lost_client_flight),
		cmocka_unit_test(lost_psk_server_flight),
		cmocka_unit_test(demux_over_udp),
	};

	int failed;

	if (tls_global_init() != 0)
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	tls_global_cleanup();
	return failed;
}
