/* SPDX-License-Identifier: ISC */
/*
 * A dead authd is replaced instead of taking the gateway down with it.
 *
 * The new authd starts empty: it never saw the old one's cookies, bans or
 * scores. Rather than moving that state across, the workers are renewed as
 * on a reload: the old ones drain (their established tunnels go on moving
 * packets, which needs neither authd nor a cookie) and new workers, attached
 * to the new authd, take every new connection. What users lose: a cookie
 * minted before the restart no longer reconnects (a dropped client logs in
 * again), logins in progress are answered 503, the ban scores start over,
 * and sslgatectl no longer sees those sessions' cookies (it still lists and
 * can end their tunnels through the workers).
 *
 * An authd that keeps dying young is not restarted forever: after a few
 * quick deaths in a row the gateway stops, as it did before.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "gateway/parent/parent_internal.h"
#include "lib/base/log.h"

/* An authd that lived shorter than this died "young". */
#define AUTHD_YOUNG_MS 10000
/* Young deaths in a row before giving up. */
#define AUTHD_YOUNG_DEATHS_MAX 3

static unsigned young_deaths;

static void give_up(struct parent *p, const char *why)
{
	log_err("authd: %s: stopping", why);
	p->exit_status = 1;
	p->is_stopping = true;
	p->stop_deadline_ms = parent_now_ms(p) + PARENT_STOP_GRACE_MS;
	parent_signal_children(p, SIGTERM);
}

void parent_authd_respawn(struct parent *p, uint64_t lived_ms)
{
	young_deaths = lived_ms < AUTHD_YOUNG_MS ? young_deaths + 1 : 0;
	if (young_deaths >= AUTHD_YOUNG_DEATHS_MAX) {
		give_up(p, "died young too often");
		return;
	}
	if (parent_start_authd(p) < 0) {
		give_up(p, "cannot be restarted");
		return;
	}
	log_warn("authd restarted: the workers drain (tunnels stay up; cookies, bans and "
		 "logins in progress are lost) and new workers take new connections");
	parent_renew_workers(p);
}
