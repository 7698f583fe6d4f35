/* SPDX-License-Identifier: ISC */
/*
 * Malformed TLS on raw TCP: what a gateway's TLS layer sees before any
 * HTTP. The answer is read as raw records: an alert (level/description,
 * RFC 8446 §6 numbers), other records, or the connection ending.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "tests/tools/probe.h"
#include "tests/tools/probe_hello.h"
#include "tests/tools/probe_net.h"

/* 2^14 + 2048: the largest TLSCiphertext fragment (RFC 5246 §6.2.3). */
#define RECORD_LIMIT (16384 + 2048)

/* Reads raw records until the peer closes or time runs out; tells r. */
static void read_records(struct probe_conn *c)
{
	uint8_t buf[32768];
	size_t len = 0, pos = 0;
	char types[64] = "";
	bool has_alert = false;

	while (len < sizeof(buf)) {
		ssize_t n = probe_recv(c, buf + len, sizeof(buf) - len, probe_left_ms(c));

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	while (pos + 5 <= len) {
		size_t rlen = (size_t)buf[pos + 3] << 8 | buf[pos + 4];
		size_t used = strlen(types);

		snprintf(types + used, sizeof(types) - used, "%s%u", used ? "," : "", buf[pos]);
		if (buf[pos] == 21 && rlen == 2 && pos + 7 <= len && !has_alert) {
			has_alert = true;
			probe_result_add(c->r, "alert", "%u/%u", buf[pos + 5], buf[pos + 6]);
		}
		pos += 5 + rlen;
	}
	if (len == 0)
		return; /* probe_recv told r: closed, reset or timeout */
	probe_result_add(c->r, "records", "%s", types);
	probe_result_add(c->r, "end", "%s", probe_outcome_name(c->r->outcome));
	c->r->outcome = has_alert ? PROBE_ALERT : PROBE_RECORDS;
}

static void send_and_read(const struct probe_opts *o, struct probe_result *r,
			  const uint8_t *data, size_t len)
{
	struct probe_conn c;

	if (probe_tcp_open(&c, o, r) == 0 && probe_send(&c, data, len) == 0)
		read_records(&c);
	probe_conn_close(&c);
}

static void tls_hello(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t hello[1024];
	size_t len = probe_hello_tls(hello, sizeof(hello), o->sni);

	send_and_read(o, r, hello, len);
}

static void tls_garbage(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t junk[1024];

	if (getrandom(junk, sizeof(junk), 0) != (ssize_t)sizeof(junk))
		memset(junk, 0xa5, sizeof(junk));
	junk[0] = 0x99; /* no record type: the very first byte is wrong */
	send_and_read(o, r, junk, sizeof(junk));
}

static void tls_plain_http(const struct probe_opts *o, struct probe_result *r)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: gw\r\n\r\n";

	send_and_read(o, r, (const uint8_t *)req, sizeof(req) - 1);
}

/* The record header promises more than comes: the gateway must time it out. */
static void tls_hello_truncated(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t hello[1024];
	size_t len = probe_hello_tls(hello, sizeof(hello), o->sni);

	probe_result_add(r, "cut", "%zu/%zu", len / 2, len);
	send_and_read(o, r, hello, len / 2);
}

static void tls_record_oversize(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t rec[5 + RECORD_LIMIT + 1];
	size_t body = RECORD_LIMIT + 1;

	rec[0] = 22;
	rec[1] = 3;
	rec[2] = 1;
	rec[3] = (uint8_t)(body >> 8);
	rec[4] = (uint8_t)body;
	memset(rec + 5, 0x42, body);
	probe_result_add(r, "length", "%zu", body);
	send_and_read(o, r, rec, sizeof(rec));
}

/* A handshake record with no bytes at all (RFC 8446 §5.1 forbids it). */
static void tls_record_empty(const struct probe_opts *o, struct probe_result *r)
{
	static const uint8_t rec[] = { 22, 3, 1, 0, 0 };

	send_and_read(o, r, rec, sizeof(rec));
}

const struct probe_scenario probe_tls_raw_scenarios[] = {
	{ "tls-hello", "control: a valid ClientHello gets a ServerHello", 0, tls_hello },
	{ "tls-garbage", "1 KiB of random bytes instead of TLS", 0, tls_garbage },
	{ "tls-plain-http", "plain HTTP to the TLS port", 0, tls_plain_http },
	{ "tls-hello-truncated", "half a ClientHello, then silence", 0, tls_hello_truncated },
	{ "tls-record-oversize", "a record longer than 2^14+2048", 0, tls_record_oversize },
	{ "tls-record-empty", "an empty handshake record", 0, tls_record_empty },
	{ NULL, NULL, 0, NULL },
};
