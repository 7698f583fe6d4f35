/* SPDX-License-Identifier: ISC */
/*
 * Hostile datagrams to the DTLS port: garbage, ClientHellos naming sessions
 * that do not exist (PSK and legacy shapes), a truncated hello, an
 * application-data record nobody could have keyed, and the same hello sent
 * again and again. The expected answer to all of them is silence; with
 * --dtls-id the probe also sends a hello for a live session (control) and
 * replays it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tests/tools/probe_hello.h"
#include "tests/tools/probe_net.h"

/* openconnect 9.01's PSK-NEGOTIATE suites (PROTOCOL.md §8.5). */
static const uint16_t psk_suites[] = { 0x00a9, 0xccab, 0xc0a5, 0x008d, 0x00a8, 0xc0a4,
				       0x008c, 0x00ae };
/* Legacy DTLS 0.9 resumption of AES256-SHA (§8.3). */
static const uint16_t legacy_suite[] = { 0x0035 };

/* Sends each datagram `times` times, then counts answers until time runs out. */
static void send_and_listen(const struct probe_opts *o, struct probe_result *r,
			    const uint8_t *dgram, size_t len, unsigned times)
{
	struct probe_conn c;
	unsigned answers = 0;
	uint8_t buf[2048];
	char first[32] = "";

	if (probe_udp_open(&c, o, r) != 0)
		goto out;
	for (unsigned i = 0; i < times; i++)
		if (probe_send(&c, dgram, len) != 0)
			goto out;
	for (;;) {
		ssize_t n = probe_recv(&c, buf, sizeof(buf), probe_left_ms(&c));

		if (n < 0)
			break;
		if (answers++ == 0)
			snprintf(first, sizeof(first), "%u/%zd", buf[0], n);
	}
	probe_result_add(r, "answers", "%u", answers);
	if (answers > 0) {
		r->outcome = PROBE_DATAGRAM;
		probe_result_detail(r, "first answer type/len %s", first);
	} else if (r->outcome == PROBE_TIMEOUT) {
		r->outcome = PROBE_SILENT;
	}
out:
	probe_conn_close(&c);
}

static bool parse_hex(const char *hex, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t n = strlen(hex) / 2;

	if (strlen(hex) % 2 || n == 0 || n > cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	*out_len = n;
	return true;
}

static void garbage(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t junk[1200];

	if (getrandom(junk, sizeof(junk), 0) != (ssize_t)sizeof(junk))
		memset(junk, 0x3c, sizeof(junk));
	send_and_listen(o, r, junk, sizeof(junk), 8);
}

static size_t unknown_hello(uint8_t *out, size_t cap, bool is_legacy)
{
	uint8_t sid[32];

	if (getrandom(sid, sizeof(sid), 0) != (ssize_t)sizeof(sid))
		memset(sid, 0x11, sizeof(sid));
	if (is_legacy)
		return probe_hello_dtls(out, cap, 0x0100, 0x0100, sid, sizeof(sid), legacy_suite, 1);
	return probe_hello_dtls(out, cap, 0xfeff, 0xfefd, sid, sizeof(sid), psk_suites,
				sizeof(psk_suites) / sizeof(psk_suites[0]));
}

static void hello_unknown(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t h[512];

	send_and_listen(o, r, h, unknown_hello(h, sizeof(h), false), 1);
}

static void hello_unknown_legacy(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t h[512];

	send_and_listen(o, r, h, unknown_hello(h, sizeof(h), true), 1);
}

static void hello_truncated(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t h[512];
	size_t n = unknown_hello(h, sizeof(h), false);

	send_and_listen(o, r, h, n / 2, 1);
}

/* Epoch 1 application data: a record only a keyed session could have sent. */
static void appdata_forged(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t rec[13 + 64];

	memset(rec, 0, sizeof(rec));
	rec[0] = 23;
	rec[1] = 0xfe;
	rec[2] = 0xfd;
	rec[4] = 1;       /* epoch 1 */
	rec[10] = 5;      /* sequence 5 */
	rec[12] = 64;     /* length */
	memset(rec + 13, 0xab, 64);
	send_and_listen(o, r, rec, sizeof(rec), 3);
}

static size_t known_hello(const struct probe_opts *o, struct probe_result *r, uint8_t *out,
			  size_t cap)
{
	uint8_t id[32];
	size_t id_len = 0;

	if (!o->dtls_id || !parse_hex(o->dtls_id, id, sizeof(id), &id_len)) {
		probe_result_detail(r, "--dtls-id must be 2..64 hex digits");
		return 0;
	}
	return probe_hello_dtls(out, cap, 0xfeff, 0xfefd, id, id_len, psk_suites,
				sizeof(psk_suites) / sizeof(psk_suites[0]));
}

static void hello_known(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t h[512];
	size_t n = known_hello(o, r, h, sizeof(h));

	if (n)
		send_and_listen(o, r, h, n, 1);
}

/* The same hello datagram five times: answers must not multiply, nothing may break. */
static void hello_replay(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t h[512];
	size_t n = known_hello(o, r, h, sizeof(h));

	if (n)
		send_and_listen(o, r, h, n, 5);
}

const struct probe_scenario probe_udp_scenarios[] = {
	{ "udp-garbage", "8 datagrams of random bytes", 0, garbage },
	{ "dtls-hello-unknown", "a PSK ClientHello for a session nobody has", 0,
	  hello_unknown },
	{ "dtls-hello-unknown-legacy", "a DTLS 0.9 resumption hello, unknown session", 0,
	  hello_unknown_legacy },
	{ "dtls-hello-truncated", "half a ClientHello", 0, hello_truncated },
	{ "dtls-appdata-forged", "epoch-1 application data, 3 times", 0, appdata_forged },
	{ "dtls-hello-known", "control: a hello naming --dtls-id", PROBE_NEEDS_DTLS_ID, hello_known },
	{ "dtls-hello-replay", "the hello naming --dtls-id, 5 times", PROBE_NEEDS_DTLS_ID, hello_replay },
	{ NULL, NULL, 0, NULL },
};
