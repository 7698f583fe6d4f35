/* SPDX-License-Identifier: ISC */
/* One connection of sg-probe-target: TLS, HTTP requests, then maybe CSTP. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/cstp/frame.h"
#include "lib/http/request.h"
#include "lib/http/write.h"
#include "lib/tls/tls.h"
#include "tests/tools/probe.h"
#include "tests/tools/target.h"

struct conn {
	const struct target_cfg *cfg;
	int fd;
	struct tls_conn *tls;
	uint64_t end_ms;          /* the connection's hard end */
	uint8_t in[2 * 1024 * 1024];
	size_t in_len;
};

static bool readable(int fd, unsigned ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, (int)ms) == 1;
}

/* One record's plaintext appended to c->in; false on close, error or deadline. */
static bool read_more(struct conn *c, uint64_t until)
{
	for (;;) {
		uint64_t now = probe_now_ms();
		size_t n = 0;
		int ret;

		if (c->in_len == sizeof(c->in))
			return false;
		ret = tls_conn_read(c->tls, c->in + c->in_len, sizeof(c->in) - c->in_len, &n);
		if (ret == 0) {
			c->in_len += n;
			return true;
		}
		if (ret != VPN_ERR_AGAIN) {
			target_log("read ends: %s", ret == VPN_ERR_CLOSED ? "closed" :
				   tls_conn_error_str(c->tls));
			return false;
		}
		if (until > c->end_ms)
			until = c->end_ms;
		if (now >= until || !readable(c->fd, (unsigned)(until - now))) {
			target_log("timeout waiting for the client (%zu bytes buffered)", c->in_len);
			return false;
		}
	}
}

static void send_all(struct conn *c, const void *data, size_t len)
{
	int ret;

	while ((ret = tls_conn_write(c->tls, data, len)) == VPN_ERR_AGAIN) {
		struct pollfd p = { c->fd, POLLOUT, 0 };

		if (poll(&p, 1, 1000) != 1)
			return;
	}
}

static void answer(struct conn *c, int status, const char *reason, const char *body)
{
	char out[1024];
	struct buf_writer w;

	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, status, reason);
	http_write_body(&w, body, strlen(body));
	if (buf_writer_error(&w) == 0)
		send_all(c, out, w.len);
}

/* Consumes the request body; false when it did not arrive in time. */
static bool take_body(struct conn *c, size_t head_len, size_t body_len)
{
	while (c->in_len < head_len + body_len)
		if (!read_more(c, c->end_ms))
			return false;
	return true;
}

static void on_post(struct conn *c, const uint8_t *body, size_t len)
{
	struct auth_doc doc;
	struct auth_xml_error err = { "" };
	int ret;

	auth_doc_init(&doc);
	ret = auth_xml_read(&doc, body, len, &err);
	target_log("xml %s: %s", ret == 0 ? "ok" : vpn_err_str(ret),
		   ret == 0 ? auth_doc_type_name(doc.type) : err.text);
	auth_doc_cleanup(&doc);
	if (ret == 0)
		answer(c, 200, "OK", "<?xml version=\"1.0\"?>\n<config-auth type=\"auth-request\"/>\n");
	else
		answer(c, ret == VPN_ERR_TOO_BIG ? 413 : 400, "Bad XML", "");
}

/* The cookie must be exactly "webvpn=<cfg->cookie>", in one Cookie header. */
static bool cookie_ok(const struct conn *c, const struct http_request *req)
{
	unsigned found = 0;
	bool is_ok = false;
	char want[512];

	snprintf(want, sizeof(want), "webvpn=%s", c->cfg->cookie);
	for (size_t i = 0; i < req->headers.count; i++) {
		if (!str_view_eq_nocase(req->headers.items[i].name, "Cookie"))
			continue;
		found++;
		is_ok = str_view_eq(req->headers.items[i].value, want);
	}
	return found == 1 && is_ok;
}

static void cstp_loop(struct conn *c);

static void on_connect(struct conn *c, const struct http_request *req)
{
	char out[512];
	struct buf_writer w;

	if (!cookie_ok(c, req)) {
		target_log("connect refused: cookie");
		send_all(c, "HTTP/1.1 401 Cookie is not acceptable\r\n\r\n", 41);
		return;
	}
	buf_writer_init(&w, out, sizeof(out));
	http_write_status_line(&w, 200, "CONNECTED");
	http_write_header(&w, "X-CSTP-Version", "1");
	http_write_header(&w, "X-CSTP-Address", "198.19.10.2");
	http_write_header(&w, "X-CSTP-Base-MTU", "1500");
	http_write_header(&w, "X-CSTP-MTU", "1390");
	http_write_end(&w);
	send_all(c, out, w.len);
	target_log("connect accepted");
	cstp_loop(c);
}

/* One request from c->in; false when the connection must end. */
static bool one_request(struct conn *c)
{
	uint64_t head_until = probe_now_ms() + c->cfg->head_timeout_ms;
	struct http_request req;
	enum parse_result pr = PARSE_NEED_MORE;
	size_t head_len = 0;

	http_request_init(&req, NULL);
	while ((pr = http_request_parse(&req, &head_len, c->in, c->in_len)) == PARSE_NEED_MORE)
		if (!read_more(c, head_until))
			return false;
	if (pr == PARSE_INVALID) {
		target_log("http invalid: %d %s", req.error.status, req.error.reason);
		answer(c, req.error.status, req.error.reason, "");
		return false;
	}
	target_log("http %.*s %.*s", (int)req.method.len, req.method.ptr,
		   (int)(req.target.len < 64 ? req.target.len : 64), req.target.ptr);
	if (str_view_eq(req.method, "CONNECT")) {
		on_connect(c, &req);
		return false;
	}
	if (str_view_eq(req.method, "POST") && req.body.kind == HTTP_BODY_LENGTH) {
		if (!take_body(c, head_len, (size_t)req.body.length))
			return false;
		on_post(c, c->in + head_len, (size_t)req.body.length);
		head_len += (size_t)req.body.length;
	} else {
		answer(c, 404, "Not found", "<html><body><h1>404 Not Found</h1></body></html>\r\n");
	}
	memmove(c->in, c->in + head_len, c->in_len - head_len);
	c->in_len -= head_len;
	return !req.wants_close;
}

/* CSTP: one frame per record; DPD echoed, unknown types ignored, bad framing ends it. */
static void cstp_loop(struct conn *c)
{
	static const uint8_t bye[] = { 'S', 'T', 'F', 1, 0, 0, CSTP_TYPE_DISCONNECT, 0 };

	for (;;) {
		struct cstp_frame f;
		size_t used = 0;
		uint8_t out[16384 + 8];
		struct buf_writer w;

		c->in_len = 0;
		if (!read_more(c, c->end_ms))
			return;
		if (cstp_frame_decode(&f, &used, c->in, c->in_len, CSTP_FRAME_DEFAULT_MAX_PAYLOAD) !=
		    PARSE_DONE || used != c->in_len) {
			target_log("cstp bad frame: record %zu bytes, frame %zu", c->in_len, used);
			send_all(c, bye, sizeof(bye));
			tls_conn_bye(c->tls);
			return;
		}
		target_log("cstp %s len %zu", cstp_type_name(f.type), f.payload_len);
		if (f.type != CSTP_TYPE_DPD_REQ)
			continue;
		buf_writer_init(&w, out, sizeof(out));
		cstp_frame_write(&w, CSTP_TYPE_DPD_RESP, f.payload, f.payload_len);
		send_all(c, out, w.len);
	}
}

void target_conn_serve(const struct target_cfg *cfg, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	uint64_t until = probe_now_ms() + cfg->head_timeout_ms;
	int ret;

	if (!c)
		return;
	c->cfg = cfg;
	c->fd = fd;
	c->end_ms = probe_now_ms() + cfg->conn_timeout_ms;
	if (tls_conn_new_server(&c->tls, cfg->tls, fd) != 0)
		goto out;
	while ((ret = tls_conn_handshake(c->tls)) == VPN_ERR_AGAIN) {
		struct pollfd p = { fd, tls_conn_wants_write(c->tls) ? POLLOUT : POLLIN, 0 };
		uint64_t now = probe_now_ms();

		if (now >= until || poll(&p, 1, (int)(until - now)) != 1) {
			target_log("tls handshake timeout");
			goto out;
		}
	}
	if (ret != 0) {
		target_log("tls handshake failed: %s", tls_conn_error_str(c->tls));
		goto out;
	}
	while (one_request(c))
		;
out:
	tls_conn_free(c->tls);
	free(c);
}
