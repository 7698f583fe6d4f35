/* SPDX-License-Identifier: ISC */
/* openconnect-shaped request heads and the send/answer/after exchange. */
#include "tests/tools/probe_http_common.h"

#include <stdlib.h>

#include "lib/http/write.h"

void probe_head_post(struct buf_writer *w, const struct probe_opts *o, const char *target)
{
	http_write_request_line(w, "POST", target);
	http_write_header(w, "Host", o->sni);
	http_write_header(w, "User-Agent", PROBE_UA);
	http_write_header(w, "Accept", "*/*");
	http_write_header(w, "Accept-Encoding", "identity");
	http_write_header(w, "X-Transcend-Version", "1");
	http_write_header(w, "X-Aggregate-Auth", "1");
	http_write_header(w, "Content-Type", "application/xml; charset=utf-8");
}

void probe_exchange(const struct probe_opts *o, struct probe_result *r, const char *method,
		    const void *req, size_t len, struct probe_http_answer *answer)
{
	struct probe_http_answer *a = answer ? answer : malloc(sizeof(*a));
	struct probe_conn c;

	if (!a) {
		probe_result_detail(r, "out of memory");
		return;
	}
	if (probe_tls_open(&c, o, r) == 0) {
		int sent = probe_send(&c, req, len);
		enum probe_outcome why = r->outcome;

		if (probe_http_read(&c, method, a) == 0) {
			if (sent != 0)
				probe_result_add(r, "send", "cut at %llu", (unsigned long long)r->sent);
			probe_note_after(&c, probe_left_ms(&c) < 1000 ? probe_left_ms(&c) : 1000);
		} else if (sent != 0) {
			r->outcome = why; /* no answer: the send failure is the story */
		}
	}
	probe_conn_close(&c);
	if (!answer)
		free(a);
}
