/* SPDX-License-Identifier: ISC */
/*
 * The DTLS channel at run time against a PSK-NEGOTIATE server session of
 * lib/tls on 127.0.0.1: the handshake on the client's loop, the states it
 * reports, DATA both ways (one frame per record, type byte 0x00), a DPD
 * request echoed byte for byte as 0x04 (PROTOCOL.md §8.6), a packet above
 * the tunnel MTU left to TLS, and a dead channel (no DPD answer) leaving
 * UP for a new attempt that comes up again. The quiet check: data out and
 * nothing back brings a DPD request no sooner than DTLS_LINK_QUIET_MS, sent
 * twice; unanswered, the channel is dead well before the gateway's DPD
 * interval; answered, or with data coming back, the channel stays up.
 * DATA through the tunnel's coalescer comes out merged at the loop's turn.
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
#include <time.h>
#include <unistd.h>

#include "client/dtls_link.h"
#include "lib/base/err.h"
#include "lib/net/offload.h"
#include "lib/tls/tls.h"

#define ROUNDS_MAX 2000 /* loop passes in one wait, at 5 ms each at most */

struct fixture {
	struct event_loop *loop;
	struct dtls_link d;
	int tun[2];              /* [0] the link's "tun", [1] the test's end */
	int srv_fd;              /* the gateway's UDP socket */
	uint16_t port;
	struct dtls_conn *srv;
	struct dtls_params sp;
	enum dtls_link_state seen[8];
	size_t seen_count;
};

static const uint8_t psk[DTLS_PSK_LEN] = { 0x42, 0x13, 0x37, 0x99 };
static const uint8_t app_id[DTLS_APP_ID_MAX] = { 0x76, 0x92, 0x34, 0xbc, 0x77, 0xc6, 0x5d, 0x92 };

static void on_change(struct dtls_link *d, enum dtls_link_state old)
{
	struct fixture *f = d->owner;

	(void)old;
	if (f->seen_count < 8)
		f->seen[f->seen_count++] = d->state;
}

static int setup(void **state)
{
	static struct fixture f;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);

	memset(&f, 0, sizeof(f));
	assert_int_equal(tls_global_init(), 0);
	assert_int_equal(event_loop_new(&f.loop), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, f.tun), 0);
	f.srv_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(f.srv_fd >= 0);
	assert_int_equal(bind(f.srv_fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(f.srv_fd, (struct sockaddr *)&sin, &len), 0);
	f.port = ntohs(sin.sin_port);
	/*
	 * Bound again by number: a port the kernel picked is given up when
	 * accept_hello() disconnects the socket, a port asked for is kept.
	 */
	close(f.srv_fd);
	f.srv_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(f.srv_fd >= 0);
	assert_int_equal(bind(f.srv_fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	f.sp.mode = DTLS_MODE_PSK;
	memcpy(f.sp.psk, psk, sizeof(psk));

	dtls_link_init(&f.d);
	f.d.params.mode = DTLS_MODE_PSK;
	memcpy(f.d.params.psk, psk, sizeof(psk));
	memcpy(f.d.params.id, app_id, sizeof(app_id));
	f.d.params.id_len = sizeof(app_id);
	f.d.params.retrans_ms = DTLS_LINK_RETRANS_MS;
	f.d.params.total_ms = DTLS_LINK_TOTAL_MS;
	f.d.choice.name = DTLS_PSK_NEGOTIATE;
	f.d.addr.family = AF_INET;
	memcpy(f.d.addr.bytes, (uint8_t[]){ 127, 0, 0, 1 }, 4);
	f.d.port = f.port;
	f.d.mtu = 1400;
	f.d.base_mtu = 1500;
	f.d.owner = &f;
	f.d.on_change = on_change;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dtls_link_cleanup(&f->d);
	dtls_conn_free(f->srv);
	event_loop_free(f->loop);
	close(f->tun[0]);
	close(f->tun[1]);
	close(f->srv_fd);
	dtls_params_wipe(&f->sp);
	tls_global_cleanup();
	return 0;
}

/* Takes the next hello: the server socket follows the client's port, a new session answers. */
static void accept_hello(struct fixture *f)
{
	uint8_t hello[2048];
	struct sockaddr_in from;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(from);
	ssize_t n = -1;

	struct dtls_hello h;
	size_t used = 0;

	connect(f->srv_fd, &unspec, sizeof(unspec));
	/* What the dead channel sent last (its DPD requests) is not a hello: skipped. */
	for (int i = 0; i < ROUNDS_MAX; i++) {
		event_loop_run_once(f->loop, 5);
		len = sizeof(from);
		n = recvfrom(f->srv_fd, hello, sizeof(hello), 0, (struct sockaddr *)&from, &len);
		if (n > 0 && dtls_hello_parse(&h, &used, hello, (size_t)n) == PARSE_DONE)
			break;
		n = -1;
	}
	assert_true(n > 0);
	assert_memory_equal(h.session_id, app_id, sizeof(app_id));
	assert_int_equal(connect(f->srv_fd, (struct sockaddr *)&from, len), 0);
	dtls_conn_free(f->srv);
	f->srv = NULL;
	assert_int_equal(dtls_conn_new_server(&f->srv, f->srv_fd, &f->sp, hello, (size_t)n), 0);
}

static void pump_until_up(struct fixture *f)
{
	int rs = VPN_ERR_AGAIN;

	for (int i = 0; i < ROUNDS_MAX && (rs == VPN_ERR_AGAIN || !dtls_link_is_up(&f->d)); i++) {
		if (rs == VPN_ERR_AGAIN)
			rs = dtls_conn_handshake(f->srv);
		event_loop_run_once(f->loop, 5);
	}
	assert_int_equal(rs, 0);
	assert_true(dtls_link_is_up(&f->d));
}

/* One record the server receives, read within the client loop's passes. */
static size_t server_read(struct fixture *f, uint8_t *buf)
{
	size_t len = 0;
	int ret = VPN_ERR_AGAIN;

	for (int i = 0; i < ROUNDS_MAX && ret == VPN_ERR_AGAIN; i++) {
		ret = dtls_conn_read(f->srv, buf, DTLS_RECORD_MAX, &len);
		if (ret == VPN_ERR_AGAIN)
			event_loop_run_once(f->loop, 5);
	}
	assert_int_equal(ret, 0);
	return len;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Runs the client's loop for ms milliseconds. */
static void run_for(struct fixture *f, unsigned ms)
{
	uint64_t end = mono_ms() + ms;

	for (int i = 0; i < ROUNDS_MAX && mono_ms() < end; i++)
		event_loop_run_once(f->loop, 5);
}

static void connect_first(struct fixture *f)
{
	assert_int_equal(dtls_link_start(&f->d, f->loop, f->tun[0]), 0);
	assert_int_equal(f->d.state, DTLS_LINK_CONNECTING);
	accept_hello(f);
	pump_until_up(f);
	assert_int_equal(f->seen_count, 2);
	assert_int_equal(f->seen[0], DTLS_LINK_CONNECTING);
	assert_int_equal(f->seen[1], DTLS_LINK_UP);
}

static void test_data_and_dpd(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[DTLS_RECORD_MAX];
	static const uint8_t ping[] = { 0x45, 0x00, 0x00, 0x54, 0xde, 0xad, 0x40, 0x00, 0x40, 0x01 };
	static const uint8_t probe[] = { 0x03, 0x8f, 0x1c, 0x2a, 0x77, 0x00, 0x00, 0x00 };
	static uint8_t big[1401];
	uint8_t rec[sizeof(ping) + 1] = { 0x00 };
	ssize_t n = -1;
	size_t len;

	connect_first(f);
	/* Client -> gateway: 0x00 + the packet, one record. */
	assert_int_equal(dtls_link_send(&f->d, ping, sizeof(ping)), 0);
	len = server_read(f, buf);
	assert_int_equal(len, sizeof(ping) + 1);
	assert_int_equal(buf[0], 0x00);
	assert_memory_equal(buf + 1, ping, sizeof(ping));
	/* Gateway -> client: the packet reaches tun without its type byte. */
	memcpy(rec + 1, ping, sizeof(ping));
	assert_int_equal(dtls_conn_write(f->srv, rec, sizeof(rec)), 0);
	for (int i = 0; i < ROUNDS_MAX && n < 0; i++) {
		event_loop_run_once(f->loop, 5);
		n = read(f->tun[1], buf, sizeof(buf));
	}
	assert_int_equal(n, sizeof(ping));
	assert_memory_equal(buf, ping, sizeof(ping));
	/* A padded DPD (an MTU probe) comes back as 0x04 + the same bytes. */
	assert_int_equal(dtls_conn_write(f->srv, probe, sizeof(probe)), 0);
	len = server_read(f, buf);
	assert_int_equal(len, sizeof(probe));
	assert_int_equal(buf[0], 0x04);
	assert_memory_equal(buf + 1, probe + 1, sizeof(probe) - 1);
	/* Above the tunnel MTU: for TLS to carry. */
	assert_int_equal(dtls_link_send(&f->d, big, sizeof(big)), VPN_ERR_TOO_BIG);
	assert_int_equal(f->d.packets_out, 1);
	assert_int_equal(f->d.packets_in, 1);
}

static void test_dead_then_back(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[DTLS_RECORD_MAX];
	size_t len;

	f->d.dpd_ms = 300;
	connect_first(f);
	/* The DPD request after 300 ms without news, a lone 0x03. */
	len = server_read(f, buf);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 0x03);
	/* Unanswered: dead 2 s later, a new attempt at once; data is TLS's meanwhile. */
	for (int i = 0; i < ROUNDS_MAX && dtls_link_is_up(&f->d); i++)
		event_loop_run_once(f->loop, 5);
	assert_int_equal(f->d.state, DTLS_LINK_CONNECTING);
	assert_int_equal(f->seen[2], DTLS_LINK_CONNECTING);
	assert_int_equal(f->d.attempts, 2);
	assert_int_equal(dtls_link_send(&f->d, "x", 1), VPN_ERR_AGAIN);
	/* The gateway answers the new hello: up again. */
	accept_hello(f);
	pump_until_up(f);
	assert_int_equal(f->seen[3], DTLS_LINK_UP);
}

static const uint8_t echo_req[] = { 0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01 };

/* UDP cut both ways after the data left: probe, probe again, dead; the DPD interval is far off. */
static void test_quiet_dead(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[DTLS_RECORD_MAX];
	uint64_t sent, probed;
	size_t len;

	f->d.dpd_ms = 30000;
	connect_first(f);
	assert_int_equal(dtls_link_send(&f->d, echo_req, sizeof(echo_req)), 0);
	/* the link stamps the send with the loop's clock, which may lag mono_ms() */
	sent = event_loop_now(f->loop);
	len = server_read(f, buf);
	assert_int_equal(len, sizeof(echo_req) + 1);
	assert_int_equal(buf[0], 0x00);
	len = server_read(f, buf);
	probed = mono_ms();
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 0x03);
	assert_true(probed - sent >= DTLS_LINK_QUIET_MS);
	assert_true(dtls_link_is_up(&f->d));
	/* The second request, then the end of the channel. */
	len = server_read(f, buf);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 0x03);
	for (int i = 0; i < ROUNDS_MAX && dtls_link_is_up(&f->d); i++)
		event_loop_run_once(f->loop, 5);
	assert_int_equal(f->d.state, DTLS_LINK_CONNECTING);
	/* long before the 30 s DPD, with room for a loaded sanitizer build */
	assert_true(mono_ms() - sent < f->d.dpd_ms / 2);
	assert_int_equal(f->seen[2], DTLS_LINK_CONNECTING);
	assert_int_equal(f->d.attempts, 2);
	assert_int_equal(dtls_link_send(&f->d, echo_req, sizeof(echo_req)), VPN_ERR_AGAIN);
}

/* Data going out alone is no alarm: the gateway answers the probe (0x04), the link stays up. */
static void test_quiet_answered(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[DTLS_RECORD_MAX];
	static const uint8_t dpd_resp[] = { 0x04 };
	size_t len;

	f->d.dpd_ms = 30000;
	connect_first(f);
	assert_int_equal(dtls_link_send(&f->d, echo_req, sizeof(echo_req)), 0);
	len = server_read(f, buf);
	assert_int_equal(buf[0], 0x00);
	len = server_read(f, buf);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 0x03);
	assert_int_equal(dtls_conn_write(f->srv, dpd_resp, sizeof(dpd_resp)), 0);
	run_for(f, DTLS_LINK_PROBE_MS + 500);
	assert_true(dtls_link_is_up(&f->d));
	assert_int_equal(f->d.attempts, 1);
	assert_int_equal(f->seen_count, 2);
}

/* Traffic both ways: no probe at all. */
static void test_quiet_data_back(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[DTLS_RECORD_MAX];
	uint8_t rec[sizeof(echo_req) + 1] = { 0x00 };
	size_t len = 0;
	int ret;

	f->d.dpd_ms = 30000;
	connect_first(f);
	memcpy(rec + 1, echo_req, sizeof(echo_req));
	for (int round = 0; round < 6; round++) {
		assert_int_equal(dtls_link_send(&f->d, echo_req, sizeof(echo_req)), 0);
		len = server_read(f, buf);
		assert_int_equal(buf[0], 0x00);
		assert_int_equal(dtls_conn_write(f->srv, rec, sizeof(rec)), 0);
		run_for(f, DTLS_LINK_QUIET_MS / 2);
	}
	/* Nothing but the data came: no DPD request queued at the gateway. */
	ret = dtls_conn_read(f->srv, buf, DTLS_RECORD_MAX, &len);
	assert_int_equal(ret, VPN_ERR_AGAIN);
	assert_true(dtls_link_is_up(&f->d));
	assert_int_equal(f->d.packets_in, 6);
}

/*
 * With the tunnel's coalescer (an offload tun, lib/net/offload.h), two
 * contiguous TCP segments from the gateway reach tun as one frame when the
 * loop's iteration ends: a virtio-net header asking for TCPv4 segmentation
 * at the first segment's size, then one IP packet holding both payloads.
 * Packets built here by RFC 791/793 (checksums included).
 */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* 0x00 (DATA) + IPv4/TCP 198.18.2.2:5201 -> 198.19.10.50:40000, ACK, 600 bytes at seq. */
static size_t data_record(uint8_t *rec, uint32_t seq)
{
	uint8_t *p = rec + 1;
	size_t len = 40 + 600;

	memset(rec, 0, 41);
	p[0] = 0x45;
	put16(p + 2, (uint32_t)len);
	p[6] = 0x40;
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, (uint8_t[]){ 198, 18, 2, 2, 198, 19, 10, 50 }, 8);
	put16(p + 10, (uint16_t)~sum16(0, p, 20));
	put16(p + 20, 5201);
	put16(p + 22, 40000);
	put16(p + 24, seq >> 16);
	put16(p + 26, seq);
	put16(p + 30, 1);
	p[32] = 0x50;
	p[33] = 0x10;
	put16(p + 34, 0xffff);
	for (size_t i = 0; i < 600; i++)
		p[40 + i] = (uint8_t)(seq + i);
	put16(p + 36, (uint16_t)~sum16(sum16(6 + 620, p + 12, 8), p + 20, len - 20));
	return len + 1;
}

static void flush_gro(struct event_loop *loop, void *ctx)
{
	(void)loop;
	net_gro_flush(ctx);
}

static void test_data_coalesced(void **state)
{
	struct fixture *f = *state;
	static uint8_t rec[1 + 640], buf[NET_OFFLOAD_FRAME_MAX];
	const uint32_t seq = 1000000;
	ssize_t n = -1;

	f->d.gro = net_gro_new(f->tun[0], 2);
	assert_non_null(f->d.gro);
	event_loop_on_iteration_end(f->loop, flush_gro, f->d.gro);
	connect_first(f);
	for (uint32_t i = 0; i < 2; i++)
		assert_int_equal(dtls_conn_write(f->srv, rec, data_record(rec, seq + 600 * i)), 0);
	/* both datagrams wait on the socket, so one pass reads them */
	poll(NULL, 0, 50);
	for (int i = 0; i < ROUNDS_MAX && n < 0; i++) {
		event_loop_run_once(f->loop, 5);
		n = read(f->tun[1], buf, sizeof(buf));
	}
	assert_int_equal(n, 10 + 40 + 1200);
	assert_int_equal(buf[1], 1);                    /* VIRTIO_NET_HDR_GSO_TCPV4 */
	assert_int_equal(buf[4] | buf[5] << 8, 600);    /* segment size, host order */
	assert_int_equal(buf[12] << 8 | buf[13], 1240); /* IPv4 total length */
	for (int i = 0; i < 1200; i++)
		if (buf[50 + i] != (uint8_t)(seq + (unsigned)i))
			fail_msg("byte %d of the merged payload", i);
	assert_int_equal(read(f->tun[1], buf, sizeof(buf)), -1);
	assert_int_equal(f->d.packets_in, 2);
	event_loop_on_iteration_end(f->loop, NULL, NULL);
	net_gro_free(f->d.gro);
	f->d.gro = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_data_and_dpd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_coalesced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_then_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_dead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_data_back, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
