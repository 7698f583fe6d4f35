/* SPDX-License-Identifier: ISC */
/*
 * The TLS data channel of one session after openconnect's login and
 * CONNECT: the real frames of vector 10 (DPD echo with payload, keepalive,
 * unknown type, DISCONNECT 0xb0 and 0x91), packets between the session and
 * the tun stand-in in both directions with the anti-spoofing and
 * restrict-to-routes checks, the tun offloads (a TSO frame split, a flow's
 * segments merged at the end of the loop round), garbage on the channel,
 * the DPD timer, and the parent's list and disconnect requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "gateway/worker/testenv.h"
#include "gateway/worker/tun_io.h"
#include "lib/net/offload.h"
#include "tests/include/ref_csum.h"

static char out[65536];

static int setup(void **state)
{
	struct testenv *t = malloc(sizeof(*t));

	if (!t || testenv_setup(t, NULL) != 0)
		return -1;
	testenv_login_and_connect(t);
	*state = t;
	return 0;
}

static int setup_fast_dpd(void **state)
{
	struct testenv *t = malloc(sizeof(*t));

	if (!t || testenv_setup(t, "dpd = 1\n") != 0)
		return -1;
	testenv_login_and_connect(t);
	*state = t;
	return 0;
}

static int setup_timeouts(void **state)
{
	struct testenv *t = malloc(sizeof(*t));

	/* idle-timeout and session-timeout of one and two seconds */
	if (!t || testenv_setup(t, "idle-timeout = 1\nsession-timeout = 2\n") != 0)
		return -1;
	testenv_login_and_connect(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct testenv *t = *state;

	testenv_teardown(t);
	free(t);
	return 0;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An ICMP echo request from src to dst, with a correct IPv4 header checksum. */
static size_t icmp_packet(uint8_t *p, const uint8_t src[4], const uint8_t dst[4])
{
	memset(p, 0, 84);
	p[0] = 0x45;
	p[3] = 84;
	p[6] = 0x40;
	p[8] = 64;
	p[9] = 1;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, (uint16_t)~ref_csum_fold(ref_csum_add(0, p, 20)));
	p[20] = 8;
	for (int i = 28; i < 84; i++)
		p[i] = (uint8_t)i;
	return 84;
}

static size_t data_frame(uint8_t *f, const uint8_t *pkt, size_t len)
{
	f[0] = 'S';
	f[1] = 'T';
	f[2] = 'F';
	f[3] = 1;
	f[4] = (uint8_t)(len >> 8);
	f[5] = (uint8_t)len;
	f[6] = 0;
	f[7] = 0;
	memcpy(f + 8, pkt, len);
	return len + 8;
}

static const uint8_t client_addr[4] = { 198, 19, 10, 50 };
static const uint8_t lan_host[4] = { 198, 18, 2, 2 };

/* Vector 10 [E]: the probe's 28-byte DPD comes back byte for byte as type 4, one record. */
static void test_dpd_echo(void **state)
{
	struct testenv *t = *state;
	static const uint8_t dpd[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x1c, 0x03, 0x00,
				       'h', 'e', 'l', 'l', 'o', '-', 'd', 'p', 'd', '-',
				       'p', 'a', 'y', 'l', 'o', 'a', 'd', '-', '0', '1',
				       '2', '3', '4', '5', '6', '7', '8', '9' };
	uint8_t want[sizeof(dpd)];

	memcpy(want, dpd, sizeof(dpd));
	want[6] = 0x04;
	testenv_feed_bytewise(t, dpd, sizeof(dpd));
	assert_int_equal(testenv_records(t), 1);
	assert_int_equal(testenv_output(t, out, sizeof(out)), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

/* openconnect's empty DPD, a keepalive (never answered) and an unknown type in one read. */
static void test_control_frames(void **state)
{
	struct testenv *t = *state;
	static const uint8_t frames[] = {
		0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x03, 0x00,             /* DPD-REQ */
		0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x07, 0x00,             /* KEEPALIVE */
		0x53, 0x54, 0x46, 0x01, 0x00, 0x03, 0x0b, 0x00, 'x', 'y', 'z', /* type 11 */
	};

	testenv_feed(t, frames, sizeof(frames));
	assert_int_equal(testenv_records(t), 1);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x00\x04\x00", 8);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
}

static void test_packets_both_ways(void **state)
{
	struct testenv *t = *state;
	uint8_t pkt[84], frame[100], got[200];
	size_t len = icmp_packet(pkt, client_addr, lan_host);
	size_t flen = data_frame(frame, pkt, len);

	/* client -> LAN: the packet reaches the tun unchanged */
	testenv_feed(t, frame, flen);
	assert_int_equal(testenv_recv(t->tun_peer, got, sizeof(got)), (ssize_t)len);
	assert_memory_equal(got, pkt, len);
	/* LAN -> client: one DATA frame, one record */
	len = icmp_packet(pkt, lan_host, client_addr);
	assert_int_equal(send(t->tun_peer, pkt, len, 0), (ssize_t)len);
	testenv_run(t, 0);
	assert_int_equal(testenv_records(t), 1);
	assert_int_equal(testenv_output(t, out, sizeof(out)), len + 8);
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x54\x00\x00", 8);
	assert_memory_equal(out + 8, pkt, len);
	assert_int_equal(t->s->tun.rx_packets, 1);
	assert_int_equal(t->s->tun.tx_packets, 1);
}

static void test_spoofed_source_dropped(void **state)
{
	struct testenv *t = *state;
	static const uint8_t other[4] = { 198, 19, 10, 51 };
	uint8_t pkt[84], frame[100], got[200];
	size_t flen = data_frame(frame, pkt, icmp_packet(pkt, other, lan_host));

	testenv_feed(t, frame, flen);
	assert_int_equal(recv(t->tun_peer, got, sizeof(got), MSG_DONTWAIT), -1);
	assert_int_equal(t->s->tun.rx_drops, 1);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
}

/*
 * Offloads (lib/net/offload.h) on the tun stand-in: frames with a
 * virtio-net header. TCP/IPv4 packets built here with the checksums of RFC
 * 791/793 (tests/include/ref_csum.h), so the split and the merge are
 * checked against the rules, not against the code under test.
 */

/* The TCP checksum over pseudo-header + segment: 0xffff (as a sum) when right. */
static uint16_t tcp_check(const uint8_t *ip, size_t len)
{
	return ref_csum_fold(ref_csum_add(ref_csum_pseudo(ip, len - 20), ip + 20, len - 20));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* IPv4 + 20-byte TCP header (ACK, flags), payload bytes (seq + i) & 0xff. */
static size_t tcp_packet(uint8_t *p, const uint8_t src[4], const uint8_t dst[4], uint32_t seq,
			 size_t payload, uint8_t flags)
{
	size_t len = 40 + payload;

	memset(p, 0, 40);
	p[0] = 0x45;
	put16(p + 2, (uint32_t)len);
	p[6] = 0x40;
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, (uint16_t)~ref_csum_fold(ref_csum_add(0, p, 20)));
	put16(p + 20, 5201);
	put16(p + 22, 40000);
	put16(p + 24, seq >> 16);
	put16(p + 26, seq);
	put16(p + 28, 0x1000);
	put16(p + 30, 0x2000);
	p[32] = 0x50;
	p[33] = (uint8_t)(0x10 | flags);
	put16(p + 34, 0xffff);
	for (size_t i = 0; i < payload; i++)
		p[40 + i] = (uint8_t)(seq + i);
	put16(p + 36, (uint16_t)~tcp_check(p, len));
	return len;
}

/* The worker as the parent starts it on a kernel that grants the offloads. */
static void use_offload(struct testenv *t)
{
	event_io_del(t->w.loop, &t->w.tun_io);
	t->w.is_tun_added = false;
	t->w.is_tun_offload = true;
	assert_int_equal(tun_io_start(&t->w, "vpns0"), 0);
}

/* A 2500-byte TSO frame from the LAN with MSS 1000: three DATA frames, 1000/1000/500. */
static void test_offload_split(void **state)
{
	struct testenv *t = *state;
	static uint8_t frame[10 + 2540];
	static const uint8_t vnet[10] = { 1, 1, 40, 0, 0xe8, 0x03, 20, 0, 16, 0 };
	const uint32_t seq = 0x01020304;
	size_t off = 0;

	use_offload(t);
	memcpy(frame, vnet, sizeof(vnet));
	tcp_packet(frame + 10, lan_host, client_addr, seq, 2500, 0x08);
	assert_int_equal(send(t->tun_peer, frame, sizeof(frame), 0), (ssize_t)sizeof(frame));
	testenv_run(t, 0);
	assert_int_equal(testenv_records(t), 3);
	testenv_output(t, out, sizeof(out));
	for (int i = 0; i < 3; i++) {
		const uint8_t *ip = (const uint8_t *)out + off + 8;
		size_t payload = i < 2 ? 1000 : 500;

		assert_memory_equal(out + off, "STF\x01", 4);
		assert_int_equal((uint8_t)out[off + 4] << 8 | (uint8_t)out[off + 5], 40 + payload);
		assert_int_equal(ip[2] << 8 | ip[3], 40 + payload);
		assert_int_equal(ref_csum_fold(ref_csum_add(0, ip, 20)), 0xffff);
		assert_int_equal(get32(ip + 24), seq + 1000u * (unsigned)i);
		/* PSH only on the last segment, as the kernel's own segmentation */
		assert_int_equal(ip[33], i < 2 ? 0x10 : 0x18);
		assert_int_equal(tcp_check(ip, 40 + payload), 0xffff);
		assert_int_equal(ip[40], (uint8_t)(seq + 1000u * (unsigned)i));
		off += 8 + 40 + payload;
	}
	assert_int_equal(t->s->tun.tx_packets, 3);
}

/* Three contiguous segments of one flow in one read: one frame on tun, after the round. */
static void test_offload_merge(void **state)
{
	struct testenv *t = *state;
	static uint8_t in[3 * (8 + 1040)], got[NET_OFFLOAD_FRAME_MAX];
	uint8_t pkt[1040];
	const uint32_t seq = 0x7ffffe00;
	size_t len = 0;
	ssize_t n;

	use_offload(t);
	for (int i = 0; i < 3; i++) {
		size_t plen = tcp_packet(pkt, client_addr, lan_host, seq + 1000u * (unsigned)i,
					 1000, 0);

		len += data_frame(in + len, pkt, plen);
	}
	testenv_feed(t, in, len);
	/* held until the loop's iteration ends */
	assert_int_equal(recv(t->tun_peer, got, sizeof(got), MSG_DONTWAIT), -1);
	testenv_run(t, 0);
	n = testenv_recv(t->tun_peer, got, sizeof(got));
	assert_int_equal(n, 10 + 40 + 3000);
	/* virtio-net header: TCPv4 GSO, MSS 1000 (little-endian as the host) */
	assert_int_equal(got[1], 1);
	assert_int_equal(got[4] | got[5] << 8, 1000);
	assert_int_equal(got[12] << 8 | got[13], 3040);
	assert_int_equal(get32(got + 10 + 24), seq);
	for (int i = 0; i < 3000; i++)
		if (got[50 + i] != (uint8_t)(seq + (unsigned)i))
			fail_msg("byte %d of the merged payload", i);
	assert_int_equal(recv(t->tun_peer, got, sizeof(got), MSG_DONTWAIT), -1);
	assert_int_equal(t->s->tun.rx_packets, 3);
}

static void expect_event(struct testenv *t, uint16_t type)
{
	uint8_t buf[2048];
	struct msg_header h;
	ssize_t n = testenv_recv(t->authd_peer, buf, sizeof(buf));

	assert_true(n >= (ssize_t)sizeof(h));
	memcpy(&h, buf, sizeof(h));
	assert_int_equal(h.type, type);
}

static void expect_release(struct testenv *t)
{
	struct msg_lease_release m;

	assert_int_equal(testenv_recv(t->parent_peer, &m, sizeof(m)), sizeof(m));
	assert_int_equal(m.h.type, MSG_LEASE_RELEASE);
	assert_memory_equal(m.session_id, t->session_id, sizeof(m.session_id));
}

/* openconnect's logout (vector 10): 0xb0 + "Aborted by caller" ends the session. */
static void test_disconnect_logout(void **state)
{
	struct testenv *t = *state;
	static const uint8_t bye[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x12, 0x05, 0x00, 0xb0,
				       'A', 'b', 'o', 'r', 't', 'e', 'd', ' ', 'b', 'y', ' ',
				       'c', 'a', 'l', 'l', 'e', 'r' };

	testenv_feed(t, bye, sizeof(bye));
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	assert_int_equal(testenv_records(t), 0); /* ocserv sends nothing back either */
	expect_release(t);
	expect_event(t, MSG_SESSION_END);
}

/* 0x91: the client will reconnect; the session is kept (DETACHED, not END). */
static void test_disconnect_reconnecting(void **state)
{
	struct testenv *t = *state;
	static const uint8_t bye[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x01, 0x05, 0x00, 0x91 };

	testenv_feed(t, bye, sizeof(bye));
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x00\x05\x00", 8);
	expect_release(t);
	expect_event(t, MSG_SESSION_DETACHED);
}

static void test_garbage(void **state)
{
	struct testenv *t = *state;

	testenv_feed(t, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x00\x05\x00", 8);
	expect_event(t, MSG_BAD_REQUEST);
	expect_release(t);
	expect_event(t, MSG_SESSION_DETACHED);
}

/* Nothing heard for 2 DPD intervals: a DPD request; for 3: the peer is dead. */
static void test_dpd_timeout(void **state)
{
	struct testenv *t = *state;

	testenv_run(t, 2300);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x00\x03\x00", 8);
	testenv_run(t, 1000);
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	expect_release(t);
	expect_event(t, MSG_SESSION_DETACHED);
}

static void test_ctl_list_and_disconnect(void **state)
{
	struct testenv *t = *state;
	struct msg_session_info item;
	struct msg_ctl_disconnect dis;
	struct msg_header h = { MSG_CTL_LIST, sizeof(h), 77 };
	char addr[64];

	testenv_send(t, t->parent_peer, &h, sizeof(h));
	assert_int_equal(testenv_recv(t->parent_peer, &item, sizeof(item)), sizeof(item));
	assert_int_equal(item.h.type, MSG_SESSION_LIST_ITEM);
	assert_int_equal(item.h.req_id, 77);
	assert_string_equal(item.user, "alice");
	assert_string_equal(item.group, "engineering");
	assert_string_equal(item.user_agent, "Open AnyConnect VPN Agent v9.01-3");
	net_addr_format(&item.ipv4, addr, sizeof(addr));
	assert_string_equal(addr, "198.19.10.50");
	net_addr_format(&item.remote, addr, sizeof(addr));
	assert_string_equal(addr, "198.18.1.2");
	assert_int_equal(item.remote_port, 40000);
	assert_int_equal(item.mtu, 1434);
	assert_int_equal(testenv_recv(t->parent_peer, &h, sizeof(h)), sizeof(h));
	assert_int_equal(h.type, MSG_SESSION_LIST_END);
	assert_int_equal(h.req_id, 77);

	memset(&dis, 0, sizeof(dis));
	dis.h.type = MSG_CTL_DISCONNECT;
	dis.h.len = sizeof(dis);
	snprintf(dis.user, sizeof(dis.user), "alice");
	testenv_send(t, t->parent_peer, &dis, sizeof(dis));
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x00\x05\x00", 8);
	expect_release(t);
	expect_event(t, MSG_SESSION_END);
}

/*
 * Keepalives and DPD keep a connection alive but not a session busy: with
 * only those, idle-timeout ends it (empty DISCONNECT, the session ended for
 * authd); with data flowing, session-timeout still does.
 */
static void test_idle_timeout(void **state)
{
	struct testenv *t = *state;
	static const uint8_t keepalive[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x00, 0x07, 0x00 };

	for (int i = 0; i < 3; i++) {
		testenv_feed(t, keepalive, sizeof(keepalive));
		testenv_run(t, 400);
	}
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "\x53\x54\x46\x01\x00\x00\x05\x00", 8);
	expect_release(t);
	expect_event(t, MSG_SESSION_END);
}

static void test_session_timeout(void **state)
{
	struct testenv *t = *state;
	uint8_t pkt[84], frame[100];
	size_t flen = data_frame(frame, pkt, icmp_packet(pkt, client_addr, lan_host));

	/* a packet every 300 ms: never idle for a second, alive past the idle timeout */
	for (int i = 0; i < 4 && t->s->phase == SESSION_PHASE_TUNNEL; i++) {
		testenv_feed(t, frame, flen);
		testenv_run(t, 300);
	}
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
	for (int i = 0; i < 10 && t->s->phase == SESSION_PHASE_TUNNEL; i++) {
		testenv_feed(t, frame, flen);
		testenv_run(t, 300);
	}
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	assert_string_equal(t->s->close_reason, "session timeout");
	expect_release(t);
	expect_event(t, MSG_SESSION_END);
}

/* A reconnect on this worker while the old connection still looks alive. */
static void test_reconnect_supersedes(void **state)
{
	struct testenv *t = *state;
	struct session *old = t->s;
	struct msg_session_event ev;
	uint8_t pkt[84], got[8];
	size_t n;

	testenv_new_session(t);
	n = testenv_oc_connect(out, sizeof(out), t->cookie);
	testenv_feed(t, out, n);
	testenv_answer_cookie(t, MSG_AUTH_OK, NULL);
	testenv_answer_lease(t, NULL);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 200 CONNECTED\r\n", 24);
	assert_int_equal(old->phase, SESSION_PHASE_CLOSING);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
	/* authd hears of the new tunnel only; the parent gets no release */
	assert_int_equal(testenv_recv(t->authd_peer, &ev, sizeof(ev)), sizeof(ev));
	assert_int_equal(ev.h.type, MSG_SESSION_ATTACHED);
	assert_int_equal(recv(t->authd_peer, got, sizeof(got), MSG_DONTWAIT), -1);
	assert_int_equal(recv(t->parent_peer, got, sizeof(got), MSG_DONTWAIT), -1);
	/* the address now reaches the new connection */
	n = icmp_packet(pkt, lan_host, client_addr);
	assert_int_equal(send(t->tun_peer, pkt, n, 0), (ssize_t)n);
	testenv_run(t, 0);
	assert_int_equal(testenv_records(t), 1);
	assert_int_equal(old->out.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dpd_echo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_packets_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spoofed_source_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offload_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offload_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_reconnecting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dpd_timeout, setup_fast_dpd, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_list_and_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_supersedes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup_timeouts, teardown),
		cmocka_unit_test_setup_teardown(test_session_timeout, setup_timeouts, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
