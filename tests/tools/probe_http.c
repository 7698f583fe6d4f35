/* SPDX-License-Identifier: ISC */
/*
 * HTTP-level hostile input over TLS: smuggling shapes, oversized lines,
 * header floods, a slow sender and oversized bodies. A gateway should
 * answer 4xx and close (or just close), never take a second request out of
 * an ambiguous one, and never wait forever for a slow one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http/write.h"
#include "tests/tools/probe_http_common.h"

static const char init_body[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\">"
	"<version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id>"
	"<group-access>https://gw.sslgate.test/</group-access></config-auth>\n";

/* Counts "HTTP/1." status lines in what came back after the first answer. */
static void count_more_answers(struct probe_result *r, const struct probe_http_answer *a)
{
	unsigned n = 0;

	for (size_t i = 0; i + 7 <= a->extra_len; i++)
		if (memcmp(a->extra + i, "HTTP/1.", 7) == 0)
			n++;
	probe_result_add(r, "more_answers", "%u", n);
}

static void get_404(const struct probe_opts *o, struct probe_result *r)
{
	char req[512];
	struct buf_writer w;

	buf_writer_init(&w, req, sizeof(req));
	http_write_request_line(&w, "GET", "/no/such/path");
	http_write_header(&w, "Host", o->sni);
	http_write_header(&w, "User-Agent", PROBE_UA);
	http_write_end(&w);
	probe_exchange(o, r, "GET", req, w.len, NULL);
}

static void dup_cl(const struct probe_opts *o, struct probe_result *r)
{
	char req[2048];
	struct buf_writer w;

	buf_writer_init(&w, req, sizeof(req));
	probe_head_post(&w, o, "/");
	http_write_header(&w, "Content-Length", "10");
	http_write_headerf(&w, "Content-Length", "%zu", sizeof(init_body) - 1);
	http_write_end(&w);
	buf_write_bytes(&w, init_body, sizeof(init_body) - 1);
	probe_exchange(o, r, "POST", req, w.len, NULL);
}

static void cl_chunked(const struct probe_opts *o, struct probe_result *r)
{
	static const char smuggled[] = "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
	struct probe_http_answer a;
	char req[2048];
	struct buf_writer w;

	buf_writer_init(&w, req, sizeof(req));
	probe_head_post(&w, o, "/");
	http_write_header(&w, "Content-Length", "5");
	http_write_header(&w, "Transfer-Encoding", "chunked");
	http_write_end(&w);
	buf_write_str(&w, smuggled);
	probe_exchange(o, r, "POST", req, w.len, &a);
	if (r->outcome == PROBE_HTTP)
		count_more_answers(r, &a);
}

static void bare_lf(const struct probe_opts *o, struct probe_result *r)
{
	char req[2048];
	int n = snprintf(req, sizeof(req),
			 "POST / HTTP/1.1\nHost: %s\nUser-Agent: %s\nContent-Length: %zu\n\n%s",
			 o->sni, PROBE_UA, sizeof(init_body) - 1, init_body);

	probe_exchange(o, r, "POST", req, (size_t)n, NULL);
}

static void negative_cl(const struct probe_opts *o, struct probe_result *r)
{
	char req[2048];
	struct buf_writer w;

	buf_writer_init(&w, req, sizeof(req));
	probe_head_post(&w, o, "/");
	http_write_header(&w, "Content-Length", "-1");
	http_write_end(&w);
	probe_exchange(o, r, "POST", req, w.len, NULL);
}

static void long_line(const struct probe_opts *o, struct probe_result *r)
{
	size_t cap = o->line_bytes + 512;
	char *req = malloc(cap);
	size_t len;

	if (!req)
		return;
	memcpy(req, "GET /", 5);
	memset(req + 5, 'a', o->line_bytes);
	len = 5 + o->line_bytes;
	len += (size_t)snprintf(req + len, cap - len, " HTTP/1.1\r\nHost: %s\r\n\r\n", o->sni);
	probe_result_add(r, "line", "%zu", o->line_bytes);
	probe_exchange(o, r, "GET", req, len, NULL);
	free(req);
}

static void header_flood(const struct probe_opts *o, struct probe_result *r)
{
	size_t cap = 256 + (size_t)o->flood_headers * 32;
	char *req = malloc(cap);
	struct buf_writer w;

	if (!req)
		return;
	buf_writer_init(&w, req, cap);
	http_write_request_line(&w, "GET", "/");
	http_write_header(&w, "Host", o->sni);
	for (unsigned i = 0; i < o->flood_headers; i++)
		http_write_headerf(&w, "X-Flood", "%u", i);
	http_write_end(&w);
	probe_result_add(r, "headers", "%u", o->flood_headers);
	probe_exchange(o, r, "GET", req, w.len, NULL);
	free(req);
}

static void huge_cl(const struct probe_opts *o, struct probe_result *r)
{
	char req[2048];
	struct buf_writer w;

	buf_writer_init(&w, req, sizeof(req));
	probe_head_post(&w, o, "/");
	http_write_header(&w, "Content-Length", "1000000000000");
	http_write_end(&w);
	probe_exchange(o, r, "POST", req, w.len, NULL);
}

/* Streams body_bytes of body behind a truthful Content-Length. */
static void big_body(const struct probe_opts *o, struct probe_result *r)
{
	char head[2048];
	struct buf_writer w;
	char *req;

	buf_writer_init(&w, head, sizeof(head));
	probe_head_post(&w, o, "/");
	http_write_headerf(&w, "Content-Length", "%zu", o->body_bytes);
	http_write_end(&w);
	req = malloc(w.len + o->body_bytes);
	if (!req)
		return;
	memcpy(req, head, w.len);
	memset(req + w.len, '<', o->body_bytes);
	probe_result_add(r, "body", "%zu", o->body_bytes);
	probe_exchange(o, r, "POST", req, w.len + o->body_bytes, NULL);
	free(req);
}

/*
 * Slowloris: a valid head, one byte every slow_gap_ms, at most slow_steps
 * bytes. The gateway should answer or close before the head is done; the
 * probe stops sending as soon as anything comes back.
 */
static void slowloris(const struct probe_opts *o, struct probe_result *r)
{
	char head[2048];
	struct buf_writer w;
	struct probe_conn c;
	struct probe_http_answer a;
	size_t i = 0;

	buf_writer_init(&w, head, sizeof(head));
	probe_head_post(&w, o, "/");
	http_write_header(&w, "Content-Length", "0");
	http_write_end(&w);
	if (probe_tls_open(&c, o, r) == 0) {
		/* the deadline covers the slow part too */
		c.deadline_ms = probe_now_ms() + o->timeout_ms +
				(uint64_t)o->slow_steps * o->slow_gap_ms;
		while (i < w.len && i < o->slow_steps && probe_send(&c, head + i, 1) == 0) {
			i++;
			if (probe_readable(&c, o->slow_gap_ms))
				break;
		}
		probe_result_add(r, "head_bytes", "%zu/%zu", i, w.len);
		if (r->outcome == PROBE_ERROR && probe_http_read(&c, "POST", &a) == 0)
			probe_note_after(&c, 1000);
	}
	probe_conn_close(&c);
}

const struct probe_scenario probe_http_scenarios[] = {
	{ "http-get-404", "control: GET of an unknown path", 0, get_404 },
	{ "http-dup-cl", "two different Content-Length headers", 0, dup_cl },
	{ "http-cl-chunked", "Content-Length and chunked, a request hidden behind", 0,
	  cl_chunked },
	{ "http-bare-lf", "lines ending in LF only", 0, bare_lf },
	{ "http-negative-cl", "Content-Length: -1", 0, negative_cl },
	{ "http-long-line", "a request line of --line-bytes", 0, long_line },
	{ "http-header-flood", "--flood-headers header lines", 0, header_flood },
	{ "http-huge-cl", "Content-Length: 10^12, no body", 0, huge_cl },
	{ "http-big-body", "a body of --body-bytes behind a true Content-Length", 0,
	  big_body },
	{ "http-slowloris", "one header byte per --slow-gap-ms", 0, slowloris },
	{ NULL, NULL, 0, NULL },
};
