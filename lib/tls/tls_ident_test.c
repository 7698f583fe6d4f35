/* SPDX-License-Identifier: ISC */
/*
 * Client identities and the gateway's check of them, over socketpairs with a
 * PKI certtool makes: three CAs, a user under each, a revoked and an expired
 * one, a PKCS#12 file with a passphrase. What the gateway sees is what
 * certtool wrote (names, e-mail, UID), not what our code produced.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/err.h"
#include "lib/tls/tls.h"
#include "lib/tls/tls_test_util.h"

#define OID_OU "2.5.4.11"
#define OID_UID "0.9.2342.19200300.100.1.1"
#define P12_PASS "p12-secret"

static char dir[64];

/* CA NAME CN; USER NAME CA EXTRA-TEMPLATE-LINES */
static const char pki_script[] =
	"set -e; cd \"$1\"\n"
	"key() { certtool --generate-privkey --key-type ecdsa --curve secp256r1 --no-text"
	" --outfile $1-key.pem 2>/dev/null; }\n"
	"ca() { key $1; printf 'cn = \"%s\"\\nca\\ncert_signing_key\\ncrl_signing_key\\n"
	"activation_date = \"2019-01-01 00:00:00\"\\n"
	"expiration_date = \"2040-01-01 00:00:00\"\\n' \"$2\" >$1.tmpl;"
	" certtool --generate-self-signed --no-text --load-privkey $1-key.pem"
	" --template $1.tmpl --outfile $1.pem 2>/dev/null; }\n"
	"user() { key $1; printf '%s\\ntls_www_client\\nsigning_key\\n' \"$3\" >$1.tmpl;"
	" certtool --generate-certificate --no-text --load-privkey $1-key.pem"
	" --load-ca-certificate $2.pem --load-ca-privkey $2-key.pem"
	" --template $1.tmpl --outfile $1.pem 2>/dev/null; }\n"
	"ca ca1 'CA one'; ca ca2 'CA two'; ca ca3 'CA three'; ca ca4 'CA four'\n"
	"user alice ca1 'cn = \"alice\"\nunit = \"engineering\"\nuid = \"alice-uid\"\n"
	"email = \"alice@example.test\"\nexpiration_days = 30'\n"
	"user bob ca2 'cn = \"bob\"\nexpiration_days = 30'\n"
	"user carol ca3 'cn = \"carol\"\nexpiration_days = 30'\n"
	"user mallory ca1 'cn = \"mallory\"\nexpiration_days = 30'\n"
	"user old ca1 'cn = \"old\"\nactivation_date = \"2020-01-01 00:00:00\"\n"
	"expiration_date = \"2020-02-01 00:00:00\"'\n"
	"printf 'crl_next_update = 30\\ncrl_number = 7\\n' >crl.tmpl\n"
	"certtool --generate-crl --no-text --load-ca-privkey ca1-key.pem"
	" --load-ca-certificate ca1.pem --load-certificate mallory.pem --template crl.tmpl"
	" --outfile crl1.pem 2>/dev/null\n"
	"certtool --to-p12 --outder --load-privkey bob-key.pem --load-certificate bob.pem"
	" --p12-name bob --password " P12_PASS " --outfile bob.p12 2>/dev/null\n";

/* A file of the PKI; the ring is larger than any one test's live paths. */
static const char *path(const char *name)
{
	static char bufs[64][128];
	static unsigned next;
	char *p = bufs[next++ % 64];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

static int setup(void **state)
{
	char cmd[256];
	FILE *sh;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sslgate-ident-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* read when GnuTLS first loads the PKCS#11 modules, after this */
	snprintf(cmd, sizeof(cmd), "%s/softhsm2.conf", dir);
	setenv("SOFTHSM2_CONF", cmd, 1);
	if (tls_global_init() != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "sh -s %s", dir);
	sh = popen(cmd, "w");
	if (sh == NULL)
		return -1;
	fputs(pki_script, sh);
	return pclose(sh) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	tls_global_cleanup();
	return system(cmd) == 0 ? 0 : -1;
}

/* A gateway trusting ca (with crl), a client with the given identities. */
static void connect_with(const char *ca, const char *crl, const struct tls_identity *ids,
			 size_t n, struct tls_pair *p, struct tls_client_cert *out)
{
	char srv[128], srv_key[128];
	struct tls_server_config scfg = { 0 };
	struct tls_client_config ccfg = { .identities = ids, .n_identities = n,
					  .key_password = P12_PASS };

	snprintf(srv, sizeof(srv), "%s", path("carol.pem"));
	snprintf(srv_key, sizeof(srv_key), "%s", path("carol-key.pem"));
	scfg.cert_file = srv;
	scfg.key_file = srv_key;
	scfg.ca_file = ca;
	scfg.crl_file = crl;
	ccfg.ca_file = srv;
	assert_int_equal(tls_test_pair_open(p, &scfg, &ccfg), 0);
	assert_int_equal(tls_test_pair_handshake(p), 0);
	assert_int_equal(tls_conn_client_cert(p->s, OID_UID, OID_OU, out), 0);
}

static struct tls_identity three[3];

static void set_three(void)
{
	three[0] = (struct tls_identity){ strdup(path("alice.pem")), strdup(path("alice-key.pem")) };
	three[1] = (struct tls_identity){ strdup(path("bob.p12")), NULL };
	three[2] = (struct tls_identity){ strdup(path("carol.pem")), strdup(path("carol-key.pem")) };
}

static void free_three(void)
{
	for (size_t i = 0; i < 3; i++) {
		free((char *)three[i].cert);
		free((char *)three[i].key);
	}
}

static void picks_the_identity_the_gateway_trusts(void **state)
{
	static const struct {
		const char *ca, *cn, *sent;
	} cases[] = { { "ca1.pem", "alice", "alice.pem" }, { "ca2.pem", "bob", "bob.p12" },
		      { "ca3.pem", "carol", "carol.pem" } };
	struct tls_client_cert cc;
	struct tls_pair p;

	(void)state;
	set_three();
	for (size_t i = 0; i < 3; i++) {
		connect_with(path(cases[i].ca), NULL, three, 3, &p, &cc);
		assert_true(cc.is_present);
		assert_true(cc.is_valid);
		assert_string_equal(cc.cn, cases[i].cn);
		assert_string_equal(tls_conn_identity_sent(p.c), path(cases[i].sent));
		assert_string_equal(tls_conn_identity_error(p.c), "");
		tls_test_pair_close(&p);
	}
	free_three();
}

static void no_match_names_cas_and_identities(void **state)
{
	struct tls_client_cert cc;
	struct tls_pair p;
	const char *e;

	(void)state;
	set_three();
	connect_with(path("ca4.pem"), NULL, three, 3, &p, &cc);
	assert_false(cc.is_present);
	assert_string_equal(tls_conn_identity_sent(p.c), "");
	e = tls_conn_identity_error(p.c);
	assert_non_null(strstr(e, "CN=CA four"));
	assert_non_null(strstr(e, path("alice.pem")));
	assert_non_null(strstr(e, "issued by CN=CA one"));
	assert_non_null(strstr(e, path("bob.p12")));
	assert_non_null(strstr(e, path("carol.pem")));
	tls_test_pair_close(&p);
	free_three();
}

/* One configured identity is sent anyway (PROTOCOL.md §1.3); the gateway refuses it. */
static void single_identity_is_always_sent(void **state)
{
	struct tls_client_cert cc;
	struct tls_pair p;

	(void)state;
	set_three();
	connect_with(path("ca4.pem"), NULL, &three[0], 1, &p, &cc);
	assert_true(cc.is_present);
	assert_false(cc.is_valid);
	assert_string_equal(cc.reason, "the certificate is not issued by a trusted CA");
	assert_string_equal(cc.issuer, "CN=CA one");
	tls_test_pair_close(&p);
	free_three();
}

static void subject_fields_for_user_and_group(void **state)
{
	struct tls_client_cert cc;
	struct tls_pair p;

	(void)state;
	set_three();
	connect_with(path("ca1.pem"), path("crl1.pem"), three, 3, &p, &cc);
	assert_true(cc.is_valid);
	assert_string_equal(cc.cn, "alice");
	assert_string_equal(cc.email, "alice@example.test");
	assert_string_equal(cc.user_field, "alice-uid");
	assert_string_equal(cc.group_field, "engineering");
	assert_non_null(strstr(cc.subject, "CN=alice"));
	tls_test_pair_close(&p);
	free_three();
}

static void revoked_and_expired_are_not_valid(void **state)
{
	struct tls_identity mallory = { path("mallory.pem"), path("mallory-key.pem") };
	struct tls_identity old = { path("old.pem"), path("old-key.pem") };
	struct tls_client_cert cc;
	struct tls_pair p;

	(void)state;
	connect_with(path("ca1.pem"), path("crl1.pem"), &mallory, 1, &p, &cc);
	assert_true(cc.is_present);
	assert_false(cc.is_valid);
	assert_string_equal(cc.reason, "the certificate is revoked");
	assert_string_equal(cc.cn, "mallory");
	tls_test_pair_close(&p);

	connect_with(path("ca1.pem"), path("crl1.pem"), &old, 1, &p, &cc);
	assert_false(cc.is_valid);
	assert_string_equal(cc.reason, "the certificate has expired");
	tls_test_pair_close(&p);
}

struct asked {
	unsigned count;
	char what[256];
};

static int answer(void *arg, const char *what, unsigned attempt, char *out, size_t out_len)
{
	struct asked *a = arg;

	a->count++;
	snprintf(a->what, sizeof(a->what), "%s", what);
	snprintf(out, out_len, "%s", attempt == 0 ? "wrong" : P12_PASS);
	return 0;
}

static void p12_passphrase_from_prompt(void **state)
{
	struct tls_identity bob = { path("bob.p12"), NULL };
	struct tls_client_config ccfg = { .identities = &bob, .n_identities = 1,
					  .key_password = "not-it" };
	struct tls_client_ctx *ctx = NULL;
	struct asked a = { 0 };

	(void)state;
	/* a wrong password and nobody to ask: refused */
	assert_int_equal(tls_client_ctx_new(&ctx, &ccfg), VPN_ERR_DENIED);
	/* the option first, then the prompt until it gives the right one */
	ccfg.prompt.ask = answer;
	ccfg.prompt.arg = &a;
	assert_int_equal(tls_client_ctx_new(&ctx, &ccfg), 0);
	assert_int_equal(a.count, 2);
	assert_non_null(strstr(a.what, "bob.p12"));
	tls_client_ctx_free(ctx);
}

static void unreadable_identity_fails(void **state)
{
	struct tls_identity none = { path("missing.pem"), NULL };
	struct tls_client_config ccfg = { .identities = &none, .n_identities = 1 };
	struct tls_client_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(tls_client_ctx_new(&ctx, &ccfg), VPN_ERR_IO);
	assert_null(ctx);
}

/* A SoftHSM token holding bob's key and certificate; false when the tools are missing. */
static const char token_script[] =
	"set -e; cd \"$1\"; command -v softhsm2-util >/dev/null; command -v p11tool >/dev/null\n"
	"mkdir -p tokens\n"
	"printf 'directories.tokendir = %s/tokens\\nobjectstore.backend = file\\n' \"$1\""
	" >softhsm2.conf\n"
	"export SOFTHSM2_CONF=\"$1/softhsm2.conf\" GNUTLS_PIN=1234\n"
	"softhsm2-util --init-token --free --label sslgate --pin 1234 --so-pin 5678 >/dev/null\n"
	"p11tool --login --write --load-privkey bob-key.pem --label bob --id 01"
	" pkcs11:token=sslgate >/dev/null 2>&1\n"
	"p11tool --login --write --load-certificate bob.pem --label bob --id 01"
	" pkcs11:token=sslgate >/dev/null 2>&1\n";

static bool make_token(void)
{
	char cmd[256];
	FILE *sh;

	snprintf(cmd, sizeof(cmd), "sh -s %s", dir);
	sh = popen(cmd, "w");
	if (sh == NULL)
		return false;
	fputs(token_script, sh);
	return pclose(sh) == 0;
}

static int pin_asked;

static int give_pin(void *arg, const char *what, unsigned attempt, char *out, size_t out_len)
{
	(void)arg;
	(void)attempt;
	pin_asked++;
	assert_non_null(strstr(what, "sslgate"));
	snprintf(out, out_len, "1234");
	return 0;
}

/* The key never leaves the token: GnuTLS signs the handshake through PKCS#11. */
static void pkcs11_identity_from_softhsm(void **state)
{
	struct tls_identity ids[2] = { { path("alice.pem"), path("alice-key.pem") },
				       { "pkcs11:token=sslgate;object=bob;type=cert", NULL } };
	struct tls_server_config scfg = { .cert_file = path("carol.pem"),
					  .key_file = path("carol-key.pem"),
					  .ca_file = path("ca2.pem") };
	struct tls_client_config ccfg = { .ca_file = path("carol.pem"), .identities = ids,
					  .n_identities = 2,
					  .prompt = { give_pin, NULL } };
	struct tls_client_cert cc;
	struct tls_pair p;

	(void)state;
	if (!make_token())
		skip();
	assert_int_equal(tls_test_pair_open(&p, &scfg, &ccfg), 0);
	assert_true(pin_asked > 0);
	assert_int_equal(tls_test_pair_handshake(&p), 0);
	assert_int_equal(tls_conn_client_cert(p.s, NULL, NULL, &cc), 0);
	assert_true(cc.is_valid);
	assert_string_equal(cc.cn, "bob");
	assert_string_equal(tls_conn_identity_sent(p.c), ids[1].cert);
	tls_test_pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(picks_the_identity_the_gateway_trusts),
		cmocka_unit_test(no_match_names_cas_and_identities),
		cmocka_unit_test(single_identity_is_always_sent),
		cmocka_unit_test(subject_fields_for_user_and_group),
		cmocka_unit_test(revoked_and_expired_are_not_valid),
		cmocka_unit_test(p12_passphrase_from_prompt),
		cmocka_unit_test(unreadable_identity_fails),
		cmocka_unit_test(pkcs11_identity_from_softhsm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
