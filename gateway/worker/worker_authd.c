/* SPDX-License-Identifier: ISC */
/* A worker outliving its authd: tunnels stay, waits end, the worker drains. */
#include "gateway/worker/worker_authd.h"

#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "gateway/worker/worker_term.h"
#include "lib/base/log.h"

static bool waits_for_authd(const struct session *s)
{
	return s->wait == SESSION_WAIT_PASSWORD || s->wait == SESSION_WAIT_COOKIE_FETCH ||
	       s->wait == SESSION_WAIT_COOKIE_CONNECT;
}

void worker_authd_lost(struct worker *w)
{
	size_t tunnels = 0, ended = 0;

	/* The gateway is stopping (authd got its SIGTERM just after ours), or
	 * this worker already is: nothing was lost that matters. */
	if (worker_term_check() || w->is_stopping)
		return;
	for (struct session *s = w->sessions; s; s = s->next) {
		if (s->phase == SESSION_PHASE_TUNNEL) {
			tunnels++;
		} else if (waits_for_authd(s)) {
			/* Its answer will never come; the client may try again elsewhere
			 * (session_close, inside, ends the wait). */
			s->is_close_logged = true;
			reply_unavailable(s, "the authentication service restarted");
			ended++;
		}
	}
	log_warn("worker %u: authd closed its socket: draining (%zu tunnel(s) go on, %zu "
		 "waiting request(s) answered 503)", w->index, tunnels, ended);
	worker_drain(w);
}
