/* SPDX-License-Identifier: ISC */
/*
 * An address pool (ocserv's ipv4-network/ipv6-network): a prefix handed out
 * one lease at a time. An IPv4 lease is one address; an IPv6 lease is a
 * prefix of ipv6-subnet-prefix bits (128: one address). The network's
 * first address is never leased and its second is the gateway's own (the
 * local address of every tun); in IPv4 the broadcast address is skipped.
 *
 * Leases are kept in a hash set of slot numbers, so a /48 of /128 leases
 * costs what its leases cost, not what the prefix could hold. Slots past
 * 2^62 are never used. The pool owns its set.
 */
#ifndef GATEWAY_PARENT_POOL_H
#define GATEWAY_PARENT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/net/addr.h"

struct parent_pool {
	struct net_prefix net;   /* host bits cleared */
	unsigned lease_len;      /* bits per lease: 32, or ipv6-subnet-prefix */
	uint64_t first_slot;     /* usable slots: first_slot..last_slot */
	uint64_t last_slot;
	uint64_t *set;           /* open addressing; 0 = empty, else slot + 1 */
	size_t set_cap;          /* power of two */
	size_t used;
	uint64_t next_hint;      /* after the last lease: round-robin for callers without a hint */
};

/*
 * 0, or VPN_ERR_INVALID when the prefix leaves no usable lease (an IPv4
 * pool needs at least a /30; lease_len must be at least the prefix length).
 */
int parent_pool_init(struct parent_pool *p, const struct net_prefix *net, unsigned lease_len);
void parent_pool_cleanup(struct parent_pool *p);

/* The gateway's address in the pool: the network address + 1. */
void parent_pool_gateway(const struct parent_pool *p, struct net_addr *out);
bool parent_pool_contains(const struct parent_pool *p, const struct net_addr *a);

/*
 * Leases want when it is a free, usable address of the pool (a client's
 * previous address); otherwise the first free slot at or after hint
 * (modulo the pool's size; predictable-ips passes a hash of the user name,
 * others p->next_hint so that a freed address is not reused at once).
 * 0, or VPN_ERR_TOO_BIG when the pool is full.
 */
int parent_pool_take(struct parent_pool *p, const struct net_addr *want, uint64_t hint,
		     struct net_addr *out);
/* Gives a lease back; VPN_ERR_NOT_FOUND when it was not leased. */
int parent_pool_put(struct parent_pool *p, const struct net_addr *a);
bool parent_pool_is_leased(const struct parent_pool *p, const struct net_addr *a);
/* How many leases the pool can hold in all. */
uint64_t parent_pool_capacity(const struct parent_pool *p);

#endif
