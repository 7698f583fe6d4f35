/* SPDX-License-Identifier: ISC */
/* The worker's copy of what it needs from struct gw_config. */
#include "gateway/worker/worker_conf.h"

#include <stdio.h>
#include <string.h>

#include "gateway/conf.h"
#include "lib/tls/digest.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

/* A handshake takes a few round trips; a client that needs longer is not coming. */
#define HANDSHAKE_S 30
/* authd and the parent answer over local sockets. */
#define CONNECT_S 30
/* Long enough to send the last answer, short enough not to hoard sockets. */
#define CLOSING_MS 2000
#define AUTH_DEFAULT_S 240
/* Real clients send a request in one go; a slow sender holds a connection for nothing. */
#define REQUEST_DEFAULT_S 10

static void load_profile(struct worker *w, const struct gw_config *cfg)
{
	struct worker_profile *p = &w->profile;

	memset(p, 0, sizeof(*p));
	if (!cfg->profile || !cfg->profile_uri)
		return;
	if (snprintf(p->uri, sizeof(p->uri), "%s", cfg->profile_uri) >= (int)sizeof(p->uri)) {
		log_warn("worker %u: profile URI too long; not advertising the profile", w->index);
		p->uri[0] = '\0';
		return;
	}
	p->data = cfg->profile;
	p->len = cfg->profile_len;
	if (tls_digest_sha1_hex(p->data, p->len, p->sha1_hex) != 0) {
		log_warn("worker %u: cannot hash the profile; not advertising it", w->index);
		p->uri[0] = '\0';
	}
}

int worker_conf_apply(struct worker *w)
{
	const struct gw_config *cfg = w->cfg;

	w->timeouts.handshake_s = HANDSHAKE_S;
	w->timeouts.connect_s = CONNECT_S;
	w->timeouts.closing_ms = CLOSING_MS;
	w->timeouts.auth_s = AUTH_DEFAULT_S;
	w->timeouts.request_s = REQUEST_DEFAULT_S;
	shed_init(w, cfg ? cfg->max_handshakes : 0);
	if (!cfg)
		return 0;
	if (cfg->auth_timeout_s)
		w->timeouts.auth_s = cfg->auth_timeout_s;
	w->timeouts.request_s = cfg->request_timeout_s;
	w->tls_ctx = cfg->tls;
	if (w->tls_ctx)
		tls_server_ctx_cert_sha1(w->tls_ctx, w->cert_sha1);
	load_profile(w, cfg);
	return 0;
}

void worker_conf_release(struct worker *w)
{
	w->tls_ctx = NULL;
	memset(&w->profile, 0, sizeof(w->profile));
}
