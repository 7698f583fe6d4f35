/* SPDX-License-Identifier: ISC */
/* Capping connections that are not tunnels yet; counting what was shed. */
#include "gateway/worker/shed.h"

#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/log.h"

/* One log line per interval at most, however hard the flood. */
#define SHED_LOG_MS 1000

static bool is_in_progress(unsigned phase)
{
	return phase == SESSION_PHASE_TLS || phase == SESSION_PHASE_AUTH ||
	       phase == SESSION_PHASE_CONNECT;
}

static void on_log_timer(struct event_timer *t)
{
	struct shed *sh = container_of(t, struct shed, log_timer);
	struct worker *w = container_of(sh, struct worker, shed);

	if (!sh->shed_pending)
		return;
	log_warn("worker %u: shed %llu new connection(s) in the last second (%llu in all): %u "
		 "connections in handshake or login, max-handshakes %u", w->index,
		 (unsigned long long)sh->shed_pending, (unsigned long long)sh->shed_total,
		 sh->in_progress, sh->cap);
	sh->shed_pending = 0;
}

void shed_init(struct worker *w, unsigned cap)
{
	w->shed.cap = cap;
	w->shed.in_progress = 0;
	w->shed.shed_pending = 0;
	w->shed.shed_total = 0;
	event_timer_init(&w->shed.log_timer, on_log_timer);
}

void shed_cleanup(struct worker *w)
{
	if (w->loop)
		event_timer_cancel(w->loop, &w->shed.log_timer);
}

bool shed_refuse(struct worker *w)
{
	struct shed *sh = &w->shed;

	if (!sh->cap || sh->in_progress < sh->cap)
		return false;
	sh->shed_pending++;
	sh->shed_total++;
	if (!event_timer_is_armed(&sh->log_timer))
		event_timer_arm(w->loop, &sh->log_timer, SHED_LOG_MS);
	return true;
}

void shed_on_new(struct worker *w)
{
	w->shed.in_progress++;
}

void shed_on_phase(struct worker *w, unsigned from, unsigned to)
{
	bool was = is_in_progress(from), is = is_in_progress(to);

	if (was && !is && w->shed.in_progress > 0)
		w->shed.in_progress--;
	else if (!was && is)
		w->shed.in_progress++;
}
