/* SPDX-License-Identifier: ISC */
/* The bounded per-source table of connections in progress (shed_table.h). */
#include "gateway/worker/shed_table.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "lib/base/err.h"

/*
 * One host may use any address of its /64 (privacy addresses), so IPv6 is
 * counted per /64. An IPv4 client is counted by its IPv4 address: the
 * worker already unmaps ::ffff:a.b.c.d when it accepts, and the same
 * unmapping here keeps any other caller from putting every IPv4 client in
 * one /64.
 */
static bool source_key(const struct net_addr *addr, uint8_t *out_family, uint64_t *out_prefix)
{
	struct net_addr a = *addr;

	net_addr_unmap_v4(&a);
	*out_prefix = 0;
	if (a.family == AF_INET) {
		*out_family = 4;
		memcpy(out_prefix, a.bytes, 4);
		return true;
	}
	if (a.family == AF_INET6) {
		*out_family = 6;
		memcpy(out_prefix, a.bytes, 8);
		return true;
	}
	return false;
}

void shed_source_format(const struct shed_source *e, char *out, size_t out_len)
{
	struct net_addr a;

	memset(&a, 0, sizeof(a));
	a.family = e->family == 4 ? AF_INET : AF_INET6;
	memcpy(a.bytes, &e->prefix, e->family == 4 ? 4 : 8);
	net_addr_format(&a, out, out_len);
	if (e->family == 6 && strlen(out) + 4 < out_len)
		strcat(out, "/64");
}

static uint32_t home_slot(const struct shed_table *t, uint8_t family, uint64_t prefix)
{
	uint64_t h = (prefix ^ t->hash_key[0]) * 0x9e3779b97f4a7c15ull;

	h ^= h >> 29;
	h = (h ^ family ^ t->hash_key[1]) * 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h & t->mask;
}

static struct shed_source *find(struct shed_table *t, uint8_t family, uint64_t prefix)
{
	for (uint32_t i = home_slot(t, family, prefix);; i = (i + 1) & t->mask) {
		struct shed_source *e = &t->slots[i];

		/* at most half the slots are used: an empty one always ends the chain */
		if (e->family == 0)
			return NULL;
		if (e->family == family && e->prefix == prefix)
			return e;
	}
}

static struct shed_source *insert(struct shed_table *t, uint8_t family, uint64_t prefix)
{
	uint32_t i = home_slot(t, family, prefix);

	while (t->slots[i].family != 0)
		i = (i + 1) & t->mask;
	t->slots[i] = (struct shed_source){ .family = family, .prefix = prefix };
	t->used++;
	return &t->slots[i];
}

/* Backward-shift deletion: the chains stay whole without tombstones. */
static void delete(struct shed_table *t, struct shed_source *e)
{
	uint32_t hole = (uint32_t)(e - t->slots), j = hole;

	for (;;) {
		uint32_t home;

		j = (j + 1) & t->mask;
		if (t->slots[j].family == 0)
			break;
		home = home_slot(t, t->slots[j].family, t->slots[j].prefix);
		/* move j into the hole unless its home lies cyclically in (hole, j] */
		if ((j > hole && (home <= hole || home > j)) || (j < hole && home <= hole && home > j)) {
			t->slots[hole] = t->slots[j];
			hole = j;
		}
	}
	memset(&t->slots[hole], 0, sizeof(t->slots[hole]));
	t->used--;
}

struct shed_source *shed_table_find(struct shed_table *t, const struct net_addr *remote,
				    bool *out_countable)
{
	uint64_t prefix;
	uint8_t family;

	*out_countable = t->slots && source_key(remote, &family, &prefix);
	return *out_countable ? find(t, family, prefix) : NULL;
}

void shed_table_add(struct shed_table *t, const struct net_addr *remote, int delta)
{
	struct shed_source *e;
	uint64_t prefix;
	uint8_t family;

	if (!t->slots || !source_key(remote, &family, &prefix))
		return;
	e = find(t, family, prefix);
	if (delta > 0 && !e && t->used < t->max)
		e = insert(t, family, prefix);
	if (!e)
		return;
	if (delta > 0)
		e->in_progress++;
	else if (--e->in_progress == 0)
		delete(t, e);
}

bool shed_table_is_full(const struct shed_table *t)
{
	return t->used >= t->max;
}

int shed_table_init(struct shed_table *t, uint32_t max)
{
	uint32_t slots = 2;

	memset(t, 0, sizeof(*t));
	while (slots < 2 * max)
		slots *= 2;
	t->slots = calloc(slots, sizeof(*t->slots));
	if (!t->slots)
		return VPN_ERR_NOMEM;
	t->max = max;
	t->mask = slots - 1;
	if (getrandom(t->hash_key, sizeof(t->hash_key), GRND_NONBLOCK) != sizeof(t->hash_key)) {
		/* early boot: a weaker key still spreads ordinary addresses */
		t->hash_key[0] = (uint64_t)(uintptr_t)t ^ (uint64_t)time(NULL);
		t->hash_key[1] = t->hash_key[0] * 0x9e3779b97f4a7c15ull;
	}
	return 0;
}

void shed_table_cleanup(struct shed_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
