/* SPDX-License-Identifier: ISC */
/*
 * Request heads: openconnect's real requests must parse the same whole, byte
 * by byte and split anywhere; smuggling shapes must be refused with the
 * status a server would answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/http/headers.h"
#include "lib/http/request.h"
#include "tests/vectors/vectors.h"

typedef void check_fn(const struct http_request *req, size_t consumed,
		      const char *base, const void *ctx);

static enum parse_result parse_guarded(struct http_request *req, size_t *consumed,
				       struct guarded *g, const char *msg, size_t len)
{
	assert_int_equal(guarded_init(g, msg, len), 0);
	return http_request_parse(req, consumed, g->data, len);
}

/*
 * Feeds msg whole, then growing a byte at a time, then in two calls split
 * at every point; each call sees a fresh guarded copy, so the buffer also
 * moves between calls as a reallocated one would.
 */
static void feed_ok(const char *msg, size_t len, const struct http_limits *limits,
		    check_fn *check, const void *ctx)
{
	struct http_request req;
	struct guarded g;
	size_t consumed, head_len;

	http_request_init(&req, limits);
	assert_int_equal(parse_guarded(&req, &consumed, &g, msg, len), PARSE_DONE);
	head_len = consumed;
	check(&req, consumed, (const char *)g.data, ctx);
	guarded_cleanup(&g);

	http_request_init(&req, limits);
	for (size_t i = 0; i <= head_len; i++) {
		enum parse_result r = parse_guarded(&req, &consumed, &g, msg, i);

		assert_int_equal(r, i < head_len ? PARSE_NEED_MORE : PARSE_DONE);
		if (r == PARSE_DONE)
			check(&req, consumed, (const char *)g.data, ctx);
		guarded_cleanup(&g);
	}

	for (size_t k = 0; k < head_len; k++) {
		http_request_init(&req, limits);
		assert_int_equal(parse_guarded(&req, &consumed, &g, msg, k), PARSE_NEED_MORE);
		guarded_cleanup(&g);
		assert_int_equal(parse_guarded(&req, &consumed, &g, msg, len), PARSE_DONE);
		check(&req, consumed, (const char *)g.data, ctx);
		guarded_cleanup(&g);
	}
}

/* Whole and byte by byte: never PARSE_DONE, PARSE_INVALID with status at the end. */
static void feed_bad(const char *msg, size_t len, const struct http_limits *limits,
		     int status)
{
	struct http_request req;
	struct guarded g;
	size_t consumed;
	enum parse_result r = PARSE_NEED_MORE;

	http_request_init(&req, limits);
	assert_int_equal(parse_guarded(&req, &consumed, &g, msg, len), PARSE_INVALID);
	assert_int_equal(req.error.status, status);
	assert_non_null(req.error.reason);
	guarded_cleanup(&g);

	http_request_init(&req, limits);
	for (size_t i = 0; i <= len && r == PARSE_NEED_MORE; i++) {
		r = parse_guarded(&req, &consumed, &g, msg, i);
		guarded_cleanup(&g);
	}
	assert_int_equal(r, PARSE_INVALID);
	assert_int_equal(req.error.status, status);
}

static void assert_view(struct str_view v, const char *s)
{
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.ptr, s, v.len);
}

static void assert_header(const struct http_request *req, const char *name,
			  const char *value)
{
	struct str_view v;

	assert_int_equal(http_headers_get(&req->headers, name, &v), 0);
	assert_view(v, value);
}

struct post_expect {
	const char *target;
	size_t head_len;
	size_t body_len;
	const char *x_pad;
};

static void check_post(const struct http_request *req, size_t consumed,
		       const char *base, const void *ctx)
{
	const struct post_expect *e = ctx;

	assert_int_equal(consumed, e->head_len);
	assert_view(req->method, "POST");
	assert_view(req->target, e->target);
	assert_int_equal(req->minor_version, 1);
	assert_int_equal(req->headers.count, 12);
	assert_view(req->headers.items[0].name, "Host");
	assert_view(req->headers.items[11].name, "Content-Length");
	assert_header(req, "host", "gw.vpnlab.test");
	assert_header(req, "User-Agent", "Open AnyConnect VPN Agent v9.01-3");
	assert_header(req, "Content-Type", "application/xml; charset=utf-8");
	assert_header(req, "X-Pad", e->x_pad);
	assert_int_equal(req->body.kind, HTTP_BODY_LENGTH);
	assert_int_equal(req->body.length, e->body_len);
	assert_false(req->wants_close);
	/* Views point into the buffer parsed, not into copies. */
	assert_ptr_equal(req->method.ptr, base);
}

static void feed_post(const char *head, const char *body, const char *target,
		      const char *x_pad)
{
	size_t head_len = strlen(head), body_len = strlen(body);
	char msg[2048];
	struct post_expect e = { target, head_len, body_len, x_pad };

	assert_true(head_len + body_len <= sizeof(msg));
	memcpy(msg, head, head_len);
	memcpy(msg + head_len, body, body_len);
	feed_ok(msg, head_len + body_len, NULL, check_post, &e);
	/* openconnect pads so that Content-Length + X-Pad is a multiple of 64. */
	assert_int_equal((body_len + strlen(x_pad)) % 64, 0);
}

static void oc_auth_posts(void **state)
{
	(void)state;
	feed_post(V01_HEAD, V01_BODY, "/", "000000000000000");
	feed_post(V03_HEAD, V03_BODY, "/auth", "00000000000000000000000000000000000");
	feed_post(V04_HEAD, V04_BODY, "/auth", "0000000000000000000000000000000000000000000000");
}

static void check_connect(const struct http_request *req, size_t consumed,
			  const char *base, const void *ctx)
{
	struct str_view v;

	(void)base;
	(void)ctx;
	assert_int_equal(consumed, strlen(V07_HEAD));
	assert_view(req->method, "CONNECT");
	assert_view(req->target, "/CSCOSSLC/tunnel");
	assert_int_equal(req->headers.count, 16);
	assert_header(req, "Cookie", "webvpn=<SESSION-COOKIE>");
	assert_header(req, "X-CSTP-Hostname", "vm");
	assert_header(req, "X-CSTP-MTU", "1390");
	assert_header(req, "X-CSTP-Base-MTU", "1500");
	assert_int_equal(http_headers_get(&req->headers, "X-DTLS-CipherSuite", &v), 0);
	assert_true(v.len > 14 && memcmp(v.ptr, "PSK-NEGOTIATE:", 14) == 0);
	assert_int_equal(req->body.kind, HTTP_BODY_NONE);
}

static void oc_connect(void **state)
{
	size_t head_len = strlen(V07_HEAD);
	char msg[1024];

	(void)state;
	feed_ok(V07_HEAD, head_len, NULL, check_connect, NULL);
	/* Whatever follows the head is left alone: it belongs to CSTP. */
	memcpy(msg, V07_HEAD, head_len);
	memcpy(msg + head_len, V10_CSTP_DPD_REQ, 8);
	feed_ok(msg, head_len + 8, NULL, check_connect, NULL);
}

static void pipelined_requests(void **state)
{
	char msg[2048];
	size_t n = 0, consumed;
	struct http_request req;

	(void)state;
	memcpy(msg, V01_HEAD, strlen(V01_HEAD));
	n += strlen(V01_HEAD);
	memcpy(msg + n, V01_BODY, strlen(V01_BODY));
	n += strlen(V01_BODY);
	memcpy(msg + n, V03_HEAD, strlen(V03_HEAD));
	n += strlen(V03_HEAD);

	http_request_init(&req, NULL);
	assert_int_equal(http_request_parse(&req, &consumed, msg, n), PARSE_DONE);
	assert_int_equal(consumed + req.body.length, strlen(V01_HEAD) + strlen(V01_BODY));
	n = consumed + req.body.length;
	http_request_init(&req, NULL);
	assert_int_equal(http_request_parse(&req, &consumed, msg + n, strlen(V03_HEAD)),
			 PARSE_DONE);
	assert_view(req.target, "/auth");
	assert_int_equal(consumed, strlen(V03_HEAD));
}

/* A string literal as pointer and length, NULs inside included. */
#define S(x) x, sizeof(x) - 1

static void smuggling_shapes(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		int status;
	} bad[] = {
		{ S("GET / HTTP/1.1\nHost: a\n\n"), 400 },
		{ S("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\n: a\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nHost a\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nX(y): a\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 5a\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 1 0\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"), 400 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"), 413 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 18446744073709551617\r\n\r\n"), 413 },
		{ S("POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"), 413 },
		{ S("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"), 501 },
		{ S("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501 },
		{ S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 501 },
		{ S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n\r\n"), 501 },
		{ S("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n"), 501 },
		{ S("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
		{ S("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nContent-Length: 5\r\n\r\n"), 400 },
		{ S("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400 },
		{ S("GET / HTTP/2.0\r\n\r\n"), 505 },
		{ S("GET / HTTP/1.2\r\n\r\n"), 505 },
		{ S("GET / http/1.1\r\n\r\n"), 400 },
		{ S("GET /\r\n\r\n"), 400 },
		{ S("GET / \r\n\r\n"), 400 },
		{ S("GET  / HTTP/1.1\r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1 \r\n\r\n"), 400 },
		{ S("GET / HTTP/1.1\t\r\n\r\n"), 400 },
		{ S("GET /a b HTTP/1.1\r\n\r\n"), 400 },
		{ S("GET /\xc3\xa9 HTTP/1.1\r\n\r\n"), 400 },
		{ S("GE(T / HTTP/1.1\r\n\r\n"), 400 },
		{ S(" GET / HTTP/1.1\r\n\r\n"), 400 },
		{ S("\r\nGET / HTTP/1.1\r\n\r\n"), 400 },
		{ S("\r\n\r\n"), 400 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("shape %zu\n", i);
		feed_bad(bad[i].text, bad[i].len, NULL, bad[i].status);
	}
}

static void check_lengths(const struct http_request *req, size_t consumed,
			  const char *base, const void *ctx)
{
	const struct http_body *want = ctx;

	(void)consumed;
	(void)base;
	assert_int_equal(req->body.kind, want->kind);
	assert_int_equal(req->body.length, want->length);
}

static void accepted_framing(void **state)
{
	static const struct http_body five = { HTTP_BODY_LENGTH, 5 };
	static const struct http_body chunked = { HTTP_BODY_CHUNKED, 0 };
	static const struct http_body none = { HTTP_BODY_NONE, 0 };
	static const struct http_body max = { HTTP_BODY_LENGTH, 1048576 };

	(void)state;
	feed_ok(S("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
		NULL, check_lengths, &five);
	feed_ok(S("POST / HTTP/1.1\r\nContent-Length: 5 , 5\r\n\r\n"),
		NULL, check_lengths, &five);
	feed_ok(S("POST / HTTP/1.1\r\nContent-Length: 005\r\n\r\n"),
		NULL, check_lengths, &five);
	feed_ok(S("POST / HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n"),
		NULL, check_lengths, &max);
	feed_ok(S("POST / HTTP/1.1\r\ntransfer-encoding: Chunked\r\n\r\n"),
		NULL, check_lengths, &chunked);
	feed_ok(S("GET / HTTP/1.1\r\n\r\n"), NULL, check_lengths, &none);
	feed_ok(S("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
		NULL, check_lengths, &none);
	/* ocserv's Clavister allowance: the target without its slash. */
	feed_ok(S("CONNECT CSCOSSLC/tunnel HTTP/1.1\r\n\r\n"), NULL, check_lengths, &none);
}

static void check_values(const struct http_request *req, size_t consumed,
			 const char *base, const void *ctx)
{
	(void)consumed;
	(void)base;
	(void)ctx;
	assert_int_equal(req->minor_version, 0);
	assert_false(req->wants_close);
	assert_header(req, "X-Trim", "a b");
	assert_header(req, "X-Empty", "");
	assert_header(req, "X-Utf8", "caf\xc3\xa9");
}

static void header_values(void **state)
{
	(void)state;
	feed_ok(S("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nX-Trim: \t a b \t\r\n"
		  "X-Empty:\r\nX-Utf8: caf\xc3\xa9\r\n\r\n"),
		NULL, check_values, NULL);
}

static void connection_close(void **state)
{
	struct http_request req;
	size_t consumed;

	(void)state;
	http_request_init(&req, NULL);
	assert_int_equal(http_request_parse(&req, &consumed, S("GET / HTTP/1.0\r\n\r\n")),
			 PARSE_DONE);
	assert_true(req.wants_close);
	http_request_init(&req, NULL);
	assert_int_equal(http_request_parse(&req, &consumed,
					    S("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n")),
			 PARSE_DONE);
	assert_true(req.wants_close);
}

static void check_any(const struct http_request *req, size_t consumed,
		      const char *base, const void *ctx)
{
	(void)req;
	(void)base;
	assert_int_equal(consumed, *(const size_t *)ctx);
}

/* Builds "GET / HTTP/1.1" CRLF + n "X: y" lines + CRLF into out. */
static size_t many_headers(char *out, size_t cap, size_t n)
{
	size_t len = 0;

	len += (size_t)snprintf(out, cap, "GET / HTTP/1.1\r\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "X: y\r\n");
	len += (size_t)snprintf(out + len, cap - len, "\r\n");
	assert_true(len < cap);
	return len;
}

static void limits(void **state)
{
	struct http_limits lim;
	char msg[1024];
	size_t len;

	(void)state;
	len = many_headers(msg, sizeof(msg), HTTP_HEADERS_MAX);
	feed_ok(msg, len, NULL, check_any, &len);
	len = many_headers(msg, sizeof(msg), HTTP_HEADERS_MAX + 1);
	feed_bad(msg, len, NULL, 431);

	http_limits_init(&lim);
	lim.max_headers = 2;
	len = many_headers(msg, sizeof(msg), 2);
	feed_ok(msg, len, &lim, check_any, &len);
	len = many_headers(msg, sizeof(msg), 3);
	feed_bad(msg, len, &lim, 431);

	/* A head of exactly max_head bytes passes; one more byte does not. */
	http_limits_init(&lim);
	len = many_headers(msg, sizeof(msg), 4);
	lim.max_head = len;
	feed_ok(msg, len, &lim, check_any, &len);
	lim.max_head = len - 1;
	feed_bad(msg, len, &lim, 431);
	/* With no end in sight, the bound holds as soon as it is reached. */
	lim.max_head = len - 3;
	feed_bad(msg, len - 2, &lim, 431);

	/* Line bounds count the CRLF: "X: y" CRLF is 6 bytes. */
	http_limits_init(&lim);
	lim.max_line = 16;
	len = many_headers(msg, sizeof(msg), 1);
	feed_ok(msg, len, &lim, check_any, &len);
	lim.max_line = 15;
	feed_bad(msg, len, &lim, 414);
	lim.max_line = 5;
	feed_bad(S("GET / HTTP/1.1\r\nX: y\r\n\r\n"), &lim, 414);

	http_limits_init(&lim);
	lim.max_body = 4;
	feed_bad(S("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"), &lim, 413);
}

static void header_line_limit(void **state)
{
	struct http_limits lim;

	(void)state;
	http_limits_init(&lim);
	lim.max_line = 16;
	feed_bad(S("GET / HTTP/1.1\r\nX: yyyyyyyyyyyyy\r\n\r\n"), &lim, 431);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oc_auth_posts),
		cmocka_unit_test(oc_connect),
		cmocka_unit_test(pipelined_requests),
		cmocka_unit_test(smuggling_shapes),
		cmocka_unit_test(accepted_framing),
		cmocka_unit_test(header_values),
		cmocka_unit_test(connection_close),
		cmocka_unit_test(limits),
		cmocka_unit_test(header_line_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
