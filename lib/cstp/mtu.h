/* SPDX-License-Identifier: ISC */
/*
 * MTU arithmetic for CONNECT (PROTOCOL.md §6.5): what a client asks for in
 * X-CSTP-Base-MTU / X-CSTP-MTU, and what a gateway answers in X-CSTP-MTU /
 * X-DTLS-MTU, from the link (base) MTU, the outer address family and the
 * record overhead of the cipher in use.
 *
 * Vocabulary: "link" or "base" MTU is the largest outer IP packet between
 * client and gateway; "data" or tunnel MTU is the largest inner IP packet.
 * All figures are bytes; 0 means "unknown/absent" on input.
 */
#ifndef CSTP_MTU_H
#define CSTP_MTU_H

#include <stddef.h>

/*
 * Per-record cost of a cipher, as seen on the wire. CBC suites: explicit IV
 * (block size), MAC, and 1..block bytes of padding including its length
 * byte. AEAD suites: explicit nonce and tag, no padding (block_len 0).
 */
struct cstp_mtu_cipher {
	unsigned iv_len;    /* explicit IV or nonce carried in each record */
	unsigned mac_len;   /* HMAC or AEAD tag */
	unsigned block_len; /* CBC block size; 0 for AEAD */
};

/* Algorithms as a TLS layer reports them, for the PSK and TLS cases. */
enum cstp_mtu_alg {
	CSTP_MTU_ALG_AES_GCM,          /* AES-128/256-GCM: 8 + 16 */
	CSTP_MTU_ALG_CHACHA20_POLY1305, /* implicit nonce: 0 + 16 */
	CSTP_MTU_ALG_AES_CBC_SHA1,
	CSTP_MTU_ALG_AES_CBC_SHA256,
	CSTP_MTU_ALG_AES_CBC_SHA384,
	CSTP_MTU_ALG_3DES_CBC_SHA1,
};

void cstp_mtu_cipher_of_alg(struct cstp_mtu_cipher *out, enum cstp_mtu_alg alg);

/*
 * The cipher behind a name of X-DTLS-CipherSuite (AES256-SHA, ...,
 * OC-DTLS1_2-AES256-GCM) or X-DTLS12-CipherSuite (ECDHE-RSA-AES256-GCM-SHA384,
 * ...). The name is matched exactly (len bytes). 0, or VPN_ERR_NOT_FOUND for
 * PSK-NEGOTIATE (no fixed cipher: use the TLS session's) and unknown names.
 */
int cstp_mtu_cipher_of_name(struct cstp_mtu_cipher *out, const char *name, size_t len);

/* IPv4 + UDP or IPv6 + UDP: 28 or 48. family is AF_INET or AF_INET6. */
unsigned cstp_mtu_udp_ip_overhead(int family);

/*
 * Worst-case DTLS cost of one data frame: 13-byte record header, IV, MAC,
 * full padding block, and the 1-byte CSTP type. 38 for AES-GCM, 66 for
 * AES-CBC-SHA1 (what ocserv uses).
 */
unsigned cstp_mtu_dtls_overhead(const struct cstp_mtu_cipher *c);

/*
 * Gateway: the link MTU to settle on. configured is the gateway's own
 * setting (0: the 1500 of Ethernet). A client Base-MTU wins when it is
 * smaller and at least the protocol minimum (1280 when IPv6 is offered
 * inside, else 800); a client that only sent X-CSTP-MTU (old ones) has its
 * link MTU worked back from that with ocserv's AES-128-CBC-SHA1 allowance.
 */
unsigned cstp_mtu_gateway_link(unsigned configured, unsigned client_base,
			       unsigned client_mtu, int family, int has_inner_ipv6);

/*
 * Gateway: data MTU over DTLS = link - IP - UDP - cstp_mtu_dtls_overhead.
 * This is X-DTLS-MTU, and the X-CSTP-MTU ocserv sends in every mode
 * (1500 -> 1434 for GCM, 1406 for AES256-SHA). Pass the chosen legacy suite,
 * or in PSK mode the TLS session's cipher. 0 if the link is too small.
 */
unsigned cstp_mtu_gateway_dtls(unsigned link, int family, const struct cstp_mtu_cipher *c);

/*
 * Gateway, ASA style: data MTU over TLS only = link - IP - TCP(20) - TLS
 * record (5 + IV + MAC + padding) - 8-byte CSTP header. AnyConnect applies
 * it when DTLS does not come up. 0 if the link is too small.
 */
unsigned cstp_mtu_gateway_tls(unsigned link, int family, const struct cstp_mtu_cipher *tls);

/*
 * Client: the base MTU to announce from a measured path MTU (0: unknown).
 * openconnect falls back to 1406 and never goes below 1280.
 */
unsigned cstp_mtu_client_base(unsigned measured);

/*
 * Client: X-CSTP-MTU to request = base - 82 (worst DTLS allowance: 1 type +
 * 13 header + 20 MAC + 32 IV + 16 padding) - UDP - IP: 1500 -> 1390 on IPv4.
 */
unsigned cstp_mtu_client_request(unsigned base, int family);

/*
 * Client, PSK mode after the handshake: the largest inner packet a DTLS
 * record of this cipher carries on the link, minus the type byte, never
 * above the tunnel MTU the gateway gave. 1500 -> 1434 for AES-256-GCM.
 */
unsigned cstp_mtu_client_psk(unsigned base, int family, const struct cstp_mtu_cipher *c,
			     unsigned tunnel_mtu);

#endif
