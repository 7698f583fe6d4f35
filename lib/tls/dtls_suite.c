/* SPDX-License-Identifier: ISC */
/*
 * The DTLS suite names of the CONNECT negotiation (PROTOCOL.md §8.2) and
 * what GnuTLS needs to resume each one: version, key exchange, cipher, MAC
 * and a priority string that allows exactly that suite.
 *
 * Because these sessions are resumed, never negotiated, the key-exchange
 * part of a name changes only the suite number in the ServerHello; both
 * sides must still agree on it, so each row names its own.
 */
#include <string.h>

#include "lib/tls/tls_internal.h"

#define DTLS09(cipher) "NONE:+VERS-DTLS0.9:+COMP-NULL:+" cipher ":+SHA1:+RSA:%COMPAT"
/* Encrypt-then-MAC would change the record format Cisco peers expect. */
#define DTLS12(cipher, mac, kx) \
	"NONE:+VERS-DTLS1.2:+COMP-NULL:+" cipher ":+" mac ":+" kx \
	":+SIGN-ALL:+GROUP-ALL:%COMPAT:%NO_ETM"

/*
 * Server priorities: legacy names first, then the DTLS12 list; the numbers
 * are ocserv's where it has them (AES256-GCM 90 > AES128-GCM 80 > AES256-SHA
 * 60 > AES128-SHA 50 > 3DES 1; AES256-GCM-SHA384 90 > ECDHE-AES256 80 >
 * ECDHE-AES128 70 > AES128-GCM-SHA256 50) and ours for the CBC suites ocserv
 * does not accept in the DTLS12 list.
 */
static const struct dtls_suite suites[] = {
	{ "OC-DTLS1_2-AES256-GCM", DTLS_LIST_LEGACY, 0x009D, 90, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_GCM, GNUTLS_MAC_AEAD,
	  DTLS12("AES-256-GCM", "AEAD", "RSA") },
	{ "OC-DTLS1_2-AES128-GCM", DTLS_LIST_LEGACY, 0x009C, 80, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_GCM, GNUTLS_MAC_AEAD,
	  DTLS12("AES-128-GCM", "AEAD", "RSA") },
	{ "AES256-SHA", DTLS_LIST_LEGACY, 0x0035, 60, false, GNUTLS_DTLS0_9,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_CBC, GNUTLS_MAC_SHA1, DTLS09("AES-256-CBC") },
	{ "AES128-SHA", DTLS_LIST_LEGACY, 0x002F, 50, false, GNUTLS_DTLS0_9,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_CBC, GNUTLS_MAC_SHA1, DTLS09("AES-128-CBC") },
	/* 64-bit blocks (Sweet32): only for a peer that names it */
	{ "DES-CBC3-SHA", DTLS_LIST_LEGACY, 0x000A, 1, true, GNUTLS_DTLS0_9,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_3DES_CBC, GNUTLS_MAC_SHA1, DTLS09("3DES-CBC") },

	{ "AES256-GCM-SHA384", DTLS_LIST_DTLS12, 0x009D, 90, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_GCM, GNUTLS_MAC_AEAD,
	  DTLS12("AES-256-GCM", "AEAD", "RSA") },
	{ "ECDHE-RSA-AES256-GCM-SHA384", DTLS_LIST_DTLS12, 0xC030, 80, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_ECDHE_RSA, GNUTLS_CIPHER_AES_256_GCM, GNUTLS_MAC_AEAD,
	  DTLS12("AES-256-GCM", "AEAD", "ECDHE-RSA") },
	{ "ECDHE-RSA-AES128-GCM-SHA256", DTLS_LIST_DTLS12, 0xC02F, 70, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_ECDHE_RSA, GNUTLS_CIPHER_AES_128_GCM, GNUTLS_MAC_AEAD,
	  DTLS12("AES-128-GCM", "AEAD", "ECDHE-RSA") },
	{ "AES128-GCM-SHA256", DTLS_LIST_DTLS12, 0x009C, 50, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_GCM, GNUTLS_MAC_AEAD,
	  DTLS12("AES-128-GCM", "AEAD", "RSA") },
	{ "AES256-SHA", DTLS_LIST_DTLS12, 0x0035, 40, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_CBC, GNUTLS_MAC_SHA1,
	  DTLS12("AES-256-CBC", "SHA1", "RSA") },
	{ "DHE-RSA-AES256-SHA", DTLS_LIST_DTLS12, 0x0039, 35, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_DHE_RSA, GNUTLS_CIPHER_AES_256_CBC, GNUTLS_MAC_SHA1,
	  DTLS12("AES-256-CBC", "SHA1", "DHE-RSA") },
	{ "AES128-SHA", DTLS_LIST_DTLS12, 0x002F, 30, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_CBC, GNUTLS_MAC_SHA1,
	  DTLS12("AES-128-CBC", "SHA1", "RSA") },
	{ "DHE-RSA-AES128-SHA", DTLS_LIST_DTLS12, 0x0033, 25, false, GNUTLS_DTLS1_2,
	  GNUTLS_KX_DHE_RSA, GNUTLS_CIPHER_AES_128_CBC, GNUTLS_MAC_SHA1,
	  DTLS12("AES-128-CBC", "SHA1", "DHE-RSA") },
};

#define SUITE_COUNT (sizeof(suites) / sizeof(suites[0]))

const char *dtls_mode_name(enum dtls_mode mode)
{
	switch (mode) {
	case DTLS_MODE_RESUME:
		return "resume";
	case DTLS_MODE_PSK:
		return "psk";
	default:
		return "none";
	}
}

const struct dtls_suite *dtls_suite_find(enum dtls_list list, struct str_view name)
{
	for (size_t i = 0; i < SUITE_COUNT; i++)
		if (suites[i].list == list && name.ptr != NULL && str_view_eq(name, suites[i].name))
			return &suites[i];
	return NULL;
}

const struct dtls_suite *dtls_suite_at(size_t i)
{
	return i < SUITE_COUNT ? &suites[i] : NULL;
}

const char *dtls_suite_name(const struct dtls_suite *s)
{
	return s->name;
}

enum dtls_list dtls_suite_list(const struct dtls_suite *s)
{
	return s->list;
}

bool dtls_suite_is_dtls12(const struct dtls_suite *s)
{
	return s->version == GNUTLS_DTLS1_2;
}

uint16_t dtls_suite_code(const struct dtls_suite *s)
{
	return s->code;
}
