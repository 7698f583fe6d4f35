/* SPDX-License-Identifier: ISC */
/*
 * Writers reproduce real messages byte for byte: ocserv's CONNECT answers
 * and failures, openconnect's CONNECT request. Bytes that would split a
 * line fail the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/http/request.h"
#include "lib/http/response.h"
#include "lib/http/write.h"
#include "tests/vectors/vectors.h"

static char out[4096];

static void assert_written(const struct buf_writer *w, const char *want, size_t want_len)
{
	assert_int_equal(buf_writer_error(w), 0);
	assert_int_equal(w->len, want_len);
	assert_memory_equal(w->data, want, want_len);
}

/* Names and values as a gateway holds them, in ocserv's order (vectors/08). */
static const char *const connect_psk[][2] = {
	{ "X-CSTP-Version", "1" },
	{ "X-CSTP-Server-Name", "ocserv 1.1.6" },
	{ "X-CSTP-Hostname", "vm" },
	{ "X-CSTP-DPD", "30" },
	{ "X-CSTP-Default-Domain", "vpnlab.test" },
	{ "X-CSTP-Address", "198.19.10.50" },
	{ "X-CSTP-Netmask", "255.255.255.0" },
	{ "X-CSTP-Split-Include", "198.18.2.0/255.255.255.0" },
	{ "X-CSTP-Tunnel-All-DNS", "false" },
	{ "X-CSTP-Client-Bypass-Protocol", "false" },
	{ "X-CSTP-Keepalive", "32400" },
	{ "X-CSTP-Idle-Timeout", "none" },
	{ "X-CSTP-Smartcard-Removal-Disconnect", "true" },
	{ "X-CSTP-Rekey-Time", "172801" },
	{ "X-CSTP-Rekey-Method", "ssl" },
	{ "X-CSTP-Session-Timeout", "0" },
	{ "X-CSTP-Session-Timeout-Remaining", "0" },
	{ "X-CSTP-Disconnected-Timeout", "none" },
	{ "X-CSTP-Keep", "true" },
	{ "X-CSTP-TCP-Keepalive", "true" },
	{ "X-CSTP-License", "accept" },
	{ "X-DTLS-DPD", "30" },
	{ "X-DTLS-Port", "443" },
	{ "X-DTLS-Rekey-Time", "172811" },
	{ "X-DTLS-Rekey-Method", "ssl" },
	{ "X-DTLS-Keepalive", "32400" },
	{ "X-DTLS-App-ID", "769234bc77c65d92bbede8f6761244ba97c49d084a095deeaa640b9701592bbe" },
	{ "X-DTLS-CipherSuite", "PSK-NEGOTIATE" },
};

static void ocserv_connect_answer(void **state)
{
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, 200, "CONNECTED");
	for (size_t i = 0; i < sizeof(connect_psk) / sizeof(connect_psk[0]); i++)
		http_write_header(&w, connect_psk[i][0], connect_psk[i][1]);
	http_write_headerf(&w, "X-CSTP-Base-MTU", "%u", 1500u);
	http_write_headerf(&w, "X-CSTP-MTU", "%d", 1434);
	http_write_end(&w);
	assert_written(&w, V08_HEAD, strlen(V08_HEAD));
	/* openconnect wants these 13 bytes first (PROTOCOL.md section 2.5). */
	assert_memory_equal(out, "HTTP/1.1 200 ", 13);
}

/* Parse a real head, write it back from the views: same bytes. */
static void round_trip_request(void **state)
{
	struct http_request req;
	struct buf_writer w;
	char method[16], target[64];
	size_t consumed;

	(void)state;
	http_request_init(&req, NULL);
	assert_int_equal(http_request_parse(&req, &consumed, V07_HEAD, strlen(V07_HEAD)),
			 PARSE_DONE);
	snprintf(method, sizeof(method), "%.*s", (int)req.method.len, req.method.ptr);
	snprintf(target, sizeof(target), "%.*s", (int)req.target.len, req.target.ptr);
	buf_writer_init(&w, out, sizeof(out));
	http_write_request_line(&w, method, target);
	for (size_t i = 0; i < req.headers.count; i++) {
		char name[64];
		const struct header_view *h = &req.headers.items[i];

		snprintf(name, sizeof(name), "%.*s", (int)h->name.len, h->name.ptr);
		http_write_headerf(&w, name, "%.*s", (int)h->value.len, h->value.ptr);
	}
	http_write_end(&w);
	assert_written(&w, V07_HEAD, strlen(V07_HEAD));
}

static void ocserv_failures(void **state)
{
	static const char body[] = "<html><body><h1>404 Not Found</h1></body></html>\r\n";
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, 401, "Authentication failed");
	http_write_body(&w, NULL, 0);
	assert_written(&w, V10_AUTH_FAILED, strlen(V10_AUTH_FAILED));

	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, 401, "Cookie is not acceptable");
	http_write_end(&w);
	assert_written(&w, V10_BAD_COOKIE, strlen(V10_BAD_COOKIE));

	/* ocserv's own spelling, kept: "Content-length". */
	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, 404, "Not found");
	http_write_headerf(&w, "Content-length", "%zu", strlen(body));
	http_write_header(&w, "Connection", "close");
	http_write_end(&w);
	buf_write_str(&w, body);
	assert_written(&w, V10_NOT_FOUND, strlen(V10_NOT_FOUND));
}

static void body_with_length(void **state)
{
	struct buf_writer w;
	size_t head = strlen(V02_HEAD);

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, 200, "OK");
	http_write_header(&w, "Set-Cookie", "webvpncontext=; expires=Thu, 01 Jan 1970 "
			  "22:00:00 GMT; path=/; Secure; HttpOnly");
	http_write_header(&w, "Content-Type", "text/xml");
	http_write_header(&w, "X-Transcend-Version", "1");
	http_write_body(&w, V02_BODY, strlen(V02_BODY));
	assert_int_equal(buf_writer_error(&w), 0);
	/* Same bytes as ocserv's but for where Content-Length sits. */
	assert_int_equal(w.len, head + strlen(V02_BODY));
	assert_memory_equal(out + head, V02_BODY, strlen(V02_BODY));
	assert_non_null(memmem(out, head, "\r\nContent-Length: 496\r\n\r\n", 25));
}

static void expect_poisoned(void (*build)(struct buf_writer *w))
{
	struct buf_writer w;

	buf_writer_init(&w, out, sizeof(out));
	build(&w);
	assert_int_not_equal(buf_writer_error(&w), 0);
}

static void crlf_in_value(struct buf_writer *w)
{
	http_write_header(w, "X-CSTP-Banner", "hi\r\nX-Injected: 1");
}

static void lf_in_formatted(struct buf_writer *w)
{
	http_write_headerf(w, "X-CSTP-Banner", "%s", "hi\nthere");
}

static void nul_in_formatted(struct buf_writer *w)
{
	http_write_headerf(w, "X-A", "%c", 0);
}

static void bad_name(struct buf_writer *w)
{
	http_write_header(w, "X CSTP", "1");
}

static void empty_name(struct buf_writer *w)
{
	http_write_headerf(w, "", "%d", 1);
}

static void bad_status(struct buf_writer *w)
{
	http_write_status_line(w, 99, "Low");
}

static void cr_in_reason(struct buf_writer *w)
{
	http_write_status_line(w, 200, "OK\r");
}

static void space_in_target(struct buf_writer *w)
{
	http_write_request_line(w, "GET", "/a b");
}

static void bad_method(struct buf_writer *w)
{
	http_write_request_line(w, "G:ET", "/");
}

static void poisoned_messages(void **state)
{
	(void)state;
	expect_poisoned(crlf_in_value);
	expect_poisoned(lf_in_formatted);
	expect_poisoned(nul_in_formatted);
	expect_poisoned(bad_name);
	expect_poisoned(empty_name);
	expect_poisoned(bad_status);
	expect_poisoned(cr_in_reason);
	expect_poisoned(space_in_target);
	expect_poisoned(bad_method);
}

static void overflow(void **state)
{
	/* 24 + 18 + 7 bytes of head, and room for printf's NUL. */
	char small[24 + 18 + 7 + 1];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, small, sizeof(small));
	http_write_status_line(&w, 200, "CONNECTED");
	http_write_headerf(&w, "X-CSTP-MTU", "%d", 1434);
	http_write_headerf(&w, "X", "%d", 12);
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, 49);
	http_write_end(&w);
	assert_int_equal(buf_writer_error(&w), VPN_ERR_TOO_BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_connect_answer),
		cmocka_unit_test(round_trip_request),
		cmocka_unit_test(ocserv_failures),
		cmocka_unit_test(body_with_length),
		cmocka_unit_test(poisoned_messages),
		cmocka_unit_test(overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
