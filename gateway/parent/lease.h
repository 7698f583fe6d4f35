/* SPDX-License-Identifier: ISC */
/*
 * Address leases, owned by the parent: a session's inner addresses, taken
 * from its group's pools, and the host route that sends them to the tun of
 * the worker that carries the session. A lease lives as long as the
 * session (authd's record), not as long as one TLS connection: when the
 * tunnel drops the route goes but the address stays reserved, so the
 * client that reconnects with its cookie gets it back, on whichever worker.
 *
 * Pools are made on first use per (prefix, lease length) and kept for the
 * process's life, so a reload that changes pools cannot pull an address
 * from under a lease. Routes go through a function pointer so tests need
 * no netlink.
 */
#ifndef GATEWAY_PARENT_LEASE_H
#define GATEWAY_PARENT_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/parent/pool.h"
#include "gateway/privsep/msg.h"

#define PARENT_POOLS_MAX 512

/* Adds or removes the host route for a lease: 0 or a vpn_err. */
typedef int (*parent_route_fn)(const char *tun, const struct net_prefix *dst, bool is_add);

struct parent_lease {
	uint8_t session_id[MSG_SESSION_ID_LEN];
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];
	struct net_prefix ipv4;      /* AF_UNSPEC when none; len = the pool's (the netmask) */
	struct net_prefix ipv6;      /* len = ipv6-subnet-prefix */
	int pool4, pool6;            /* indexes into the pool list, -1 when none */
	int worker;                  /* routed to this worker's tun; -1 while parked */
	char tun[32];
};

struct parent_leases {
	struct parent_pool pools[PARENT_POOLS_MAX];
	size_t n_pools;
	struct parent_lease *items;  /* owned */
	size_t count, cap;
	parent_route_fn route;
};

/* What a worker asks for, resolved against the configuration by the caller. */
struct parent_lease_ask {
	const uint8_t *session_id;
	const char *user;
	const char *group;
	const struct net_prefix *pool4;    /* the settings' pools; AF_UNSPEC: none */
	const struct net_prefix *pool6;
	unsigned ipv6_len;                 /* ipv6-subnet-prefix */
	const struct net_addr *want4;      /* explicit-ipv4, or the last address */
	const struct net_addr *want6;
	bool is_want4_required;            /* explicit-ipv4: that address or nothing */
	bool is_want6_required;
	bool wants_ipv6;
	bool is_predictable;               /* predictable-ips: start from a hash of the user */
	int worker;
	const char *tun;
};

void parent_leases_init(struct parent_leases *l, parent_route_fn route);
void parent_leases_cleanup(struct parent_leases *l);

/*
 * Gives the session its lease: the one it has (re-routed to this worker's
 * tun when it moved) or a new one. 0 with *out; VPN_ERR_TOO_BIG when a pool
 * is full, VPN_ERR_NOT_FOUND when there is no pool, VPN_ERR_DENIED when a
 * required address is taken or outside the pool, VPN_ERR_IO when the route
 * could not be added.
 */
int parent_leases_get(struct parent_leases *l, const struct parent_lease_ask *ask,
		      const struct parent_lease **out);
/* The tunnel is down: drop the route, keep the addresses (only the owner may). */
void parent_leases_park(struct parent_leases *l, const uint8_t *session_id, int worker);
/* The session is over: the addresses go back to their pools. */
bool parent_leases_free(struct parent_leases *l, const uint8_t *session_id);
/* A worker died: its tun and routes are gone with it; park its leases. */
void parent_leases_worker_gone(struct parent_leases *l, int worker);
const struct parent_lease *parent_leases_find(const struct parent_leases *l,
					      const uint8_t *session_id);
/* The pool for a prefix (made when new); -1 when it cannot be a pool. */
int parent_leases_pool(struct parent_leases *l, const struct net_prefix *net, unsigned lease_len);

#endif
