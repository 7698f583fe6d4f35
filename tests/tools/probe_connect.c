/* SPDX-License-Identifier: ISC */
/*
 * CONNECT with cookies that must not open a tunnel (none, forged, empty,
 * oversized, tampered, truncated, doubled, or whatever --cookie holds:
 * the harness passes expired, logged-out and other users' cookies there),
 * and CONNECT with absurd header values. A 200 is reported with the MTU and
 * address the gateway granted, so the harness can judge them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tests/tools/probe_http_common.h"
#include "tests/tools/probe_tunnel.h"

static void report_grant(struct probe_result *r, const struct probe_http_answer *a)
{
	static const char *const names[][2] = {
		{ "X-CSTP-MTU", "mtu" }, { "X-DTLS-MTU", "dtls_mtu" },
		{ "X-CSTP-Base-MTU", "base_mtu" }, { "X-CSTP-Address", "address" },
	};
	char v[96];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (probe_answer_header(a, names[i][0], v, sizeof(v)))
			probe_result_add(r, names[i][1], "%s", v);
}

static void connect_with(const struct probe_opts *o, struct probe_result *r,
			 const struct probe_connect_req *spec)
{
	size_t cap = 16384;
	char *req = malloc(cap);
	struct probe_http_answer *a = malloc(sizeof(*a));
	struct buf_writer w;

	if (!req || !a)
		goto out;
	buf_writer_init(&w, req, cap);
	probe_connect_write(&w, o, spec);
	if (buf_writer_error(&w)) {
		probe_result_detail(r, "CONNECT does not fit");
		goto out;
	}
	probe_exchange(o, r, "CONNECT", req, w.len, a);
	if (r->outcome == PROBE_HTTP && r->status == 200)
		report_grant(r, a);
out:
	free(a);
	free(req);
}

static void with_cookie(const struct probe_opts *o, struct probe_result *r, const char *value)
{
	char *h = malloc(strlen(value) + 8);
	struct probe_connect_req spec = { .cookie_header = h };

	if (!h)
		return;
	sprintf(h, "webvpn=%s", value);
	connect_with(o, r, &spec);
	free(h);
}

/* 32 random bytes in base64: the shape of a real cookie, but nobody's. */
static void forged_value(char out[45])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t rnd[33] = { 0 };

	if (getrandom(rnd, 32, 0) != 32)
		memset(rnd, 0x77, 32);
	for (int i = 0; i < 11; i++) {
		uint32_t v = (uint32_t)rnd[3 * i] << 16 | (uint32_t)rnd[3 * i + 1] << 8 | rnd[3 * i + 2];

		for (int j = 0; j < 4; j++)
			out[4 * i + j] = b64[(v >> (18 - 6 * j)) & 63];
	}
	out[43] = '=';
	out[44] = '\0';
}

static void cookie_none(const struct probe_opts *o, struct probe_result *r)
{
	struct probe_connect_req spec = { 0 };

	connect_with(o, r, &spec);
}

static void cookie_forged(const struct probe_opts *o, struct probe_result *r)
{
	char v[45];

	forged_value(v);
	with_cookie(o, r, v);
}

static void cookie_empty(const struct probe_opts *o, struct probe_result *r)
{
	with_cookie(o, r, "");
}

static void cookie_oversize(const struct probe_opts *o, struct probe_result *r)
{
	char v[6001];

	memset(v, 'A', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	with_cookie(o, r, v);
}

static void cookie_given(const struct probe_opts *o, struct probe_result *r)
{
	with_cookie(o, r, o->cookie);
}

/*
 * One character in the middle changed within its own class (digit, lower,
 * upper), so that a gateway reading hex without regard to case still sees
 * different bytes: a MAC or a lookup must catch it.
 */
static char other_char(char c)
{
	if (c >= '0' && c <= '9')
		return c == '0' ? '1' : '0';
	if (c >= 'a' && c <= 'z')
		return c == 'a' ? 'b' : 'a';
	if (c >= 'A' && c <= 'Z')
		return c == 'A' ? 'B' : 'A';
	return c == '+' ? '/' : '+';
}

static void cookie_tampered(const struct probe_opts *o, struct probe_result *r)
{
	char v[4096];
	size_t mid;

	snprintf(v, sizeof(v), "%s", o->cookie);
	mid = strlen(v) / 2;
	v[mid] = other_char(v[mid]);
	with_cookie(o, r, v);
}

static void cookie_truncated(const struct probe_opts *o, struct probe_result *r)
{
	char v[4096];

	snprintf(v, sizeof(v), "%s", o->cookie);
	v[strlen(v) / 2] = '\0';
	with_cookie(o, r, v);
}

/* A forged webvpn and the real one in the same header: which one wins? */
static void cookie_doubled(const struct probe_opts *o, struct probe_result *r)
{
	char forged[45], h[4200];
	struct probe_connect_req spec = { .cookie_header = h };

	forged_value(forged);
	snprintf(h, sizeof(h), "webvpn=%s; webvpn=%s", forged, o->cookie);
	connect_with(o, r, &spec);
}

static void connect_field(const struct probe_opts *o, struct probe_result *r,
			  struct probe_connect_req *spec)
{
	char h[4200];

	snprintf(h, sizeof(h), "webvpn=%s", o->cookie);
	spec->cookie_header = h;
	connect_with(o, r, spec);
}

#define FIELD(fn, field, value) \
	static void fn(const struct probe_opts *o, struct probe_result *r) \
	{ \
		struct probe_connect_req spec = { .field = value }; \
		connect_field(o, r, &spec); \
	}

FIELD(mtu_zero, mtu, "0")
FIELD(mtu_max, mtu, "65535")
FIELD(mtu_huge, mtu, "99999999999999999999")
FIELD(mtu_text, mtu, "fast")
FIELD(base_mtu_negative, base_mtu, "-1")
FIELD(base_mtu_zero, base_mtu, "0")
FIELD(address_bogus, address, "999.1.2.3")
FIELD(address_text, address, "not-an-address")
FIELD(address_foreign, address, "198.18.200.200")

const struct probe_scenario probe_connect_scenarios[] = {
	{ "cookie-none", "CONNECT without a Cookie header", 0, cookie_none },
	{ "cookie-forged", "a random 32-byte cookie", 0, cookie_forged },
	{ "cookie-empty", "webvpn= with no value", 0, cookie_empty },
	{ "cookie-oversize", "a 6000-character cookie", 0, cookie_oversize },
	{ "cookie-given", "the --cookie value as is (expired, replayed, another's)", PROBE_NEEDS_COOKIE,
	  cookie_given },
	{ "cookie-tampered", "--cookie with one character changed", PROBE_NEEDS_COOKIE, cookie_tampered },
	{ "cookie-truncated", "the first half of --cookie", PROBE_NEEDS_COOKIE, cookie_truncated },
	{ "cookie-doubled", "a forged webvpn before the real one", PROBE_NEEDS_COOKIE, cookie_doubled },
	{ "connect-mtu-0", "X-CSTP-MTU: 0", PROBE_NEEDS_COOKIE, mtu_zero },
	{ "connect-mtu-65535", "X-CSTP-MTU: 65535", PROBE_NEEDS_COOKIE, mtu_max },
	{ "connect-mtu-huge", "X-CSTP-MTU: 20 digits", PROBE_NEEDS_COOKIE, mtu_huge },
	{ "connect-mtu-text", "X-CSTP-MTU: fast", PROBE_NEEDS_COOKIE, mtu_text },
	{ "connect-base-mtu-negative", "X-CSTP-Base-MTU: -1", PROBE_NEEDS_COOKIE, base_mtu_negative },
	{ "connect-base-mtu-0", "X-CSTP-Base-MTU: 0", PROBE_NEEDS_COOKIE, base_mtu_zero },
	{ "connect-address-bogus", "X-CSTP-Address: 999.1.2.3", PROBE_NEEDS_COOKIE, address_bogus },
	{ "connect-address-text", "X-CSTP-Address: not-an-address", PROBE_NEEDS_COOKIE, address_text },
	{ "connect-address-foreign", "X-CSTP-Address outside every pool", PROBE_NEEDS_COOKIE, address_foreign },
	{ NULL, NULL, 0, NULL },
};
