/* SPDX-License-Identifier: ISC */
/*
 * Capping connections that are not tunnels yet, in all and per source;
 * counting what was shed; the loop class of a session's connection.
 */
#include "gateway/worker/shed.h"

#include <string.h>

#include "gateway/conf.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/log.h"
#include "lib/net/addr.h"

/* One log line per interval and cap at most, however hard the flood. */
#define SHED_LOG_MS 1000

static bool is_in_progress(unsigned phase)
{
	return phase == SESSION_PHASE_TLS || phase == SESSION_PHASE_AUTH ||
	       phase == SESSION_PHASE_CONNECT;
}

/* ---- refusing and logging ---------------------------------------------------------------- */

static void on_log_timer(struct event_timer *t)
{
	struct shed *sh = container_of(t, struct shed, log_timer);
	struct worker *w = container_of(sh, struct worker, shed);
	char src[NET_ADDR_STRLEN + 4];

	if (sh->by_cap.pending)
		log_warn("worker %u: shed %llu new connection(s) in the last second (%llu in all): "
			 "%u connections in handshake or login, max-handshakes %u", w->index,
			 (unsigned long long)sh->by_cap.pending, (unsigned long long)sh->by_cap.total,
			 sh->in_progress, sh->cap);
	if (sh->by_source.pending) {
		shed_source_format(&sh->worst, src, sizeof(src));
		log_warn("worker %u: shed %llu new connection(s) from %u source(s) in the last second "
			 "(%llu in all), most from %s: %u of its connections in handshake or login, "
			 "max-handshakes-per-ip %u", w->index,
			 (unsigned long long)sh->by_source.pending, sh->sources_shed,
			 (unsigned long long)sh->by_source.total, src, sh->worst.in_progress,
			 sh->cap_per_source);
	}
	sh->by_cap.pending = 0;
	sh->by_source.pending = 0;
	sh->sources_shed = 0;
	sh->worst.shed_recent = 0;
	sh->epoch++;
}

static bool refuse(struct worker *w, struct shed_count *c)
{
	c->pending++;
	c->total++;
	if (!event_timer_is_armed(&w->shed.log_timer))
		event_timer_arm(w->loop, &w->shed.log_timer, SHED_LOG_MS);
	return true;
}

static bool refuse_source(struct worker *w, struct shed_source *e)
{
	struct shed *sh = &w->shed;

	if (e->shed_epoch != sh->epoch) {
		e->shed_epoch = sh->epoch;
		e->shed_recent = 0;
		sh->sources_shed++;
	}
	e->shed_recent++;
	if (e->shed_recent > sh->worst.shed_recent)
		sh->worst = *e;
	return refuse(w, &sh->by_source);
}

bool shed_refuse(struct worker *w, const struct net_addr *remote)
{
	struct shed *sh = &w->shed;
	struct shed_source *e;
	bool is_countable;

	if (sh->cap && sh->in_progress >= sh->cap)
		return refuse(w, &sh->by_cap);
	e = shed_table_find(&sh->table, remote, &is_countable);
	if (!is_countable)
		return false;
	if (e && e->in_progress >= sh->cap_per_source)
		return refuse_source(w, e);
	/* a full table: as many sources in progress as the worker may hold */
	if (!e && shed_table_is_full(&sh->table))
		return refuse(w, &sh->by_cap);
	return false;
}

/* ---- life of the counts ------------------------------------------------------------------ */

static void table_init(struct worker *w)
{
	struct shed *sh = &w->shed;
	uint32_t max = sh->cap && sh->cap < GW_SESSIONS_LIMIT ? sh->cap : GW_SESSIONS_LIMIT;

	if (shed_table_init(&sh->table, max) != 0) {
		log_err("worker %u: no memory for the per-source handshake count; "
			"max-handshakes-per-ip is off", w->index);
		sh->cap_per_source = 0;
	}
}

void shed_init(struct worker *w, unsigned cap)
{
	struct shed *sh = &w->shed;

	memset(sh, 0, sizeof(*sh));
	sh->cap = cap;
	sh->cap_per_source = w->cfg ? w->cfg->max_handshakes_per_ip : 0;
	sh->epoch = 1; /* new entries start at 0: not yet refused in this interval */
	event_timer_init(&sh->log_timer, on_log_timer);
	if (sh->cap_per_source)
		table_init(w);
}

void shed_cleanup(struct worker *w)
{
	if (w->loop)
		event_timer_cancel(w->loop, &w->shed.log_timer);
	shed_table_cleanup(&w->shed.table);
}

void shed_on_new(struct session *s)
{
	s->w->shed.in_progress++;
	shed_table_add(&s->w->shed.table, &s->remote, 1);
}

static enum event_class class_of(unsigned phase)
{
	return is_in_progress(phase) ? EVENT_CLASS_BULK : EVENT_CLASS_PROMPT;
}

void shed_on_phase(struct session *s, unsigned to)
{
	struct shed *sh = &s->w->shed;
	bool was = is_in_progress(s->phase), is = is_in_progress(to);

	if (was && !is) {
		if (sh->in_progress > 0)
			sh->in_progress--;
		shed_table_add(&sh->table, &s->remote, -1);
	} else if (!was && is) {
		sh->in_progress++;
		shed_table_add(&sh->table, &s->remote, 1);
	}
	if (s->is_io_added && was != is)
		event_io_set_class(s->w->loop, &s->io, class_of(to));
}

void shed_classify(struct session *s)
{
	if (s->is_io_added)
		event_io_set_class(s->w->loop, &s->io, class_of(s->phase));
}
