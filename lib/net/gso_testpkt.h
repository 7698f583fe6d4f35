/* SPDX-License-Identifier: ISC */
/*
 * Test-only, header-only: TCP/UDP packets and offload frames built from
 * their fields, their checksums from the reference in
 * tests/include/ref_csum.h, so the splitter and the coalescer are checked
 * against something they do not share. Used by gso_test.c and gro_test.c;
 * each gets its own copy of the payload pattern tp_data.
 */
#ifndef NET_GSO_TESTPKT_H
#define NET_GSO_TESTPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tests/include/ref_csum.h"

#define TP_V4_SRC 0xc6120001u /* 198.18.0.1 */
#define TP_V4_DST 0xc6130002u /* 198.19.0.2 */
#define TP_ACK 0x10
#define TP_PSH 0x08
#define TP_FIN 0x01
#define TP_SYN 0x02
#define TP_CWR 0x80
#define TP_ECE 0x40

/* 198.18.0.0/15 mapped into IPv6 documentation space (2001:db8::/32). */
static const uint8_t tp_v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 198, 18, 0, 1 };
static const uint8_t tp_v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 198, 19, 0, 2 };
/* NOP NOP timestamp: what Linux peers put on every segment. */
static const uint8_t tp_ts_opts[12] = { 1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78 };

struct tp_spec {
	bool is_v6;
	uint16_t sport, dport, ip_id, window;
	uint32_t seq, ack;
	uint8_t flags, ttl, tos;
	const uint8_t *opts; /* TCP options, a multiple of 4 bytes */
	size_t opts_len;
	size_t payload_len;
	size_t payload_at; /* offset into tp_data the payload is copied from */
};

static uint8_t tp_data[65536];

static inline void tp_fill_data(void)
{
	for (size_t i = 0; i < sizeof(tp_data); i++)
		tp_data[i] = (uint8_t)(i * 131 + (i >> 8) * 7 + 3);
}

static inline void tp_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t tp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tp_get32(const uint8_t *p)
{
	return (uint32_t)tp_get16(p) << 16 | tp_get16(p + 2);
}

static inline size_t tp_ip_hlen(const uint8_t *ip)
{
	return ip[0] >> 4 == 6 ? 40 : (size_t)(ip[0] & 0x0f) * 4;
}

/* Folded sum over pseudo header + transport: 0xffff when the checksum is right. */
static inline uint16_t tp_l4_verify(const uint8_t *ip, size_t len)
{
	size_t h = tp_ip_hlen(ip);

	return ref_csum_fold(ref_csum_add(ref_csum_pseudo(ip, len - h), ip + h, len - h));
}

static inline uint16_t tp_ip_verify(const uint8_t *ip)
{
	return ref_csum_fold(ref_csum_add(0, ip, tp_ip_hlen(ip)));
}

static inline size_t tp_build_ip(uint8_t *out, const struct tp_spec *sp, uint8_t proto, size_t l4_len)
{
	if (sp->is_v6) {
		memset(out, 0, 40);
		out[0] = 0x60 | sp->tos >> 4;
		out[1] = (uint8_t)(sp->tos << 4);
		tp_put16(out + 4, (uint32_t)l4_len);
		out[6] = proto;
		out[7] = sp->ttl ? sp->ttl : 64;
		memcpy(out + 8, tp_v6_src, 16);
		memcpy(out + 24, tp_v6_dst, 16);
		return 40;
	}
	memset(out, 0, 20);
	out[0] = 0x45;
	out[1] = sp->tos;
	tp_put16(out + 2, (uint32_t)(20 + l4_len));
	tp_put16(out + 4, sp->ip_id);
	out[6] = 0x40; /* DF */
	out[8] = sp->ttl ? sp->ttl : 64;
	out[9] = proto;
	tp_put16(out + 12, TP_V4_SRC >> 16);
	tp_put16(out + 14, TP_V4_SRC & 0xffff);
	tp_put16(out + 16, TP_V4_DST >> 16);
	tp_put16(out + 18, TP_V4_DST & 0xffff);
	tp_put16(out + 10, (uint16_t)~ref_csum_fold(ref_csum_add(0, out, 20)));
	return 20;
}

/* A TCP segment with both checksums complete; returns its length. */
static inline size_t tp_build_tcp(uint8_t *out, const struct tp_spec *sp)
{
	size_t thl = 20 + sp->opts_len;
	size_t h = tp_build_ip(out, sp, 6, thl + sp->payload_len);
	uint8_t *t = out + h;
	uint32_t l4_sum;

	memset(t, 0, 20);
	tp_put16(t, sp->sport ? sp->sport : 40000);
	tp_put16(t + 2, sp->dport ? sp->dport : 5201);
	tp_put16(t + 4, sp->seq >> 16);
	tp_put16(t + 6, sp->seq & 0xffff);
	tp_put16(t + 8, sp->ack >> 16);
	tp_put16(t + 10, sp->ack & 0xffff);
	t[12] = (uint8_t)(thl / 4 << 4);
	t[13] = sp->flags;
	tp_put16(t + 14, sp->window ? sp->window : 502);
	if (sp->opts_len)
		memcpy(t + 20, sp->opts, sp->opts_len);
	memcpy(t + thl, tp_data + sp->payload_at, sp->payload_len);
	l4_sum = ref_csum_add(ref_csum_pseudo(out, thl + sp->payload_len), t, thl + sp->payload_len);
	tp_put16(t + 16, (uint16_t)~ref_csum_fold(l4_sum));
	return h + thl + sp->payload_len;
}

/* Virtio-net header in host order, as the kernel writes it. */
static inline void tp_vnet_hdr(uint8_t *hdr, uint8_t flags, uint8_t gso_type, uint16_t hdr_len,
			uint16_t gso_size, uint16_t csum_start, uint16_t csum_offset)
{
	hdr[0] = flags;
	hdr[1] = gso_type;
	memcpy(hdr + 2, &hdr_len, 2);
	memcpy(hdr + 4, &gso_size, 2);
	memcpy(hdr + 6, &csum_start, 2);
	memcpy(hdr + 8, &csum_offset, 2);
}

/*
 * A TSO frame as the kernel hands it over: one super packet, IP length
 * over the whole, the TCP checksum field holding the (uncomplemented)
 * pseudo-header sum over the whole TCP length.
 */
static inline size_t tp_build_tso(uint8_t *frame, const struct tp_spec *sp, uint16_t gso_size)
{
	uint8_t *ip = frame + 10;
	size_t len = tp_build_tcp(ip, sp);
	size_t h = tp_ip_hlen(ip);

	tp_put16(ip + h + 16, ref_csum_fold(ref_csum_pseudo(ip, len - h)));
	tp_vnet_hdr(frame, 1, sp->is_v6 ? 4 : 1, (uint16_t)(h + 20 + sp->opts_len), gso_size,
		    (uint16_t)h, 16);
	return 10 + len;
}

#endif
