/* SPDX-License-Identifier: ISC */
/*
 * RECONNECT (PROTOCOL.md §7.7): the link to the gateway is gone but the
 * session is not. The tun device, its addresses and routes stay; a new TLS
 * connection presents the same cookie. The first attempt goes at once,
 * then after 1, 2, 4, 8 and every 10 seconds, until --reconnect-timeout
 * has passed since the link was lost.
 */
#include <time.h>

#include "client/netcfg.h"
#include "client/phases.h"
#include "lib/base/log.h"

#define RECONNECT_MAX_DELAY_MS 10000
#define RECONNECT_POLL_MS 100

static unsigned delay_ms(unsigned attempt)
{
	unsigned ms;

	if (attempt == 0)
		return 0;
	ms = attempt > 5 ? RECONNECT_MAX_DELAY_MS : 1000u << (attempt - 1);
	return ms > RECONNECT_MAX_DELAY_MS ? RECONNECT_MAX_DELAY_MS : ms;
}

/* Sleeps up to ms, waking early for a stop. Returns false when stopped. */
static bool pause_ms(const struct session *s, unsigned ms)
{
	struct timespec step = { 0, RECONNECT_POLL_MS * 1000000L };

	for (unsigned waited = 0; waited < ms; waited += RECONNECT_POLL_MS) {
		if (s->stop && *s->stop)
			return false;
		nanosleep(&step, NULL);
	}
	return !(s->stop && *s->stop);
}

enum session_phase reconnect_run(struct session *s)
{
	uint64_t now = session_now_ms();
	unsigned delay;

	conn_close(&s->conn, false);
	if (!s->is_reconnecting) {
		/* X-CSTP-DynDNS: the gateway's address may change; look it up again. */
		if (s->settings.cstp.dyndns == CSTP_FLAG_TRUE)
			s->gw.is_resolved = false;
		s->is_reconnecting = true;
		s->reconnect_started_ms = now;
		s->reconnect_attempts = 0;
	}
	if (now - s->reconnect_started_ms > (uint64_t)s->opts->reconnect_timeout * 1000)
		return session_close(s, "could not reconnect within --reconnect-timeout");
	delay = delay_ms(s->reconnect_attempts);
	if (delay)
		log_info("reconnecting in %u s", delay / 1000);
	if (!pause_ms(s, delay))
		return session_close(s, "disconnect requested by signal");
	s->reconnect_attempts++;
	netcfg_attempt_reconnect(s);
	log_info("reconnecting to %s (attempt %u)", s->gw.host, s->reconnect_attempts);
	return SESSION_PHASE_RESOLVE;
}
