/* SPDX-License-Identifier: ISC */
/*
 * The CONNECT answer: status line "HTTP/1.1 200 CONNECTED" (openconnect
 * checks the first 13 bytes), the X-CSTP headers from the settings in force
 * for the session's user and group (global, group file, user file), the
 * MTU worked out for the client's link and the TLS cipher, and the blank
 * line after which CSTP frames follow. Also the tunnel's own timings.
 */
#ifndef GATEWAY_WORKER_CONNECT_REPLY_H
#define GATEWAY_WORKER_CONNECT_REPLY_H

#include "gateway/worker/tunnel.h"
#include "lib/base/buf.h"
#include "lib/net/addr.h"

struct session;

/*
 * Writes the whole head into w and fills *out with what the tunnel runs
 * with. v6 may have family 0 (no IPv6 lease). 0, or a vpn_err naming the
 * failure in the log (an oversized config, a header lib/cstp refused).
 */
int connect_reply_build(struct buf_writer *w, const struct session *s, const struct net_prefix *v4,
			const struct net_prefix *v6, struct tunnel_params *out);

#endif
