/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/render.h"

/*
 * The keys Debian's occtl 1.1.6 printed for `occtl --json show users` with
 * openconnect 9.01 connected over TLS (lab run), in its order. sslgated has
 * no value for "Local Device IP", "P-t-P IPv4" and the averages, and leaves
 * them out; every other key must be there, spelled the same.
 */
static const char *const occtl_user_keys[] = {
	"ID", "Username", "Groupname", "State", "vhost", "Device", "MTU", "Remote IP",
	"Location", "IPv4", "User-Agent", "RX", "TX", "_RX", "_TX", "DPD", "KeepAlive",
	"Hostname", "Connected at", "_Connected at", "Full session", "Session",
	"TLS ciphersuite", "DNS", "NBNS", "Split-DNS-Domains", "Routes", "No-routes", "iRoutes",
	"Restricted to routes", "Restricted to ports",
};

static char *rendered;
static size_t rendered_len;

static struct msg_session_info alice(void)
{
	struct msg_session_info s;

	memset(&s, 0, sizeof(s));
	msg_init(&s.h, MSG_CTL_SESSION, sizeof(s), 1);
	msg_session_id_from_value(s.session_id, 12889);
	strcpy(s.user, "alice");
	strcpy(s.group, "engineering");
	strcpy(s.user_agent, "Open AnyConnect VPN Agent v9.01-3");
	s.remote.family = AF_INET;
	memcpy(s.remote.bytes, (uint8_t[]){ 198, 18, 1, 2 }, 4);
	s.ipv4.family = AF_INET;
	memcpy(s.ipv4.bytes, (uint8_t[]){ 198, 19, 10, 50 }, 4);
	s.ipv6.family = AF_UNSPEC;
	s.since_unix = 1700000000;
	s.tls_rx_bytes = 96;
	s.tls_tx_bytes = 400;
	strcpy(s.tls_cipher, "(TLS1.2)-(ECDHE-SECP256R1)-(RSA-SHA256)-(AES-256-GCM)");
	s.mtu = 1434;
	strcpy(s.hostname, "vm");
	strcpy(s.device, "vpns0");
	s.dpd_s = 30;
	s.keepalive_s = 32400;
	strcpy(s.routes, "198.18.2.0/255.255.255.0");
	return s;
}

static void render_users(bool is_json, enum ctl_command_view view)
{
	FILE *out = open_memstream(&rendered, &rendered_len);
	struct ctl_render r;
	struct msg_session_info s = alice();

	ctl_render_init(&r, out, is_json, view, 1700000004);
	ctl_render_session(&r, &s);
	ctl_render_finish(&r);
	fclose(out);
}

static void json_has_occtl_keys(void **state)
{
	(void)state;
	render_users(true, CTL_VIEW_USERS);
	for (size_t i = 0; i < sizeof(occtl_user_keys) / sizeof(occtl_user_keys[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "\"%s\": ", occtl_user_keys[i]);
		if (!strstr(rendered, key))
			fail_msg("missing %s in\n%s", key, rendered);
	}
	assert_non_null(strstr(rendered, "\"ID\": 12889,"));
	assert_non_null(strstr(rendered, "\"Username\": \"alice\""));
	assert_non_null(strstr(rendered, "\"Remote IP\": \"198.18.1.2\""));
	assert_non_null(strstr(rendered, "\"IPv4\": \"198.19.10.50\""));
	assert_non_null(strstr(rendered, "\"RX\": \"96\""));
	assert_non_null(strstr(rendered, "\"_TX\": \"400 bytes\""));
	assert_non_null(strstr(rendered, "\"DPD\": \"30\""));
	assert_non_null(strstr(rendered, "\"_Connected at\": \"    4s\""));
	assert_non_null(strstr(rendered, "\"Routes\": [\n      \"198.18.2.0/255.255.255.0\"\n    ]"));
	assert_non_null(strstr(rendered, "\"DNS\": []"));
	assert_non_null(strstr(rendered, "\"Restricted to routes\": \"False\""));
	assert_int_equal(rendered[0], '[');
	assert_string_equal(rendered + rendered_len - 4, "}\n]\n");
	free(rendered);
}

/* A PSK session with data on DTLS; occtl 1.1.6 names the cipher "DTLS cipher". */
static void dtls_channel_and_counters(void **state)
{
	FILE *out = open_memstream(&rendered, &rendered_len);
	struct ctl_render r;
	struct msg_session_info s = alice();

	(void)state;
	s.is_dtls = 1;
	strcpy(s.dtls_mode, "psk");
	strcpy(s.dtls_cipher, "(DTLS1.2)-(PSK)-(AES-256-GCM)");
	s.dtls_rx_bytes = 400000;
	s.dtls_tx_bytes = 420000;
	s.dtls_discarded = 5;
	s.dtls_oversized = 3;
	ctl_render_init(&r, out, true, CTL_VIEW_USERS, 1700000004);
	ctl_render_session(&r, &s);
	ctl_render_finish(&r);
	fclose(out);
	assert_non_null(strstr(rendered, "\"DTLS cipher\": \"(DTLS1.2)-(PSK)-(AES-256-GCM)\""));
	assert_non_null(strstr(rendered, "\"Data channel\": \"DTLS\""));
	assert_non_null(strstr(rendered, "\"DTLS mode\": \"psk\""));
	assert_non_null(strstr(rendered, "\"TLS RX\": 96,"));
	assert_non_null(strstr(rendered, "\"DTLS RX\": 400000,"));
	assert_non_null(strstr(rendered, "\"DTLS TX\": 420000,"));
	/* Its own field, after the discarded records: a long datagram is not a forgery. */
	assert_non_null(strstr(rendered, "\"DTLS discarded\": 5,\n    \"DTLS oversized\": 3"));
	/* occtl's RX and TX are both channels together. */
	assert_non_null(strstr(rendered, "\"RX\": \"400096\""));
	free(rendered);
	out = open_memstream(&rendered, &rendered_len);
	s.is_dtls = 0;
	ctl_render_init(&r, out, false, CTL_VIEW_USER, 1700000004);
	ctl_render_session(&r, &s);
	ctl_render_finish(&r);
	fclose(out);
	assert_non_null(strstr(rendered, "Data channel: TLS   DTLS mode: psk"));
	assert_non_null(strstr(rendered, "DTLS RX: 400000   DTLS TX: 420000"));
	assert_non_null(strstr(rendered, "\tDTLS discarded: 5   DTLS oversized: 3\n"));
	free(rendered);
}

static void json_escapes_strings(void **state)
{
	FILE *out = open_memstream(&rendered, &rendered_len);
	struct ctl_json j;

	(void)state;
	ctl_json_init(&j, out);
	ctl_json_begin_object(&j, NULL);
	ctl_json_string(&j, "User-Agent", "evil\" \\ \n\x01");
	ctl_json_end_object(&j);
	fclose(out);
	assert_string_equal(rendered, "{\n  \"User-Agent\": \"evil\\\" \\\\ \\n\\u0001\"\n}\n");
	free(rendered);
}

static void text_table_and_empty_user(void **state)
{
	FILE *out;
	struct ctl_render r;

	(void)state;
	render_users(false, CTL_VIEW_USERS);
	assert_non_null(strstr(rendered, "alice"));
	assert_non_null(strstr(rendered, "198.19.10.50"));
	assert_non_null(strstr(rendered, "vpns0"));
	free(rendered);
	out = open_memstream(&rendered, &rendered_len);
	ctl_render_init(&r, out, false, CTL_VIEW_USER, 0);
	ctl_render_finish(&r);
	fclose(out);
	assert_string_equal(rendered, "user or ID not found\n"); /* occtl's words */
	free(rendered);
}

/* `occtl --json show ip bans`: IP, Since, _Since, Score; ban points: IP, Score. */
static void bans_as_occtl(void **state)
{
	struct msg_ban b;
	FILE *out = open_memstream(&rendered, &rendered_len);
	struct ctl_render r;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.source.family = AF_INET;
	memcpy(b.source.bytes, (uint8_t[]){ 198, 18, 1, 2 }, 4);
	b.score = 30;
	b.until_unix = 1700000300;
	ctl_render_init(&r, out, true, CTL_VIEW_BANS, 1700000000);
	ctl_render_ban(&r, &b);
	ctl_render_finish(&r);
	fclose(out);
	assert_non_null(strstr(rendered, "\"IP\": \"198.18.1.2\""));
	assert_non_null(strstr(rendered, "\"Since\": \""));
	assert_non_null(strstr(rendered, "\"_Since\": \"5m:00s\""));
	assert_non_null(strstr(rendered, "\"Score\": 30"));
	free(rendered);
}

static void status_as_occtl(void **state)
{
	struct msg_ctl_status s;
	FILE *out = open_memstream(&rendered, &rendered_len);
	struct ctl_render r;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.started_unix = 1700000000;
	s.parent_pid = 12863;
	s.authd_pid = 12867;
	s.sessions = 1;
	s.banned = 0;
	ctl_render_init(&r, out, true, CTL_VIEW_STATUS, 1700000004);
	ctl_render_status(&r, &s);
	ctl_render_finish(&r);
	fclose(out);
	assert_int_equal(rendered[0], '{');
	assert_non_null(strstr(rendered, "\"Status\": \"online\""));
	assert_non_null(strstr(rendered, "\"Server PID\": 12863"));
	assert_non_null(strstr(rendered, "\"Sec-mod PID\": 12867"));
	assert_non_null(strstr(rendered, "\"Active sessions\": 1"));
	assert_non_null(strstr(rendered, "\"IPs in ban list\": 0"));
	assert_non_null(strstr(rendered, "\"uptime\": 4"));
	free(rendered);
}

static void intervals(void **state)
{
	char t[16];

	(void)state;
	ctl_render_interval(4, t, sizeof(t));
	assert_string_equal(t, "    4s");
	ctl_render_interval(182, t, sizeof(t));
	assert_string_equal(t, "3m:02s");
	ctl_render_interval(7380, t, sizeof(t));
	assert_string_equal(t, "2h:03m");
	ctl_render_interval(97200, t, sizeof(t));
	assert_string_equal(t, "1d:03h");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_has_occtl_keys),
		cmocka_unit_test(dtls_channel_and_counters),
		cmocka_unit_test(json_escapes_strings),
		cmocka_unit_test(text_table_and_empty_user),
		cmocka_unit_test(bans_as_occtl),
		cmocka_unit_test(status_as_occtl),
		cmocka_unit_test(intervals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
