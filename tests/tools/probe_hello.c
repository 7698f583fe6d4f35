/* SPDX-License-Identifier: ISC */
/* ClientHello bytes for TLS 1.2 and DTLS, with the length fields patched in. */
#include "tests/tools/probe_hello.h"

#include <string.h>
#include <sys/random.h>

#include "lib/base/buf.h"

/* Writes a length of `bytes` bytes at w->data[at] for what followed it. */
static void patch_len(struct buf_writer *w, size_t at, size_t bytes)
{
	size_t v = w->len - at - bytes;

	if (w->has_overflowed)
		return;
	for (size_t i = 0; i < bytes; i++)
		w->data[at + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static size_t mark(struct buf_writer *w, size_t bytes)
{
	size_t at = w->len;

	for (size_t i = 0; i < bytes; i++)
		buf_write_u8(w, 0);
	return at;
}

static void random32(struct buf_writer *w)
{
	uint8_t rnd[32];

	/* never all-zero: ocserv drops such hellos (PROTOCOL.md §8.3) */
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	rnd[0] |= 1;
	buf_write_bytes(w, rnd, sizeof(rnd));
}

static void extensions_tls(struct buf_writer *w, const char *sni)
{
	static const uint16_t sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
					    0x0806, 0x0601 };
	size_t all = mark(w, 2), e, l;

	buf_write_be16(w, 0x0000); /* server_name */
	e = mark(w, 2);
	l = mark(w, 2);
	buf_write_u8(w, 0);
	buf_write_be16(w, (uint16_t)strlen(sni));
	buf_write_str(w, sni);
	patch_len(w, l, 2);
	patch_len(w, e, 2);
	buf_write_be16(w, 0x000a); /* supported_groups: x25519, secp256r1 */
	buf_write_be16(w, 6);
	buf_write_be16(w, 4);
	buf_write_be16(w, 0x001d);
	buf_write_be16(w, 0x0017);
	buf_write_be16(w, 0x000b); /* ec_point_formats: uncompressed */
	buf_write_be16(w, 2);
	buf_write_u8(w, 1);
	buf_write_u8(w, 0);
	buf_write_be16(w, 0x000d); /* signature_algorithms */
	buf_write_be16(w, (uint16_t)(2 + 2 * (sizeof(sigalgs) / sizeof(sigalgs[0]))));
	buf_write_be16(w, (uint16_t)(2 * (sizeof(sigalgs) / sizeof(sigalgs[0]))));
	for (size_t i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
		buf_write_be16(w, sigalgs[i]);
	buf_write_be16(w, 0xff01); /* renegotiation_info, empty */
	buf_write_be16(w, 1);
	buf_write_u8(w, 0);
	patch_len(w, all, 2);
}

size_t probe_hello_tls(uint8_t *out, size_t cap, const char *sni)
{
	static const uint16_t suites[] = { 0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009e, 0x009f };
	struct buf_writer w;
	size_t rec, hs;

	buf_writer_init(&w, out, cap);
	buf_write_u8(&w, 22);          /* handshake record */
	buf_write_be16(&w, 0x0301);
	rec = mark(&w, 2);
	buf_write_u8(&w, 1);           /* ClientHello */
	hs = mark(&w, 3);
	buf_write_be16(&w, 0x0303);
	random32(&w);
	buf_write_u8(&w, 0);           /* no session id */
	buf_write_be16(&w, (uint16_t)(2 * (sizeof(suites) / sizeof(suites[0]))));
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		buf_write_be16(&w, suites[i]);
	buf_write_u8(&w, 1);
	buf_write_u8(&w, 0);           /* null compression */
	extensions_tls(&w, sni);
	patch_len(&w, hs, 3);
	patch_len(&w, rec, 2);
	return buf_writer_error(&w) ? 0 : w.len;
}

size_t probe_hello_dtls(uint8_t *out, size_t cap, uint16_t record_version,
			uint16_t hello_version, const uint8_t *sid, size_t sid_len,
			const uint16_t *suites, size_t n_suites)
{
	struct buf_writer w;
	size_t rec, hs, frag, body;

	buf_writer_init(&w, out, cap);
	buf_write_u8(&w, 22);
	buf_write_be16(&w, record_version);
	buf_write_be16(&w, 0);         /* epoch */
	mark(&w, 6);                   /* sequence number 0 */
	rec = mark(&w, 2);
	buf_write_u8(&w, 1);           /* ClientHello */
	hs = mark(&w, 3);
	buf_write_be16(&w, 0);         /* message_seq */
	mark(&w, 3);                   /* fragment_offset */
	frag = mark(&w, 3);
	body = w.len;
	buf_write_be16(&w, hello_version);
	random32(&w);
	buf_write_u8(&w, (uint8_t)sid_len);
	buf_write_bytes(&w, sid, sid_len);
	buf_write_u8(&w, 0);           /* no cookie */
	buf_write_be16(&w, (uint16_t)(2 * n_suites));
	for (size_t i = 0; i < n_suites; i++)
		buf_write_be16(&w, suites[i]);
	buf_write_u8(&w, 1);
	buf_write_u8(&w, 0);
	buf_write_be16(&w, 5);         /* extensions: renegotiation_info only */
	buf_write_be16(&w, 0xff01);
	buf_write_be16(&w, 1);
	buf_write_u8(&w, 0);
	if (!w.has_overflowed) {
		/* one fragment holding the whole body: both lengths are the body's */
		size_t blen = w.len - body;

		for (int i = 0; i < 3; i++) {
			w.data[hs + (size_t)i] = (uint8_t)(blen >> (8 * (2 - i)));
			w.data[frag + (size_t)i] = (uint8_t)(blen >> (8 * (2 - i)));
		}
	}
	patch_len(&w, rec, 2);
	return buf_writer_error(&w) ? 0 : w.len;
}
