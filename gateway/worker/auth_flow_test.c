/* SPDX-License-Identifier: ISC */
/*
 * The login dialogue end to end inside one worker, with openconnect 9.01's
 * real requests (vectors 01-07) fed whole and byte by byte, and the test
 * playing authd and the parent: the group list, group switching and group
 * URLs, the username and password rounds, failures, the complete document
 * with the profile's SHA-1, the downloader, CONNECT and its refusals, and
 * malformed or hostile requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/worker/testenv.h"
#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/cstp/headers.h"
#include "lib/http/cookie.h"
#include "lib/http/headers.h"
#include "lib/http/response.h"

static char out[131072];
static char req[65536];

/* One answer: the parsed head and where its body starts. */
struct answer {
	struct http_response resp;
	const char *body;
	size_t body_len;
};

static void parse_answer(struct answer *a, const char *text, size_t len, const char *method)
{
	size_t head = 0;

	http_response_init(&a->resp, NULL, method);
	assert_int_equal(http_response_parse(&a->resp, &head, text, len), PARSE_DONE);
	a->body = text + head;
	a->body_len = len - head;
	if (a->resp.body.kind == HTTP_BODY_LENGTH)
		assert_int_equal(a->resp.body.length, a->body_len);
}

static void read_doc(struct auth_doc *doc, const struct answer *a)
{
	struct auth_xml_error err;

	auth_doc_init(doc);
	assert_int_equal(auth_xml_read(doc, a->body, a->body_len, &err), 0);
}

static int setup(void **state)
{
	struct testenv *t = malloc(sizeof(*t));

	if (!t || testenv_setup(t, NULL) != 0)
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

static void check_group_list(const struct auth_doc *doc, const char *first_value)
{
	struct auth_form_field *f = auth_form_find((struct auth_form *)&doc->form, "group_list");

	assert_non_null(f);
	assert_int_equal(f->n_options, 3);
	if (first_value) {
		assert_string_equal(f->options[0].value, first_value);
	} else {
		/* default-select-group: a bare option, first, as ocserv lists it (vector 02). */
		assert_false(f->options[0].has_value_attr);
		assert_string_equal(f->options[0].label, "DEFAULT");
		assert_string_equal(f->options[1].value, "engineering");
		assert_string_equal(f->options[1].label, "Engineering - full LAN");
		assert_string_equal(f->options[2].value, "sales");
		assert_string_equal(f->options[2].label, "Sales - LAN host only");
	}
}

/* Vector 01 -> 02: the username form with the group list, context cookie cleared. */
static void test_init_gives_username_form(void **state)
{
	struct testenv *t = *state;
	struct answer a;
	struct auth_doc doc;
	struct str_view v;
	size_t n = testenv_oc_post(req, sizeof(req), "/", testenv_oc_init);

	testenv_feed_bytewise(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	assert_int_equal(a.resp.status, 200);
	assert_int_equal(http_headers_get(&a.resp.headers, "Set-Cookie", &v), 0);
	assert_true(str_view_eq(v, "webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; "
				   "path=/; Secure; HttpOnly"));
	read_doc(&doc, &a);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_string_equal(doc.auth_id, "main");
	assert_string_equal(doc.message.text, "Please enter your username.");
	assert_non_null(auth_form_find(&doc.form, "username"));
	assert_null(auth_form_find(&doc.form, "password"));
	assert_string_equal(doc.form.action, "/auth");
	check_group_list(&doc, NULL);
	auth_doc_cleanup(&doc);
	assert_int_equal(t->s->phase, SESSION_PHASE_AUTH);
}

/* Vector 03: a new init with group-select lists that group first. */
static void test_init_group_select_switches(void **state)
{
	struct testenv *t = *state;
	struct answer a;
	struct auth_doc doc;
	size_t n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_init_group);

	testenv_feed(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	read_doc(&doc, &a);
	check_group_list(&doc, "engineering");
	auth_doc_cleanup(&doc);
	/* A friendly name resolves to its group (ocserv #267). */
	n = testenv_oc_post(req, sizeof(req), "/auth",
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" "
			    "type=\"init\" aggregate-auth-version=\"2\"><group-select>Sales - LAN host "
			    "only</group-select></config-auth>\n");
	testenv_feed(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	read_doc(&doc, &a);
	check_group_list(&doc, "sales");
	auth_doc_cleanup(&doc);
	assert_string_equal(t->s->auth.group, "sales");
}

static void test_group_url_selects(void **state)
{
	struct testenv *t = *state;
	struct answer a;
	struct auth_doc doc;
	size_t n = testenv_request(req, sizeof(req),
				   "GET /sales HTTP/1.1\nHost: gw.vpnlab.test\n"
				   "User-Agent: Open AnyConnect VPN Agent v9.01-3\n", NULL);

	struct auth_form_field *f;

	testenv_feed(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "GET");
	assert_int_equal(a.resp.status, 200);
	read_doc(&doc, &a);
	/* The URL fixed the group: one choice, which openconnect takes without asking. */
	f = auth_form_find(&doc.form, "group_list");
	assert_non_null(f);
	assert_int_equal(f->n_options, 1);
	assert_string_equal(f->options[0].value, "sales");
	auth_doc_cleanup(&doc);
}

/* Vectors 04-06: username, password, authd says yes, the complete document. */
static void test_login_complete(void **state)
{
	struct testenv *t = *state;
	struct msg_auth_password seen;
	struct answer a;
	struct auth_doc doc;
	struct str_view v;
	size_t pos = 0, n;
	char cookie_line[128];

	n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_username);
	testenv_feed_bytewise(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	assert_int_equal(http_headers_get(&a.resp.headers, "Set-Cookie", &v), 0);
	assert_true(v.len > 30 && memcmp(v.ptr, "webvpncontext=", 14) == 0);
	assert_non_null(strstr(out, "; Max-Age=300; Secure; HttpOnly\r\n"));
	read_doc(&doc, &a);
	assert_string_equal(doc.message.text, "Please enter your password.");
	assert_non_null(auth_form_find(&doc.form, "password"));
	assert_null(auth_form_find(&doc.form, "username"));
	auth_doc_cleanup(&doc);

	n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_password);
	testenv_feed(t, req, n);
	assert_int_equal(testenv_records(t), 0); /* nothing before authd answers */
	testenv_answer_password(t, MSG_AUTH_OK, 0, &seen);
	assert_string_equal(seen.user, "alice");
	assert_string_equal(seen.group, "engineering");
	assert_string_equal(seen.password, "correct-horse");
	assert_string_equal(seen.user_agent, "Open AnyConnect VPN Agent v9.01-3");
	assert_int_equal(seen.source.family, AF_INET);
	assert_memory_equal(seen.source.bytes, ((const uint8_t[]){ 198, 18, 1, 2 }), 4);

	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	assert_int_equal(a.resp.status, 200);
	/* testenv's authd numbers its cookies and sessions in the last byte: this is login 1 */
	snprintf(cookie_line, sizeof(cookie_line), "webvpn=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1"
		 "b2b3b4b5b6b7b8b9babbbcbdbe01; Secure; HttpOnly");
	assert_true(http_headers_next(&a.resp.headers, "Set-Cookie", &pos, &v));
	assert_true(http_headers_next(&a.resp.headers, "Set-Cookie", &pos, &v));
	assert_true(str_view_eq(v, cookie_line));
	assert_true(http_headers_next(&a.resp.headers, "Set-Cookie", &pos, &v));
	assert_true(str_view_eq(v, "webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; "
				   "Secure; HttpOnly"));
	assert_true(http_headers_next(&a.resp.headers, "Set-Cookie", &pos, &v));
	assert_non_null(strstr(out, "&fu:profiles%2Fprofile.xml&fh:" TESTENV_PROFILE_SHA1));
	read_doc(&doc, &a);
	assert_int_equal(doc.type, AUTH_DOC_COMPLETE);
	assert_string_equal(doc.auth_id, "success");
	assert_string_equal(doc.session_token, "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9"
					       "babbbcbdbe01");
	assert_string_equal(doc.session_id, "72623859790382849"); /* 0x0102030405060701 */
	assert_int_equal(doc.n_files, 1);
	assert_string_equal(doc.files[0].uri, "/profiles/profile.xml");
	assert_string_equal(doc.files[0].hash, TESTENV_PROFILE_SHA1);
	auth_doc_cleanup(&doc);
}

static void login_to_password(struct testenv *t)
{
	size_t n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_username);

	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_password);
	testenv_feed(t, req, n);
}

/* ocserv's failure answer (vector 10 [A]), after the delay authd asks for; 401 at the third. */
static void test_wrong_password(void **state)
{
	struct testenv *t = *state;
	struct answer a;
	struct auth_doc doc;
	size_t n;

	login_to_password(t);
	testenv_answer_password(t, MSG_AUTH_BAD_CREDENTIALS, 150, NULL);
	assert_int_equal(testenv_records(t), 0); /* held back */
	testenv_run(t, 300);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	assert_int_equal(a.resp.status, 200);
	read_doc(&doc, &a);
	assert_string_equal(doc.message.text, "Login failed.\nPlease enter your password.");
	assert_non_null(auth_form_find(&doc.form, "password"));
	auth_doc_cleanup(&doc);

	for (int i = 0; i < 2; i++) {
		n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_password);
		testenv_feed(t, req, n);
		testenv_answer_password(t, MSG_AUTH_BAD_CREDENTIALS, 0, NULL);
	}
	testenv_output(t, out, sizeof(out));
	assert_non_null(strstr(out, "HTTP/1.1 401 Authentication failed\r\nContent-Length: 0\r\n\r\n"));
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
}

static void test_not_in_group(void **state)
{
	struct testenv *t = *state;
	struct answer a;
	struct auth_doc doc;
	size_t n;

	login_to_password(t);
	testenv_answer_password(t, MSG_AUTH_NOT_IN_GROUP, 0, NULL);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	read_doc(&doc, &a);
	assert_non_null(strstr(doc.message.text, "may not use the group 'engineering'"));
	assert_non_null(auth_form_find(&doc.form, "username"));
	auth_doc_cleanup(&doc);
	assert_int_equal(t->s->phase, SESSION_PHASE_AUTH);
}

static void test_banned(void **state)
{
	struct testenv *t = *state;

	login_to_password(t);
	testenv_answer_password(t, MSG_AUTH_BANNED, 0, NULL);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 401 ", 13);
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
}

/* The ASA shape for Cisco clients: one form, error id 88 on failure. */
static void test_anyconnect_shapes(void **state)
{
	struct testenv *t = *state;
	struct answer a;
	struct auth_doc doc;
	size_t n = testenv_request(req, sizeof(req),
				   "POST / HTTP/1.1\nHost: gw\nUser-Agent: AnyConnect Linux_64 4.10.07061\n",
				   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" "
				   "type=\"init\" aggregate-auth-version=\"2\"><version who=\"vpn\">4.10"
				   "</version><group-access>https://gw/</group-access></config-auth>");

	testenv_feed(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	read_doc(&doc, &a);
	assert_int_equal(doc.shape, AUTH_SHAPE_ASA);
	assert_int_equal(doc.aggregate_auth_version, 2);
	assert_non_null(auth_form_find(&doc.form, "username"));
	assert_non_null(auth_form_find(&doc.form, "password"));
	assert_true(auth_form_find(&doc.form, "group_list")->options[0].is_selected);
	auth_doc_cleanup(&doc);

	n = testenv_request(req, sizeof(req),
			    "POST / HTTP/1.1\nHost: gw\nUser-Agent: AnyConnect Linux_64 4.10.07061\n",
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" "
			    "type=\"auth-reply\" aggregate-auth-version=\"2\"><auth><username>alice"
			    "</username><password>nope</password></auth></config-auth>");
	testenv_feed(t, req, n);
	testenv_answer_password(t, MSG_AUTH_BAD_CREDENTIALS, 0, NULL);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "POST");
	read_doc(&doc, &a);
	assert_string_equal(doc.error.id, "88");
	assert_string_equal(doc.error.text, "Login failed.");
	auth_doc_cleanup(&doc);
}

/* §3.5: a form-encoded login, and the bare <auth> for openconnect v3. */
static void test_legacy_login(void **state)
{
	struct testenv *t = *state;
	struct msg_auth_password seen;
	struct answer a;
	struct auth_doc doc;
	size_t n = testenv_request(req, sizeof(req),
				   "GET / HTTP/1.1\nHost: gw\nUser-Agent: Open AnyConnect VPN Agent v3.02\n",
				   NULL);

	testenv_feed(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "GET");
	assert_null(strstr(a.body, "config-auth"));
	read_doc(&doc, &a);
	assert_int_equal(doc.shape, AUTH_SHAPE_LEGACY);
	auth_doc_cleanup(&doc);
	n = testenv_request(req, sizeof(req),
			    "POST /auth HTTP/1.1\nHost: gw\nUser-Agent: Open AnyConnect VPN Agent v3.02\n"
			    "Content-Type: application/x-www-form-urlencoded\n",
			    "username=alice&password=correct%2Dhorse&group%5flist=sales");
	testenv_feed(t, req, n);
	testenv_answer_password(t, MSG_AUTH_OK, 0, &seen);
	assert_string_equal(seen.user, "alice");
	assert_string_equal(seen.password, "correct-horse");
	assert_string_equal(seen.group, "sales");
}

static void test_downloader(void **state)
{
	struct testenv *t = *state;
	struct msg_cookie_check seen;
	struct answer a;
	char head[256];
	size_t n;

	n = testenv_request(req, sizeof(req), "GET /1/binaries/update.txt HTTP/1.1\nHost: gw\n", NULL);
	testenv_feed(t, req, n);
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "GET");
	assert_int_equal(a.body_len, 9);
	assert_memory_equal(a.body, "0,0,0000\n", 9);

	snprintf(head, sizeof(head), "GET /profiles/profile.xml HTTP/1.1\nHost: gw\nCookie: webvpn="
		 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n");
	n = testenv_request(req, sizeof(req), head, NULL);
	testenv_feed(t, req, n);
	testenv_answer_cookie(t, MSG_AUTH_OK, &seen);
	assert_memory_equal(seen.cookie, t->cookie, sizeof(seen.cookie));
	n = testenv_output(t, out, sizeof(out));
	parse_answer(&a, out, n, "GET");
	assert_int_equal(a.resp.status, 200);
	assert_int_equal(a.body_len, strlen(testenv_lab_profile));
	assert_memory_equal(a.body, testenv_lab_profile, a.body_len);
}

static void test_profile_needs_cookie(void **state)
{
	struct testenv *t = *state;
	size_t n = testenv_request(req, sizeof(req), "GET /profiles/profile.xml HTTP/1.1\nHost: gw\n",
				   NULL);

	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	/* ocserv's exact 404 (vector 10 [D]). */
	assert_string_equal(out, "HTTP/1.1 404 Not found\r\nContent-length: 50\r\nConnection: close\r\n"
				 "\r\n<html><body><h1>404 Not Found</h1></body></html>\r\n");
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
}

static void expect_bad_request(struct testenv *t)
{
	struct msg_bad_request m;

	assert_int_equal(testenv_recv(t->authd_peer, &m, sizeof(m)), sizeof(m));
	assert_int_equal(m.h.type, MSG_BAD_REQUEST);
	assert_memory_equal(m.source.bytes, ((const uint8_t[]){ 198, 18, 1, 2 }), 4);
	assert_true(m.points > 0);
}

/* Vector 10 [C]: exactly the status line and a blank line. */
static void test_connect_unknown_cookie(void **state)
{
	struct testenv *t = *state;
	size_t n = testenv_oc_connect(req, sizeof(req), (const uint8_t[MSG_COOKIE_LEN]){ 1, 2, 3 });

	testenv_feed(t, req, n);
	testenv_answer_cookie(t, MSG_AUTH_OK, NULL);
	testenv_output(t, out, sizeof(out));
	assert_string_equal(out, "HTTP/1.1 401 Cookie is not acceptable\r\n\r\n");
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	expect_bad_request(t);
}

static void test_connect_without_cookie(void **state)
{
	struct testenv *t = *state;
	size_t n = testenv_request(req, sizeof(req),
				   "CONNECT /CSCOSSLC/tunnel HTTP/1.1\nHost: gw\nCookie: webvpn=zz\n",
				   NULL);

	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	assert_string_equal(out, "HTTP/1.1 401 Cookie is not acceptable\r\n\r\n");
	expect_bad_request(t);
}

/* The answer of §6.3 with the lab's settings; the MTU is ocserv's figure (vector 08). */
static void test_connect_answer(void **state)
{
	struct testenv *t = *state;
	struct msg_lease_request lease;
	struct cstp_response *r = malloc(sizeof(*r));
	struct cstp_header_err err;
	struct answer a;
	char text[64];
	size_t n = testenv_oc_connect(req, sizeof(req), t->cookie);

	assert_non_null(r);
	testenv_feed_bytewise(t, req, n);
	assert_int_equal(t->s->phase, SESSION_PHASE_CONNECT);
	testenv_answer_cookie(t, MSG_AUTH_OK, NULL);
	testenv_answer_lease(t, &lease);
	/* the session authd named for this cookie (testenv numbers it by the cookie's last byte) */
	assert_int_equal(lease.session_id[MSG_SESSION_ID_LEN - 1], t->cookie[MSG_COOKIE_LEN - 1]);
	assert_memory_equal(lease.session_id, t->session_id, sizeof(lease.session_id) - 1);
	assert_string_equal(lease.group, "engineering");
	assert_int_equal(lease.wants_ipv6, 1);
	n = testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 200 CONNECTED\r\n", 24);
	parse_answer(&a, out, n, "CONNECT");
	assert_int_equal(a.body_len, 0);
	assert_int_equal(cstp_response_parse(r, a.resp.headers.items, a.resp.headers.count, &err), 0);
	assert_true(r->has_address);
	net_addr_format(&r->address, text, sizeof(text));
	assert_string_equal(text, "198.19.10.50");
	net_addr_format(&r->netmask, text, sizeof(text));
	assert_string_equal(text, "255.255.255.0");
	assert_int_equal(r->dns.count, 1);
	net_addr_format(&r->dns.items[0], text, sizeof(text));
	assert_string_equal(text, "198.18.2.53");
	assert_int_equal(r->routes.count, 1);
	net_prefix_format(&r->routes.items[0].prefix, text, sizeof(text));
	assert_string_equal(text, "198.18.2.0/24");
	assert_true(str_view_eq(r->default_domain, "vpnlab.test"));
	assert_true(str_view_eq(r->hostname, "vm"));
	assert_int_equal(r->dpd.value, 30);
	assert_int_equal(r->keepalive.value, 32400);
	assert_true(r->idle_timeout.is_none);
	assert_int_equal(r->rekey_method, CSTP_REKEY_SSL);
	assert_int_equal(r->base_mtu.value, 1500);
	assert_int_equal(r->mtu.value, 1434);
	assert_int_equal(r->tunnel_all_dns, CSTP_FLAG_FALSE);
	/* No DTLS yet: nothing that would make openconnect try it. */
	assert_int_equal(r->session_id.len, 0);
	assert_int_equal(r->app_id.len, 0);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
	free(r);
}

static void test_malformed_http(void **state)
{
	struct testenv *t = *state;
	static const char bare_lf[] = "GET / HTTP/1.1\nHost: gw\n\n";

	testenv_feed(t, bare_lf, sizeof(bare_lf) - 1);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	expect_bad_request(t);
}

static void test_oversized_header(void **state)
{
	struct testenv *t = *state;
	size_t n = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: gw\r\nX-Big: ");

	memset(req + n, 'a', 20000);
	n += 20000;
	n += (size_t)snprintf(req + n, sizeof(req) - n, "\r\n\r\n");
	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 431 ", 13);
	expect_bad_request(t);
}

static void test_hostile_xml(void **state)
{
	struct testenv *t = *state;
	size_t n = testenv_request(req, sizeof(req), "POST / HTTP/1.1\nHost: gw\n",
				   "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
				   "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
				   "<config-auth client=\"vpn\" type=\"init\">&lol2;</config-auth>");

	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_int_equal(t->s->phase, SESSION_PHASE_CLOSING);
	expect_bad_request(t);
}

static void test_body_too_large(void **state)
{
	struct testenv *t = *state;
	size_t n = testenv_request(req, sizeof(req),
				   "POST / HTTP/1.1\nHost: gw\nContent-Length: 10000000\n", NULL);

	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	assert_memory_equal(out, "HTTP/1.1 413 ", 13);
	expect_bad_request(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_gives_username_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_group_select_switches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_url_selects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_in_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anyconnect_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_downloader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_needs_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_unknown_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_without_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_http, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_xml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_too_large, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
