/* SPDX-License-Identifier: ISC */
/*
 * authd's session records: what a webvpn cookie stands for. A login mints
 * a record (32 random cookie bytes, a random session id); CONNECT finds it
 * by cookie; it lives while a tunnel is attached and cookie-timeout seconds
 * after the last tunnel went away (so a client that reconnects gets its
 * session, and its address, back without a login), and never longer than
 * session-timeout after the login.
 *
 * The table owns its records and wipes them (cookies are secrets) when they
 * go. Times are seconds on authd's monotonic clock; created_unix is for
 * display only.
 */
#ifndef GATEWAY_AUTHD_SESSION_H
#define GATEWAY_AUTHD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/privsep/msg.h"
#include "lib/net/addr.h"

struct authd_session {
	uint8_t cookie[MSG_COOKIE_LEN];
	uint8_t id[MSG_SESSION_ID_LEN];
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];
	struct net_addr source;      /* where the login came from (deny-roaming) */
	struct net_addr ipv4, ipv6;  /* the last tunnel's addresses; AF_UNSPEC before one */
	uint64_t created_unix;
	uint64_t expires_s;          /* 0 while a tunnel is attached */
	uint64_t hard_expires_s;     /* login + session-timeout; 0 = none */
	unsigned cookie_timeout_s;   /* the group's, fixed at login */
	int worker;                  /* worker holding the tunnel, -1 when none */
	uint64_t login_s;            /* when the login minted it */
	uint64_t serial;             /* mint order: logins in the same second stay ordered */
	bool has_had_tunnel;         /* the cookie was used for a tunnel at least once */
};

/*
 * items grows with the records (count used of allocated), never past cap:
 * a table sized for max-clients from the start is memory an idle authd
 * writes and keeps for sessions that may never come.
 */
struct authd_sessions {
	struct authd_session **items;  /* owned */
	size_t count;
	size_t allocated;
	size_t cap;
	uint64_t minted;               /* records minted so far (the next serial) */
};

/* Allocates nothing yet; cap is the most records it will ever hold. */
int authd_sessions_init(struct authd_sessions *t, size_t cap);
/* Wipes and frees every record. */
void authd_sessions_cleanup(struct authd_sessions *t);

struct authd_login {
	const char *user;
	const char *group;
	const struct net_addr *source;
	uint64_t now_s;
	uint64_t now_unix;
	unsigned cookie_timeout_s;
	unsigned session_timeout_s;  /* 0 = none */
};

/*
 * Mints a record with a fresh cookie and a session id that is unique,
 * non-zero and below 2^53 (it is printed as a JSON number). 0, or
 * VPN_ERR_TOO_BIG when the table is full, VPN_ERR_IO when the kernel gave
 * no random bytes.
 */
int authd_sessions_create(struct authd_sessions *t, const struct authd_login *login,
			  struct authd_session **out);

/* The live record for a cookie (compared without early exit), or NULL. */
struct authd_session *authd_sessions_by_cookie(struct authd_sessions *t,
					       const uint8_t cookie[MSG_COOKIE_LEN], uint64_t now_s);
struct authd_session *authd_sessions_by_id(struct authd_sessions *t,
					   const uint8_t id[MSG_SESSION_ID_LEN]);
size_t authd_sessions_count_user(const struct authd_sessions *t, const char *user);
/*
 * The record minted longest ago whose cookie never carried a tunnel (it
 * holds no address and no tunnel; its client logs in again if it ever
 * comes), among user's records or, with user NULL, among all; NULL when
 * there is none.
 */
struct authd_session *authd_sessions_oldest_unused(struct authd_sessions *t, const char *user);
/*
 * The record whose place a login of user takes in a full table: user's own
 * oldest unused one, else anyone's oldest unused one, else NULL. So a flood
 * of one user's logins spends that user's unused cookies first and leaves
 * another user's (fetched with --authenticate, not yet used) alone as long
 * as it can.
 */
struct authd_session *authd_sessions_to_evict(struct authd_sessions *t, const char *user);

/* A tunnel is up on worker: no idle expiry until it detaches. */
void authd_session_attach(struct authd_session *s, int worker,
			  const struct net_addr *ipv4, const struct net_addr *ipv6);
/* The tunnel went away: the cookie stays valid for cookie-timeout. */
void authd_session_detach(struct authd_session *s, uint64_t now_s);
bool authd_session_is_expired(const struct authd_session *s, uint64_t now_s);

/* Wipes and frees one record. */
void authd_sessions_remove(struct authd_sessions *t, struct authd_session *s);

typedef void (*authd_session_fn)(const struct authd_session *s, void *ctx);
/* Removes every expired record, calling on_expired before each goes. */
void authd_sessions_expire(struct authd_sessions *t, uint64_t now_s,
			   authd_session_fn on_expired, void *ctx);

#endif
