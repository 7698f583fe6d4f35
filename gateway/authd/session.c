/* SPDX-License-Identifier: ISC */
/* Session records behind webvpn cookies: mint, find, expire. */
#include "gateway/authd/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

/* The first allocation; each growth doubles it, up to the cap. */
#define SESSIONS_FIRST 16

int authd_sessions_init(struct authd_sessions *t, size_t cap)
{
	t->items = NULL;
	t->count = t->allocated = 0;
	t->cap = cap;
	t->minted = 0;
	return 0;
}

static int grow(struct authd_sessions *t)
{
	size_t n = t->allocated ? 2 * t->allocated : SESSIONS_FIRST;
	struct authd_session **bigger;

	if (n > t->cap)
		n = t->cap;
	bigger = realloc(t->items, n * sizeof(*bigger));
	if (!bigger)
		return VPN_ERR_NOMEM;
	t->items = bigger;
	t->allocated = n;
	return 0;
}

static void destroy(struct authd_session *s)
{
	buf_wipe(s, sizeof(*s));
	free(s);
}

void authd_sessions_cleanup(struct authd_sessions *t)
{
	for (size_t i = 0; i < t->count; i++)
		destroy(t->items[i]);
	free(t->items);
	t->items = NULL;
	t->count = t->allocated = t->cap = 0;
}

static int random_bytes(void *out, size_t len)
{
	uint8_t *p = out;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return VPN_ERR_IO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A fresh id: below 2^53, not zero, not in use. */
static int new_id(struct authd_sessions *t, uint8_t out[MSG_SESSION_ID_LEN])
{
	for (int tries = 0; tries < 16; tries++) {
		uint64_t v;
		int r = random_bytes(&v, sizeof(v));

		if (r < 0)
			return r;
		v &= MSG_SESSION_ID_MAX;
		msg_session_id_from_value(out, v);
		if (v != 0 && !authd_sessions_by_id(t, out))
			return 0;
	}
	return VPN_ERR_IO;
}

static void copy_str(char *out, size_t cap, const char *s)
{
	size_t n = strnlen(s, cap - 1);

	memcpy(out, s, n);
	out[n] = '\0';
}

int authd_sessions_create(struct authd_sessions *t, const struct authd_login *login,
			  struct authd_session **out)
{
	struct authd_session *s;
	int r;

	if (t->count == t->cap)
		return VPN_ERR_TOO_BIG;
	if (t->count == t->allocated) {
		r = grow(t);
		if (r < 0)
			return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return VPN_ERR_NOMEM;
	r = random_bytes(s->cookie, sizeof(s->cookie));
	if (r == 0)
		r = new_id(t, s->id);
	if (r < 0) {
		destroy(s);
		return r;
	}
	copy_str(s->user, sizeof(s->user), login->user);
	copy_str(s->group, sizeof(s->group), login->group);
	s->source = *login->source;
	s->ipv4.family = AF_UNSPEC;
	s->ipv6.family = AF_UNSPEC;
	s->created_unix = login->now_unix;
	s->cookie_timeout_s = login->cookie_timeout_s;
	/* A cookie nobody uses dies after cookie-timeout, like one left behind. */
	s->expires_s = login->now_s + login->cookie_timeout_s;
	s->hard_expires_s = login->session_timeout_s ? login->now_s + login->session_timeout_s : 0;
	s->worker = -1;
	s->login_s = login->now_s;
	s->serial = t->minted++;
	t->items[t->count++] = s;
	*out = s;
	return 0;
}

static bool equal_consttime(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

struct authd_session *authd_sessions_by_cookie(struct authd_sessions *t,
					       const uint8_t cookie[MSG_COOKIE_LEN], uint64_t now_s)
{
	struct authd_session *found = NULL;

	/* Every record is compared in full, so the time says nothing of where. */
	for (size_t i = 0; i < t->count; i++)
		if (equal_consttime(t->items[i]->cookie, cookie, MSG_COOKIE_LEN))
			found = t->items[i];
	if (found && authd_session_is_expired(found, now_s))
		return NULL;
	return found;
}

struct authd_session *authd_sessions_by_id(struct authd_sessions *t,
					   const uint8_t id[MSG_SESSION_ID_LEN])
{
	for (size_t i = 0; i < t->count; i++)
		if (memcmp(t->items[i]->id, id, MSG_SESSION_ID_LEN) == 0)
			return t->items[i];
	return NULL;
}

size_t authd_sessions_count_user(const struct authd_sessions *t, const char *user)
{
	size_t n = 0;

	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->items[i]->user, user) == 0)
			n++;
	return n;
}

static bool is_older(const struct authd_session *a, const struct authd_session *b)
{
	return a->login_s < b->login_s || (a->login_s == b->login_s && a->serial < b->serial);
}

struct authd_session *authd_sessions_oldest_unused(struct authd_sessions *t, const char *user)
{
	struct authd_session *oldest = NULL;

	for (size_t i = 0; i < t->count; i++) {
		struct authd_session *s = t->items[i];

		if (s->has_had_tunnel || (user && strcmp(s->user, user) != 0))
			continue;
		if (!oldest || is_older(s, oldest))
			oldest = s;
	}
	return oldest;
}

/* One pass for both candidates: a login flood in a full table runs this per login. */
struct authd_session *authd_sessions_to_evict(struct authd_sessions *t, const char *user)
{
	struct authd_session *own = NULL, *any = NULL;

	for (size_t i = 0; i < t->count; i++) {
		struct authd_session *s = t->items[i];

		if (s->has_had_tunnel)
			continue;
		if (!any || is_older(s, any))
			any = s;
		if ((!own || is_older(s, own)) && strcmp(s->user, user) == 0)
			own = s;
	}
	return own ? own : any;
}

void authd_session_attach(struct authd_session *s, int worker,
			  const struct net_addr *ipv4, const struct net_addr *ipv6)
{
	s->worker = worker;
	s->has_had_tunnel = true;
	s->expires_s = 0;
	if (ipv4->family == AF_INET)
		s->ipv4 = *ipv4;
	if (ipv6->family == AF_INET6)
		s->ipv6 = *ipv6;
}

void authd_session_detach(struct authd_session *s, uint64_t now_s)
{
	s->worker = -1;
	s->expires_s = now_s + s->cookie_timeout_s;
}

bool authd_session_is_expired(const struct authd_session *s, uint64_t now_s)
{
	if (s->hard_expires_s && now_s >= s->hard_expires_s)
		return true;
	return s->expires_s && now_s >= s->expires_s;
}

void authd_sessions_remove(struct authd_sessions *t, struct authd_session *s)
{
	for (size_t i = 0; i < t->count; i++) {
		if (t->items[i] == s) {
			t->items[i] = t->items[--t->count];
			destroy(s);
			return;
		}
	}
}

void authd_sessions_expire(struct authd_sessions *t, uint64_t now_s,
			   authd_session_fn on_expired, void *ctx)
{
	size_t i = 0;

	while (i < t->count) {
		struct authd_session *s = t->items[i];

		if (!authd_session_is_expired(s, now_s)) {
			i++;
			continue;
		}
		if (on_expired)
			on_expired(s, ctx);
		t->items[i] = t->items[--t->count];
		destroy(s);
	}
}
