/* SPDX-License-Identifier: ISC */
/*
 * The gateway's DTLS parts without a network: the CONNECT answer's X-DTLS-*
 * headers for openconnect 9.01's offer (vector 07) against what ocserv
 * answered it (vector 09: AES256-GCM-SHA384 from the DTLS12 list, X-DTLS-MTU
 * and X-CSTP-MTU 1434 on a 1500 link, DPD 30, Keepalive 32400, port 443, a
 * 64-hex Session-ID) and for its DTLS 0.9 offer (AES256-SHA: 1406), the
 * Session-ID naming the worker, keys a stranger cannot forge (every bit
 * flip, length and foreign secret fails), the demux sorting datagrams
 * (garbage, truncated hellos, forged keys, unknown sessions, the live
 * session and another worker's genuine key forwarded to the parent), the parent's socket starting a handshake, and
 * the lease request naming the user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/worker/dtls_demux.h"
#include "gateway/worker/dtls_link.h"
#include "gateway/worker/testenv.h"
#include "lib/tls/dtls.h"
#include "lib/tls/hmac.h"

static char big[65536];

struct fixture {
	struct testenv t;
	bool is_legacy09;           /* the offer of openconnect --dtls-ciphers=AES256-SHA */
	char answer[8192];          /* the CONNECT answer */
	struct msg_lease_request lease;
	uint8_t id[32];             /* X-DTLS-Session-ID, decoded */
};

/* A UDP socket on loopback standing in for the worker's share of the DTLS port. */
static int udp_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void unhex(uint8_t *out, const char *hex, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* Replaces the header line that starts with name (value NULL: deletes it); the new length. */
static size_t set_line(char *req, size_t len, const char *name, const char *value)
{
	char *p = strstr(req, name), *end;
	char line[256] = "";

	assert_non_null(p);
	end = strstr(p, "\r\n") + 2;
	if (value)
		snprintf(line, sizeof(line), "%s%s\r\n", name, value);
	memmove(p + strlen(line), end, len - (size_t)(end - req) + 1);
	memcpy(p, line, strlen(line));
	return len - (size_t)(end - p) + strlen(line);
}

/* openconnect's login and CONNECT (vectors 01-07), keeping the answer. */
static void connect_session(struct fixture *f)
{
	struct testenv *t = &f->t;
	const char *p;
	size_t n;

	testenv_new_session(t);
	n = testenv_oc_post(big, sizeof(big), "/", testenv_oc_init);
	testenv_feed(t, big, n);
	testenv_output(t, big, sizeof(big));
	n = testenv_oc_post(big, sizeof(big), "/auth", testenv_oc_username);
	testenv_feed(t, big, n);
	testenv_output(t, big, sizeof(big));
	n = testenv_oc_post(big, sizeof(big), "/auth", testenv_oc_password);
	testenv_feed(t, big, n);
	testenv_answer_password(t, MSG_AUTH_OK, 0, NULL);
	testenv_output(t, big, sizeof(big));
	n = testenv_oc_connect(big, sizeof(big), t->cookie);
	if (f->is_legacy09) {
		/* With only a legacy list given, openconnect sends no DTLS12 list. */
		n = set_line(big, n, "X-DTLS-CipherSuite: ", "AES256-SHA");
		n = set_line(big, n, "X-DTLS12-CipherSuite: ", NULL);
	}
	testenv_feed(t, big, n);
	testenv_answer_cookie(t, MSG_AUTH_OK, NULL);
	testenv_answer_lease(t, &f->lease);
	testenv_output(t, f->answer, sizeof(f->answer));
	assert_memory_equal(f->answer, "HTTP/1.1 200 CONNECTED\r\n", 24);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
	p = strstr(f->answer, "X-DTLS-Session-ID: ");
	if (p)
		unhex(f->id, p + strlen("X-DTLS-Session-ID: "), 32);
}

static int setup_with(void **state, const char *extra, bool is_legacy09)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || testenv_setup(&f->t, extra) != 0)
		return -1;
	f->is_legacy09 = is_legacy09;
	f->t.w.udp_fd = udp_socket();
	if (dtls_demux_start(&f->t.w) != 0)
		return -1;
	connect_session(f);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, "udp-port = 443\n", false);
}

static int setup_legacy09(void **state)
{
	return setup_with(state, "udp-port = 443\n", true);
}

static int setup_no_legacy(void **state)
{
	return setup_with(state, "udp-port = 443\ndtls-legacy = false\ncisco-client-compat = false\n",
			  false);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	testenv_teardown(&f->t);
	free(f);
	return 0;
}

static const char *header(const struct fixture *f, const char *name, char *out, size_t cap)
{
	const char *p = strstr(f->answer, name);
	size_t len;

	if (!p)
		return NULL;
	p += strlen(name);
	len = strcspn(p, "\r");
	assert_true(len < cap);
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}

static void answer_matches_ocserv(void **state)
{
	struct fixture *f = *state;
	char v[256];

	/* Without TLS there is no exporter, so the test session cannot do PSK. */
	assert_string_equal(header(f, "X-DTLS12-CipherSuite: ", v, sizeof(v)), "AES256-GCM-SHA384");
	assert_null(strstr(f->answer, "X-DTLS-CipherSuite: "));
	assert_string_equal(header(f, "X-DTLS-MTU: ", v, sizeof(v)), "1434");
	assert_string_equal(header(f, "X-CSTP-MTU: ", v, sizeof(v)), "1434");
	assert_string_equal(header(f, "X-CSTP-Base-MTU: ", v, sizeof(v)), "1500");
	assert_string_equal(header(f, "X-DTLS-Port: ", v, sizeof(v)), "443");
	assert_string_equal(header(f, "X-DTLS-DPD: ", v, sizeof(v)), "30");
	assert_string_equal(header(f, "X-DTLS-Keepalive: ", v, sizeof(v)), "32400");
	assert_string_equal(header(f, "X-DTLS-Rekey-Method: ", v, sizeof(v)), "ssl");
	assert_non_null(header(f, "X-DTLS-Session-ID: ", v, sizeof(v)));
	assert_int_equal(strlen(v), 64);
	assert_int_equal(strspn(v, "0123456789abcdef"), 64);
	/* The key names its worker (index 0 in the test env). */
	assert_int_equal(dtls_link_key_owner(f->t.w.dtls_secret, f->id, 32), f->t.w.index);
	assert_int_equal(f->t.s->tun.mtu, 1434);
}

/* DTLS 0.9 with AES256-SHA: 1406 on a 1500 link (PROTOCOL.md §6.5, as ocserv). */
static void legacy09_answer_and_mtu(void **state)
{
	struct fixture *f = *state;
	char v[256];

	assert_string_equal(header(f, "X-DTLS-CipherSuite: ", v, sizeof(v)), "AES256-SHA");
	assert_null(strstr(f->answer, "X-DTLS12-CipherSuite: "));
	assert_string_equal(header(f, "X-DTLS-MTU: ", v, sizeof(v)), "1406");
	assert_string_equal(header(f, "X-CSTP-MTU: ", v, sizeof(v)), "1406");
	assert_non_null(header(f, "X-DTLS-Session-ID: ", v, sizeof(v)));
	assert_int_equal(f->t.s->tun.mtu, 1406);
}

static void lease_request_names_the_user(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->lease.user, "alice");
	assert_string_equal(f->lease.group, "engineering");
}

static void no_headers_without_a_mode(void **state)
{
	struct fixture *f = *state;

	assert_null(strstr(f->answer, "X-DTLS"));
	assert_null(f->t.s->dtls);
}

static void fill_secret(uint8_t out[DTLS_LINK_SECRET_LEN], uint8_t seed)
{
	for (int i = 0; i < DTLS_LINK_SECRET_LEN; i++)
		out[i] = (uint8_t)(seed + i * 37);
}

/* Layout: index, 15 random bytes, then HMAC-SHA256(secret, those 16) cut to 16 bytes. */
static void keys_are_fresh_and_owned(void **state)
{
	uint8_t secret[DTLS_LINK_SECRET_LEN], a[32], b[32], mac[TLS_HMAC_SHA256_LEN];

	(void)state;
	fill_secret(secret, 1);
	assert_int_equal(dtls_link_key_make(secret, a, 7), 0);
	assert_int_equal(dtls_link_key_make(secret, b, 7), 0);
	assert_int_equal(a[0], 7);
	assert_int_equal(dtls_link_key_owner(secret, a, 32), 7);
	assert_int_equal(dtls_link_key_owner(secret, b, 32), 7);
	assert_memory_not_equal(a + 1, b + 1, 15);
	assert_int_equal(tls_hmac_sha256(mac, secret, sizeof(secret), a, 16), 0);
	assert_memory_equal(a + 16, mac, 16);
	assert_int_equal(dtls_link_key_make(secret, b, 255), 0);
	assert_int_equal(dtls_link_key_owner(secret, b, 32), 255);
}

/* Whatever a stranger changes, the key stops naming a worker. */
static void forged_keys_name_nobody(void **state)
{
	uint8_t secret[DTLS_LINK_SECRET_LEN], other[DTLS_LINK_SECRET_LEN], key[33];

	(void)state;
	fill_secret(secret, 1);
	assert_int_equal(dtls_link_key_make(secret, key, 3), 0);
	key[32] = 0;
	for (int bit = 0; bit < 32 * 8; bit++) {
		key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(dtls_link_key_owner(secret, key, 32), -1);
		key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_int_equal(dtls_link_key_owner(secret, key, 32), 3);
	assert_int_equal(dtls_link_key_owner(secret, key, 33), -1);
	assert_int_equal(dtls_link_key_owner(secret, key, 31), -1);
	assert_int_equal(dtls_link_key_owner(secret, key, 16), -1);
	assert_int_equal(dtls_link_key_owner(secret, key, 0), -1);
	/* Another gateway's secret, even one bit away. */
	memcpy(other, secret, sizeof(other));
	other[DTLS_LINK_SECRET_LEN - 1] ^= 0x80;
	assert_int_equal(dtls_link_key_owner(other, key, 32), -1);
	fill_secret(other, 2);
	assert_int_equal(dtls_link_key_owner(other, key, 32), -1);
}

/* Two workers forked with the gateway's secret read each other's keys. */
static void workers_share_the_secret(void **state)
{
	struct fixture *f = *state;
	uint8_t key[32];

	assert_int_equal(dtls_link_key_owner(f->t.w.dtls_secret, f->id, 32), 0);
	assert_int_equal(dtls_link_key_make(f->t.w.dtls_secret, key, 2), 0);
	assert_int_equal(dtls_link_key_owner(f->t.w.dtls_secret, key, 32), 2);
}

/* A DTLS 1.2 ClientHello (record 0xFEFF, hello 0xFEFD, one GCM suite) with this session id. */
static size_t make_hello(uint8_t *out, const uint8_t *sid, size_t sid_len)
{
	uint8_t body[256];
	size_t b = 0, n = 0;

	body[b++] = 0xfe, body[b++] = 0xfd;
	for (int i = 0; i < 32; i++)
		body[b++] = (uint8_t)(i * 7 + 1);
	body[b++] = (uint8_t)sid_len;
	memcpy(body + b, sid, sid_len);
	b += sid_len;
	body[b++] = 0;                        /* no cookie */
	body[b++] = 0, body[b++] = 2, body[b++] = 0x00, body[b++] = 0x9d;
	body[b++] = 1, body[b++] = 0;         /* null compression */
	out[n++] = 22, out[n++] = 0xfe, out[n++] = 0xff;
	memset(out + n, 0, 8);
	n += 8;
	out[n++] = (uint8_t)((b + 12) >> 8), out[n++] = (uint8_t)(b + 12);
	out[n++] = 1, out[n++] = 0, out[n++] = (uint8_t)(b >> 8), out[n++] = (uint8_t)b;
	out[n++] = 0, out[n++] = 0;           /* message_seq */
	out[n++] = 0, out[n++] = 0, out[n++] = 0; /* fragment offset */
	out[n++] = 0, out[n++] = (uint8_t)(b >> 8), out[n++] = (uint8_t)b;
	memcpy(out + n, body, b);
	return n + b;
}

static void demux_sorts_datagrams(void **state)
{
	struct fixture *f = *state;
	struct worker *w = &f->t.w;
	struct net_addr from = { .family = AF_INET, .bytes = { 198, 18, 1, 2 } };
	uint8_t hello[512], other[32];
	struct msg_dtls_hello m;
	size_t n;

	dtls_demux_on_datagram(w, (const uint8_t *)"not a DTLS record", 17, &from, 40001);
	assert_int_equal(w->demux->total.garbage, 1);
	n = make_hello(hello, f->id, 32);
	dtls_demux_on_datagram(w, hello, 40, &from, 40001);
	assert_int_equal(w->demux->total.truncated, 1);
	/* Ours by its first byte, but the tag fails: dropped here. */
	memcpy(other, f->id, 32);
	other[31] ^= 0x55;
	n = make_hello(hello, other, 32);
	dtls_demux_on_datagram(w, hello, n, &from, 40001);
	assert_int_equal(w->demux->total.unknown, 1);
	/* A stranger naming another live worker: dropped here too, the parent never hears. */
	other[0] = 1;
	n = make_hello(hello, other, 32);
	dtls_demux_on_datagram(w, hello, n, &from, 40001);
	assert_int_equal(w->demux->total.unknown, 2);
	/* A genuine key of ours whose session is gone: no need for the parent either. */
	assert_int_equal(dtls_link_key_make(w->dtls_secret, other, 0), 0);
	n = make_hello(hello, other, 32);
	dtls_demux_on_datagram(w, hello, n, &from, 40001);
	assert_int_equal(w->demux->total.unknown, 3);
	assert_int_equal(w->demux->total.forwarded, 0);
	testenv_run(&f->t, 0);
	assert_int_equal(recv(f->t.parent_peer, &m, sizeof(m), MSG_DONTWAIT), -1);
	/* The live session's: to the parent, whole. */
	n = make_hello(hello, f->id, 32);
	dtls_demux_on_datagram(w, hello, n, &from, 40001);
	assert_int_equal(w->demux->total.forwarded, 1);
	testenv_run(&f->t, 0);
	assert_int_equal(testenv_recv(f->t.parent_peer, &m, sizeof(m)), sizeof(m));
	assert_int_equal(m.h.type, MSG_DTLS_HELLO);
	assert_int_equal(m.owner, 0);
	assert_int_equal(m.remote_port, 40001);
	assert_int_equal(m.len, n);
	assert_memory_equal(m.data, hello, n);
	/* A genuine key of worker 1: only the parent knows whether it has the session. */
	assert_int_equal(dtls_link_key_make(w->dtls_secret, other, 1), 0);
	n = make_hello(hello, other, 32);
	dtls_demux_on_datagram(w, hello, n, &from, 40002);
	assert_int_equal(w->demux->total.forwarded, 2);
	testenv_run(&f->t, 0);
	assert_int_equal(testenv_recv(f->t.parent_peer, &m, sizeof(m)), sizeof(m));
	assert_int_equal(m.owner, 1);
	assert_int_equal(m.remote_port, 40002);
	assert_memory_equal(m.data, hello, n);
}

static void parent_socket_starts_a_handshake(void **state)
{
	struct fixture *f = *state;
	struct worker *w = &f->t.w;
	struct msg_dtls_hello m;
	struct sockaddr_storage peer_addr;
	socklen_t peer_len = sizeof(peer_addr);
	uint8_t reply[2048];
	int peer = udp_socket(), fd = udp_socket();
	ssize_t got;

	/* The parent's socket is connected to the client: here, a loopback peer. */
	assert_int_equal(getsockname(peer, (struct sockaddr *)&peer_addr, &peer_len), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&peer_addr, peer_len), 0);
	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_DTLS_SOCKET, sizeof(m), 0);
	m.remote.family = AF_INET;
	m.remote_port = 40001;
	m.len = (uint16_t)make_hello(m.data, f->id, 32);
	assert_non_null(f->t.s->dtls);
	dtls_link_on_socket(w, &m, fd);
	assert_int_equal(f->t.s->dtls->handshakes, 1);
	assert_int_equal(f->t.s->dtls->fd, fd);
	/* The handshake answered the forwarded hello: a handshake record of DTLS 1.2. */
	got = recv(peer, reply, sizeof(reply), 0);
	assert_true(got > 13);
	assert_int_equal(reply[0], 22);
	assert_int_equal(reply[1], 0xfe);
	assert_int_equal(reply[2], 0xfd);
	close(peer);
	/* A socket for a session nobody has is closed and counted. */
	m.data[60] ^= 0xff;
	dtls_link_on_socket(w, &m, udp_socket());
	assert_int_equal(w->demux->total.unknown, 1);
	assert_int_equal(f->t.s->dtls->handshakes, 1);
}

/* A socket from the parent for the session's hello, connected to a fresh loopback peer. */
static int hello_socket(struct fixture *f, struct msg_dtls_hello *m, int *out_peer)
{
	struct sockaddr_storage peer_addr;
	socklen_t peer_len = sizeof(peer_addr);
	int fd = udp_socket();

	*out_peer = udp_socket();
	assert_int_equal(getsockname(*out_peer, (struct sockaddr *)&peer_addr, &peer_len), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&peer_addr, peer_len), 0);
	memset(m, 0, sizeof(*m));
	msg_init(&m->h, MSG_DTLS_SOCKET, sizeof(*m), 0);
	m->remote.family = AF_INET;
	m->remote_port = 40001;
	m->len = (uint16_t)make_hello(m->data, f->id, 32);
	return fd;
}

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* The session id is public: a hello naming it must not take an established channel. */
static void hello_beside_a_live_channel(void **state)
{
	struct fixture *f = *state;
	struct worker *w = &f->t.w;
	struct msg_dtls_hello m;
	struct dtls_link *l = f->t.s->dtls;
	uint8_t reply[2048];
	int peers[4], fds[4];

	assert_non_null(l);
	fds[0] = hello_socket(f, &m, &peers[0]);
	dtls_link_on_socket(w, &m, fds[0]);
	assert_int_equal(l->fd, fds[0]);
	/* Stands for a completed handshake: what matters is that it is never replaced. */
	l->is_up = true;
	fds[1] = hello_socket(f, &m, &peers[1]);
	dtls_link_on_socket(w, &m, fds[1]);
	assert_int_equal(l->fd, fds[0]);
	assert_true(l->is_up);
	assert_int_equal(l->cand.fd, fds[1]);
	assert_int_equal(l->handshakes, 2);
	/* The candidate answered its own peer: a DTLS 1.2 handshake record. */
	assert_true(recv(peers[1], reply, sizeof(reply), 0) > 13);
	assert_int_equal(reply[0], 22);
	/* Another hello at once: dropped, its socket closed, the candidate kept. */
	fds[2] = hello_socket(f, &m, &peers[2]);
	dtls_link_on_socket(w, &m, fds[2]);
	assert_false(is_open(fds[2]));
	assert_int_equal(l->cand.fd, fds[1]);
	assert_int_equal(l->hellos_dropped, 1);
	assert_int_equal(l->handshakes, 2);
	/* After the gap a newer hello replaces the unfinished candidate, not the channel. */
	l->last_hello_ms -= DTLS_LINK_HELLO_GAP_MS;
	fds[3] = hello_socket(f, &m, &peers[3]);
	dtls_link_on_socket(w, &m, fds[3]);
	assert_false(is_open(fds[1]));
	assert_int_equal(l->cand.fd, fds[3]);
	assert_int_equal(l->fd, fds[0]);
	assert_int_equal(l->handshakes, 3);
	l->is_up = false;
	for (int i = 0; i < 4; i++)
		close(peers[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(answer_matches_ocserv, setup, teardown),
		cmocka_unit_test_setup_teardown(legacy09_answer_and_mtu, setup_legacy09, teardown),
		cmocka_unit_test_setup_teardown(lease_request_names_the_user, setup, teardown),
		cmocka_unit_test_setup_teardown(no_headers_without_a_mode, setup_no_legacy, teardown),
		cmocka_unit_test(keys_are_fresh_and_owned),
		cmocka_unit_test(forged_keys_name_nobody),
		cmocka_unit_test_setup_teardown(workers_share_the_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(demux_sorts_datagrams, setup, teardown),
		cmocka_unit_test_setup_teardown(parent_socket_starts_a_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(hello_beside_a_live_channel, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
