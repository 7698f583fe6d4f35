/* SPDX-License-Identifier: ISC */
/*
 * Failed-login scoring per source address, as ocserv's ban list does it:
 * each bad event adds points to the address; at max-ban-score it is banned
 * for min-reauth-time seconds; points are forgotten ban-reset-time seconds
 * after the last one. Separately, consecutive failed logins make authd
 * answer more slowly (a delay that doubles per failure, capped), so password
 * guessing is slow even where banning is off (max-ban-score = 0).
 *
 * Times are seconds on a clock the caller chooses (authd: monotonic). The
 * table is bounded: when full, the entry touched longest ago that is not
 * banned makes room (or, when all are banned, the oldest ban). Its array
 * grows with the addresses it holds, up to the bound: an idle authd should
 * not keep a written table for thousands of addresses that never came.
 */
#ifndef GATEWAY_AUTHD_BAN_H
#define GATEWAY_AUTHD_BAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/net/addr.h"

#define AUTHD_BAN_DELAY_FIRST_MS 250
#define AUTHD_BAN_DELAY_MAX_MS 8000

struct authd_ban_policy {
	unsigned max_score;      /* max-ban-score; 0 = never ban */
	unsigned reset_time_s;   /* ban-reset-time */
	unsigned ban_time_s;     /* min-reauth-time */
};

struct authd_ban_entry {
	struct net_addr addr;
	uint32_t score;
	uint32_t failures;       /* failed logins since the last success */
	uint64_t last_s;         /* when points were last added */
	uint64_t banned_until_s; /* 0 = not banned */
};

/* Owns its entry array: count used of allocated, which never passes cap. */
struct authd_bans {
	struct authd_ban_entry *entries;
	size_t count;
	size_t allocated;
	size_t cap;
};

/* Allocates nothing yet; cap is the most addresses it will ever hold. */
int authd_bans_init(struct authd_bans *b, size_t cap);
void authd_bans_cleanup(struct authd_bans *b);

/* Adds points to addr; returns true when addr is banned afterwards. */
bool authd_bans_add(struct authd_bans *b, const struct authd_ban_policy *p,
		    const struct net_addr *addr, unsigned points, uint64_t now_s);
/* A failed login: adds points and returns how long to wait before answering. */
uint32_t authd_bans_failed_login(struct authd_bans *b, const struct authd_ban_policy *p,
				 const struct net_addr *addr, unsigned points, uint64_t now_s);
/* A successful login resets the delay (not the score). */
void authd_bans_logged_in(struct authd_bans *b, const struct net_addr *addr);
bool authd_bans_is_banned(struct authd_bans *b, const struct authd_ban_policy *p,
			  const struct net_addr *addr, uint64_t now_s);
/* Forgets addr (or, with an AF_UNSPEC address, everything); false when unknown. */
bool authd_bans_remove(struct authd_bans *b, const struct net_addr *addr);
/* Drops expired bans and forgotten scores. */
void authd_bans_expire(struct authd_bans *b, const struct authd_ban_policy *p, uint64_t now_s);
size_t authd_bans_count_banned(const struct authd_bans *b, uint64_t now_s);

#endif
