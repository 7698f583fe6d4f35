/* SPDX-License-Identifier: ISC */
/*
 * The per-source count of connections in progress behind
 * max-handshakes-per-ip (shed.h has the policy): one entry per IPv4 address
 * or IPv6 /64, in a table of bounded size that struct shed owns. Open
 * addressing with linear probing, at most max entries in twice as many
 * slots, hashed with a random key so that a client choosing its addresses
 * cannot aim them at one probe chain.
 */
#ifndef GATEWAY_WORKER_SHED_TABLE_H
#define GATEWAY_WORKER_SHED_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/net/addr.h"

/* One source with connections in progress. */
struct shed_source {
	uint64_t prefix;       /* the address, or the /64, in network order */
	uint8_t family;        /* 4 or 6; 0 = an empty slot */
	uint32_t in_progress;
	uint32_t shed_epoch;   /* the log interval shed_recent counts for */
	uint32_t shed_recent;
};

struct shed_table {
	struct shed_source *slots; /* owned; NULL = no table */
	uint32_t mask;             /* slots - 1 */
	uint32_t used;
	uint32_t max;
	uint64_t hash_key[2];
};

/* 0, or VPN_ERR_NOMEM (the table stays empty: slots NULL). */
int shed_table_init(struct shed_table *t, uint32_t max);
void shed_table_cleanup(struct shed_table *t);
bool shed_table_is_full(const struct shed_table *t);

/*
 * The entry of remote's source, NULL when it has none. false in
 * *out_countable: remote has no source to count (a test's session without
 * an address).
 */
struct shed_source *shed_table_find(struct shed_table *t, const struct net_addr *remote,
				    bool *out_countable);
/*
 * remote's source gains (delta 1) or loses (-1) a connection. A new source
 * the full table cannot take stays uncounted.
 */
void shed_table_add(struct shed_table *t, const struct net_addr *remote, int delta);
/* "198.18.1.3" or "2001:db8:1:2::/64". */
void shed_source_format(const struct shed_source *e, char *out, size_t out_len);

#endif
