/* SPDX-License-Identifier: ISC */
/*
 * Forms and replies captured between ocserv 1.1.6 and openconnect
 * 9.01: ocserv's username form with its group list (V02_BODY), its
 * password form (V05_BODY), both from tests/vectors/vectors.h, and
 * openconnect's username reply (04), whose bytes ours must equal except
 * for what we say about ourselves (version string, no capabilities
 * advertised).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "client/auth_fill.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "tests/vectors/vectors.h"

/* Vector 04 with our version for "v9.01-3" and "<capabilities/>" for openconnect's list. */
static const char username_reply[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">"
	"<version who=\"vpn\">" AUTH_FILL_VERSION "</version><device-id>linux-64</device-id>"
	"<capabilities/>"
	"<auth><username>alice</username></auth><group-select>engineering</group-select>"
	"</config-auth>\n";

static void read_doc(struct auth_doc *doc, const char *xml)
{
	auth_doc_init(doc);
	assert_int_equal(auth_xml_read(doc, xml, strlen(xml), NULL), 0);
}

static void write_doc(const struct auth_doc *doc, char *out, size_t cap)
{
	struct buf_writer w;

	buf_writer_init(&w, out, cap - 1);
	assert_int_equal(auth_xml_write(&w, doc), 0);
	out[w.len] = '\0';
}

static void group_by_value_label_default(void **state)
{
	struct auth_doc doc;
	const struct auth_form_field *list;

	(void)state;
	read_doc(&doc, V02_BODY);
	list = auth_fill_group_list(&doc.form);
	assert_non_null(list);
	/* ocserv marks no option: the first one is its default */
	assert_string_equal(auth_fill_default_group(list)->value, "DEFAULT");
	assert_string_equal(auth_fill_find_group(list, "sales")->value, "sales");
	assert_string_equal(auth_fill_find_group(list, "Engineering - full LAN")->value, "engineering");
	assert_null(auth_fill_find_group(list, "nosuchgroup"));
	assert_null(auth_fill_find_group(list, "Sales"));
	auth_doc_cleanup(&doc);
}

static void username_reply_is_openconnects(void **state)
{
	struct auth_answers a = { .user = "alice", .is_non_inter = true };
	struct auth_doc req, reply;
	const char *field;
	char out[2048];

	(void)state;
	read_doc(&req, V02_BODY);
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &req, &a, "engineering", &field), 0);
	write_doc(&reply, out, sizeof(out));
	assert_string_equal(out, username_reply);
	assert_false(a.is_password_used);
	auth_doc_cleanup(&reply);
	auth_doc_cleanup(&req);
}

static void password_used_once_then_denied(void **state)
{
	static const char zeros[sizeof("correct-horse")];
	char password[] = "correct-horse";
	struct auth_answers a = { .user = "alice", .password = password, .is_non_inter = true };
	struct auth_doc req, reply;
	const char *field = NULL;

	(void)state;
	read_doc(&req, V05_BODY);
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &req, &a, "engineering", &field), 0);
	assert_string_equal(auth_doc_reply_value(&reply, "password"), "correct-horse");
	/* the answer is the only copy left: the borrowed one is wiped */
	assert_memory_equal(password, zeros, sizeof(password));
	/* the password form has no group list: no group-select (vector 06) */
	assert_null(reply.group_select);
	auth_doc_cleanup(&reply);
	/* "Login failed." and the same form again: nothing left to answer with */
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &req, &a, NULL, &field), VPN_ERR_DENIED);
	assert_string_equal(field, "Password:");
	auth_doc_cleanup(&reply);
	auth_doc_cleanup(&req);
}

static void asked_on_the_terminal(void **state)
{
	char input[] = "alice\nsecond-try\n";
	FILE *in = fmemopen(input, strlen(input), "r");
	struct auth_answers a = { .in = in };
	struct auth_doc user_req, pass_req, reply;
	const char *field;

	(void)state;
	read_doc(&user_req, V02_BODY);
	read_doc(&pass_req, V05_BODY);
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &user_req, &a, "sales", &field), 0);
	assert_string_equal(auth_doc_reply_value(&reply, "username"), "alice");
	assert_string_equal(reply.group_select, "sales");
	auth_doc_cleanup(&reply);
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &pass_req, &a, NULL, &field), 0);
	assert_string_equal(auth_doc_reply_value(&reply, "password"), "second-try");
	auth_doc_cleanup(&reply);
	/* input exhausted */
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &pass_req, &a, NULL, &field), VPN_ERR_CLOSED);
	auth_doc_cleanup(&reply);
	auth_doc_cleanup(&user_req);
	auth_doc_cleanup(&pass_req);
	fclose(in);
}

/* ASA shape: opaque echoed verbatim, hidden values returned, "answer" goes back as password. */
static void asa_form(void **state)
{
	static const char asa[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n"
		"<opaque is-for=\"sg\"><tunnel-group>ENG</tunnel-group><aggauth-handle>42</aggauth-handle></opaque>\n"
		"<auth id=\"challenge\"><message>Enter the code from your token.</message>\n"
		"<form><input type=\"hidden\" name=\"state\" value=\"s-17\"></input>\n"
		"<input type=\"password\" name=\"answer\" label=\"Code:\"></input></form></auth>\n"
		"</config-auth>\n";
	char password[] = "123456";
	struct auth_answers a = { .password = password, .is_non_inter = true };
	struct auth_doc req, reply;
	const char *field;
	char out[2048];

	(void)state;
	read_doc(&req, asa);
	auth_doc_init(&reply);
	assert_int_equal(auth_fill_reply(&reply, &req, &a, NULL, &field), 0);
	assert_string_equal(auth_doc_reply_value(&reply, "state"), "s-17");
	assert_string_equal(auth_doc_reply_value(&reply, "password"), "123456");
	assert_null(auth_doc_reply_value(&reply, "answer"));
	write_doc(&reply, out, sizeof(out));
	assert_non_null(strstr(out, "<opaque is-for=\"sg\"><tunnel-group>ENG</tunnel-group>"
				    "<aggauth-handle>42</aggauth-handle></opaque>"));
	auth_doc_cleanup(&reply);
	auth_doc_cleanup(&req);
}

static void legacy_form_body(void **state)
{
	struct auth_doc reply;
	char out[256];
	struct buf_writer w;

	(void)state;
	auth_doc_init(&reply);
	assert_int_equal(auth_doc_add_reply_field(&reply, "username", "alice"), 0);
	assert_int_equal(auth_doc_add_reply_field(&reply, "password", "a&b=c d"), 0);
	assert_int_equal(auth_doc_set(&reply.group_select, "Sales - LAN host only"), 0);
	buf_writer_init(&w, out, sizeof(out) - 1);
	assert_int_equal(auth_fill_form_body(&w, &reply), 0);
	out[w.len] = '\0';
	assert_string_equal(out, "username=alice&password=a%26b%3Dc+d&group_list=Sales+-+LAN+host+only");
	auth_doc_cleanup(&reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(group_by_value_label_default),
		cmocka_unit_test(username_reply_is_openconnects),
		cmocka_unit_test(password_used_once_then_denied),
		cmocka_unit_test(asked_on_the_terminal),
		cmocka_unit_test(asa_form),
		cmocka_unit_test(legacy_form_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
