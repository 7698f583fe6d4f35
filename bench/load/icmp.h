/* SPDX-License-Identifier: ISC */
/*
 * The traffic a load session sends through its tunnel: IPv4 ICMP echoes to
 * a host behind the gateway. There is no tun device per session, so the
 * packet is built here with the session's inner address as its source, and
 * the reply is recognised by its destination and identifier.
 */
#ifndef LOAD_ICMP_H
#define LOAD_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/net/addr.h"

#define LOAD_ICMP_PAYLOAD_LEN 32
#define LOAD_ICMP_PACKET_LEN (20 + 8 + LOAD_ICMP_PAYLOAD_LEN)

/* Writes an echo request src -> dst (both IPv4) into out. */
void load_icmp_echo(uint8_t out[LOAD_ICMP_PACKET_LEN], const struct net_addr *src,
		    const struct net_addr *dst, uint16_t id, uint16_t seq);

/*
 * Whether pkt[0..len) is an intact echo reply addressed to dst carrying
 * identifier id: the IPv4 header checksum and the ICMP checksum both hold.
 */
bool load_icmp_is_reply(const uint8_t *pkt, size_t len, const struct net_addr *dst,
			uint16_t id);

#endif
