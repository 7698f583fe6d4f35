/* SPDX-License-Identifier: ISC */
/*
 * The load modes: how many sessions run at once, when new ones start, when
 * the checks and the holding end, and the JSON lines that report them.
 * Sessions tell the driver about their moves through on_phase(); the driver
 * acts on them only from its own timers.
 */
#include "bench/load/driver.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/base/err.h"

#define REASONS_MAX 16
/* How often the checks look for answers, and how often they ask again. */
#define TICK_MS 250
#define REPROBE_TICKS 4

enum stage {
	STAGE_OPENING,  /* starting sessions (logins mode stays here) */
	STAGE_CHECKING, /* probing every tunnel */
	STAGE_HOLDING,  /* tunnels held open for the measurement */
	STAGE_CLOSING,
};

struct reason_count {
	const char *why;
	unsigned n;
};

struct driver {
	const struct load_driver_cfg *cfg;
	struct load_ctx *ctx;
	FILE *out;
	struct load_session *sessions;
	unsigned n;
	enum stage stage;
	unsigned started, in_setup, up, failed, lost, logins;
	bool is_interrupted;
	uint64_t t0_ms, setup_ms, check_ms;
	unsigned ticks;
	struct event_timer refill, tick, end;
	struct event_io sig;
	struct reason_count reasons[REASONS_MAX];
};

static void note_failure(struct driver *d, const char *why)
{
	if (why == NULL)
		why = "closed";
	for (size_t i = 0; i < REASONS_MAX; i++) {
		if (d->reasons[i].why == NULL)
			d->reasons[i].why = why;
		if (strcmp(d->reasons[i].why, why) == 0) {
			d->reasons[i].n++;
			return;
		}
	}
}

static void put_json_text(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, out);
	}
	fputc('"', out);
}

/* The load generator's own CPU time: a figure is the gateway's only while
 * this side is not the one short of CPU. */
static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0.0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void put_reasons(struct driver *d)
{
	fprintf(d->out, ", \"cpu_s\": %.3f, \"errors\": {", cpu_seconds());
	for (size_t i = 0; i < REASONS_MAX && d->reasons[i].why != NULL; i++) {
		fputs(i ? ", " : "", d->out);
		put_json_text(d->out, d->reasons[i].why);
		fprintf(d->out, ": %u", d->reasons[i].n);
	}
	fputs("}}\n", d->out);
	fflush(d->out);
}

static double seconds(uint64_t ms)
{
	return (double)ms / 1000.0;
}

static uint64_t now(const struct driver *d)
{
	return event_loop_now(d->ctx->loop);
}

static bool is_setup_phase(enum load_phase p)
{
	return p == LOAD_PHASE_CONNECTING || p == LOAD_PHASE_AUTH || p == LOAD_PHASE_CONNECT;
}

/* ---- ending ---------------------------------------------------------------- */

static void report_logins(struct driver *d)
{
	uint64_t elapsed = now(d) - d->t0_ms;

	fprintf(d->out, "{\"event\": \"done\", \"mode\": \"logins\", \"parallel\": %u, "
		"\"logins\": %u, \"failed\": %u, \"elapsed_s\": %.3f, \"rate\": %.1f, "
		"\"interrupted\": %s", d->n, d->logins, d->failed, seconds(elapsed),
		elapsed ? d->logins / seconds(elapsed) : 0.0, d->is_interrupted ? "true" : "false");
	put_reasons(d);
}

static void report_done(struct driver *d)
{
	unsigned sent = 0, answered = 0, dtls_sent = 0, dtls_answered = 0, gw_dpd = 0;

	for (unsigned i = 0; i < d->n; i++) {
		const struct load_tunnel *t = &d->sessions[i].tunnel;

		sent += t->dpd_sent;
		answered += t->dpd_answered;
		dtls_sent += t->dtls_dpd_sent;
		dtls_answered += t->dtls_dpd_answered;
		gw_dpd += t->gw_dpd_answered;
	}
	fprintf(d->out, "{\"event\": \"done\", \"mode\": \"sessions\", \"sessions\": %u, "
		"\"up_at_end\": %u, \"lost\": %u, \"failed\": %u, \"dpd_sent\": %u, "
		"\"dpd_answered\": %u, \"dtls_dpd_sent\": %u, \"dtls_dpd_answered\": %u, "
		"\"gw_dpd_answered\": %u, \"interrupted\": %s", d->n, d->up, d->lost, d->failed,
		sent, answered, dtls_sent, dtls_answered, gw_dpd, d->is_interrupted ? "true" : "false");
	put_reasons(d);
}

/* Closes every session (politely), reports, and stops the loop. */
static void finish(struct driver *d)
{
	if (d->stage == STAGE_CLOSING)
		return;
	/* the logins counted so far are the result; what is in flight is not */
	if (d->cfg->is_logins)
		report_logins(d);
	d->stage = STAGE_CLOSING;
	for (unsigned i = 0; i < d->n; i++)
		load_session_close(&d->sessions[i], NULL);
	if (!d->cfg->is_logins)
		report_done(d);
	event_timer_cancel(d->ctx->loop, &d->refill);
	event_timer_cancel(d->ctx->loop, &d->tick);
	event_timer_cancel(d->ctx->loop, &d->end);
	event_loop_stop(d->ctx->loop);
}

static void on_end(struct event_timer *t)
{
	finish(container_of(t, struct driver, end));
}

static void on_signal(struct event_io *io, unsigned events)
{
	struct driver *d = container_of(io, struct driver, sig);
	struct signalfd_siginfo si;
	(void)events;

	if (read(io->fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	d->is_interrupted = true;
	finish(d);
}

/* ---- sessions mode: checks ---------------------------------------------------- */

/* Up, DPD answered, the echo answered; and when the gateway agreed to DTLS,
 * the DTLS channel up and its DPD answered too (the echo then went over it). */
static bool is_session_ok(const struct load_session *s, bool has_target)
{
	const struct load_tunnel *t = &s->tunnel;

	return s->phase == LOAD_PHASE_TUNNEL && t->dpd_answered > 0 &&
	       (!has_target || t->echo_answered > 0) &&
	       (!t->has_dtls || (s->dtls.is_up && t->dtls_dpd_answered > 0));
}

struct ready_counts {
	unsigned dpd, traffic, ok, gw_dpd, dtls_offered, dtls_up, dtls_dpd;
};

static void count_ready(struct driver *d, struct ready_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < d->n; i++) {
		const struct load_session *s = &d->sessions[i];
		const struct load_tunnel *t = &s->tunnel;

		if (s->phase != LOAD_PHASE_TUNNEL)
			continue;
		c->dpd += t->dpd_answered > 0;
		c->traffic += d->cfg->has_target && t->echo_answered > 0;
		c->ok += is_session_ok(s, d->cfg->has_target);
		c->gw_dpd += t->gw_dpd_answered;
		c->dtls_offered += t->has_dtls;
		c->dtls_up += s->dtls.is_up;
		c->dtls_dpd += t->dtls_dpd_answered > 0;
		if (t->has_dtls && !s->dtls.is_up)
			note_failure(d, t->dtls_why ? t->dtls_why : "DTLS not up in time");
	}
}

static void report_ready(struct driver *d)
{
	struct ready_counts c;

	count_ready(d, &c);
	fprintf(d->out, "{\"event\": \"ready\", \"mode\": \"sessions\", \"sessions\": %u, "
		"\"parallel\": %u, \"up\": %u, \"failed\": %u, \"ok\": %u, \"dpd_ok\": %u, "
		"\"traffic_ok\": %u, \"dtls_offered\": %u, \"dtls_up\": %u, "
		"\"dtls_dpd_ok\": %u, \"gw_dpd_answered\": %u, \"setup_s\": %.3f, "
		"\"setup_rate\": %.1f, \"check_s\": %.3f", d->n, d->cfg->parallel, d->up,
		d->failed, c.ok, c.dpd, c.traffic, c.dtls_offered, c.dtls_up, c.dtls_dpd, c.gw_dpd,
		seconds(d->setup_ms), d->setup_ms ? d->up / seconds(d->setup_ms) : 0.0,
		seconds(d->check_ms));
	put_reasons(d);
}

/*
 * True when every tunnel has answered; with is_asking, probes again those
 * that have not (an echo or a DPD may be lost, over DTLS especially).
 */
static bool probe_pending(struct driver *d, bool is_asking)
{
	const struct net_addr *target = d->cfg->has_target ? &d->cfg->target : NULL;
	bool is_all_ok = true;

	for (unsigned i = 0; i < d->n; i++) {
		struct load_session *s = &d->sessions[i];

		if (s->phase != LOAD_PHASE_TUNNEL || is_session_ok(s, target != NULL))
			continue;
		is_all_ok = false;
		if (is_asking)
			load_session_probe(s, target);
	}
	return is_all_ok;
}

static void on_tick(struct event_timer *t)
{
	struct driver *d = container_of(t, struct driver, tick);
	uint64_t checking = now(d) - d->t0_ms - d->setup_ms;

	if (d->stage != STAGE_CHECKING)
		return;
	d->ticks++;
	if (!probe_pending(d, d->ticks % REPROBE_TICKS == 0) && checking < d->cfg->check_ms) {
		event_timer_arm(d->ctx->loop, &d->tick, TICK_MS);
		return;
	}
	d->check_ms = checking;
	report_ready(d);
	d->stage = STAGE_HOLDING;
	event_timer_arm(d->ctx->loop, &d->end, d->cfg->hold_ms);
}

/* ---- starting sessions -------------------------------------------------------- */

static void on_refill(struct event_timer *t)
{
	struct driver *d = container_of(t, struct driver, refill);

	if (d->stage != STAGE_OPENING)
		return;
	if (d->cfg->is_logins) {
		for (unsigned i = 0; i < d->n; i++) {
			struct load_session *s = &d->sessions[i];

			if (s->phase == LOAD_PHASE_IDLE || s->phase == LOAD_PHASE_CLOSED)
				load_session_start(s);
		}
		return;
	}
	while (d->started < d->n && d->in_setup < d->cfg->parallel) {
		d->in_setup++;
		load_session_start(&d->sessions[d->started++]);
	}
	if (d->started == d->n && d->in_setup == 0) {
		d->setup_ms = now(d) - d->t0_ms;
		d->stage = STAGE_CHECKING;
		probe_pending(d, true);
		event_timer_arm(d->ctx->loop, &d->tick, TICK_MS);
	}
}

static void on_phase(struct load_session *s, enum load_phase old)
{
	struct driver *d = s->ctx->owner;
	bool was_setup = is_setup_phase(old);

	if (d->stage == STAGE_CLOSING || s->phase == LOAD_PHASE_CONNECTING ||
	    (is_setup_phase(s->phase) && was_setup))
		return;
	if (d->cfg->is_logins) {
		if (s->is_logged_in && s->why == NULL)
			d->logins++;
		else {
			d->failed++;
			note_failure(d, s->why);
		}
	} else if (s->phase == LOAD_PHASE_TUNNEL) {
		d->in_setup--;
		d->up++;
	} else if (was_setup) {
		d->in_setup--;
		d->failed++;
		note_failure(d, s->why);
	} else if (old == LOAD_PHASE_TUNNEL) {
		d->up--;
		d->lost++;
		note_failure(d, s->why);
	}
	event_timer_arm(d->ctx->loop, &d->refill, 0);
}

/* ---- running ---------------------------------------------------------------------- */

static int setup(struct driver *d, struct load_ctx *ctx, const struct load_driver_cfg *cfg,
		 int sig_fd, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->sig.fd = -1;
	d->cfg = cfg;
	d->ctx = ctx;
	d->out = out;
	d->n = cfg->is_logins ? cfg->parallel : cfg->sessions;
	ctx->on_phase = on_phase;
	ctx->owner = d;
	ctx->is_login_only = cfg->is_logins;
	event_timer_init(&d->refill, on_refill);
	event_timer_init(&d->tick, on_tick);
	event_timer_init(&d->end, on_end);
	d->sessions = calloc(d->n, sizeof(*d->sessions));
	if (d->sessions == NULL)
		return VPN_ERR_NOMEM;
	for (unsigned i = 0; i < d->n; i++) {
		int ret = load_session_init(&d->sessions[i], ctx, i);

		if (ret != 0) {
			d->n = i;
			return ret;
		}
	}
	return event_io_add(ctx->loop, &d->sig, sig_fd, EVENT_READ, on_signal);
}

static void teardown(struct driver *d)
{
	if (d->sig.fd >= 0)
		event_io_del(d->ctx->loop, &d->sig);
	event_timer_cancel(d->ctx->loop, &d->refill);
	event_timer_cancel(d->ctx->loop, &d->tick);
	event_timer_cancel(d->ctx->loop, &d->end);
	for (unsigned i = 0; d->sessions != NULL && i < d->n; i++)
		load_session_cleanup(&d->sessions[i]);
	free(d->sessions);
}

int load_driver_run(struct load_ctx *ctx, const struct load_driver_cfg *cfg, int sig_fd,
		    FILE *out)
{
	struct driver d;
	int ret;

	ret = setup(&d, ctx, cfg, sig_fd, out);
	if (ret == 0) {
		d.t0_ms = event_loop_now(ctx->loop);
		event_timer_arm(ctx->loop, &d.refill, 0);
		if (cfg->is_logins)
			event_timer_arm(ctx->loop, &d.end, cfg->duration_ms);
		ret = event_loop_run(ctx->loop);
	}
	teardown(&d);
	return ret;
}
