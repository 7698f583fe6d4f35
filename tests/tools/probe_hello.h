/* SPDX-License-Identifier: ISC */
/*
 * Hand-built ClientHellos: the probe needs hellos it can cut short, send to
 * the wrong place or repeat, which a TLS library will not produce.
 */
#ifndef PROBE_HELLO_H
#define PROBE_HELLO_H

#include <stddef.h>
#include <stdint.h>

/*
 * A complete TLS record with a ClientHello a TLS 1.2 server accepts (ECDHE
 * GCM suites, SNI, groups, signature algorithms). The length, 0 if cap is
 * too small.
 */
size_t probe_hello_tls(uint8_t *out, size_t cap, const char *sni);

/*
 * A DTLS ClientHello datagram as openconnect sends it (PROTOCOL.md §8.3 and
 * §8.5): record version, hello version, the 32-byte random, session_id =
 * sid (the App-ID or Session-ID that names the session), the suites given.
 */
size_t probe_hello_dtls(uint8_t *out, size_t cap, uint16_t record_version,
			uint16_t hello_version, const uint8_t *sid, size_t sid_len,
			const uint16_t *suites, size_t n_suites);

#endif
