/* SPDX-License-Identifier: ISC */
/* IPv4 ICMP echo requests and replies for load sessions (RFC 791, RFC 792). */
#include "bench/load/icmp.h"

#include <string.h>
#include <sys/socket.h>

#define IP_HEADER_LEN 20
#define ICMP_HEADER_LEN 8
#define IPPROTO_ICMP_NUM 1
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

/* The Internet checksum: ones' complement of the ones' complement sum. */
static uint16_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void load_icmp_echo(uint8_t out[LOAD_ICMP_PACKET_LEN], const struct net_addr *src,
		    const struct net_addr *dst, uint16_t id, uint16_t seq)
{
	uint8_t *ip = out;
	uint8_t *icmp = out + IP_HEADER_LEN;

	memset(out, 0, LOAD_ICMP_PACKET_LEN);
	ip[0] = 0x45; /* version 4, 5 words of header */
	put16(ip + 2, LOAD_ICMP_PACKET_LEN);
	put16(ip + 4, seq); /* identification: any value, fragments never happen */
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP_NUM;
	memcpy(ip + 12, src->bytes, 4);
	memcpy(ip + 16, dst->bytes, 4);
	put16(ip + 10, checksum(ip, IP_HEADER_LEN));

	icmp[0] = ICMP_ECHO_REQUEST;
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (size_t i = 0; i < LOAD_ICMP_PAYLOAD_LEN; i++)
		icmp[ICMP_HEADER_LEN + i] = (uint8_t)i;
	put16(icmp + 2, checksum(icmp, ICMP_HEADER_LEN + LOAD_ICMP_PAYLOAD_LEN));
}

bool load_icmp_is_reply(const uint8_t *pkt, size_t len, const struct net_addr *dst,
			uint16_t id)
{
	size_t hlen;
	size_t total;

	if (len < IP_HEADER_LEN || dst->family != AF_INET || pkt[0] >> 4 != 4)
		return false;
	hlen = (size_t)(pkt[0] & 0x0f) * 4;
	total = get16(pkt + 2);
	if (hlen < IP_HEADER_LEN || total < hlen + ICMP_HEADER_LEN || total > len)
		return false;
	if (checksum(pkt, hlen) != 0 || pkt[9] != IPPROTO_ICMP_NUM ||
	    memcmp(pkt + 16, dst->bytes, 4) != 0)
		return false;
	pkt += hlen;
	total -= hlen;
	return pkt[0] == ICMP_ECHO_REPLY && get16(pkt + 4) == id && checksum(pkt, total) == 0;
}
