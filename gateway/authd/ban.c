/* SPDX-License-Identifier: ISC */
/* Ban scores and login delays per source address. */
#include "gateway/authd/ban.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/net/addr.h"

/* The first allocation; each growth doubles it, up to the cap. */
#define BANS_FIRST 16

int authd_bans_init(struct authd_bans *b, size_t cap)
{
	b->entries = NULL;
	b->count = b->allocated = 0;
	b->cap = cap;
	return 0;
}

void authd_bans_cleanup(struct authd_bans *b)
{
	free(b->entries);
	b->entries = NULL;
	b->count = b->allocated = b->cap = 0;
}

/* False when the array is at its cap or memory ran out: the caller evicts. */
static bool grow(struct authd_bans *b)
{
	size_t n = b->allocated ? 2 * b->allocated : BANS_FIRST;
	struct authd_ban_entry *bigger;

	if (b->allocated >= b->cap)
		return false;
	if (n > b->cap)
		n = b->cap;
	bigger = realloc(b->entries, n * sizeof(*bigger));
	if (!bigger)
		return false;
	b->entries = bigger;
	b->allocated = n;
	return true;
}

/* Only the bytes the family uses count: messages may carry junk after them. */
static bool same_addr(const struct net_addr *a, const struct net_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

/*
 * The address an entry is kept under. An IPv4 client that reached a
 * dual-stack socket as ::ffff:a.b.c.d is the IPv4 client a.b.c.d, so the
 * ban list shows and unbans it by that address whichever form arrives.
 */
static void key_of(const struct net_addr *addr, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = addr->family;
	memcpy(out->bytes, addr->bytes, addr->family == AF_INET ? 4 : 16);
	net_addr_unmap_v4(out);
}

static struct authd_ban_entry *find(struct authd_bans *b, const struct net_addr *addr)
{
	struct net_addr key;

	key_of(addr, &key);
	for (size_t i = 0; i < b->count; i++)
		if (same_addr(&b->entries[i].addr, &key))
			return &b->entries[i];
	return NULL;
}

static void drop(struct authd_bans *b, struct authd_ban_entry *e)
{
	*e = b->entries[--b->count];
}

/* The entry to give up when full: unbanned and oldest, else the oldest. */
static struct authd_ban_entry *victim(struct authd_bans *b)
{
	struct authd_ban_entry *best = &b->entries[0];

	for (size_t i = 1; i < b->count; i++) {
		struct authd_ban_entry *e = &b->entries[i];
		bool is_better = (e->banned_until_s == 0) != (best->banned_until_s == 0)
			? e->banned_until_s == 0 : e->last_s < best->last_s;

		if (is_better)
			best = e;
	}
	return best;
}

static struct authd_ban_entry *get(struct authd_bans *b, const struct net_addr *addr)
{
	struct authd_ban_entry *e = find(b, addr);

	if (e)
		return e;
	if (b->count == b->allocated && !grow(b)) {
		if (b->count == 0)
			return NULL;
		drop(b, victim(b));
	}
	e = &b->entries[b->count++];
	memset(e, 0, sizeof(*e));
	key_of(addr, &e->addr);
	return e;
}

/* Applies time to one entry; false when nothing is left worth keeping. */
static bool age(struct authd_ban_entry *e, const struct authd_ban_policy *p, uint64_t now_s)
{
	bool is_forgotten = p->reset_time_s && now_s - e->last_s >= p->reset_time_s;

	if (e->banned_until_s && now_s >= e->banned_until_s) {
		e->banned_until_s = 0;
		e->score = 0;
	}
	if (is_forgotten && e->banned_until_s == 0) {
		e->score = 0;
		e->failures = 0;
	}
	return e->banned_until_s || e->score || e->failures;
}

bool authd_bans_add(struct authd_bans *b, const struct authd_ban_policy *p,
		    const struct net_addr *addr, unsigned points, uint64_t now_s)
{
	struct authd_ban_entry *e = get(b, addr);

	if (!e)
		return false;
	age(e, p, now_s);
	e->score += points;
	e->last_s = now_s;
	if (p->max_score && e->score >= p->max_score && e->banned_until_s == 0)
		e->banned_until_s = now_s + (p->ban_time_s ? p->ban_time_s : 1);
	return e->banned_until_s != 0;
}

uint32_t authd_bans_failed_login(struct authd_bans *b, const struct authd_ban_policy *p,
				 const struct net_addr *addr, unsigned points, uint64_t now_s)
{
	struct authd_ban_entry *e;
	uint32_t delay = AUTHD_BAN_DELAY_FIRST_MS;

	authd_bans_add(b, p, addr, points, now_s);
	e = find(b, addr);
	if (!e)
		return AUTHD_BAN_DELAY_MAX_MS;
	e->failures++;
	for (uint32_t i = 1; i < e->failures && delay < AUTHD_BAN_DELAY_MAX_MS; i++)
		delay *= 2;
	return delay < AUTHD_BAN_DELAY_MAX_MS ? delay : AUTHD_BAN_DELAY_MAX_MS;
}

void authd_bans_logged_in(struct authd_bans *b, const struct net_addr *addr)
{
	struct authd_ban_entry *e = find(b, addr);

	if (e)
		e->failures = 0;
}

bool authd_bans_is_banned(struct authd_bans *b, const struct authd_ban_policy *p,
			  const struct net_addr *addr, uint64_t now_s)
{
	struct authd_ban_entry *e = find(b, addr);

	if (!e)
		return false;
	if (!age(e, p, now_s)) {
		drop(b, e);
		return false;
	}
	return e->banned_until_s != 0;
}

bool authd_bans_remove(struct authd_bans *b, const struct net_addr *addr)
{
	struct authd_ban_entry *e;

	if (addr->family == AF_UNSPEC) {
		bool had_any = b->count > 0;

		b->count = 0;
		return had_any;
	}
	e = find(b, addr);
	if (!e)
		return false;
	drop(b, e);
	return true;
}

void authd_bans_expire(struct authd_bans *b, const struct authd_ban_policy *p, uint64_t now_s)
{
	size_t i = 0;

	while (i < b->count) {
		if (age(&b->entries[i], p, now_s))
			i++;
		else
			drop(b, &b->entries[i]);
	}
}

size_t authd_bans_count_banned(const struct authd_bans *b, uint64_t now_s)
{
	size_t n = 0;

	for (size_t i = 0; i < b->count; i++)
		if (b->entries[i].banned_until_s > now_s)
			n++;
	return n;
}
