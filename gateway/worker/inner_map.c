/* SPDX-License-Identifier: ISC */
/* The inner-address hash of a worker. */
#include "gateway/worker/inner_map.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"

#define MIN_CAP 64

static uint64_t hash_addr(const struct net_addr *a)
{
	/* FNV-1a over the address bytes: cheap and the keys are not chosen by an attacker
	 * (addresses come from our own pool). */
	size_t n = a->family == AF_INET ? 4 : 16;
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)a->family;

	for (size_t i = 0; i < n; i++) {
		h ^= a->bytes[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static bool key_eq(const struct net_addr *a, const struct net_addr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && memcmp(a->bytes, b->bytes, n) == 0;
}

static bool key_valid(const struct net_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

void inner_map_init(struct inner_map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void inner_map_cleanup(struct inner_map *m)
{
	free(m->slots);
	inner_map_init(m);
}

static size_t find_slot(const struct inner_map *m, const struct net_addr *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash_addr(key) & mask;

	while (m->slots[i].key.family != 0 && !key_eq(&m->slots[i].key, key))
		i = (i + 1) & mask;
	return i;
}

static int grow(struct inner_map *m)
{
	size_t new_cap = m->cap ? m->cap * 2 : MIN_CAP;
	struct inner_map old = *m;

	m->slots = calloc(new_cap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return VPN_ERR_NOMEM;
	}
	m->cap = new_cap;
	m->count = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key.family == 0)
			continue;
		m->slots[find_slot(m, &old.slots[i].key)] = old.slots[i];
		m->count++;
	}
	free(old.slots);
	return 0;
}

int inner_map_put(struct inner_map *m, const struct net_addr *key, struct session *value)
{
	struct net_addr k;
	size_t i;

	if (!key_valid(key))
		return VPN_ERR_INVALID;
	/* Load stays at or below one half so probe runs stay short. */
	if ((m->count + 1) * 2 > m->cap) {
		int rc = grow(m);

		if (rc)
			return rc;
	}
	memset(&k, 0, sizeof(k));
	k.family = key->family;
	memcpy(k.bytes, key->bytes, key->family == AF_INET ? 4 : 16);
	i = find_slot(m, &k);
	if (m->slots[i].key.family == 0)
		m->count++;
	m->slots[i].key = k;
	m->slots[i].value = value;
	return 0;
}

struct session *inner_map_get(const struct inner_map *m, const struct net_addr *key)
{
	size_t i;

	if (m->count == 0 || !key_valid(key))
		return NULL;
	i = find_slot(m, key);
	return m->slots[i].key.family ? m->slots[i].value : NULL;
}

void inner_map_del(struct inner_map *m, const struct net_addr *key, const struct session *value)
{
	size_t mask, i, j;

	if (m->count == 0 || !key_valid(key))
		return;
	mask = m->cap - 1;
	i = find_slot(m, key);
	if (m->slots[i].key.family == 0 || m->slots[i].value != value)
		return;
	/* Backward-shift: pull later members of the run into the hole when their
	 * home slot does not lie cyclically between the hole and themselves. */
	j = i;
	for (;;) {
		size_t home;

		m->slots[i].key.family = 0;
		m->slots[i].value = NULL;
		for (;;) {
			j = (j + 1) & mask;
			if (m->slots[j].key.family == 0) {
				m->count--;
				return;
			}
			home = (size_t)hash_addr(&m->slots[j].key) & mask;
			if (i <= j ? (home <= i || home > j) : (home <= i && home > j))
				break;
		}
		m->slots[i] = m->slots[j];
		i = j;
	}
}

static int packet_addr(const uint8_t *pkt, size_t len, size_t off4, size_t off6,
		       struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (len >= 20 && pkt[0] >> 4 == 4) {
		out->family = AF_INET;
		memcpy(out->bytes, pkt + off4, 4);
		return 0;
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		out->family = AF_INET6;
		memcpy(out->bytes, pkt + off6, 16);
		return 0;
	}
	return VPN_ERR_INVALID;
}

int inner_map_packet_dst(const uint8_t *pkt, size_t len, struct net_addr *out)
{
	return packet_addr(pkt, len, 16, 24, out);
}

int inner_map_packet_src(const uint8_t *pkt, size_t len, struct net_addr *out)
{
	return packet_addr(pkt, len, 12, 8, out);
}
