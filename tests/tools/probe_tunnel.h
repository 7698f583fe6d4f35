/* SPDX-License-Identifier: ISC */
/*
 * CONNECT /CSCOSSLC/tunnel as openconnect 9.01 sends it (vector 07), with
 * the parts a scenario wants to break replaceable, and the answer's
 * X-CSTP-/X-DTLS- values a scenario reports.
 */
#ifndef PROBE_TUNNEL_H
#define PROBE_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/buf.h"
#include "tests/tools/probe_net.h"

/* NULL fields take openconnect's values; cookie NULL sends no Cookie header. */
struct probe_connect_req {
	const char *cookie_header; /* the whole Cookie value, e.g. "webvpn=..." */
	const char *base_mtu;      /* X-CSTP-Base-MTU, "1500" */
	const char *mtu;           /* X-CSTP-MTU, "1390" */
	const char *address;       /* X-CSTP-Address (a reconnect's old address); none by default */
};

void probe_connect_write(struct buf_writer *w, const struct probe_opts *o,
			 const struct probe_connect_req *req);

/* Copies the value of the first header called name (exact case) in a's head. */
bool probe_answer_header(const struct probe_http_answer *a, const char *name, char *out,
			 size_t out_len);

/*
 * Opens TLS, sends a valid CONNECT with o->cookie and reads the answer.
 * 0 once the tunnel is up (r: http 200); -1 otherwise (r says what came).
 */
int probe_tunnel_open(struct probe_conn *c, const struct probe_opts *o, struct probe_result *r,
		      struct probe_http_answer *a);

#endif
