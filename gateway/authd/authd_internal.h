/* SPDX-License-Identifier: ISC */
/* What authd.c and on_login.c share: the authd process state. */
#ifndef GATEWAY_AUTHD_AUTHD_INTERNAL_H
#define GATEWAY_AUTHD_AUTHD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "gateway/authd/ban.h"
#include "gateway/authd/session.h"
#include "gateway/privsep/chan.h"
#include "gateway/privsep/msg.h"

#define AUTHD_WORKERS_MAX 256
#define AUTHD_PARKED_MAX 64     /* logins waiting for a fresh password file */
#define AUTHD_BANS_MAX 4096
#define AUTHD_EXPIRE_MS 2000

struct gw_config;

/* A login that waits for the parent to reopen the password file. */
struct authd_parked {
	unsigned worker;
	struct msg_auth_password m;   /* holds the password: wiped when done */
};

struct authd {
	struct gw_config *cfg;        /* owned */
	struct event_loop *loop;      /* owned */
	struct chan parent;
	struct chan workers[AUTHD_WORKERS_MAX];
	int passwd_fd;                /* owned; -1 when unavailable */
	struct stat passwd_st;        /* what passwd_fd was when it came */
	bool is_reopen_asked;
	struct authd_parked parked[AUTHD_PARKED_MAX];
	unsigned n_parked;
	struct authd_sessions sessions;
	struct authd_bans bans;
	struct authd_ban_policy policy;
	struct event_timer expire_timer;
	uint64_t auth_failures;
};

/* Seconds on the monotonic clock, and wall-clock seconds. */
uint64_t authd_now(void);
uint64_t authd_now_unix(void);
/* Wall-clock time of a monotonic instant, for display. */
uint64_t authd_unix_of(uint64_t mono_s);

/* Worker requests (on_login.c). */
void authd_on_password(struct authd *a, unsigned worker, struct msg_auth_password *m);
/* What a certificate login adds to a password one (borrowed from the message). */
struct authd_cert_claim {
	const char *group;         /* cert-group-oid's field; "" = none */
	bool has_password;         /* the password in the message is to be checked too */
};
void authd_on_cert(struct authd *a, unsigned worker, struct msg_auth_cert *m);
void authd_on_cookie(struct authd *a, unsigned worker, const struct msg_cookie_check *m);
void authd_on_session_event(struct authd *a, unsigned worker, const struct msg_session_event *m);
/* Logins held back while the password file was being reopened. */
void authd_run_parked(struct authd *a);
/* Tells the parent a session is gone so that its address lease is freed. */
void authd_session_gone(struct authd *a, const struct authd_session *s, const char *why);

#endif
