/* SPDX-License-Identifier: ISC */
/*
 * What the HTTP, XML and CONNECT scenarios share: openconnect 9.01's request
 * heads (PROTOCOL.md §2.2 and §6.1, vectors 01 and 07) written with
 * lib/http's writers, and one "send, read the answer, see if it closes"
 * exchange.
 */
#ifndef PROBE_HTTP_COMMON_H
#define PROBE_HTTP_COMMON_H

#include <stddef.h>

#include "lib/base/buf.h"
#include "tests/tools/probe.h"
#include "tests/tools/probe_net.h"

#define PROBE_UA "Open AnyConnect VPN Agent v9.01-3"

/* "POST target", Host, User-Agent, Accept..., X-Aggregate-Auth, Content-Type; no length. */
void probe_head_post(struct buf_writer *w, const struct probe_opts *o, const char *target);

/*
 * Sends req on a new TLS connection, reads one answer to a `method`
 * request and notes whether the gateway then closes (after=...). A send
 * that fails part way (the gateway gave up) still looks for an answer.
 * answer may be NULL. The connection is closed before returning.
 */
void probe_exchange(const struct probe_opts *o, struct probe_result *r, const char *method,
		    const void *req, size_t len, struct probe_http_answer *answer);

#endif
