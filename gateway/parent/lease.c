/* SPDX-License-Identifier: ISC */
/* Leases: addresses per session from the group's pools, and their routes. */
#include "gateway/parent/lease.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/base/log.h"

void parent_leases_init(struct parent_leases *l, parent_route_fn route)
{
	memset(l, 0, sizeof(*l));
	l->route = route;
}

void parent_leases_cleanup(struct parent_leases *l)
{
	for (size_t i = 0; i < l->n_pools; i++)
		parent_pool_cleanup(&l->pools[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static bool same_prefix(const struct net_prefix *a, const struct net_prefix *b)
{
	return a->addr.family == b->addr.family && a->len == b->len &&
	       memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes)) == 0;
}

int parent_leases_pool(struct parent_leases *l, const struct net_prefix *net, unsigned lease_len)
{
	struct parent_pool *p;

	for (size_t i = 0; i < l->n_pools; i++)
		if (same_prefix(&l->pools[i].net, net) && l->pools[i].lease_len == lease_len)
			return (int)i;
	if (l->n_pools == PARENT_POOLS_MAX)
		return -1;
	p = &l->pools[l->n_pools];
	if (parent_pool_init(p, net, lease_len) < 0)
		return -1;
	return (int)l->n_pools++;
}

const struct parent_lease *parent_leases_find(const struct parent_leases *l,
					      const uint8_t *session_id)
{
	for (size_t i = 0; i < l->count; i++)
		if (memcmp(l->items[i].session_id, session_id, MSG_SESSION_ID_LEN) == 0)
			return &l->items[i];
	return NULL;
}

static struct parent_lease *find(struct parent_leases *l, const uint8_t *session_id)
{
	return (struct parent_lease *)parent_leases_find(l, session_id);
}

/* A host route (or the client's IPv6 prefix) to the lease's tun. */
static int routes(struct parent_leases *l, const struct parent_lease *x, bool is_add)
{
	struct net_prefix host;
	int r = 0;

	if (x->ipv4.addr.family == AF_INET) {
		host.addr = x->ipv4.addr;
		host.len = 32;
		r = l->route(x->tun, &host, is_add);
	}
	if (r == 0 && x->ipv6.addr.family == AF_INET6)
		r = l->route(x->tun, &x->ipv6, is_add);
	if (r < 0 && is_add)
		routes(l, x, false);
	return r;
}

static uint64_t user_hash(const char *user)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (const char *p = user; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3u;
	return h;
}

/* One address from a pool; with is_required only want itself will do. */
static int take(struct parent_pool *p, const struct parent_lease_ask *ask,
		const struct net_addr *want, bool is_required, struct net_addr *out)
{
	uint64_t hint = ask->is_predictable ? user_hash(ask->user) : p->next_hint;
	int r;

	if (is_required && (!want || !parent_pool_contains(p, want) ||
			    parent_pool_is_leased(p, want)))
		return VPN_ERR_DENIED;
	r = parent_pool_take(p, want && want->family == p->net.addr.family ? want : NULL,
			     hint, out);
	if (r == 0 && is_required && memcmp(out->bytes, want->bytes, sizeof(out->bytes)) != 0) {
		parent_pool_put(p, out);
		return VPN_ERR_DENIED;
	}
	return r;
}

static void give_back(struct parent_leases *l, struct parent_lease *x)
{
	if (x->pool4 >= 0 && x->ipv4.addr.family)
		parent_pool_put(&l->pools[x->pool4], &x->ipv4.addr);
	if (x->pool6 >= 0 && x->ipv6.addr.family)
		parent_pool_put(&l->pools[x->pool6], &x->ipv6.addr);
}

static int fill(struct parent_leases *l, const struct parent_lease_ask *ask,
		struct parent_lease *x)
{
	int r = 0;

	x->pool4 = ask->pool4->addr.family == AF_INET ? parent_leases_pool(l, ask->pool4, 32) : -1;
	x->pool6 = ask->wants_ipv6 && ask->pool6->addr.family == AF_INET6
		? parent_leases_pool(l, ask->pool6, ask->ipv6_len) : -1;
	if (x->pool4 < 0 && x->pool6 < 0)
		return VPN_ERR_NOT_FOUND;
	if (x->pool4 >= 0) {
		r = take(&l->pools[x->pool4], ask, ask->want4, ask->is_want4_required,
			 &x->ipv4.addr);
		x->ipv4.len = l->pools[x->pool4].net.len;
	}
	if (r == 0 && x->pool6 >= 0) {
		r = take(&l->pools[x->pool6], ask, ask->want6, ask->is_want6_required,
			 &x->ipv6.addr);
		x->ipv6.len = ask->ipv6_len;
		if (r < 0)
			x->ipv6.addr.family = AF_UNSPEC;
	}
	if (r < 0)
		give_back(l, x);
	return r;
}

static int grow(struct parent_leases *l)
{
	struct parent_lease *items;
	size_t cap = l->cap ? l->cap * 2 : 64;

	if (l->count < l->cap)
		return 0;
	items = realloc(l->items, cap * sizeof(*items));
	if (!items)
		return VPN_ERR_NOMEM;
	l->items = items;
	l->cap = cap;
	return 0;
}

static int move(struct parent_leases *l, struct parent_lease *x, const struct parent_lease_ask *ask)
{
	if (x->worker == ask->worker && strcmp(x->tun, ask->tun) == 0)
		return 0;
	if (x->worker >= 0)
		routes(l, x, false);
	x->worker = ask->worker;
	snprintf(x->tun, sizeof(x->tun), "%s", ask->tun);
	if (routes(l, x, true) < 0) {
		x->worker = -1;
		return VPN_ERR_IO;
	}
	return 0;
}

int parent_leases_get(struct parent_leases *l, const struct parent_lease_ask *ask,
		      const struct parent_lease **out)
{
	struct parent_lease *x = find(l, ask->session_id);
	int r;

	if (x) {
		r = move(l, x, ask);
		*out = x;
		return r;
	}
	if (grow(l) < 0)
		return VPN_ERR_NOMEM;
	x = &l->items[l->count];
	memset(x, 0, sizeof(*x));
	memcpy(x->session_id, ask->session_id, MSG_SESSION_ID_LEN);
	snprintf(x->user, sizeof(x->user), "%s", ask->user);
	snprintf(x->group, sizeof(x->group), "%s", ask->group);
	x->worker = ask->worker;
	snprintf(x->tun, sizeof(x->tun), "%s", ask->tun);
	r = fill(l, ask, x);
	if (r == 0 && routes(l, x, true) < 0) {
		give_back(l, x);
		r = VPN_ERR_IO;
	}
	if (r < 0)
		return r;
	l->count++;
	*out = x;
	return 0;
}

void parent_leases_park(struct parent_leases *l, const uint8_t *session_id, int worker)
{
	struct parent_lease *x = find(l, session_id);

	if (!x || x->worker != worker)
		return;
	routes(l, x, false);
	x->worker = -1;
}

bool parent_leases_free(struct parent_leases *l, const uint8_t *session_id)
{
	struct parent_lease *x = find(l, session_id);

	if (!x)
		return false;
	if (x->worker >= 0)
		routes(l, x, false);
	give_back(l, x);
	*x = l->items[--l->count];
	return true;
}

void parent_leases_worker_gone(struct parent_leases *l, int worker)
{
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].worker == worker)
			l->items[i].worker = -1;
}
