/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/privsep/msg.h"
#include "lib/base/err.h"

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void roundtrip_with_fd(void **state)
{
	struct msg_worker m, got;
	uint8_t buf[MSG_MAX_SIZE];
	size_t len;
	int sv[2], p[2], fd;
	char c;

	(void)state;
	pair(sv);
	assert_int_equal(pipe(p), 0);
	msg_init(&m.h, MSG_WORKER_ATTACH, sizeof(m), 7);
	m.worker = 3;
	assert_int_equal(msg_send(sv[0], &m, sizeof(m), p[0]), 0);
	close(p[0]);
	assert_int_equal(msg_recv(sv[1], buf, sizeof(buf), &len, &fd), 0);
	assert_int_equal(len, sizeof(m));
	assert_int_equal(msg_check(buf, len), 0);
	memcpy(&got, buf, sizeof(got));
	assert_int_equal(got.h.type, MSG_WORKER_ATTACH);
	assert_int_equal(got.h.req_id, 7);
	assert_int_equal(got.worker, 3);
	/* the descriptor that arrived is the pipe: what goes in comes out */
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'x');
	close(fd);
	close(p[1]);
	assert_int_equal(msg_recv(sv[1], buf, sizeof(buf), &len, &fd), VPN_ERR_AGAIN);
	close(sv[0]);
	assert_int_equal(msg_recv(sv[1], buf, sizeof(buf), &len, &fd), VPN_ERR_CLOSED);
	close(sv[1]);
}

static void check_rejects_wrong_lengths(void **state)
{
	struct msg_auth_password m;
	struct msg_header h;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_AUTH_PASSWORD, sizeof(m), 1);
	m.source.family = AF_INET;
	assert_int_equal(msg_check(&m, sizeof(m)), 0);
	assert_int_equal(msg_check(&m, sizeof(m) - 1), VPN_ERR_INVALID);
	m.h.len = 12; /* the header lies about the datagram */
	assert_int_equal(msg_check(&m, sizeof(m)), VPN_ERR_INVALID);
	msg_init(&h, 999, sizeof(h), 0);
	assert_int_equal(msg_check(&h, sizeof(h)), VPN_ERR_INVALID);
	assert_int_equal(msg_check(&h, 3), VPN_ERR_INVALID);
}

/* A worker that fills a name to the brim still hands authd a C string. */
static void check_terminates_strings(void **state)
{
	struct msg_auth_password m;

	(void)state;
	msg_init(&m.h, MSG_AUTH_PASSWORD, sizeof(m), 1);
	m.source.family = AF_INET6;
	memset(m.user, 'u', sizeof(m.user));
	memset(m.group, 'g', sizeof(m.group));
	memset(m.password, 'p', sizeof(m.password));
	memset(m.user_agent, 'a', sizeof(m.user_agent));
	assert_int_equal(msg_check(&m, sizeof(m)), 0);
	assert_int_equal(strlen(m.user), sizeof(m.user) - 1);
	assert_int_equal(strlen(m.group), sizeof(m.group) - 1);
	assert_int_equal(strlen(m.password), sizeof(m.password) - 1);
	assert_int_equal(strlen(m.user_agent), sizeof(m.user_agent) - 1);
}

static void check_rejects_unknown_family(void **state)
{
	struct msg_lease_request m;

	(void)state;
	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_LEASE_REQUEST, sizeof(m), 1);
	m.want_ipv4.family = AF_INET;
	m.want_ipv6.family = AF_UNSPEC;
	assert_int_equal(msg_check(&m, sizeof(m)), 0);
	m.want_ipv6.family = 77;
	assert_int_equal(msg_check(&m, sizeof(m)), VPN_ERR_INVALID);
}

static void truncated_datagram_is_invalid(void **state)
{
	uint8_t big[MSG_MAX_SIZE + 10] = { 0 }, buf[64];
	size_t len;
	int sv[2], fd;

	(void)state;
	pair(sv);
	assert_int_equal(send(sv[0], big, sizeof(big), 0), (ssize_t)sizeof(big));
	assert_int_equal(msg_recv(sv[1], buf, sizeof(buf), &len, &fd), VPN_ERR_INVALID);
	assert_int_equal(fd, -1);
	close(sv[0]);
	close(sv[1]);
}

/*
 * The DTLS counters cross worker -> parent -> sslgatectl inside the session
 * listing; a sender built before the oversized counter (8 bytes shorter) is
 * refused rather than read with a field missing.
 */
static void session_info_carries_dtls_counters(void **state)
{
	static const uint16_t types[] = { MSG_SESSION_LIST_ITEM, MSG_CTL_SESSION };
	struct msg_session_info m, got;
	uint8_t buf[MSG_MAX_SIZE];
	size_t len;
	int sv[2], fd;

	(void)state;
	assert_true(sizeof(m) <= MSG_MAX_SIZE);
	pair(sv);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&m, 0, sizeof(m));
		msg_init(&m.h, types[i], sizeof(m), 40 + (uint32_t)i);
		m.remote.family = AF_INET;
		m.dtls_discarded = 5;
		m.dtls_oversized = 0xfedcba9876543210u;
		memset(m.dtls_mode, 'p', sizeof(m.dtls_mode));
		assert_int_equal(msg_send(sv[0], &m, sizeof(m), -1), 0);
		assert_int_equal(msg_recv(sv[1], buf, sizeof(buf), &len, &fd), 0);
		assert_int_equal(fd, -1);
		assert_int_equal(len, sizeof(m));
		assert_int_equal(msg_check(buf, len), 0);
		memcpy(&got, buf, sizeof(got));
		assert_int_equal(got.h.type, types[i]);
		assert_true(got.dtls_discarded == 5);
		assert_true(got.dtls_oversized == 0xfedcba9876543210u);
		/* the string just before the counters is cut, the counters are not touched */
		assert_int_equal(strlen(got.dtls_mode), sizeof(got.dtls_mode) - 1);

		m.h.len = (uint16_t)(sizeof(m) - sizeof(m.dtls_oversized));
		assert_int_equal(msg_check(&m, sizeof(m) - sizeof(m.dtls_oversized)),
				 VPN_ERR_INVALID);
		m.h.len = (uint16_t)(sizeof(m) + sizeof(m.dtls_oversized));
		assert_int_equal(msg_check(&m, sizeof(m)), VPN_ERR_INVALID);
	}
	close(sv[0]);
	close(sv[1]);
}

static void session_ids_stay_json_safe(void **state)
{
	uint8_t id[MSG_SESSION_ID_LEN];

	(void)state;
	msg_session_id_from_value(id, 0x0012345678abcdefu);
	assert_int_equal(id[0], 0x00);
	assert_int_equal(id[1], 0x12);
	assert_int_equal(id[7], 0xef);
	assert_true(msg_session_id_value(id) == 0x0012345678abcdefu);
	assert_true(MSG_SESSION_ID_MAX == 9007199254740991u); /* JavaScript's MAX_SAFE_INTEGER */
	assert_string_equal(msg_type_name(MSG_AUTH_PASSWORD), "auth-password");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_with_fd),
		cmocka_unit_test(check_rejects_wrong_lengths),
		cmocka_unit_test(check_terminates_strings),
		cmocka_unit_test(check_rejects_unknown_family),
		cmocka_unit_test(truncated_datagram_is_invalid),
		cmocka_unit_test(session_info_carries_dtls_counters),
		cmocka_unit_test(session_ids_stay_json_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
