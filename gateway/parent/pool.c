/* SPDX-License-Identifier: ISC */
/* Address pools: slot arithmetic over the prefix and a set of leased slots. */
#include "gateway/parent/pool.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"

#define SLOT_BITS_MAX 62

static unsigned family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static unsigned get_bit(const uint8_t *bytes, unsigned i)
{
	return (bytes[i / 8] >> (7 - i % 8)) & 1;
}

static void set_bit(uint8_t *bytes, unsigned i, unsigned v)
{
	uint8_t mask = (uint8_t)(1 << (7 - i % 8));

	bytes[i / 8] = (uint8_t)(v ? bytes[i / 8] | mask : bytes[i / 8] & ~mask);
}

static unsigned slot_width(const struct parent_pool *p)
{
	return p->lease_len - p->net.len;
}

/* The slot an address falls in; false when it is outside the slots used. */
static bool slot_of(const struct parent_pool *p, const struct net_addr *a, uint64_t *out)
{
	unsigned width = slot_width(p), skip = 0;
	uint64_t v = 0;

	if (!parent_pool_contains(p, a))
		return false;
	if (width > SLOT_BITS_MAX)
		skip = width - SLOT_BITS_MAX;
	for (unsigned i = 0; i < width; i++) {
		unsigned bit = get_bit(a->bytes, p->net.len + i);

		if (i < skip && bit)
			return false;
		v = v << 1 | bit;
	}
	/* An IPv6 lease is a prefix: its host bits must be clear. */
	for (unsigned i = p->lease_len; i < family_bits(a->family); i++)
		if (get_bit(a->bytes, i))
			return false;
	*out = v;
	return true;
}

static void addr_of(const struct parent_pool *p, uint64_t slot, struct net_addr *out)
{
	unsigned width = slot_width(p);

	*out = p->net.addr;
	for (unsigned j = 0; j < width && j < 64; j++)
		set_bit(out->bytes, p->lease_len - 1 - j, (unsigned)(slot >> j) & 1);
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* The index holding slot, or of the empty cell where it would go. */
static size_t set_find(const struct parent_pool *p, uint64_t slot)
{
	size_t mask = p->set_cap - 1, i = (size_t)mix(slot) & mask;

	while (p->set[i] && p->set[i] != slot + 1)
		i = (i + 1) & mask;
	return i;
}

static int set_grow(struct parent_pool *p)
{
	uint64_t *old = p->set;
	size_t old_cap = p->set_cap;

	p->set = calloc(old_cap * 2, sizeof(*p->set));
	if (!p->set) {
		p->set = old;
		return VPN_ERR_NOMEM;
	}
	p->set_cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			p->set[set_find(p, old[i] - 1)] = old[i];
	free(old);
	return 0;
}

static int set_add(struct parent_pool *p, uint64_t slot)
{
	if ((p->used + 1) * 2 > p->set_cap) {
		int r = set_grow(p);

		if (r < 0)
			return r;
	}
	p->set[set_find(p, slot)] = slot + 1;
	p->used++;
	return 0;
}

/* Linear probing with backward-shift deletion: no tombstones to age. */
static void set_del(struct parent_pool *p, size_t hole)
{
	size_t mask = p->set_cap - 1, i = hole;

	for (;;) {
		size_t home;

		i = (i + 1) & mask;
		if (!p->set[i])
			break;
		home = (size_t)mix(p->set[i] - 1) & mask;
		/* move it back when its home is not in (hole, i] */
		if ((i > hole && (home <= hole || home > i)) ||
		    (i < hole && home <= hole && home > i)) {
			p->set[hole] = p->set[i];
			hole = i;
		}
	}
	p->set[hole] = 0;
	p->used--;
}

int parent_pool_init(struct parent_pool *p, const struct net_prefix *net, unsigned lease_len)
{
	unsigned bits, width;
	uint64_t total;

	memset(p, 0, sizeof(*p));
	if (net->addr.family != AF_INET && net->addr.family != AF_INET6)
		return VPN_ERR_INVALID;
	bits = family_bits(net->addr.family);
	if (net->len > lease_len || lease_len > bits || (bits == 32 && lease_len != 32))
		return VPN_ERR_INVALID;
	p->net = *net;
	for (unsigned i = net->len; i < bits; i++)
		set_bit(p->net.addr.bytes, i, 0);
	p->lease_len = lease_len;
	width = slot_width(p);
	total = width >= SLOT_BITS_MAX ? UINT64_C(1) << SLOT_BITS_MAX : UINT64_C(1) << width;
	/* slot 0 holds the network address, and the gateway's when leases are prefixes */
	p->first_slot = lease_len == bits ? 2 : 1;
	p->last_slot = total - (bits == 32 ? 2 : 1);
	if (total < 2 || p->first_slot > p->last_slot)
		return VPN_ERR_INVALID;
	p->set_cap = 16;
	p->set = calloc(p->set_cap, sizeof(*p->set));
	return p->set ? 0 : VPN_ERR_NOMEM;
}

void parent_pool_cleanup(struct parent_pool *p)
{
	free(p->set);
	p->set = NULL;
	p->used = 0;
}

void parent_pool_gateway(const struct parent_pool *p, struct net_addr *out)
{
	unsigned bits = family_bits(p->net.addr.family);

	*out = p->net.addr;
	set_bit(out->bytes, bits - 1, 1);
}

bool parent_pool_contains(const struct parent_pool *p, const struct net_addr *a)
{
	if (a->family != p->net.addr.family)
		return false;
	for (unsigned i = 0; i < p->net.len; i++)
		if (get_bit(a->bytes, i) != get_bit(p->net.addr.bytes, i))
			return false;
	return true;
}

static bool is_usable_free(const struct parent_pool *p, uint64_t slot)
{
	return slot >= p->first_slot && slot <= p->last_slot && !p->set[set_find(p, slot)];
}

int parent_pool_take(struct parent_pool *p, const struct net_addr *want, uint64_t hint,
		     struct net_addr *out)
{
	uint64_t n = p->last_slot - p->first_slot + 1, slot;
	int r;

	if (p->used >= n)
		return VPN_ERR_TOO_BIG;
	if (!(want && slot_of(p, want, &slot) && is_usable_free(p, slot))) {
		/* at most `used` taken slots in a row before a free one */
		slot = p->first_slot + hint % n;
		while (!is_usable_free(p, slot))
			slot = slot == p->last_slot ? p->first_slot : slot + 1;
	}
	r = set_add(p, slot);
	if (r < 0)
		return r;
	p->next_hint = slot - p->first_slot + 1;
	addr_of(p, slot, out);
	return 0;
}

int parent_pool_put(struct parent_pool *p, const struct net_addr *a)
{
	uint64_t slot;
	size_t i;

	if (!slot_of(p, a, &slot))
		return VPN_ERR_NOT_FOUND;
	i = set_find(p, slot);
	if (!p->set[i])
		return VPN_ERR_NOT_FOUND;
	set_del(p, i);
	return 0;
}

bool parent_pool_is_leased(const struct parent_pool *p, const struct net_addr *a)
{
	uint64_t slot;

	return slot_of(p, a, &slot) && p->set[set_find(p, slot)] != 0;
}

uint64_t parent_pool_capacity(const struct parent_pool *p)
{
	return p->last_slot - p->first_slot + 1;
}
