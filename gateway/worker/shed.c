/* SPDX-License-Identifier: ISC */
/*
 * Capping connections that are not tunnels yet, in all and per source;
 * counting what was shed; the loop class of a session's connection.
 */
#include "gateway/worker/shed.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

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

/* ---- the source table ------------------------------------------------------------------ */

/*
 * One host may use any address of its /64 (privacy addresses), so IPv6 is
 * counted per /64. An IPv4 client is counted by its IPv4 address: the
 * worker already unmaps ::ffff:a.b.c.d when it accepts, and the same
 * unmapping here keeps any other caller from putting every IPv4 client in
 * one /64.
 * false: no source to count (a test's session without an address).
 */
static bool source_key(const struct net_addr *addr, uint8_t *out_family, uint64_t *out_prefix)
{
	struct net_addr a = *addr;

	net_addr_unmap_v4(&a);
	*out_prefix = 0;
	if (a.family == AF_INET) {
		*out_family = 4;
		memcpy(out_prefix, a.bytes, 4);
		return true;
	}
	if (a.family == AF_INET6) {
		*out_family = 6;
		memcpy(out_prefix, a.bytes, 8);
		return true;
	}
	return false;
}

static void source_format(const struct shed_source *e, char *out, size_t out_len)
{
	struct net_addr a;

	memset(&a, 0, sizeof(a));
	a.family = e->family == 4 ? AF_INET : AF_INET6;
	memcpy(a.bytes, &e->prefix, e->family == 4 ? 4 : 8);
	net_addr_format(&a, out, out_len);
	if (e->family == 6 && strlen(out) + 4 < out_len)
		strcat(out, "/64");
}

/* Keyed, so that a client choosing its /64s cannot aim them at one probe chain. */
static uint32_t home_slot(const struct shed *sh, uint8_t family, uint64_t prefix)
{
	uint64_t h = (prefix ^ sh->hash_key[0]) * 0x9e3779b97f4a7c15ull;

	h ^= h >> 29;
	h = (h ^ family ^ sh->hash_key[1]) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h & sh->sources_mask;
}

static struct shed_source *source_find(struct shed *sh, uint8_t family, uint64_t prefix)
{
	for (uint32_t i = home_slot(sh, family, prefix);; i = (i + 1) & sh->sources_mask) {
		struct shed_source *e = &sh->sources[i];

		/* at most half the slots are used: an empty one always ends the chain */
		if (e->family == 0)
			return NULL;
		if (e->family == family && e->prefix == prefix)
			return e;
	}
}

static struct shed_source *source_insert(struct shed *sh, uint8_t family, uint64_t prefix)
{
	uint32_t i = home_slot(sh, family, prefix);

	while (sh->sources[i].family != 0)
		i = (i + 1) & sh->sources_mask;
	sh->sources[i] = (struct shed_source){ .family = family, .prefix = prefix };
	sh->sources_used++;
	return &sh->sources[i];
}

/* Backward-shift deletion: the chains stay whole without tombstones. */
static void source_delete(struct shed *sh, struct shed_source *e)
{
	uint32_t hole = (uint32_t)(e - sh->sources), j = hole;

	for (;;) {
		uint32_t home;

		j = (j + 1) & sh->sources_mask;
		if (sh->sources[j].family == 0)
			break;
		home = home_slot(sh, sh->sources[j].family, sh->sources[j].prefix);
		/* move j into the hole unless its home lies cyclically in (hole, j] */
		if ((j > hole && (home <= hole || home > j)) || (j < hole && home <= hole && home > j)) {
			sh->sources[hole] = sh->sources[j];
			hole = j;
		}
	}
	memset(&sh->sources[hole], 0, sizeof(sh->sources[hole]));
	sh->sources_used--;
}

/*
 * A source gains or loses a connection in progress. A source the full table
 * cannot take stays uncounted; that happens only to sessions made without
 * shed_refuse (tests), which admits new sources only while there is room.
 */
static void source_add(struct shed *sh, const struct net_addr *remote, int delta)
{
	struct shed_source *e;
	uint64_t prefix;
	uint8_t family;

	if (!sh->sources || !source_key(remote, &family, &prefix))
		return;
	e = source_find(sh, family, prefix);
	if (delta > 0 && !e && sh->sources_used < sh->sources_max)
		e = source_insert(sh, family, prefix);
	if (!e)
		return;
	if (delta > 0)
		e->in_progress++;
	else if (--e->in_progress == 0)
		source_delete(sh, e);
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
		source_format(&sh->worst, src, sizeof(src));
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
	uint64_t prefix;
	uint8_t family;

	if (sh->cap && sh->in_progress >= sh->cap)
		return refuse(w, &sh->by_cap);
	if (!sh->sources || !source_key(remote, &family, &prefix))
		return false;
	e = source_find(sh, family, prefix);
	if (e && e->in_progress >= sh->cap_per_source)
		return refuse_source(w, e);
	/* a full table: as many sources in progress as the worker may hold */
	if (!e && sh->sources_used >= sh->sources_max)
		return refuse(w, &sh->by_cap);
	return false;
}

/* ---- life of the counts ------------------------------------------------------------------ */

static void table_init(struct worker *w)
{
	struct shed *sh = &w->shed;
	uint32_t slots = 2;

	sh->sources_max = sh->cap && sh->cap < GW_SESSIONS_LIMIT ? sh->cap : GW_SESSIONS_LIMIT;
	while (slots < 2 * sh->sources_max)
		slots *= 2;
	sh->sources = calloc(slots, sizeof(*sh->sources));
	if (!sh->sources) {
		log_err("worker %u: no memory for the per-source handshake count; "
			"max-handshakes-per-ip is off", w->index);
		sh->cap_per_source = 0;
		return;
	}
	sh->sources_mask = slots - 1;
	if (getrandom(sh->hash_key, sizeof(sh->hash_key), GRND_NONBLOCK) != sizeof(sh->hash_key)) {
		/* early boot: a weaker key still spreads ordinary addresses */
		sh->hash_key[0] = (uint64_t)(uintptr_t)sh ^ (uint64_t)time(NULL);
		sh->hash_key[1] = sh->hash_key[0] * 0x9e3779b97f4a7c15ull;
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
	free(w->shed.sources);
	w->shed.sources = NULL;
}

void shed_on_new(struct session *s)
{
	s->w->shed.in_progress++;
	source_add(&s->w->shed, &s->remote, 1);
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
		source_add(sh, &s->remote, -1);
	} else if (!was && is) {
		sh->in_progress++;
		source_add(sh, &s->remote, 1);
	}
	if (s->is_io_added && was != is)
		event_io_set_class(s->w->loop, &s->io, class_of(to));
}

void shed_classify(struct session *s)
{
	if (s->is_io_added)
		event_io_set_class(s->w->loop, &s->io, class_of(s->phase));
}
