/* SPDX-License-Identifier: ISC */
/*
 * Certificate logins in the worker (PROTOCOL.md §4.6), with openconnect
 * 9.01's init: a group that needs a certificate answers an init without one
 * with <client-cert-request/>, then refuses the <client-cert-fail/> init
 * with a message the client shows and closes; a password login into such a
 * group goes nowhere near authd's password check without the certificate.
 * And which certificate field names the user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/conf.h"
#include "gateway/worker/auth_cert.h"
#include "gateway/worker/testenv.h"
#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/http/response.h"
#include "lib/tls/tls.h"

static char out[65536];
static char req[16384];

/* openconnect's init, and the same with the flag it sends when it has no certificate. */
#define OC_INIT_CERT_FAIL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\"><version who=\"vpn\">" \
	"v9.01-3</version><device-id>linux-64</device-id><group-access>https://gw.vpnlab.test/" \
	"</group-access><group-select>engineering</group-select><client-cert-fail/></config-auth>\n"

static void answer_doc(struct testenv *t, struct auth_doc *doc)
{
	struct http_response resp;
	struct auth_xml_error err;
	size_t n = testenv_output(t, out, sizeof(out)), head = 0;

	http_response_init(&resp, NULL, "POST");
	assert_int_equal(http_response_parse(&resp, &head, out, n), PARSE_DONE);
	assert_int_equal(resp.status, 200);
	auth_doc_init(doc);
	assert_int_equal(auth_xml_read(doc, out + head, n - head, &err), 0);
}

static int setup(void **state)
{
	struct testenv *t = malloc(sizeof(*t));

	if (!t || testenv_setup(t, "auth = \"certificate\"\nca-cert = /dev/null\n") != 0)
		return -1;
	testenv_new_session(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct testenv *t = *state;

	testenv_teardown(t);
	free(t);
	return 0;
}

static void no_certificate_is_asked_for_then_refused(void **state)
{
	struct testenv *t = *state;
	struct auth_doc doc;
	size_t n = testenv_oc_post(req, sizeof(req), "/", testenv_oc_init);

	testenv_feed_bytewise(t, req, n);
	answer_doc(t, &doc);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_true(doc.has_client_cert_request);
	auth_doc_cleanup(&doc);

	n = testenv_oc_post(req, sizeof(req), "/", OC_INIT_CERT_FAIL);
	testenv_feed(t, req, n);
	answer_doc(t, &doc);
	assert_false(doc.has_client_cert_request);
	assert_non_null(doc.message.text);
	assert_non_null(strstr(doc.message.text, "Certificate refused: this login needs a "
				"client certificate and none was presented."));
	auth_doc_cleanup(&doc);
	assert_true(testenv_recv(t->authd_peer, req, sizeof(req)) < 0); /* authd was not asked */
}

/*
 * A round on a new connection with only the password: the group comes from
 * the context cookie (".73616c6573" is "sales"), so the form it gets lists
 * sales first; a malformed hint is ignored.
 */
static void group_from_the_context_cookie(void **state)
{
	static const char head[] =
		"POST /auth HTTP/1.1\n"
		"Host: gw.vpnlab.test\n"
		"User-Agent: Open AnyConnect VPN Agent v9.01-3\n"
		"X-Transcend-Version: 1\n"
		"X-Aggregate-Auth: 1\n"
		"Cookie: webvpncontext=00112233445566778899aabbccddeeff.%s\n";
	static const char *const hints[] = { "73616c6573", "7", "zz616c6573" };
	static const char *const firsts[] = { "sales", NULL, NULL };
	struct testenv *t = *state;
	struct auth_doc doc;
	char lines[512];

	for (size_t i = 0; i < 3; i++) {
		struct auth_form_field *f;
		size_t n;

		testenv_new_session(t);
		snprintf(lines, sizeof(lines), head, hints[i]);
		n = testenv_request(req, sizeof(req), lines, testenv_oc_password);
		testenv_feed(t, req, n);
		answer_doc(t, &doc);
		f = auth_form_find(&doc.form, "group_list");
		assert_non_null(f);
		if (firsts[i])
			assert_string_equal(f->options[0].value, firsts[i]);
		else
			assert_false(f->options[0].has_value_attr); /* the default entry first */
		auth_doc_cleanup(&doc);
	}
}

static void user_from_the_configured_field(void **state)
{
	struct tls_client_cert cc = { .is_present = true, .is_valid = true };
	struct gw_config cfg = { 0 };

	(void)state;
	snprintf(cc.cn, sizeof(cc.cn), "alice");
	snprintf(cc.email, sizeof(cc.email), "alice@example.test");
	snprintf(cc.user_field, sizeof(cc.user_field), "alice-uid");
	assert_string_equal(auth_cert_user(&cfg, &cc), "alice");
	cfg.cert_user_oid = "0.9.2342.19200300.100.1.1";
	assert_string_equal(auth_cert_user(&cfg, &cc), "alice-uid");
	cfg.cert_user_oid = "SAN(rfc822name)";
	assert_string_equal(auth_cert_user(&cfg, &cc), "alice@example.test");
	cfg.cert_user_oid = NULL;
	cc.cn[0] = '\0';
	assert_string_equal(auth_cert_user(&cfg, &cc), "alice@example.test");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_certificate_is_asked_for_then_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(group_from_the_context_cookie, setup, teardown),
		cmocka_unit_test(user_from_the_configured_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
