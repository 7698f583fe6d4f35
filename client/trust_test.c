/* SPDX-License-Identifier: ISC */
/*
 * The certificate SHA-1 is the one ocserv 1.1.6 put in its webvpnc cookie
 * (sh:EBE6FA7C...) in the captured complete answer. The key pin is
 * SHA-256("vpnlab server key") computed with Python's hashlib, written as
 * base64 (the pin) and as hex (the sha256: form), so the two forms are
 * checked against each other, not against this code's own conversion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "client/trust.h"

#define PIN "pin-sha256:1aKm2a2PvEpT+cIV5RVuJVarOWTyOzMVyWNUkuzvtNQ="
#define PIN_HEX "d5a2a6d9ad8fbc4a53f9c215e5156e2556ab3964f23b3315c9635492ecefb4d4"
#define SHA1 "EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF"

static struct tls_peer peer(bool is_trusted)
{
	struct tls_peer p;

	memset(&p, 0, sizeof(p));
	p.is_trusted = is_trusted;
	strcpy(p.pin, PIN);
	strcpy(p.sha1, SHA1);
	if (!is_trusted)
		strcpy(p.reason, "The certificate issuer is unknown.");
	return p;
}

static void pin_forms(void **state)
{
	struct tls_peer p = peer(false);

	(void)state;
	assert_true(trust_pin_matches(&p, PIN));
	assert_false(trust_pin_matches(&p, "pin-sha256:1aKm2a2PvEpT+cIV5RVuJVarOWTyOzMVyWNUkuzvtNQ"));
	assert_false(trust_pin_matches(&p, "pin-sha256:1AKM2A2PVEPT+CIV5RVUJVAROWTYOZMVYWNUKUZVTNQ="));
	assert_true(trust_pin_matches(&p, "sha256:" PIN_HEX));
	assert_true(trust_pin_matches(&p, "SHA256:D5A2A6D9AD8FBC4A53F9C215E5156E2556AB3964F23B3315C9635492ECEFB4D4"));
	assert_true(trust_pin_matches(&p, "sha256:d5a2"));
	assert_false(trust_pin_matches(&p, "sha256:d5a"));
	assert_false(trust_pin_matches(&p, "sha256:d5a3"));
	assert_true(trust_pin_matches(&p, SHA1));
	assert_true(trust_pin_matches(&p, "ebe6fa7c144165d9a6a68fba4abfc7b40be844cf"));
	assert_true(trust_pin_matches(&p, "ebe6"));
	assert_false(trust_pin_matches(&p, "ebe"));
	assert_false(trust_pin_matches(&p, "EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF00"));
	assert_false(trust_pin_matches(&p, "zzzz"));
	assert_false(trust_pin_matches(&p, "sha1:EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF"));
	assert_false(trust_pin_is_supported("sha1:00"));
	assert_true(trust_pin_is_supported(PIN));
}

static void servercert_replaces_system_trust(void **state)
{
	struct tls_peer trusted = peer(true);
	struct tls_peer untrusted = peer(false);
	const char *right[] = { "pin-sha256:AAAA", PIN };
	const char *wrong[] = { "pin-sha256:1aKm2a2PvEpT+cIV5RVuJVarOWTyOzMVyWNUkuzvtNA=" };

	(void)state;
	assert_int_equal(trust_check(&untrusted, right, 2, false), TRUST_ACCEPT);
	assert_int_equal(trust_check(&untrusted, wrong, 1, false), TRUST_REFUSE_PIN);
	/* a pin that does not match refuses even a certificate the system trusts */
	assert_int_equal(trust_check(&trusted, wrong, 1, false), TRUST_REFUSE_PIN);
	/* and remembering does not override an explicit pin */
	assert_int_equal(trust_check(&untrusted, wrong, 1, true), TRUST_REFUSE_PIN);
}

static void without_pins(void **state)
{
	struct tls_peer trusted = peer(true);
	struct tls_peer untrusted = peer(false);

	(void)state;
	assert_int_equal(trust_check(&trusted, NULL, 0, false), TRUST_ACCEPT);
	assert_int_equal(trust_check(&untrusted, NULL, 0, false), TRUST_ASK);
	assert_int_equal(trust_check(&untrusted, NULL, 0, true), TRUST_ACCEPT_REMEMBERED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pin_forms),
		cmocka_unit_test(servercert_replaces_system_trust),
		cmocka_unit_test(without_pins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
