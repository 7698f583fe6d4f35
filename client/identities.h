/* SPDX-License-Identifier: ISC */
/*
 * The client's identities as lib/tls takes them, from the options: each
 * --certificate with the --sslkey in the same position; a directory stands
 * for the certificates in it (*.p12 and *.pfx alone; *.pem, *.crt and *.cer
 * with NAME-key.pem or NAME.key beside them when present), in name order.
 * Which one a gateway gets is decided per handshake (PROTOCOL.md §1.3).
 */
#ifndef CLIENT_IDENTITIES_H
#define CLIENT_IDENTITIES_H

#include <stddef.h>

#include "lib/tls/tls.h"

struct options;

/* Owns the paths it made for directory entries; borrows the options' strings. */
struct identities {
	struct tls_identity list[TLS_IDENTITIES_MAX];
	size_t n;
	char *owned[3 * TLS_IDENTITIES_MAX];  /* a certificate and two key guesses each */
	size_t n_owned;
};

/*
 * Fills out from o. 0; VPN_ERR_TOO_BIG past TLS_IDENTITIES_MAX; VPN_ERR_IO
 * when a directory cannot be read; VPN_ERR_INVALID for more --sslkey than
 * --certificate. why (when not NULL) names the culprit on failure.
 */
int identities_collect(struct identities *out, const struct options *o, const char **why);
void identities_cleanup(struct identities *ids);

#endif
