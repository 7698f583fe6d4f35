/* SPDX-License-Identifier: ISC */
/*
 * Whether to go on talking to a gateway, from what the TLS handshake found
 * (lib/tls: chain and host name check, key pin, certificate SHA-1), the
 * --servercert pins and what the user accepted before. Pure decisions; the
 * caller asks the user and stores the answer (client/prefs.h).
 *
 * Policy (openconnect's and AnyConnect's): with --servercert only a
 * matching certificate is accepted, trusted or not; otherwise a trusted
 * certificate is accepted, an untrusted one the user accepted before is
 * accepted with a warning every time, and any other is refused unless the
 * user accepts it now.
 */
#ifndef CLIENT_TRUST_H
#define CLIENT_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/tls/tls.h"

enum trust_decision {
	TRUST_ACCEPT,            /* validated, or matches --servercert */
	TRUST_ACCEPT_REMEMBERED, /* untrusted, accepted by the user earlier: warn */
	TRUST_ASK,               /* untrusted and unknown: ask, or refuse if we may not */
	TRUST_REFUSE_PIN,        /* --servercert given and none matches */
};

/*
 * Whether pin (any form --servercert takes) names this certificate:
 * "pin-sha256:BASE64" (exact), "sha256:HEX" (of the public key), or bare
 * HEX (SHA-1 of the DER certificate). Hex compares case-insensitively and,
 * as in openconnect, may be shortened to no fewer than 4 digits.
 * "sha1:HEX" (SHA-1 of the public key) never matches: lib/tls does not
 * report that hash, and trust_pin_is_supported() says so up front.
 */
bool trust_pin_matches(const struct tls_peer *peer, const char *pin);
bool trust_pin_is_supported(const char *pin);

enum trust_decision trust_check(const struct tls_peer *peer, const char *const *pins,
				size_t pin_count, bool is_remembered);

#endif
