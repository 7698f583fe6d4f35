/* SPDX-License-Identifier: ISC */
/*
 * Inner (tunnel) address -> session, for steering a packet read from the
 * worker's tun to the session that owns its destination. Open addressing
 * with linear probing; deletion shifts the run back, so there are no
 * tombstones and lookups stay short under churn.
 *
 * The map owns its slot array only; the sessions it points to are borrowed
 * and must be removed before they are freed.
 */
#ifndef GATEWAY_WORKER_INNER_MAP_H
#define GATEWAY_WORKER_INNER_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/net/addr.h"

struct session;

struct inner_map_slot {
	struct net_addr key;      /* family 0 = empty */
	struct session *value;    /* borrowed */
};

struct inner_map {
	struct inner_map_slot *slots;  /* owned; cap entries */
	size_t cap;                    /* a power of two, or 0 before the first insert */
	size_t count;
};

void inner_map_init(struct inner_map *m);
void inner_map_cleanup(struct inner_map *m);
/* Adds or replaces; 0, VPN_ERR_NOMEM, or VPN_ERR_INVALID for an address that is not v4/v6. */
int inner_map_put(struct inner_map *m, const struct net_addr *key, struct session *value);
/* The session for key, or NULL. */
struct session *inner_map_get(const struct inner_map *m, const struct net_addr *key);
/* Removes key only when it maps to value (a newer owner is left alone). */
void inner_map_del(struct inner_map *m, const struct net_addr *key, const struct session *value);

/*
 * The destination address of an IPv4 or IPv6 packet; 0, or VPN_ERR_INVALID
 * when the packet is too short or of another version.
 */
int inner_map_packet_dst(const uint8_t *pkt, size_t len, struct net_addr *out);
/* The source address, same rules. */
int inner_map_packet_src(const uint8_t *pkt, size_t len, struct net_addr *out);

#endif
