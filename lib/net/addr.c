/* SPDX-License-Identifier: ISC */
/*
 * Addresses and prefixes in the textual forms of config files and X-CSTP
 * headers. Input is a counted string (not NUL-terminated) and is never read
 * past its length.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/net/addr.h"

size_t net_addr_size(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

static unsigned max_len(int family)
{
	return (unsigned)net_addr_size(family) * 8;
}

int net_addr_parse(struct net_addr *out, const char *s, size_t len)
{
	char text[NET_ADDR_STRLEN];

	if (len == 0 || len >= sizeof(text))
		return VPN_ERR_INVALID;
	memcpy(text, s, len);
	text[len] = '\0';
	if (memchr(text, '\0', len) != NULL)
		return VPN_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	/* inet_pton takes exactly four decimal parts, so no octal or short forms */
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return VPN_ERR_INVALID;
}

void net_addr_format(const struct net_addr *a, char *out, size_t out_len)
{
	char text[NET_ADDR_STRLEN];

	if (out_len == 0)
		return;
	if (inet_ntop(a->family, a->bytes, text, sizeof(text)) == NULL)
		text[0] = '\0';
	snprintf(out, out_len, "%s", text);
}

bool net_addr_equal(const struct net_addr *a, const struct net_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, net_addr_size(a->family)) == 0;
}

/* "0".."128": decimal, no sign, no leading zero. */
static int parse_len(unsigned *out, const char *s, size_t len, unsigned max)
{
	unsigned v = 0;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return VPN_ERR_INVALID;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return VPN_ERR_INVALID;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return VPN_ERR_INVALID;
	*out = v;
	return 0;
}

/* A dotted IPv4 netmask: its ones must be contiguous from the top. */
static int parse_mask(unsigned *out, const char *s, size_t len)
{
	struct net_addr mask;
	uint32_t m;
	unsigned ones;

	if (net_addr_parse(&mask, s, len) != 0 || mask.family != AF_INET)
		return VPN_ERR_INVALID;
	m = (uint32_t)mask.bytes[0] << 24 | (uint32_t)mask.bytes[1] << 16 |
	    (uint32_t)mask.bytes[2] << 8 | mask.bytes[3];
	ones = (unsigned)__builtin_popcount(m);
	if (ones < 32 && (m & (0xffffffffu >> ones)) != 0)
		return VPN_ERR_INVALID;
	*out = ones;
	return 0;
}

int net_prefix_parse(struct net_prefix *out, const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t addr_len = slash ? (size_t)(slash - s) : len;
	const char *rest = slash ? slash + 1 : NULL;
	size_t rest_len = slash ? len - addr_len - 1 : 0;
	int ret;

	ret = net_addr_parse(&out->addr, s, addr_len);
	if (ret != 0)
		return ret;
	if (rest == NULL) {
		out->len = max_len(out->addr.family);
		return 0;
	}
	if (out->addr.family == AF_INET && memchr(rest, '.', rest_len) != NULL)
		return parse_mask(&out->len, rest, rest_len);
	return parse_len(&out->len, rest, rest_len, max_len(out->addr.family));
}

void net_prefix_format(const struct net_prefix *p, char *out, size_t out_len)
{
	char addr[NET_ADDR_STRLEN];

	net_addr_format(&p->addr, addr, sizeof(addr));
	if (out_len > 0)
		snprintf(out, out_len, "%s/%u", addr, p->len);
}

void net_ipv4_mask_format(unsigned len, char *out, size_t out_len)
{
	uint32_t m = len == 0 ? 0 : 0xffffffffu << (32 - (len > 32 ? 32 : len));

	if (out_len > 0)
		snprintf(out, out_len, "%u.%u.%u.%u", m >> 24, (m >> 16) & 255,
			 (m >> 8) & 255, m & 255);
}

void net_prefix_format_mask(const struct net_prefix *p, char *out, size_t out_len)
{
	char addr[NET_ADDR_STRLEN], mask[16];

	if (p->addr.family != AF_INET) {
		net_prefix_format(p, out, out_len);
		return;
	}
	net_addr_format(&p->addr, addr, sizeof(addr));
	net_ipv4_mask_format(p->len, mask, sizeof(mask));
	if (out_len > 0)
		snprintf(out, out_len, "%s/%s", addr, mask);
}

/* Clears every bit of bytes[] from bit `len` on. */
static void clear_from(uint8_t *bytes, size_t size, unsigned len)
{
	size_t first = len / 8;

	if (first >= size)
		return;
	if (len % 8)
		bytes[first++] &= (uint8_t)(0xff00u >> (len % 8));
	memset(bytes + first, 0, size - first);
}

void net_prefix_normalize(struct net_prefix *p)
{
	size_t size = net_addr_size(p->addr.family);

	clear_from(p->addr.bytes, size, p->len);
	memset(p->addr.bytes + size, 0, sizeof(p->addr.bytes) - size);
}

bool net_prefix_contains(const struct net_prefix *p, const struct net_addr *a)
{
	struct net_prefix net = *p, host = { .addr = *a, .len = p->len };

	if (a->family != p->addr.family || p->len > max_len(a->family))
		return false;
	net_prefix_normalize(&net);
	net_prefix_normalize(&host);
	return net_addr_equal(&net.addr, &host.addr);
}

void net_addr_unmap_v4(struct net_addr *a)
{
	static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->family != AF_INET6 || memcmp(a->bytes, v4_mapped, sizeof(v4_mapped)) != 0)
		return;
	a->family = AF_INET;
	memmove(a->bytes, a->bytes + sizeof(v4_mapped), 4);
	memset(a->bytes + 4, 0, sizeof(a->bytes) - 4);
}

void net_addr_from_sockaddr(const struct sockaddr_storage *ss, struct net_addr *out,
			    uint16_t *out_port)
{
	memset(out, 0, sizeof(*out));
	*out_port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		out->family = AF_INET;
		memcpy(out->bytes, &sin->sin_addr, 4);
		*out_port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		out->family = AF_INET6;
		memcpy(out->bytes, &sin6->sin6_addr, 16);
		*out_port = ntohs(sin6->sin6_port);
		net_addr_unmap_v4(out);
	}
}
