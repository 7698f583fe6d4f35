/* SPDX-License-Identifier: ISC */
/*
 * Datagrams longer than a batch slot (DTLS_BATCH_SLOT, 2048 bytes) at a
 * server session that reads through a batch, over real UDP on loopback: each
 * is dropped and counted, the first one's size on the wire is kept for the
 * owner's log line, and the records around them still arrive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

#define PUMP_MS 5000

/* A resumed GCM pair over connected UDP sockets; the client's address in *out_client. */
static void open_udp_pair(struct tls_test_dtls *p, struct sockaddr_in *out_client)
{
	struct sockaddr_in server_addr;
	struct dtls_params params;
	ssize_t n;
	int rc, rs;

	memset(p, 0, sizeof(*p));
	p->fds[0] = tls_test_udp_bound(&server_addr);
	assert_true(p->fds[0] >= 0);
	p->fds[1] = tls_test_udp_bound(out_client);
	assert_true(p->fds[1] >= 0);
	assert_int_equal(connect(p->fds[0], (struct sockaddr *)out_client, sizeof(*out_client)), 0);
	assert_int_equal(connect(p->fds[1], (struct sockaddr *)&server_addr, sizeof(server_addr)), 0);
	memset(&params, 0, sizeof(params));
	params.mode = DTLS_MODE_RESUME;
	params.suite = dtls_suite_find(DTLS_LIST_LEGACY, str_view_of("OC-DTLS1_2-AES256-GCM"));
	assert_non_null(params.suite);
	memset(params.master_secret, 0x5a, sizeof(params.master_secret));
	memset(params.id, 0xa5, sizeof(params.id));
	params.id_len = DTLS_SESSION_ID_LEN;
	params.retrans_ms = 100;
	params.total_ms = 2000;
	assert_int_equal(dtls_conn_new_client(&p->c, p->fds[1], &params), 0);
	assert_int_equal(dtls_conn_handshake(p->c), VPN_ERR_AGAIN);
	n = tls_test_recv(p->fds[0], p->hello, sizeof(p->hello), 1000);
	assert_true(n > 0);
	assert_int_equal(dtls_conn_new_server(&p->s, p->fds[0], &params, p->hello, (size_t)n), 0);
	tls_test_dtls_pump(p, PUMP_MS, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	dtls_params_wipe(&params);
}

/* A datagram of len bytes straight onto the client's socket, below DTLS. */
static void send_raw(int fd, size_t len)
{
	static uint8_t junk[4096];

	assert_true(len <= sizeof(junk));
	memset(junk, 0x17, len);
	assert_int_equal(send(fd, junk, len, 0), (ssize_t)len);
}

/* Record n: 100 bytes, an IPv4-looking packet filled with n + 1. */
static size_t fill_record(uint8_t *out, unsigned n)
{
	memset(out, (int)(n + 1), 100);
	out[0] = 0x00;
	out[1] = 0x45;
	return 100;
}

/*
 * The server must read record n next, and then nothing. Loopback usually
 * queues a datagram before send() returns, but not always (softirqs
 * deferred under load): a read may end in AGAIN before the record is there.
 */
static void expect_record(struct tls_test_dtls *p, unsigned n)
{
	static uint8_t in[DTLS_RECORD_MAX];
	uint8_t want[100];
	size_t got = 0, len = fill_record(want, n);
	int ret = VPN_ERR_AGAIN;

	for (int i = 0; i < 100 && ret == VPN_ERR_AGAIN; i++) {
		(void)tls_test_ready(p->fds[0], false);
		ret = dtls_conn_read(p->s, in, sizeof(in), &got);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(got, len);
	assert_memory_equal(in, want, len);
	assert_int_equal(dtls_conn_read(p->s, in, sizeof(in), &got), VPN_ERR_AGAIN);
}

static void write_record(struct tls_test_dtls *p, unsigned n)
{
	uint8_t rec[100];

	assert_int_equal(dtls_conn_write(p->c, rec, fill_record(rec, n)), 0);
}

/*
 * 3000 bytes (a 1500-byte MTU would never carry it), then a record: the
 * record arrives, the drop is counted with its size.
 * One byte past the slot alone: AGAIN, counted, the first size kept; the
 * record after it arrives. Exactly a slot's worth is not oversize (GnuTLS
 * gets it and throws it away as garbage).
 */
static void oversize_counted(void **state)
{
	static uint8_t in[DTLS_RECORD_MAX];
	struct tls_test_dtls p;
	struct sockaddr_in client;
	struct dtls_batch *batch;
	size_t got;

	(void)state;
	open_udp_pair(&p, &client);
	assert_int_equal(dtls_batch_new(&batch), 0);
	dtls_conn_set_batch(p.s, batch, true);

	send_raw(p.fds[1], 3000);
	write_record(&p, 0);
	expect_record(&p, 0);
	assert_int_equal(dtls_conn_rx_oversize(p.s), 1);
	assert_int_equal(dtls_conn_rx_oversize_first_len(p.s), 3000);

	send_raw(p.fds[1], DTLS_BATCH_SLOT + 1);
	for (int i = 0; i < 100 && dtls_conn_rx_oversize(p.s) < 2; i++) {
		(void)tls_test_ready(p.fds[0], false);
		assert_int_equal(dtls_conn_read(p.s, in, sizeof(in), &got), VPN_ERR_AGAIN);
	}
	assert_int_equal(dtls_conn_rx_oversize(p.s), 2);
	write_record(&p, 1);
	expect_record(&p, 1);

	send_raw(p.fds[1], DTLS_BATCH_SLOT);
	write_record(&p, 2);
	expect_record(&p, 2);
	assert_int_equal(dtls_conn_rx_oversize(p.s), 2);
	assert_int_equal(dtls_conn_rx_oversize_first_len(p.s), 3000);

	tls_test_dtls_close(&p);
	dtls_batch_free(batch);
}

/*
 * Without a batch the same datagram goes whole to GnuTLS, which discards it
 * as garbage: not an oversize drop.
 */
static void oversize_unbatched_not_counted(void **state)
{
	struct tls_test_dtls p;
	struct sockaddr_in client;

	(void)state;
	open_udp_pair(&p, &client);
	send_raw(p.fds[1], 3000);
	write_record(&p, 0);
	expect_record(&p, 0);
	assert_int_equal(dtls_conn_discarded(p.s), 1);
	assert_int_equal(dtls_conn_rx_oversize(p.s), 0);
	tls_test_dtls_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oversize_counted),
		cmocka_unit_test(oversize_unbatched_not_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
