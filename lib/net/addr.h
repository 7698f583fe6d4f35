/* SPDX-License-Identifier: ISC */
/*
 * IPv4/IPv6 addresses and prefixes as config files and X-CSTP headers write
 * them: "198.18.0.0/24", "198.18.0.0/255.255.255.0", "2001:db8::/64".
 */
#ifndef NET_ADDR_H
#define NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct net_addr {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t bytes[16];     /* network order; 4 used for AF_INET */
};

struct net_prefix {
	struct net_addr addr;
	unsigned len;          /* prefix length in bits */
};

/* Bytes of an address of the family: 4 or 16. */
size_t net_addr_size(int family);
/* Parses one address; 0 or VPN_ERR_INVALID. */
int net_addr_parse(struct net_addr *out, const char *s, size_t len);
/* Writes the textual form; out needs 46 bytes. */
void net_addr_format(const struct net_addr *a, char *out, size_t out_len);
bool net_addr_equal(const struct net_addr *a, const struct net_addr *b);
/*
 * An IPv4 peer of a dual-stack socket (::ffff:a.b.c.d) becomes the IPv4
 * address a.b.c.d (the rest of bytes zeroed); any other address is left as
 * it is. Logs, bans and per-source counts then name one client one way.
 */
void net_addr_unmap_v4(struct net_addr *a);
/*
 * The address and port of a socket address from accept, recvfrom or
 * getpeername, IPv4-mapped ones unmapped as above. Any other family gives
 * a zeroed address (family 0) and port 0.
 */
void net_addr_from_sockaddr(const struct sockaddr_storage *ss, struct net_addr *out,
			    uint16_t *out_port);

/*
 * Parses "addr", "addr/len" or (IPv4) "addr/dotted-mask". A bare address
 * is a host prefix. A mask that is not contiguous is VPN_ERR_INVALID.
 */
int net_prefix_parse(struct net_prefix *out, const char *s, size_t len);
/* "addr/len" */
void net_prefix_format(const struct net_prefix *p, char *out, size_t out_len);
/* "addr/dotted-mask" for IPv4 (Cisco's split-include form), "addr/len" for IPv6. */
void net_prefix_format_mask(const struct net_prefix *p, char *out, size_t out_len);
/* The dotted IPv4 netmask for a length; out needs 16 bytes. */
void net_ipv4_mask_format(unsigned len, char *out, size_t out_len);
/* Clears host bits. */
void net_prefix_normalize(struct net_prefix *p);
bool net_prefix_contains(const struct net_prefix *p, const struct net_addr *a);

#define NET_ADDR_STRLEN 46
#define NET_PREFIX_STRLEN 64

#endif
