/* SPDX-License-Identifier: ISC */
/*
 * Response heads: ocserv's real answers (auth, complete, CONNECT, failures)
 * whole, byte by byte and split anywhere; body framing by status and by the
 * request answered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/http/headers.h"
#include "lib/http/response.h"
#include "tests/vectors/vectors.h"

/* A string literal as pointer and length. */
#define S(x) x, sizeof(x) - 1

typedef void check_fn(const struct http_response *resp, size_t consumed,
		      const void *ctx);

static enum parse_result parse_guarded(struct http_response *resp, size_t *consumed,
				       struct guarded *g, const char *msg, size_t len)
{
	assert_int_equal(guarded_init(g, msg, len), 0);
	return http_response_parse(resp, consumed, g->data, len);
}

/* Whole, growing a byte at a time, then split in two at every point. */
static void feed_ok(const char *method, const char *msg, size_t len,
		    check_fn *check, const void *ctx)
{
	struct http_response resp;
	struct guarded g;
	size_t consumed, head_len;

	http_response_init(&resp, NULL, method);
	assert_int_equal(parse_guarded(&resp, &consumed, &g, msg, len), PARSE_DONE);
	head_len = consumed;
	check(&resp, consumed, ctx);
	guarded_cleanup(&g);

	http_response_init(&resp, NULL, method);
	for (size_t i = 0; i <= head_len; i++) {
		enum parse_result r = parse_guarded(&resp, &consumed, &g, msg, i);

		assert_int_equal(r, i < head_len ? PARSE_NEED_MORE : PARSE_DONE);
		if (r == PARSE_DONE)
			check(&resp, consumed, ctx);
		guarded_cleanup(&g);
	}

	for (size_t k = 0; k < head_len; k++) {
		http_response_init(&resp, NULL, method);
		assert_int_equal(parse_guarded(&resp, &consumed, &g, msg, k), PARSE_NEED_MORE);
		guarded_cleanup(&g);
		assert_int_equal(parse_guarded(&resp, &consumed, &g, msg, len), PARSE_DONE);
		check(&resp, consumed, ctx);
		guarded_cleanup(&g);
	}
}

static void feed_bad(const char *method, const char *msg, size_t len)
{
	struct http_response resp;
	struct guarded g;
	size_t consumed;
	enum parse_result r = PARSE_NEED_MORE;

	http_response_init(&resp, NULL, method);
	assert_int_equal(parse_guarded(&resp, &consumed, &g, msg, len), PARSE_INVALID);
	assert_non_null(resp.error.reason);
	guarded_cleanup(&g);

	http_response_init(&resp, NULL, method);
	for (size_t i = 0; i <= len && r == PARSE_NEED_MORE; i++) {
		r = parse_guarded(&resp, &consumed, &g, msg, i);
		guarded_cleanup(&g);
	}
	assert_int_equal(r, PARSE_INVALID);
}

static void assert_view(struct str_view v, const char *s)
{
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.ptr, s, v.len);
}

static void assert_header(const struct http_response *resp, const char *name,
			  const char *value)
{
	struct str_view v;

	assert_int_equal(http_headers_get(&resp->headers, name, &v), 0);
	assert_view(v, value);
}

/* head + body (+ extra) in one buffer. */
static size_t join(char *out, size_t cap, const char *head, const char *body,
		   const char *extra, size_t extra_len)
{
	size_t h = strlen(head), b = body ? strlen(body) : 0;

	assert_true(h + b + extra_len <= cap);
	memcpy(out, head, h);
	if (b)
		memcpy(out + h, body, b);
	if (extra_len)
		memcpy(out + h + b, extra, extra_len);
	return h + b + extra_len;
}

struct auth_expect {
	size_t head_len;
	size_t body_len;
	const char *cookie;
};

static void check_auth(const struct http_response *resp, size_t consumed,
		       const void *ctx)
{
	const struct auth_expect *e = ctx;

	assert_int_equal(consumed, e->head_len);
	assert_int_equal(resp->minor_version, 1);
	assert_int_equal(resp->status, 200);
	assert_view(resp->reason, "OK");
	assert_int_equal(resp->headers.count, 4);
	assert_view(resp->headers.items[0].name, "Set-Cookie");
	assert_header(resp, "Set-Cookie", e->cookie);
	assert_header(resp, "content-type", "text/xml");
	assert_header(resp, "X-Transcend-Version", "1");
	assert_int_equal(resp->body.kind, HTTP_BODY_LENGTH);
	assert_int_equal(resp->body.length, e->body_len);
	assert_false(resp->wants_close);
}

static void ocserv_auth_requests(void **state)
{
	struct auth_expect e2 = {
		strlen(V02_HEAD), strlen(V02_BODY),
		"webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly",
	};
	struct auth_expect e5 = {
		strlen(V05_HEAD), strlen(V05_BODY),
		"webvpncontext=<SESSION-COOKIE>; Max-Age=300; Secure; HttpOnly",
	};
	char msg[2048];
	size_t len;

	(void)state;
	len = join(msg, sizeof(msg), V02_HEAD, V02_BODY, NULL, 0);
	feed_ok("POST", msg, len, check_auth, &e2);
	len = join(msg, sizeof(msg), V05_HEAD, V05_BODY, NULL, 0);
	feed_ok("POST", msg, len, check_auth, &e5);
}

static void check_complete(const struct http_response *resp, size_t consumed,
			   const void *ctx)
{
	static const char *const cookies[] = {
		"webvpncontext=<SESSION-COOKIE>; Secure; HttpOnly",
		"webvpn=<SESSION-COOKIE>; Secure; HttpOnly",
		"webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly",
		"webvpnc=bu:/&p:t&iu:1/&sh:EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF"
		"&lu:/+CSCOT+/translation-table?textdomain%3DAnyConnect%26type%3Dmanifest"
		"&fu:profiles%2Fprofile.xml&fh:C54090310389BE94B95DD234707D5E2B0FDD71F9"
		"; path=/; Secure; HttpOnly",
	};
	struct str_view v;
	size_t pos = 0, i = 0;

	(void)ctx;
	assert_int_equal(consumed, strlen(V06_HEAD));
	assert_int_equal(resp->status, 200);
	assert_int_equal(resp->headers.count, 8);
	assert_header(resp, "Connection", "Keep-Alive");
	assert_int_equal(http_headers_count(&resp->headers, "Set-Cookie"), 4);
	while (http_headers_next(&resp->headers, "Set-Cookie", &pos, &v))
		assert_view(v, cookies[i++]);
	assert_int_equal(i, 4);
	assert_int_equal(resp->body.kind, HTTP_BODY_LENGTH);
	assert_int_equal(resp->body.length, strlen(V06_BODY));
	assert_false(resp->wants_close);
}

static void ocserv_complete(void **state)
{
	char msg[2048];
	size_t len;

	(void)state;
	len = join(msg, sizeof(msg), V06_HEAD, V06_BODY, NULL, 0);
	feed_ok("POST", msg, len, check_complete, NULL);
}

struct connect_expect {
	size_t head_len;
	const char *dtls_id_name;
	size_t header_count;
};

static void check_connect(const struct http_response *resp, size_t consumed,
			  const void *ctx)
{
	const struct connect_expect *e = ctx;
	struct str_view v;

	assert_int_equal(consumed, e->head_len);
	assert_int_equal(resp->status, 200);
	assert_view(resp->reason, "CONNECTED");
	assert_int_equal(resp->headers.count, e->header_count);
	/* Names come back with the gateway's exact case. */
	assert_view(resp->headers.items[0].name, "X-CSTP-Version");
	assert_view(resp->headers.items[e->header_count - 1].name, "X-CSTP-MTU");
	assert_header(resp, "X-CSTP-MTU", "1434");
	assert_header(resp, "X-CSTP-Base-MTU", "1500");
	assert_header(resp, "X-CSTP-Address", "198.19.10.50");
	assert_header(resp, "X-CSTP-Split-Include", "198.18.2.0/255.255.255.0");
	assert_int_equal(http_headers_get(&resp->headers, e->dtls_id_name, &v), 0);
	assert_int_equal(v.len, 64);
	assert_int_equal(resp->body.kind, HTTP_BODY_TUNNEL);
}

static void ocserv_connect(void **state)
{
	struct connect_expect psk = { strlen(V08_HEAD), "X-DTLS-App-ID", 30 };
	struct connect_expect legacy = { strlen(V09_HEAD), "X-DTLS-Session-ID", 31 };
	char msg[2048];
	size_t len;

	(void)state;
	feed_ok("CONNECT", V08_HEAD, strlen(V08_HEAD), check_connect, &psk);
	feed_ok("CONNECT", V09_HEAD, strlen(V09_HEAD), check_connect, &legacy);
	/* A CSTP frame right behind the head stays unconsumed. */
	len = join(msg, sizeof(msg), V08_HEAD, NULL, V10_CSTP_DPD_REQ, 8);
	feed_ok("CONNECT", msg, len, check_connect, &psk);
}

static void check_kind(const struct http_response *resp, size_t consumed,
		       const void *ctx)
{
	const struct http_body *want = ctx;

	(void)consumed;
	assert_int_equal(resp->body.kind, want->kind);
	assert_int_equal(resp->body.length, want->length);
}

static void ocserv_failures(void **state)
{
	static const struct http_body zero = { HTTP_BODY_LENGTH, 0 };
	static const struct http_body fifty = { HTTP_BODY_LENGTH, 50 };
	static const struct http_body close = { HTTP_BODY_UNTIL_CLOSE, 0 };
	struct http_response resp;
	size_t consumed;

	(void)state;
	feed_ok("POST", S(V10_AUTH_FAILED), check_kind, &zero);
	feed_ok("CONNECT", S(V10_BAD_COOKIE), check_kind, &close);
	feed_ok("GET", S(V10_NOT_FOUND), check_kind, &fifty);

	http_response_init(&resp, NULL, "CONNECT");
	assert_int_equal(http_response_parse(&resp, &consumed, S(V10_BAD_COOKIE)), PARSE_DONE);
	assert_int_equal(resp.status, 401);
	assert_view(resp.reason, "Cookie is not acceptable");
	assert_int_equal(resp.headers.count, 0);
	assert_true(resp.wants_close);

	http_response_init(&resp, NULL, "GET");
	assert_int_equal(http_response_parse(&resp, &consumed, S(V10_NOT_FOUND)), PARSE_DONE);
	assert_int_equal(resp.status, 404);
	assert_true(resp.wants_close);
	assert_int_equal(sizeof(V10_NOT_FOUND) - 1 - consumed, resp.body.length);
}

static void framing_by_request(void **state)
{
	static const struct http_body none = { HTTP_BODY_NONE, 0 };
	static const struct http_body tunnel = { HTTP_BODY_TUNNEL, 0 };
	static const struct http_body close = { HTTP_BODY_UNTIL_CLOSE, 0 };
	static const struct http_body chunked = { HTTP_BODY_CHUNKED, 0 };
	static const struct http_body reason = { HTTP_BODY_LENGTH, 7 };

	(void)state;
	/* The same CONNECT answer read as the answer to a GET has no length. */
	feed_ok("GET", V08_HEAD, strlen(V08_HEAD), check_kind, &close);
	feed_ok("CONNECT", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
		check_kind, &tunnel);
	feed_ok("CONNECT", S("HTTP/1.1 503 Service Unavailable\r\nX-Reason: no IP\r\n"
			     "Content-Length: 7\r\n\r\n"), check_kind, &reason);
	feed_ok("HEAD", S("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"),
		check_kind, &none);
	feed_ok("GET", S("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
		check_kind, &none);
	feed_ok("GET", S("HTTP/1.1 304 Not Modified\r\n\r\n"), check_kind, &none);
	feed_ok("POST", S("HTTP/1.1 100 Continue\r\n\r\n"), check_kind, &none);
	feed_ok("GET", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
		check_kind, &chunked);
	feed_ok("GET", S("HTTP/1.1 200\r\n\r\n"), check_kind, &close);
	feed_ok("GET", S("HTTP/1.1 200 \r\nContent-Length: 7\r\n\r\n"), check_kind, &reason);
}

static void bad_responses(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} bad[] = {
		{ S("HTTP/1.1 200 OK\n\n") },
		{ S("HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nX : a\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nX: a\0\r\n\r\n") },
		{ S("HTTP/1.1 20 OK\r\n\r\n") },
		{ S("HTTP/1.1 2000 OK\r\n\r\n") },
		{ S("HTTP/1.1 099 Low\r\n\r\n") },
		{ S("HTTP/1.1 600 High\r\n\r\n") },
		{ S("HTTP/1.1  200 OK\r\n\r\n") },
		{ S("HTTP/1.1 200OK\r\n\r\n") },
		{ S("HTTP/1.1 2x0 OK\r\n\r\n") },
		{ S("HTTP/2 200\r\n\r\n") },
		{ S("HTTP/1.2 200 OK\r\n\r\n") },
		{ S("ICY 200 OK\r\n\r\n") },
		{ S("HTTP/1.1\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n") },
		{ S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") },
		{ S("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("shape %zu\n", i);
		feed_bad("GET", bad[i].text, bad[i].len);
	}
}

static void custom_limits(void **state)
{
	struct http_response resp;
	struct http_limits lim;
	size_t consumed;

	(void)state;
	http_limits_init(&lim);
	lim.max_body = 495;
	http_response_init(&resp, &lim, "POST");
	/* ocserv's 496-byte auth-request is one byte over. */
	assert_int_equal(http_response_parse(&resp, &consumed, V02_HEAD, strlen(V02_HEAD)),
			 PARSE_INVALID);
	lim.max_body = 496;
	http_response_init(&resp, &lim, "POST");
	assert_int_equal(http_response_parse(&resp, &consumed, V02_HEAD, strlen(V02_HEAD)),
			 PARSE_DONE);
}

static void http10_closes(void **state)
{
	struct http_response resp;
	size_t consumed;

	(void)state;
	http_response_init(&resp, NULL, "GET");
	assert_int_equal(http_response_parse(&resp, &consumed,
					     S("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")),
			 PARSE_DONE);
	assert_int_equal(resp.minor_version, 0);
	assert_true(resp.wants_close);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_auth_requests),
		cmocka_unit_test(ocserv_complete),
		cmocka_unit_test(ocserv_connect),
		cmocka_unit_test(ocserv_failures),
		cmocka_unit_test(framing_by_request),
		cmocka_unit_test(bad_responses),
		cmocka_unit_test(custom_limits),
		cmocka_unit_test(http10_closes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
