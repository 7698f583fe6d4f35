/* SPDX-License-Identifier: ISC */
/* The CONNECT request, its answer's headers, and opening a tunnel for CSTP scenarios. */
#include "tests/tools/probe_tunnel.h"

#include <stdio.h>
#include <string.h>

#include "lib/http/write.h"
#include "tests/tools/probe_http_common.h"

/* A fixed master secret: 48 bytes as 96 upper-case hex digits, like openconnect. */
#define MASTER_SECRET \
	"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F" \
	"202122232425262728292A2B2C2D2E2F"

void probe_connect_write(struct buf_writer *w, const struct probe_opts *o,
			 const struct probe_connect_req *req)
{
	http_write_request_line(w, "CONNECT", "/CSCOSSLC/tunnel");
	http_write_header(w, "Host", o->sni);
	http_write_header(w, "User-Agent", PROBE_UA);
	if (req->cookie_header)
		http_write_header(w, "Cookie", req->cookie_header);
	http_write_header(w, "X-CSTP-Version", "1");
	http_write_header(w, "X-CSTP-Hostname", "sg-probe");
	http_write_header(w, "X-CSTP-Base-MTU", req->base_mtu ? req->base_mtu : "1500");
	http_write_header(w, "X-CSTP-MTU", req->mtu ? req->mtu : "1390");
	http_write_header(w, "X-CSTP-Address-Type", "IPv6,IPv4");
	if (req->address)
		http_write_header(w, "X-CSTP-Address", req->address);
	http_write_header(w, "X-CSTP-Full-IPv6-Capability", "true");
	http_write_header(w, "X-DTLS-Master-Secret", MASTER_SECRET);
	http_write_header(w, "X-DTLS-CipherSuite",
			  "PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES128-GCM:"
			  "AES256-SHA:AES128-SHA");
	http_write_header(w, "X-DTLS12-CipherSuite",
			  "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
			  "AES256-GCM-SHA384:AES128-GCM-SHA256");
	http_write_end(w);
}

bool probe_answer_header(const struct probe_http_answer *a, const char *name, char *out,
			 size_t out_len)
{
	char key[96];
	const char *p, *end;
	size_t n;

	snprintf(key, sizeof(key), "\r\n%s:", name);
	p = strstr(a->headers, key);
	if (!p)
		return false;
	p += strlen(key);
	while (*p == ' ')
		p++;
	end = strstr(p, "\r\n");
	n = end ? (size_t)(end - p) : strlen(p);
	if (n >= out_len)
		n = out_len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

int probe_tunnel_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r,
		      struct probe_http_answer *a)
{
	char cookie[4200], req[4096 + 4200];
	struct probe_connect_req spec = { .cookie_header = cookie };
	struct buf_writer w;

	snprintf(cookie, sizeof(cookie), "webvpn=%s", o->cookie);
	buf_writer_init(&w, req, sizeof(req));
	probe_connect_write(&w, o, &spec);
	if (buf_writer_error(&w)) {
		probe_result_detail(r, "CONNECT request does not fit");
		return -1;
	}
	if (probe_tls_open(c, o, r) != 0 || probe_send(c, req, w.len) != 0 ||
	    probe_http_read(c, "CONNECT", a) != 0)
		return -1;
	if (a->status != 200) {
		probe_result_detail(r, "CONNECT refused");
		return -1;
	}
	return 0;
}
