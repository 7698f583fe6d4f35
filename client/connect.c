/* SPDX-License-Identifier: ISC */
/*
 * The client's phase machine: the table of phases (name, handler, how long
 * the phase may take, where it may lead), the one function that moves
 * between phases and the one where a session ends.
 */
#include "client/session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/link.h"
#include "client/phases.h"
#include "lib/base/log.h"

#define BIT(p) (1u << (p))

struct phase_info {
	const char *name;
	enum session_phase (*run)(struct session *s);
	unsigned timeout_ms;  /* 0: no deadline (the user or the data channel decides) */
	unsigned next;        /* bit set of the phases it may move to */
};

/*
 * GROUP and AUTH have no deadline: a person may be typing. The gateway
 * bounds a login on its side (ocserv: auth-timeout), and each exchange is
 * bounded by conn's own wait below the phase.
 */
static const struct phase_info phases[SESSION_PHASE_COUNT] = {
	[SESSION_PHASE_RESOLVE] = { "RESOLVE", link_resolve, 15000,
		BIT(SESSION_PHASE_TLS) | BIT(SESSION_PHASE_RECONNECT) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_TLS] = { "TLS", link_tls, 20000,
		BIT(SESSION_PHASE_GROUP) | BIT(SESSION_PHASE_CONNECT) |
		BIT(SESSION_PHASE_RECONNECT) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_GROUP] = { "GROUP", auth_flow_group, 0,
		BIT(SESSION_PHASE_GROUP) | BIT(SESSION_PHASE_AUTH) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_AUTH] = { "AUTH", auth_flow_auth, 0,
		BIT(SESSION_PHASE_AUTH) | BIT(SESSION_PHASE_GROUP) | BIT(SESSION_PHASE_DOWNLOAD) |
		BIT(SESSION_PHASE_CONNECT) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_DOWNLOAD] = { "DOWNLOAD", download_run, 30000,
		BIT(SESSION_PHASE_CONNECT) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_CONNECT] = { "CONNECT", cstp_connect_run, 30000,
		BIT(SESSION_PHASE_TUNNEL) | BIT(SESSION_PHASE_RECONNECT) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_TUNNEL] = { "TUNNEL", tunnel_run, 0,
		BIT(SESSION_PHASE_TUNNEL_DTLS) | BIT(SESSION_PHASE_RECONNECT) | BIT(SESSION_PHASE_CLOSING) },
	/* The data channel's loop moves between TUNNEL and DTLS_UP (client/dtls_switch.c). */
	[SESSION_PHASE_TUNNEL_DTLS] = { "DTLS_UP", tunnel_run, 0,
		BIT(SESSION_PHASE_TUNNEL) | BIT(SESSION_PHASE_RECONNECT) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_RECONNECT] = { "RECONNECT", reconnect_run, 0,
		BIT(SESSION_PHASE_RESOLVE) | BIT(SESSION_PHASE_CLOSING) },
	[SESSION_PHASE_CLOSING] = { "CLOSING", closing_run, 15000, BIT(SESSION_PHASE_DONE) },
	[SESSION_PHASE_DONE] = { "DONE", NULL, 0, 0 },
};

const char *session_phase_name(enum session_phase phase)
{
	return phase < SESSION_PHASE_COUNT ? phases[phase].name : "?";
}

bool session_phase_is_legal(enum session_phase from, enum session_phase to)
{
	if (from >= SESSION_PHASE_COUNT || to >= SESSION_PHASE_COUNT)
		return false;
	return (phases[from].next & BIT(to)) != 0;
}

uint64_t session_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void session_set_phase(struct session *s, enum session_phase next)
{
	unsigned timeout;

	if (next == s->phase && session_phase_is_legal(next, next))
		return; /* another round of the same phase: the deadline keeps running */
	if (!session_phase_is_legal(s->phase, next)) {
		log_err("internal error: illegal phase change %s -> %s",
			session_phase_name(s->phase), session_phase_name(next));
		abort();
	}
	log_debug("phase %s -> %s", session_phase_name(s->phase), session_phase_name(next));
	s->phase = next;
	timeout = phases[next].timeout_ms;
	s->deadline_ms = timeout ? session_now_ms() + timeout : 0;
}

enum session_phase session_close(struct session *s, const char *reason)
{
	if (!s->close_reason) {
		s->close_reason = reason;
		if (s->stop && *s->stop)
			log_info("%s", reason);
		else
			log_err("%s", reason);
	}
	return SESSION_PHASE_CLOSING;
}

int session_time_left(const struct session *s)
{
	uint64_t now;

	if (!s->deadline_ms)
		return -1;
	now = session_now_ms();
	return now >= s->deadline_ms ? 1 : (int)(s->deadline_ms - now);
}

int session_run(struct session *s)
{
	while (s->phase != SESSION_PHASE_DONE) {
		enum session_phase next;

		/* A signal during any phase but the last two ends the session. */
		if (s->stop && *s->stop && s->phase != SESSION_PHASE_CLOSING && !s->close_reason)
			next = session_close(s, "disconnect requested by signal");
		else
			next = phases[s->phase].run(s);
		session_set_phase(s, next);
	}
	return s->exit_code;
}

void session_init(struct session *s, const struct options *opts,
		  const volatile sig_atomic_t *stop)
{
	memset(s, 0, sizeof(*s));
	s->phase = SESSION_PHASE_RESOLVE;
	s->opts = opts;
	s->stop = stop;
	s->has_prefs = prefs_init(&s->prefs) == 0;
	conn_init(&s->conn);
	auth_flow_init(&s->auth);
	settings_init(&s->settings);
	tunnel_init(&s->tunnel);
	s->deadline_ms = session_now_ms() + phases[SESSION_PHASE_RESOLVE].timeout_ms;
}

void session_cleanup(struct session *s)
{
	conn_close(&s->conn, false);
	tunnel_cleanup(&s->tunnel);
	settings_cleanup(&s->settings);
	auth_flow_cleanup(&s->auth);
	tls_client_ctx_free(s->tls_ctx);
	s->tls_ctx = NULL;
}
