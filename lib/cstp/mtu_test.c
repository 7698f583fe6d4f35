/* SPDX-License-Identifier: ISC */
/*
 * MTU figures observed between openconnect 9.01 and ocserv 1.1.6 (veth MTU
 * 1500, IPv4 outer, TLS 1.2 AES-256-GCM, ocserv "mtu" unset), PROTOCOL.md
 * §6.5 table. Each row: what oc sent for a --base-mtu, what ocserv answered
 * in PSK mode, with X-DTLS12 AES256-GCM-SHA384, and with AES256-SHA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/cstp/mtu.h"

struct row {
	unsigned oc_option;   /* --base-mtu given to openconnect; 0: none (pmtu 1500) */
	unsigned oc_base;     /* X-CSTP-Base-MTU it sent */
	unsigned oc_mtu;      /* X-CSTP-MTU it sent */
	unsigned psk_gcm;     /* ocserv X-CSTP-MTU in PSK mode */
	unsigned dtls12_gcm;  /* ocserv X-DTLS-MTU = X-CSTP-MTU, AES256-GCM-SHA384; 0: not run */
	unsigned aes256_sha;  /* ocserv X-DTLS-MTU = X-CSTP-MTU, AES256-SHA; 0: not run */
};

static const struct row observed[] = {
	{ 0, 1500, 1390, 1434, 1434, 1406 },
	{ 1400, 1400, 1290, 1334, 1334, 0 },
	{ 1300, 1300, 1190, 1234, 1234, 0 },
	{ 1280, 1280, 1170, 1214, 1214, 0 },
	{ 1200, 1280, 1170, 1214, 0, 0 },
};

static void client_request(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(observed) / sizeof(observed[0]); i++) {
		const struct row *r = &observed[i];
		/* With no option oc took TCP_INFO's path MTU, 1500 on the veth. */
		unsigned base = cstp_mtu_client_base(r->oc_option ? r->oc_option : 1500);

		assert_int_equal(base, r->oc_base);
		assert_int_equal(cstp_mtu_client_request(base, AF_INET), r->oc_mtu);
	}
	assert_int_equal(cstp_mtu_client_base(0), 1406);
}

static void gateway_answers(void **state)
{
	struct cstp_mtu_cipher gcm, dtls12, legacy;

	(void)state;
	cstp_mtu_cipher_of_alg(&gcm, CSTP_MTU_ALG_AES_GCM); /* the TLS session's cipher */
	assert_int_equal(cstp_mtu_cipher_of_name(&dtls12, "AES256-GCM-SHA384", 17), 0);
	assert_int_equal(cstp_mtu_cipher_of_name(&legacy, "AES256-SHA", 10), 0);
	for (size_t i = 0; i < sizeof(observed) / sizeof(observed[0]); i++) {
		const struct row *r = &observed[i];
		/* ocserv echoed the client's base as X-CSTP-Base-MTU. */
		unsigned link = cstp_mtu_gateway_link(0, r->oc_base, r->oc_mtu, AF_INET, 0);

		assert_int_equal(link, r->oc_base);
		assert_int_equal(cstp_mtu_gateway_dtls(link, AF_INET, &gcm), r->psk_gcm);
		if (r->dtls12_gcm)
			assert_int_equal(cstp_mtu_gateway_dtls(link, AF_INET, &dtls12),
					 r->dtls12_gcm);
		if (r->aes256_sha)
			assert_int_equal(cstp_mtu_gateway_dtls(link, AF_INET, &legacy),
					 r->aes256_sha);
	}
}

/* ocserv logged "DTLS overhead is 66" (GCM) and 94 (AES256-SHA), IPv4 and
 * UDP headers included. */
static void logged_overheads(void **state)
{
	struct cstp_mtu_cipher c;

	(void)state;
	assert_int_equal(cstp_mtu_cipher_of_name(&c, "OC-DTLS1_2-AES256-GCM", 21), 0);
	assert_int_equal(cstp_mtu_udp_ip_overhead(AF_INET) + cstp_mtu_dtls_overhead(&c), 66);
	assert_int_equal(cstp_mtu_cipher_of_name(&c, "AES256-SHA", 10), 0);
	assert_int_equal(cstp_mtu_udp_ip_overhead(AF_INET) + cstp_mtu_dtls_overhead(&c), 94);
}

/* oc's PSK data MTU matched the gateway's figure after the handshake. */
static void client_psk(void **state)
{
	struct cstp_mtu_cipher gcm;

	(void)state;
	cstp_mtu_cipher_of_alg(&gcm, CSTP_MTU_ALG_AES_GCM);
	for (size_t i = 0; i < sizeof(observed) / sizeof(observed[0]); i++) {
		const struct row *r = &observed[i];

		assert_int_equal(cstp_mtu_client_psk(r->oc_base, AF_INET, &gcm, 0), r->psk_gcm);
		assert_int_equal(cstp_mtu_client_psk(r->oc_base, AF_INET, &gcm, r->psk_gcm),
				 r->psk_gcm);
	}
	/* A gateway figure below the DTLS one caps it. */
	assert_int_equal(cstp_mtu_client_psk(1500, AF_INET, &gcm, 1400), 1400);
}

static void names(void **state)
{
	struct cstp_mtu_cipher c;

	(void)state;
	assert_int_equal(cstp_mtu_cipher_of_name(&c, "PSK-NEGOTIATE", 13), VPN_ERR_NOT_FOUND);
	assert_int_equal(cstp_mtu_cipher_of_name(&c, "AES256-SH", 9), VPN_ERR_NOT_FOUND);
	assert_int_equal(cstp_mtu_cipher_of_name(&c, "ECDHE-RSA-AES128-GCM-SHA256", 27), 0);
	assert_int_equal(c.iv_len + c.mac_len + c.block_len, 24);
	assert_int_equal(cstp_mtu_cipher_of_name(&c, "DES-CBC3-SHA", 12), 0);
	assert_int_equal(c.block_len, 8);
}

/*
 * Not observed in the lab; these follow the overheads listed in §6.5:
 * IPv6 outer costs 20 more, an old client that sends only X-CSTP-MTU has
 * its link worked back with AES-128-CBC-SHA1's 66, and the ASA-style TLS
 * figure for TLS 1.2 AES-GCM is 1500 - 20 - 20 - (5 + 8 + 16) - 8.
 */
static void formulas(void **state)
{
	struct cstp_mtu_cipher gcm;

	(void)state;
	cstp_mtu_cipher_of_alg(&gcm, CSTP_MTU_ALG_AES_GCM);
	assert_int_equal(cstp_mtu_client_request(1500, AF_INET6), 1370);
	assert_int_equal(cstp_mtu_gateway_dtls(1500, AF_INET6, &gcm), 1414);
	assert_int_equal(cstp_mtu_gateway_link(0, 0, 1390, AF_INET, 0), 1484);
	assert_int_equal(cstp_mtu_gateway_link(1400, 1500, 1390, AF_INET, 0), 1400);
	/* A Base-MTU under the IPv6 minimum is ignored when IPv6 rides inside. */
	assert_int_equal(cstp_mtu_gateway_link(0, 1000, 0, AF_INET, 1), 1500);
	assert_int_equal(cstp_mtu_gateway_link(0, 1000, 0, AF_INET, 0), 1000);
	assert_int_equal(cstp_mtu_gateway_tls(1500, AF_INET, &gcm), 1423);
	assert_int_equal(cstp_mtu_gateway_dtls(60, AF_INET, &gcm), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_request),
		cmocka_unit_test(gateway_answers),
		cmocka_unit_test(logged_overheads),
		cmocka_unit_test(client_psk),
		cmocka_unit_test(names),
		cmocka_unit_test(formulas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
