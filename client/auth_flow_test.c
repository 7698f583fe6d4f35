/* SPDX-License-Identifier: ISC */
/*
 * Where the profile comes from, with ocserv 1.1.6's complete answer of the
 * capture between ocserv 1.1.6 and openconnect 9.01 (vector 06): the XML manifest (/profiles/profile.xml,
 * SHA-1 C540...), and openconnect's fallback to the same facts in the
 * webvpnc cookie (fu: and fh:) when a gateway sends no manifest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "client/auth_flow.h"
#include "lib/auth/xml.h"

#define SHA1 "C54090310389BE94B95DD234707D5E2B0FDD71F9"

static const char complete[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"complete\">\n"
	"<version who=\"sg\">0.1(1)</version>\n"
	"<auth id=\"success\">\n"
	"<title>SSL VPN Service</title></auth>\n"
	"<config client=\"vpn\" type=\"private\"><vpn-profile-manifest><vpn rev=\"1.0\">"
	"<file type=\"profile\" service-type=\"user\"><uri>/profiles/profile.xml</uri>"
	"<hash type=\"sha1\">" SHA1 "</hash></file></vpn></vpn-profile-manifest>\n"
	"</config></config-auth>\n";

static const char complete_without_manifest[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"complete\">\n"
	"<version who=\"sg\">0.1(1)</version>\n"
	"<auth id=\"success\"><title>SSL VPN Service</title></auth>\n"
	"</config-auth>\n";

static const char webvpnc[] =
	"bu:/&p:t&iu:1/&sh:EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF&lu:/+CSCOT+/translation-table?"
	"textdomain%3DAnyConnect%26type%3Dmanifest&fu:profiles%2Fprofile.xml&fh:" SHA1;

static void from_the_manifest(void **state)
{
	struct auth_flow a;

	(void)state;
	auth_flow_init(&a);
	assert_int_equal(auth_xml_read(&a.doc, complete, strlen(complete), NULL), 0);
	auth_flow_take_profile(&a);
	assert_true(a.has_profile);
	assert_string_equal(a.profile_uri, "/profiles/profile.xml");
	assert_string_equal(a.profile_sha1, SHA1);
	auth_flow_cleanup(&a);
}

static void from_the_webvpnc_cookie(void **state)
{
	struct auth_flow a;

	(void)state;
	auth_flow_init(&a);
	assert_int_equal(auth_xml_read(&a.doc, complete_without_manifest,
				       strlen(complete_without_manifest), NULL), 0);
	auth_flow_take_profile(&a);
	assert_false(a.has_profile);
	assert_int_equal(cookies_set(&a.jar, "webvpnc", webvpnc), 0);
	auth_flow_take_profile(&a);
	assert_true(a.has_profile);
	assert_string_equal(a.profile_uri, "/profiles/profile.xml");
	assert_string_equal(a.profile_sha1, SHA1);
	auth_flow_cleanup(&a);
}

static void no_cookie_before_login(void **state)
{
	struct auth_flow a;

	(void)state;
	auth_flow_init(&a);
	assert_int_equal(cookies_set(&a.jar, "webvpn", "AIXKs8D6pv/kSDfcU5dRVGs23Mpf71knoRBqKDA9tDc="), 0);
	assert_null(auth_flow_cookie(&a)); /* set by Set-Cookie, but the login is not complete */
	a.has_cookie = true;
	assert_string_equal(auth_flow_cookie(&a), "AIXKs8D6pv/kSDfcU5dRVGs23Mpf71knoRBqKDA9tDc=");
	auth_flow_cleanup(&a);
	assert_null(auth_flow_cookie(&a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_the_manifest),
		cmocka_unit_test(from_the_webvpnc_cookie),
		cmocka_unit_test(no_cookie_before_login),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
