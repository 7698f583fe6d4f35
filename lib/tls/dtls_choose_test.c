/* SPDX-License-Identifier: ISC */
/*
 * The CONNECT-header negotiation of PROTOCOL.md §8.2 against what the lab
 * saw: openconnect 9.01's two default lists (as ocserv logged them), and
 * ocserv 1.1.6's answers: PSK-NEGOTIATE when PSK is on (vectors/08);
 * X-DTLS12-CipherSuite: AES256-GCM-SHA384 for a TLS session in AES-256-GCM
 * with PSK off (vectors/09); AES256-SHA for --dtls-ciphers=AES256-SHA and
 * for an offer of AES256-SHA:AES128-SHA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

/* ocserv-loglevel4-dtls-psk.log: what openconnect 9.01 sent on CONNECT */
#define OC_LEGACY "PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC2-DTLS1_2-CHACHA20-POLY1305:" \
		  "OC-DTLS1_2-AES128-GCM:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA"
#define OC_DTLS12 "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384:" \
		  "AES128-GCM-SHA256:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA"

static struct tls_test_env env;

/* Views of a colon list, as lib/cstp's header parser hands them over. */
struct names {
	struct str_view items[16];
	size_t count;
};

static void split(struct names *out, const char *list)
{
	const char *p = list;

	out->count = 0;
	while (p != NULL && *p != '\0' && out->count < 16) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);

		out->items[out->count++] = (struct str_view){ p, n };
		p = colon ? colon + 1 : NULL;
	}
}

static int choose(struct dtls_choice *out, const struct dtls_policy *policy,
		  const char *legacy, const char *dtls12, const struct tls_conn *tls)
{
	struct names l, d;
	struct dtls_offer_view offer;

	split(&l, legacy);
	split(&d, dtls12);
	offer = (struct dtls_offer_view){ l.items, l.count, d.items, d.count };
	return dtls_choose(out, policy, &offer, tls);
}

static void open_tls(struct tls_pair *tp, const char *cipher)
{
	char prio[128];
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key };
	struct tls_client_config ccfg = { .ca_file = env.cert, .hostname = "vpn.example.test",
					  .priorities = prio };

	snprintf(prio, sizeof(prio), "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+%s", cipher);
	assert_int_equal(tls_test_pair_open(tp, &scfg, &ccfg), 0);
	assert_int_equal(tls_test_pair_handshake(tp), 0);
}

static const struct dtls_policy both = { .is_legacy_enabled = true, .is_psk_enabled = true };
static const struct dtls_policy legacy_only = { .is_legacy_enabled = true };

static void gateway_answers_like_ocserv(void **state)
{
	struct dtls_choice ch;
	struct tls_pair tp;

	(void)state;
	open_tls(&tp, "AES-256-GCM");
	assert_int_equal(choose(&ch, &both, OC_LEGACY, OC_DTLS12, tp.s), 0);
	assert_int_equal(ch.mode, DTLS_MODE_PSK);
	assert_int_equal(ch.header, DTLS_LIST_LEGACY);
	assert_string_equal(ch.name, "PSK-NEGOTIATE");
	assert_null(ch.suite);

	assert_int_equal(choose(&ch, &legacy_only, OC_LEGACY, OC_DTLS12, tp.s), 0);
	assert_int_equal(ch.mode, DTLS_MODE_RESUME);
	assert_int_equal(ch.header, DTLS_LIST_DTLS12);
	assert_string_equal(ch.name, "AES256-GCM-SHA384");
	assert_string_equal(dtls_suite_name(ch.suite), "AES256-GCM-SHA384");

	assert_int_equal(choose(&ch, &both, "AES256-SHA", "", tp.s), 0);
	assert_int_equal(ch.header, DTLS_LIST_LEGACY);
	assert_string_equal(ch.name, "AES256-SHA");
	assert_false(dtls_suite_is_dtls12(ch.suite));
	assert_int_equal(choose(&ch, &both, "AES256-SHA:AES128-SHA", "", tp.s), 0);
	assert_string_equal(ch.name, "AES256-SHA");
	assert_int_equal(choose(&ch, &both, "AES128-SHA:AES256-SHA", "", NULL), 0);
	assert_string_equal(ch.name, "AES256-SHA");
	tls_test_pair_close(&tp);
}

/* Within a list the CSTP session's cipher and MAC come first, then priority. */
static void tls_cipher_is_preferred(void **state)
{
	struct dtls_choice ch;
	struct tls_pair tp;

	(void)state;
	open_tls(&tp, "AES-128-GCM");
	assert_int_equal(choose(&ch, &legacy_only, OC_LEGACY, OC_DTLS12, tp.s), 0);
	assert_string_equal(ch.name, "ECDHE-RSA-AES128-GCM-SHA256");
	assert_int_equal(choose(&ch, &legacy_only, OC_LEGACY, "", tp.s), 0);
	assert_string_equal(ch.name, "OC-DTLS1_2-AES128-GCM");
	assert_int_equal(choose(&ch, &legacy_only, OC_LEGACY, OC_DTLS12, NULL), 0);
	assert_string_equal(ch.name, "AES256-GCM-SHA384");
	tls_test_pair_close(&tp);
	open_tls(&tp, "AES-128-CBC:-MAC-ALL:+SHA1");
	assert_int_equal(choose(&ch, &legacy_only, OC_LEGACY, "", tp.s), 0);
	assert_string_equal(ch.name, "AES128-SHA");
	tls_test_pair_close(&tp);
}

static void nothing_to_choose(void **state)
{
	struct dtls_choice ch;
	const struct dtls_policy off = { 0 };
	const struct dtls_policy weak = { .is_legacy_enabled = true, .is_weak_allowed = true };

	(void)state;
	assert_int_equal(choose(&ch, &off, OC_LEGACY, OC_DTLS12, NULL), VPN_ERR_NOT_FOUND);
	assert_int_equal(ch.mode, DTLS_MODE_NONE);
	/* PSK offered but off, legacy on: a legacy suite */
	assert_int_equal(choose(&ch, &legacy_only, "PSK-NEGOTIATE:AES128-SHA", "", NULL), 0);
	assert_string_equal(ch.name, "AES128-SHA");
	assert_int_equal(choose(&ch, &legacy_only, "PSK-NEGOTIATE", "", NULL), VPN_ERR_NOT_FOUND);
	assert_int_equal(choose(&ch, &both, "DHE-RSA-AES256-SHA:OC2-DTLS1_2-CHACHA20-POLY1305",
				"", NULL), VPN_ERR_NOT_FOUND);
	/* PSK-NEGOTIATE means nothing in the DTLS12 header; names are case-sensitive */
	assert_int_equal(choose(&ch, &both, "", "PSK-NEGOTIATE:aes256-gcm-sha384", NULL),
			 VPN_ERR_NOT_FOUND);
	assert_int_equal(choose(&ch, &legacy_only, "DES-CBC3-SHA", "", NULL), VPN_ERR_NOT_FOUND);
	assert_int_equal(choose(&ch, &weak, "DES-CBC3-SHA", "", NULL), 0);
	assert_string_equal(ch.name, "DES-CBC3-SHA");
	assert_int_equal(choose(&ch, &weak, "DES-CBC3-SHA:AES128-SHA", "", NULL), 0);
	assert_string_equal(ch.name, "AES128-SHA");
}

static void client_offers(void **state)
{
	struct dtls_offer o;

	(void)state;
	assert_int_equal(dtls_offer_build(&o, NULL, NULL), 0);
	assert_string_equal(o.legacy, "PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES128-GCM:"
				      "AES256-SHA:AES128-SHA");
	assert_string_equal(o.dtls12, "AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
				      "ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:AES256-SHA:"
				      "DHE-RSA-AES256-SHA:AES128-SHA:DHE-RSA-AES128-SHA");
	/* openconnect --dtls-ciphers=AES256-SHA: that list alone, no DTLS12 header */
	assert_int_equal(dtls_offer_build(&o, "AES256-SHA", NULL), 0);
	assert_string_equal(o.legacy, "AES256-SHA");
	assert_string_equal(o.dtls12, "");
	assert_int_equal(dtls_offer_build(&o, NULL, "AES128-GCM-SHA256"), 0);
	assert_string_equal(o.legacy, "");
	assert_string_equal(o.dtls12, "AES128-GCM-SHA256");
	assert_int_equal(dtls_offer_build(&o, "DES-CBC3-SHA:PSK-NEGOTIATE", "AES128-SHA"), 0);
	assert_string_equal(o.legacy, "DES-CBC3-SHA:PSK-NEGOTIATE");
	assert_int_equal(dtls_offer_build(&o, "AES256-SHA:OC2-DTLS1_2-CHACHA20-POLY1305", NULL),
			 VPN_ERR_NOT_FOUND);
	assert_string_equal(o.legacy, "");
	assert_int_equal(dtls_offer_build(&o, NULL, "PSK-NEGOTIATE"), VPN_ERR_NOT_FOUND);
	assert_int_equal(dtls_offer_build(&o, "AES256-SHA::AES128-SHA", NULL), VPN_ERR_INVALID);
	assert_int_equal(dtls_offer_build(&o, "", NULL), VPN_ERR_INVALID);
	assert_int_equal(dtls_offer_build(&o, "AES256-SHA:", NULL), VPN_ERR_INVALID);
}

static void long_offer_is_refused(void **state)
{
	char list[2048] = "AES256-SHA";
	struct dtls_offer o;

	(void)state;
	while (strlen(list) < DTLS_OFFER_MAX)
		strcat(list, ":AES256-SHA");
	assert_int_equal(dtls_offer_build(&o, list, NULL), VPN_ERR_INVALID);
	assert_string_equal(o.legacy, "");
}

static void client_reads_answers(void **state)
{
	struct dtls_choice ch;
	struct dtls_offer o, narrow;
	struct str_view none = { NULL, 0 };

	(void)state;
	assert_int_equal(dtls_offer_build(&o, NULL, NULL), 0);
	/* vectors/08 */
	assert_int_equal(dtls_answer_read(&ch, &o, str_view_of("PSK-NEGOTIATE"), none), 0);
	assert_int_equal(ch.mode, DTLS_MODE_PSK);
	/* vectors/09 */
	assert_int_equal(dtls_answer_read(&ch, &o, none, str_view_of("AES256-GCM-SHA384")), 0);
	assert_int_equal(ch.mode, DTLS_MODE_RESUME);
	assert_int_equal(ch.header, DTLS_LIST_DTLS12);
	assert_int_equal(dtls_suite_code(ch.suite), 0x009D);
	assert_true(dtls_suite_is_dtls12(ch.suite));
	assert_int_equal(dtls_answer_read(&ch, &o, str_view_of("AES256-SHA"), none), 0);
	assert_false(dtls_suite_is_dtls12(ch.suite));
	assert_int_equal(dtls_answer_read(&ch, &o, none, none), VPN_ERR_NOT_FOUND);
	assert_int_equal(ch.mode, DTLS_MODE_NONE);
	assert_int_equal(dtls_answer_read(&ch, &o, str_view_of("AES256-GCM-SHA384"), none),
			 VPN_ERR_INVALID);
	assert_int_equal(dtls_answer_read(&ch, &o, str_view_of("AES256"), none), VPN_ERR_INVALID);
	assert_int_equal(dtls_answer_read(&ch, &o, str_view_of("DES-CBC3-SHA"), none),
			 VPN_ERR_INVALID);
	assert_int_equal(dtls_offer_build(&narrow, "AES256-SHA", NULL), 0);
	assert_int_equal(dtls_answer_read(&ch, &narrow, str_view_of("PSK-NEGOTIATE"), none),
			 VPN_ERR_INVALID);
	assert_int_equal(dtls_answer_read(&ch, &narrow, none, str_view_of("AES256-GCM-SHA384")),
			 VPN_ERR_INVALID);
}

/* What our gateway chooses, our client reads back as the same suite. */
static void choice_round_trips(void **state)
{
	const struct dtls_policy policies[] = { both, legacy_only };
	struct dtls_choice gw, cl;
	struct dtls_offer o;
	struct names l, d;

	(void)state;
	assert_int_equal(dtls_offer_build(&o, NULL, NULL), 0);
	for (size_t i = 0; i < 2; i++) {
		struct dtls_offer_view view;
		struct str_view legacy = { NULL, 0 }, dtls12 = { NULL, 0 };

		split(&l, o.legacy);
		split(&d, o.dtls12);
		view = (struct dtls_offer_view){ l.items, l.count, d.items, d.count };
		assert_int_equal(dtls_choose(&gw, &policies[i], &view, NULL), 0);
		if (gw.header == DTLS_LIST_DTLS12)
			dtls12 = str_view_of(gw.name);
		else
			legacy = str_view_of(gw.name);
		assert_int_equal(dtls_answer_read(&cl, &o, legacy, dtls12), 0);
		assert_int_equal(cl.mode, gw.mode);
		assert_ptr_equal(cl.suite, gw.suite);
	}
	assert_string_equal(dtls_mode_name(DTLS_MODE_PSK), "psk");
	assert_string_equal(dtls_mode_name(DTLS_MODE_RESUME), "resume");
	assert_string_equal(dtls_mode_name(DTLS_MODE_NONE), "none");
}

static int setup(void **state)
{
	(void)state;
	return tls_test_env_init(&env, "vpn.example.test");
}

static int teardown(void **state)
{
	(void)state;
	tls_test_env_cleanup(&env);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gateway_answers_like_ocserv),
		cmocka_unit_test(tls_cipher_is_preferred),
		cmocka_unit_test(nothing_to_choose),
		cmocka_unit_test(client_offers),
		cmocka_unit_test(long_offer_is_refused),
		cmocka_unit_test(client_reads_answers),
		cmocka_unit_test(choice_round_trips),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
