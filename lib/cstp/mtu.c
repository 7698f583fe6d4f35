/* SPDX-License-Identifier: ISC */
/* MTU arithmetic for the CONNECT exchange (PROTOCOL.md §6.5). */
#include "lib/cstp/mtu.h"

#include <string.h>
#include <sys/socket.h>

#include "lib/base/err.h"

#define DTLS_RECORD_HEADER 13
#define TLS_RECORD_HEADER 5
#define CSTP_DTLS_TYPE 1
#define CSTP_TLS_HEADER 8
#define UDP_HEADER 8
#define TCP_HEADER 20
#define ETHERNET_MTU 1500
/* openconnect's fallback base MTU and its floor (the IPv6 minimum). */
#define CLIENT_DEFAULT_BASE 1406
#define CLIENT_MIN_BASE 1280
/* openconnect's worst-case DTLS allowance when it asks for an MTU. */
#define CLIENT_DTLS_ALLOWANCE 82
/* Below these, ocserv ignores a client's Base-MTU. */
#define MIN_LINK_WITH_IPV6 1280
#define MIN_LINK 800

static const struct cstp_mtu_cipher ciphers[] = {
	[CSTP_MTU_ALG_AES_GCM] = { 8, 16, 0 },
	[CSTP_MTU_ALG_CHACHA20_POLY1305] = { 0, 16, 0 },
	[CSTP_MTU_ALG_AES_CBC_SHA1] = { 16, 20, 16 },
	[CSTP_MTU_ALG_AES_CBC_SHA256] = { 16, 32, 16 },
	[CSTP_MTU_ALG_AES_CBC_SHA384] = { 16, 48, 16 },
	[CSTP_MTU_ALG_3DES_CBC_SHA1] = { 8, 20, 8 },
};

/* Both header families; in a resumed handshake the key exchange part of a
 * name changes nothing on the wire, only cipher and MAC matter. */
static const struct {
	const char *name;
	enum cstp_mtu_alg alg;
} names[] = {
	{ "AES256-SHA", CSTP_MTU_ALG_AES_CBC_SHA1 },
	{ "AES128-SHA", CSTP_MTU_ALG_AES_CBC_SHA1 },
	{ "DHE-RSA-AES256-SHA", CSTP_MTU_ALG_AES_CBC_SHA1 },
	{ "DHE-RSA-AES128-SHA", CSTP_MTU_ALG_AES_CBC_SHA1 },
	{ "DES-CBC3-SHA", CSTP_MTU_ALG_3DES_CBC_SHA1 },
	{ "OC-DTLS1_2-AES128-GCM", CSTP_MTU_ALG_AES_GCM },
	{ "OC-DTLS1_2-AES256-GCM", CSTP_MTU_ALG_AES_GCM },
	{ "OC2-DTLS1_2-CHACHA20-POLY1305", CSTP_MTU_ALG_CHACHA20_POLY1305 },
	{ "ECDHE-RSA-AES256-GCM-SHA384", CSTP_MTU_ALG_AES_GCM },
	{ "ECDHE-RSA-AES128-GCM-SHA256", CSTP_MTU_ALG_AES_GCM },
	{ "AES256-GCM-SHA384", CSTP_MTU_ALG_AES_GCM },
	{ "AES128-GCM-SHA256", CSTP_MTU_ALG_AES_GCM },
};

void cstp_mtu_cipher_of_alg(struct cstp_mtu_cipher *out, enum cstp_mtu_alg alg)
{
	*out = ciphers[alg];
}

int cstp_mtu_cipher_of_name(struct cstp_mtu_cipher *out, const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == len && memcmp(names[i].name, name, len) == 0) {
			*out = ciphers[names[i].alg];
			return 0;
		}
	}
	return VPN_ERR_NOT_FOUND;
}

static unsigned ip_header(int family)
{
	return family == AF_INET6 ? 40 : 20;
}

unsigned cstp_mtu_udp_ip_overhead(int family)
{
	return ip_header(family) + UDP_HEADER;
}

static unsigned record_cost(const struct cstp_mtu_cipher *c)
{
	return c->iv_len + c->mac_len + c->block_len;
}

unsigned cstp_mtu_dtls_overhead(const struct cstp_mtu_cipher *c)
{
	return DTLS_RECORD_HEADER + record_cost(c) + CSTP_DTLS_TYPE;
}

static unsigned minus(unsigned a, unsigned b)
{
	return a > b ? a - b : 0;
}

unsigned cstp_mtu_gateway_link(unsigned configured, unsigned client_base,
			       unsigned client_mtu, int family, int has_inner_ipv6)
{
	unsigned link = configured ? configured : ETHERNET_MTU;
	unsigned floor = has_inner_ipv6 ? MIN_LINK_WITH_IPV6 : MIN_LINK;
	struct cstp_mtu_cipher cbc = ciphers[CSTP_MTU_ALG_AES_CBC_SHA1];

	if (client_base >= floor) {
		if (client_base < link)
			link = client_base;
	} else if (client_base == 0 && client_mtu > 0) {
		unsigned implied = client_mtu + cstp_mtu_udp_ip_overhead(family) +
				   cstp_mtu_dtls_overhead(&cbc);

		if (implied < link)
			link = implied;
	}
	return link;
}

unsigned cstp_mtu_gateway_dtls(unsigned link, int family, const struct cstp_mtu_cipher *c)
{
	return minus(link, cstp_mtu_udp_ip_overhead(family) + cstp_mtu_dtls_overhead(c));
}

unsigned cstp_mtu_gateway_tls(unsigned link, int family, const struct cstp_mtu_cipher *tls)
{
	unsigned cost = ip_header(family) + TCP_HEADER + TLS_RECORD_HEADER +
			record_cost(tls) + CSTP_TLS_HEADER;

	return minus(link, cost);
}

unsigned cstp_mtu_client_base(unsigned measured)
{
	if (measured == 0)
		return CLIENT_DEFAULT_BASE;
	return measured < CLIENT_MIN_BASE ? CLIENT_MIN_BASE : measured;
}

unsigned cstp_mtu_client_request(unsigned base, int family)
{
	return minus(base, CLIENT_DTLS_ALLOWANCE + cstp_mtu_udp_ip_overhead(family));
}

unsigned cstp_mtu_client_psk(unsigned base, int family, const struct cstp_mtu_cipher *c,
			     unsigned tunnel_mtu)
{
	/* What the DTLS stack reports as its plaintext MTU: CBC rounds the
	 * room down to whole blocks and needs one padding-length byte. */
	unsigned room = minus(base, cstp_mtu_udp_ip_overhead(family) + DTLS_RECORD_HEADER +
				    c->iv_len);
	unsigned plain;

	if (c->block_len > 1)
		plain = minus(room / c->block_len * c->block_len, c->mac_len + 1);
	else
		plain = minus(room, c->mac_len);
	plain = minus(plain, CSTP_DTLS_TYPE);
	if (tunnel_mtu && tunnel_mtu < plain)
		plain = tunnel_mtu;
	return plain;
}
