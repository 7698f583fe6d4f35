/* SPDX-License-Identifier: ISC */
/* The request deadline: 408 for a request that arrives too slowly. */
#include "gateway/worker/deadline.h"

#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/log.h"

static void on_expire(struct event_timer *t)
{
	struct session *s = container_of(t, struct session, request_timer);

	/* Only AUTH reads requests; a later phase has its own timers. */
	if (s->phase != SESSION_PHASE_AUTH)
		return;
	log_info("%s: request incomplete after %u s (%zu bytes buffered): closing", s->label,
		 s->w->timeouts.request_s, s->in.len);
	s->is_close_logged = true;
	reply_error(s, 408, "request not received in time");
}

void deadline_init(struct session *s)
{
	event_timer_init(&s->request_timer, on_expire);
}

void deadline_request_pending(struct session *s)
{
	unsigned limit = s->w->timeouts.request_s;

	if (limit == 0 || event_timer_is_armed(&s->request_timer))
		return;
	event_timer_arm(s->w->loop, &s->request_timer, (uint64_t)limit * 1000);
}

void deadline_request_done(struct session *s)
{
	event_timer_cancel(s->w->loop, &s->request_timer);
}
