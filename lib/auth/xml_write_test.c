/* SPDX-License-Identifier: ISC */
/*
 * Writing: the client's documents byte for byte as openconnect 9.01 sent
 * them (vectors 01/03/04/06), escaping byte for byte as libxml2 (which
 * openconnect serialises with) does, the gateway's ocserv layout byte for
 * byte as ocserv 1.1.6 sent it (vectors 02/05/06), the ASA and legacy
 * layouts, read(write(x)) round trips, and what the writers refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/auth/test_compare.h"
#include "lib/auth/test_docs.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"

static char out[AUTH_XML_MAX_SIZE];

/* Writes doc into out as a NUL-terminated string; returns the writer's result. */
static int write_doc(const struct auth_doc *doc, size_t *len)
{
	struct buf_writer w;
	int rc;

	buf_writer_init(&w, out, sizeof(out) - 1);
	rc = auth_xml_write(&w, doc);
	out[w.len] = '\0';
	*len = w.len;
	return rc;
}

static void assert_writes(const struct auth_doc *doc, const char *expected)
{
	size_t len;

	assert_int_equal(write_doc(doc, &len), 0);
	assert_string_equal(out, expected);
	assert_int_equal(len, strlen(expected));
}

static void read_ok(struct auth_doc *doc, const char *text)
{
	struct auth_xml_error err;

	auth_doc_init(doc);
	if (auth_xml_read(doc, text, strlen(text), &err) != 0)
		fail_msg("%s", err.text);
}

/* What openconnect 9.01 on linux-64 says about itself (vectors 01-06). */
static void set_oc_client(struct auth_doc *doc, enum auth_doc_type type)
{
	auth_doc_init(doc);
	doc->type = type;
	assert_int_equal(auth_doc_set(&doc->version, "v9.01-3"), 0);
	assert_int_equal(auth_doc_set(&doc->device_id, "linux-64"), 0);
	assert_int_equal(auth_doc_add_auth_method(doc, "single-sign-on-v2"), 0);
	assert_int_equal(auth_doc_add_auth_method(doc, "single-sign-on-external-browser"), 0);
}

static void client_vectors(void **state)
{
	struct auth_doc doc;

	set_oc_client(&doc, AUTH_DOC_INIT);
	assert_int_equal(auth_doc_set(&doc.group_access, "https://gw.vpnlab.test/"), 0);
	assert_writes(&doc, VEC01_INIT);
	assert_int_equal(auth_doc_set(&doc.group_access, "https://gw.vpnlab.test/auth"), 0);
	assert_int_equal(auth_doc_set(&doc.group_select, "engineering"), 0);
	assert_writes(&doc, VEC03_INIT_GROUP);
	auth_doc_cleanup(&doc);

	set_oc_client(&doc, AUTH_DOC_AUTH_REPLY);
	assert_int_equal(auth_doc_add_reply_field(&doc, "username", "alice"), 0);
	assert_int_equal(auth_doc_set(&doc.group_select, "engineering"), 0);
	assert_writes(&doc, VEC04_REPLY_USERNAME);
	auth_doc_cleanup(&doc);

	set_oc_client(&doc, AUTH_DOC_AUTH_REPLY);
	assert_int_equal(auth_doc_add_reply_field(&doc, "password", "correct-horse"), 0);
	assert_writes(&doc, VEC06_REPLY_PASSWORD);
	auth_doc_cleanup(&doc);
}

/* ocserv 1.1.6's username form (vector 02); with a chosen group, the answer to 03. */
static void set_username_form(struct auth_doc *doc, const char *chosen)
{
	struct auth_form_field *f;

	auth_doc_init(doc);
	doc->type = AUTH_DOC_AUTH_REQUEST;
	doc->shape = AUTH_SHAPE_OCSERV;
	assert_int_equal(auth_doc_set(&doc->version, "0.1(1)"), 0);
	assert_int_equal(auth_doc_set(&doc->auth_id, "main"), 0);
	assert_int_equal(auth_doc_set(&doc->message.text, "Please enter your username."), 0);
	doc->has_form = true;
	assert_int_equal(auth_doc_set(&doc->form.method, "post"), 0);
	assert_int_equal(auth_doc_set(&doc->form.action, "/auth"), 0);
	assert_int_equal(auth_form_add_field(&doc->form, &f, AUTH_FIELD_TEXT, "username", "Username:"), 0);
	assert_int_equal(auth_form_add_field(&doc->form, &f, AUTH_FIELD_SELECT, "group_list", "Group:"), 0);
	assert_int_equal(auth_form_add_option(f, NULL, "DEFAULT", false), 0);
	assert_int_equal(auth_form_add_option(f, "engineering", "Engineering - full LAN",
					      chosen && strcmp(chosen, "engineering") == 0), 0);
	assert_int_equal(auth_form_add_option(f, "sales", "Sales - LAN host only", false), 0);
}

static void gateway_ocserv_vectors(void **state)
{
	struct auth_form_field *f;
	struct auth_doc doc;

	set_username_form(&doc, NULL);
	assert_writes(&doc, VEC02_REQUEST_USERNAME);
	auth_doc_cleanup(&doc);
	set_username_form(&doc, "engineering");
	assert_writes(&doc, VEC02B_REQUEST_GROUP_FIRST);
	auth_doc_cleanup(&doc);

	set_username_form(&doc, NULL);
	auth_form_cleanup(&doc.form);
	assert_int_equal(auth_doc_set(&doc.message.text, "Please enter your password."), 0);
	assert_int_equal(auth_doc_set(&doc.form.method, "post"), 0);
	assert_int_equal(auth_doc_set(&doc.form.action, "/auth"), 0);
	assert_int_equal(auth_form_add_field(&doc.form, &f, AUTH_FIELD_PASSWORD, "password", "Password:"), 0);
	assert_writes(&doc, VEC05_REQUEST_PASSWORD);
	auth_doc_cleanup(&doc);

	auth_doc_init(&doc);
	doc.type = AUTH_DOC_COMPLETE;
	assert_int_equal(auth_doc_set(&doc.version, "0.1(1)"), 0);
	assert_int_equal(auth_doc_set(&doc.title, "SSL VPN Service"), 0);
	assert_int_equal(auth_doc_add_manifest_file(&doc, "/profiles/profile.xml",
						    "C54090310389BE94B95DD234707D5E2B0FDD71F9"), 0);
	assert_writes(&doc, VEC06_COMPLETE);
	auth_doc_cleanup(&doc);
}

/* Reading a document and writing it in the shape it came in gives the same bytes. */
static void rewrite_is_identity(void **state)
{
	static const char *const docs[] = {
		VEC01_INIT, VEC02_REQUEST_USERNAME, VEC02B_REQUEST_GROUP_FIRST, VEC03_INIT_GROUP,
		VEC04_REPLY_USERNAME, VEC05_REQUEST_PASSWORD, VEC06_REPLY_PASSWORD,
		VEC06_COMPLETE, LEGACY_REQUEST,
	};
	struct auth_doc doc;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		read_ok(&doc, docs[i]);
		assert_writes(&doc, docs[i]);
		auth_doc_cleanup(&doc);
	}
}

/* read(write(read(x))) == read(x), for the layouts whose bytes differ from the input's. */
static void round_trips(void **state)
{
	static const char *const docs[] = { ASA_REQUEST_FAILED, ASA_COMPLETE };
	struct auth_doc first, second;
	size_t len;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		const char *diff;

		read_ok(&first, docs[i]);
		assert_int_equal(write_doc(&first, &len), 0);
		read_ok(&second, out);
		diff = test_doc_diff(&first, &second);
		if (diff)
			fail_msg("doc %zu: %s differs after a round trip:\n%s", i, diff, out);
		auth_doc_cleanup(&first);
		auth_doc_cleanup(&second);
	}
}

/* PROTOCOL.md 4.3 / 11.2: what a Cisco client is shown after a failed login. */
static void gateway_asa_request(void **state)
{
	struct auth_form_field *f;
	struct auth_doc doc, back;
	size_t len;

	set_username_form(&doc, "engineering");
	doc.shape = AUTH_SHAPE_ASA;
	auth_doc_str_free(doc.version);
	doc.version = NULL;
	auth_doc_str_free(doc.form.method);
	auth_doc_str_free(doc.form.action);
	doc.form.method = doc.form.action = NULL;
	assert_int_equal(auth_form_add_field(&doc.form, &f, AUTH_FIELD_PASSWORD, "password", "Password:"), 0);
	assert_int_equal(auth_doc_set(&doc.error.text, "Login failed."), 0);
	assert_int_equal(auth_xml_opaque_sg(&doc.opaque, "engineering", "Engineering - full LAN", "42"), 0);
	assert_int_equal(write_doc(&doc, &len), 0);
	assert_non_null(strstr(out, "<config-auth client=\"vpn\" type=\"auth-request\" aggregate-auth-version=\"2\">\n"
				    "<opaque is-for=\"sg\">\n<tunnel-group>engineering</tunnel-group>\n"
				    "<group-alias>Engineering - full LAN</group-alias>\n"
				    "<config-hash>42</config-hash>\n</opaque>\n<auth id=\"main\">\n"));
	assert_non_null(strstr(out, "<error id=\"88\" param1=\"\" param2=\"\">Login failed.</error>\n<form>\n"));
	assert_non_null(strstr(out, "<input type=\"text\" name=\"username\" label=\"Username:\"></input>\n"));
	/* Order kept, choice marked. */
	assert_non_null(strstr(out, "<option>DEFAULT</option>\n"
				    "<option value=\"engineering\" selected=\"true\">Engineering - full LAN</option>\n"));
	read_ok(&back, out);
	assert_int_equal(back.shape, AUTH_SHAPE_ASA);
	assert_string_equal(back.error.id, "88");
	assert_true(back.form.fields[1].options[1].is_selected);
	assert_string_equal(back.form.fields[2].name, "password");
	auth_doc_cleanup(&back);
	auth_doc_cleanup(&doc);
}

static void gateway_asa_complete(void **state)
{
	struct auth_doc doc, back;
	size_t len;

	auth_doc_init(&doc);
	doc.type = AUTH_DOC_COMPLETE;
	doc.shape = AUTH_SHAPE_ASA;
	assert_int_equal(auth_doc_set(&doc.session_id, "7"), 0);
	assert_int_equal(auth_doc_set(&doc.session_token, "Zm9vYmFy"), 0);
	assert_int_equal(auth_doc_set(&doc.banner.text, "Hello <you>"), 0);
	assert_int_equal(auth_doc_set(&doc.server_cert_hash, "EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF"), 0);
	assert_int_equal(auth_doc_add_manifest_file(&doc, "/profiles/profile.xml",
						    "C54090310389BE94B95DD234707D5E2B0FDD71F9"), 0);
	assert_int_equal(write_doc(&doc, &len), 0);
	assert_non_null(strstr(out, "type=\"complete\" aggregate-auth-version=\"2\">\n"
				    "<session-id>7</session-id>\n<session-token>Zm9vYmFy</session-token>\n"
				    "<auth id=\"success\">\n<banner>Hello &lt;you&gt;</banner>\n"
				    "<message id=\"0\" param1=\"\" param2=\"\"></message>\n</auth>\n"));
	assert_non_null(strstr(out, "<vpn-base-config>\n<server-cert-hash>EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF"
				    "</server-cert-hash>\n</vpn-base-config>\n"));
	read_ok(&back, out);
	assert_string_equal(back.session_token, "Zm9vYmFy");
	assert_string_equal(back.banner.text, "Hello <you>");
	assert_string_equal(back.server_cert_hash, "EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF");
	assert_int_equal(back.n_files, 1);
	assert_string_equal(back.files[0].uri, "/profiles/profile.xml");
	auth_doc_cleanup(&back);
	auth_doc_cleanup(&doc);
}

#define X(s) ((const xmlChar *)(s))

/*
 * The init and auth-reply openconnect builds (auth.c xmlpost_new_query and
 * friends: libxml2 tree, xmlDocDumpMemoryEnc "UTF-8"), so awkward text is
 * compared with what openconnect itself would send.
 */
static xmlDocPtr oc_query(xmlNodePtr *root, const char *type, const char *version,
			  const char *platform, const char *platform_version)
{
	xmlDocPtr doc = xmlNewDoc(X("1.0"));
	xmlNodePtr node, caps;

	*root = xmlNewNode(NULL, X("config-auth"));
	xmlDocSetRootElement(doc, *root);
	xmlNewProp(*root, X("client"), X("vpn"));
	xmlNewProp(*root, X("type"), X(type));
	xmlNewProp(*root, X("aggregate-auth-version"), X("2"));
	node = xmlNewTextChild(*root, NULL, X("version"), X(version));
	xmlNewProp(node, X("who"), X("vpn"));
	node = xmlNewTextChild(*root, NULL, X("device-id"), X(platform));
	if (platform_version) {
		xmlNewProp(node, X("platform-version"), X(platform_version));
		xmlNewProp(node, X("device-type"), X("Pixel \"7\""));
		xmlNewProp(node, X("unique-id"), X("0A1B"));
	}
	caps = xmlAddChild(*root, xmlNewNode(NULL, X("capabilities")));
	xmlNewTextChild(caps, NULL, X("auth-method"), X("single-sign-on-v2"));
	return doc;
}

static void assert_same_as_oc(xmlDocPtr oc_doc, const struct auth_doc *doc)
{
	xmlChar *mem = NULL;
	int mem_len = 0;
	size_t len;

	xmlDocDumpMemoryEnc(oc_doc, &mem, &mem_len, "UTF-8");
	assert_non_null(mem);
	assert_int_equal(write_doc(doc, &len), 0);
	assert_string_equal(out, (const char *)mem);
	xmlFree(mem);
	xmlFreeDoc(oc_doc);
}

static const char nasty[] = "a<b>c&d\"e'f\r\n\tg \xc3\xa9 \xe2\x82\xac ]]> &amp;";

static void escaping_matches_openconnect(void **state)
{
	xmlNodePtr root, auth;
	struct auth_doc doc;
	xmlDocPtr oc;

	auth_doc_init(&doc);
	doc.type = AUTH_DOC_INIT;
	assert_int_equal(auth_doc_set(&doc.version, nasty), 0);
	assert_int_equal(auth_doc_set(&doc.device_id, "android"), 0);
	assert_int_equal(auth_doc_set(&doc.platform_version, nasty), 0);
	assert_int_equal(auth_doc_set(&doc.device_type, "Pixel \"7\""), 0);
	assert_int_equal(auth_doc_set(&doc.unique_id, "0A1B"), 0);
	assert_int_equal(auth_doc_add_auth_method(&doc, "single-sign-on-v2"), 0);
	assert_int_equal(auth_doc_set(&doc.group_access, "https://gw/?a=1&b=<2>"), 0);
	assert_int_equal(auth_doc_set(&doc.group_select, nasty), 0);
	doc.has_client_cert_fail = true;
	oc = oc_query(&root, "init", nasty, "android", nasty);
	xmlNewTextChild(root, NULL, X("group-access"), X("https://gw/?a=1&b=<2>"));
	xmlNewTextChild(root, NULL, X("client-cert-fail"), NULL);
	xmlNewTextChild(root, NULL, X("group-select"), X(nasty));
	assert_same_as_oc(oc, &doc);

	/* An unfilled field (NULL) and an empty one differ, as in openconnect. */
	doc.type = AUTH_DOC_AUTH_REPLY;
	assert_int_equal(auth_doc_add_reply_field(&doc, "username", nasty), 0);
	assert_int_equal(auth_doc_add_reply_field(&doc, "secondary_password", NULL), 0);
	assert_int_equal(auth_doc_add_reply_field(&doc, "password", ""), 0);
	oc = oc_query(&root, "auth-reply", nasty, "android", nasty);
	auth = xmlNewChild(root, NULL, X("auth"), NULL);
	xmlNewTextChild(auth, NULL, X("username"), X(nasty));
	xmlNewTextChild(auth, NULL, X("secondary_password"), NULL);
	xmlNewTextChild(auth, NULL, X("password"), X(""));
	xmlNewTextChild(root, NULL, X("group-select"), X(nasty));
	assert_same_as_oc(oc, &doc);
	auth_doc_cleanup(&doc);
}

/* The opaque goes back as openconnect returns it: a copy of the node, serialised. */
static void opaque_echo_matches_openconnect(void **state)
{
	xmlDocPtr asa = xmlReadMemory(ASA_REQUEST_FAILED, (int)strlen(ASA_REQUEST_FAILED),
				      NULL, NULL, XML_PARSE_NOERROR);
	xmlNodePtr root, node, auth;
	struct auth_doc request, reply;
	xmlDocPtr oc;

	assert_non_null(asa);
	read_ok(&request, ASA_REQUEST_FAILED);
	set_oc_client(&reply, AUTH_DOC_AUTH_REPLY);
	reply.opaque = request.opaque;
	request.opaque = NULL;
	assert_int_equal(auth_doc_add_reply_field(&reply, "username", "alice"), 0);
	assert_int_equal(auth_doc_set(&reply.group_select, "Employees"), 0);

	oc = oc_query(&root, "auth-reply", "v9.01-3", "linux-64", NULL);
	node = root->children->next->next; /* capabilities */
	xmlNewTextChild(node, NULL, X("auth-method"), X("single-sign-on-external-browser"));
	for (node = xmlDocGetRootElement(asa)->children; node; node = node->next)
		if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, "opaque") == 0)
			xmlAddChild(root, xmlCopyNode(node, 1));
	auth = xmlNewChild(root, NULL, X("auth"), NULL);
	xmlNewTextChild(auth, NULL, X("username"), X("alice"));
	xmlNewTextChild(root, NULL, X("group-select"), X("Employees"));
	assert_same_as_oc(oc, &reply);
	xmlFreeDoc(asa);
	auth_doc_cleanup(&request);
	auth_doc_cleanup(&reply);
}

static void writer_refusals(void **state)
{
	static const char *const bad_text[] = {
		"ctl\x01", "nul-less \x7f is fine but \x0b is not", "\xff", "\xc0\xaf",
		"\xed\xa0\x80", "\xef\xbf\xbe", "\xf4\x90\x80\x80", "cut \xe2\x82",
	};
	static const char *const bad_names[] = { "", "1st", "a b", "x<y", "caf\xc3\xa9", "ns:name" };
	struct auth_doc doc;
	struct buf_writer w;
	char small[64];
	size_t len;

	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		set_username_form(&doc, NULL);
		assert_int_equal(auth_doc_set(&doc.message.text, bad_text[i]), 0);
		assert_int_equal(write_doc(&doc, &len), VPN_ERR_INVALID);
		auth_doc_cleanup(&doc);
	}
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		set_oc_client(&doc, AUTH_DOC_AUTH_REPLY);
		assert_int_equal(auth_doc_add_reply_field(&doc, bad_names[i], "v"), 0);
		assert_int_equal(write_doc(&doc, &len), VPN_ERR_INVALID);
		auth_doc_cleanup(&doc);
	}
	set_username_form(&doc, NULL);
	buf_writer_init(&w, small, sizeof(small));
	assert_int_equal(auth_xml_write(&w, &doc), VPN_ERR_TOO_BIG);
	doc.type = AUTH_DOC_COMPLETE;
	doc.shape = AUTH_SHAPE_LEGACY;
	assert_int_equal(write_doc(&doc, &len), VPN_ERR_UNSUPPORTED);
	doc.type = AUTH_DOC_NONE;
	assert_int_equal(write_doc(&doc, &len), VPN_ERR_UNSUPPORTED);
	auth_doc_cleanup(&doc);
}

static void builder_bounds(void **state)
{
	struct auth_form_field *f, *sel;
	struct auth_form form;
	struct auth_doc doc;
	char name[16];

	auth_form_init(&form);
	assert_int_equal(auth_form_add_field(&form, &sel, AUTH_FIELD_SELECT, "group_list", NULL), 0);
	for (int i = 1; i < AUTH_FORM_MAX_FIELDS; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(auth_form_add_field(&form, &f, AUTH_FIELD_TEXT, name, NULL), 0);
	}
	assert_int_equal(auth_form_add_field(&form, &f, AUTH_FIELD_TEXT, "extra", NULL), VPN_ERR_TOO_BIG);
	assert_int_equal(auth_form_add_option(f, "x", "x", false), VPN_ERR_INVALID);
	assert_int_equal(auth_form_add_option(sel, "x", NULL, false), VPN_ERR_INVALID);
	for (int i = 0; i < AUTH_FORM_MAX_OPTIONS; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		assert_int_equal(auth_form_add_option(sel, name, name, false), 0);
	}
	assert_int_equal(auth_form_add_option(sel, "one-more", "one-more", false), VPN_ERR_TOO_BIG);
	assert_string_equal(sel->options[AUTH_FORM_MAX_OPTIONS - 1].value, "g63");
	auth_form_cleanup(&form);

	auth_doc_init(&doc);
	for (int i = 0; i < AUTH_MAX_REPLY_FIELDS; i++)
		assert_int_equal(auth_doc_add_reply_field(&doc, "answer", "42"), 0);
	assert_int_equal(auth_doc_add_reply_field(&doc, "answer", "42"), VPN_ERR_TOO_BIG);
	for (int i = 0; i < AUTH_MAX_AUTH_METHODS; i++)
		assert_int_equal(auth_doc_add_auth_method(&doc, "m"), 0);
	assert_int_equal(auth_doc_add_auth_method(&doc, "m"), VPN_ERR_TOO_BIG);
	auth_doc_cleanup(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_vectors),
		cmocka_unit_test(gateway_ocserv_vectors),
		cmocka_unit_test(rewrite_is_identity),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(gateway_asa_request),
		cmocka_unit_test(gateway_asa_complete),
		cmocka_unit_test(escaping_matches_openconnect),
		cmocka_unit_test(opaque_echo_matches_openconnect),
		cmocka_unit_test(writer_refusals),
		cmocka_unit_test(builder_bounds),
	};

	auth_xml_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
