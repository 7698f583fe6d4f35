/* SPDX-License-Identifier: ISC */
/*
 * Reading real documents: every value the peers put in vectors 01-06, the
 * ASA and legacy shapes, and every truncation of each document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/auth/test_docs.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/base/testutil.h"

/* Reads len bytes of text from a copy that ends at a guard page. */
static int read_guarded(struct auth_doc *doc, const char *text, size_t len,
			struct auth_xml_error *err)
{
	struct guarded g;
	int rc;

	assert_int_equal(guarded_init(&g, text, len), 0);
	auth_doc_init(doc);
	rc = auth_xml_read(doc, g.data, len, err);
	guarded_cleanup(&g);
	return rc;
}

static void read_ok(struct auth_doc *doc, const char *text)
{
	struct auth_xml_error err;
	int rc = read_guarded(doc, text, strlen(text), &err);

	if (rc != 0)
		fail_msg("%s", err.text);
}

static void check_oc_client(const struct auth_doc *doc)
{
	assert_int_equal(doc->aggregate_auth_version, 2);
	assert_string_equal(doc->version, "v9.01-3");
	assert_string_equal(doc->version_who, "vpn");
	assert_string_equal(doc->device_id, "linux-64");
	assert_null(doc->device_type);
	assert_null(doc->platform_version);
	assert_null(doc->unique_id);
	assert_int_equal(doc->n_auth_methods, 2);
	assert_string_equal(doc->auth_methods[0], "single-sign-on-v2");
	assert_string_equal(doc->auth_methods[1], "single-sign-on-external-browser");
	assert_null(doc->opaque);
}

static void vec01_init(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, VEC01_INIT);
	assert_int_equal(doc.type, AUTH_DOC_INIT);
	check_oc_client(&doc);
	assert_string_equal(doc.group_access, "https://gw.vpnlab.test/");
	assert_null(doc.group_select);
	assert_false(doc.has_client_cert_fail);
	auth_doc_cleanup(&doc);
}

static void vec03_init_with_group(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, VEC03_INIT_GROUP);
	assert_int_equal(doc.type, AUTH_DOC_INIT);
	check_oc_client(&doc);
	assert_string_equal(doc.group_access, "https://gw.vpnlab.test/auth");
	assert_string_equal(doc.group_select, "engineering");
	auth_doc_cleanup(&doc);
}

static void vec04_reply_username(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, VEC04_REPLY_USERNAME);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REPLY);
	check_oc_client(&doc);
	assert_int_equal(doc.n_fields, 1);
	assert_string_equal(doc.fields[0].name, "username");
	assert_string_equal(auth_doc_reply_value(&doc, "username"), "alice");
	assert_null(auth_doc_reply_value(&doc, "password"));
	assert_string_equal(doc.group_select, "engineering");
	auth_doc_cleanup(&doc);
}

static void vec06_reply_password(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, VEC06_REPLY_PASSWORD);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REPLY);
	check_oc_client(&doc);
	assert_int_equal(doc.n_fields, 1);
	assert_string_equal(auth_doc_reply_value(&doc, "password"), "correct-horse");
	assert_null(doc.group_select);
	auth_doc_cleanup(&doc);
}

static void check_option(const struct auth_form_option *opt, const char *value,
			 const char *label, bool has_value_attr, bool is_selected)
{
	assert_string_equal(opt->value, value);
	assert_string_equal(opt->label, label);
	assert_int_equal(opt->has_value_attr, has_value_attr);
	assert_int_equal(opt->is_selected, is_selected);
}

/* The username form of vectors 02 (and its legacy twin): one input, the group list. */
static void check_username_form(const struct auth_doc *doc, bool is_group_first)
{
	const struct auth_form_field *user = &doc->form.fields[0];
	const struct auth_form_field *groups = &doc->form.fields[1];

	assert_string_equal(doc->auth_id, "main");
	assert_null(doc->title);
	assert_string_equal(doc->message.text, "Please enter your username.");
	assert_null(doc->message.id);
	assert_null(doc->error.text);
	assert_null(doc->banner.text);
	assert_true(doc->has_form);
	assert_string_equal(doc->form.method, "post");
	assert_string_equal(doc->form.action, "/auth");
	assert_int_equal(doc->form.n_fields, 2);
	assert_int_equal(user->type, AUTH_FIELD_TEXT);
	assert_string_equal(user->name, "username");
	assert_string_equal(user->label, "Username:");
	assert_null(user->value);
	assert_false(user->is_second_auth);
	assert_int_equal(groups->type, AUTH_FIELD_SELECT);
	assert_string_equal(groups->name, "group_list");
	assert_string_equal(groups->label, "Group:");
	assert_int_equal(groups->n_options, 3);
	if (is_group_first) {
		check_option(&groups->options[0], "engineering", "Engineering - full LAN", true, false);
		check_option(&groups->options[1], "DEFAULT", "DEFAULT", false, false);
	} else {
		check_option(&groups->options[0], "DEFAULT", "DEFAULT", false, false);
		check_option(&groups->options[1], "engineering", "Engineering - full LAN", true, false);
	}
	check_option(&groups->options[2], "sales", "Sales - LAN host only", true, false);
	assert_false(doc->has_client_cert_request);
}

static void vec02_request_username(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, VEC02_REQUEST_USERNAME);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_int_equal(doc.shape, AUTH_SHAPE_OCSERV);
	assert_int_equal(doc.aggregate_auth_version, 0);
	assert_string_equal(doc.version, "0.1(1)");
	assert_string_equal(doc.version_who, "sg");
	assert_null(doc.opaque);
	check_username_form(&doc, false);
	auth_doc_cleanup(&doc);

	read_ok(&doc, VEC02B_REQUEST_GROUP_FIRST);
	check_username_form(&doc, true);
	auth_doc_cleanup(&doc);
}

static void vec05_request_password(void **state)
{
	struct auth_doc doc;
	const struct auth_form_field *pw;

	read_ok(&doc, VEC05_REQUEST_PASSWORD);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_string_equal(doc.auth_id, "main");
	assert_string_equal(doc.message.text, "Please enter your password.");
	assert_int_equal(doc.form.n_fields, 1);
	pw = &doc.form.fields[0];
	assert_int_equal(pw->type, AUTH_FIELD_PASSWORD);
	assert_string_equal(pw->name, "password");
	assert_string_equal(pw->label, "Password:");
	assert_ptr_equal(auth_form_find(&doc.form, "password"), pw);
	assert_null(auth_form_find(&doc.form, "username"));
	auth_doc_cleanup(&doc);
}

static void vec06_complete(void **state)
{
	struct auth_doc doc;
	const struct auth_manifest_file *f = &doc.files[0];

	read_ok(&doc, VEC06_COMPLETE);
	assert_int_equal(doc.type, AUTH_DOC_COMPLETE);
	assert_int_equal(doc.shape, AUTH_SHAPE_OCSERV);
	assert_string_equal(doc.version, "0.1(1)");
	assert_string_equal(doc.auth_id, "success");
	assert_string_equal(doc.title, "SSL VPN Service");
	assert_null(doc.banner.text);
	assert_null(doc.session_token); /* ocserv: the cookie comes by Set-Cookie only */
	assert_null(doc.session_id);
	assert_null(doc.server_cert_hash);
	assert_int_equal(doc.n_files, 1);
	assert_string_equal(f->type, "profile");
	assert_string_equal(f->service_type, "user");
	assert_string_equal(f->uri, "/profiles/profile.xml");
	assert_string_equal(f->hash, "C54090310389BE94B95DD234707D5E2B0FDD71F9");
	assert_string_equal(f->hash_type, "sha1");
	auth_doc_cleanup(&doc);
}

static void asa_request_failed(void **state)
{
	static const char opaque_first[] = "<opaque is-for=\"sg\">";
	static const char opaque_last[] = "</opaque>";
	const char *start = strstr(ASA_REQUEST_FAILED, opaque_first);
	const char *end = strstr(ASA_REQUEST_FAILED, opaque_last) + strlen(opaque_last);
	const struct auth_form_field *f;
	struct auth_doc doc;

	read_ok(&doc, ASA_REQUEST_FAILED);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_int_equal(doc.shape, AUTH_SHAPE_ASA);
	assert_int_equal(doc.aggregate_auth_version, 2);
	assert_null(doc.version);
	/* Verbatim: the exact bytes the gateway sent, whitespace included. */
	assert_int_equal(strlen(doc.opaque), (size_t)(end - start));
	assert_memory_equal(doc.opaque, start, (size_t)(end - start));
	assert_string_equal(doc.auth_id, "main");
	assert_string_equal(doc.title, "Login");
	assert_string_equal(doc.message.text, "Please enter your username and password.");
	assert_string_equal(doc.banner.text, "Authorised use only & monitored");
	assert_string_equal(doc.error.text, "Login failed.");
	assert_string_equal(doc.error.id, "88");
	assert_string_equal(doc.error.param1, "");
	assert_string_equal(doc.error.param2, "");
	assert_null(doc.form.method);
	assert_null(doc.form.action);
	/* submit is not a field */
	assert_int_equal(doc.form.n_fields, 5);
	f = doc.form.fields;
	assert_int_equal(f[0].type, AUTH_FIELD_TEXT);
	assert_int_equal(f[1].type, AUTH_FIELD_PASSWORD);
	assert_false(f[1].is_second_auth);
	assert_int_equal(f[2].type, AUTH_FIELD_PASSWORD);
	assert_string_equal(f[2].name, "secondary_password");
	assert_true(f[2].is_second_auth);
	assert_int_equal(f[3].type, AUTH_FIELD_HIDDEN);
	assert_string_equal(f[3].name, "tgcookieset");
	assert_string_equal(f[3].value, "1");
	assert_null(f[3].label);
	assert_int_equal(f[4].type, AUTH_FIELD_SELECT);
	assert_string_equal(f[4].label, "GROUP:");
	assert_int_equal(f[4].n_options, 2);
	check_option(&f[4].options[0], "Contractors", "Contractors", false, false);
	check_option(&f[4].options[1], "Employees", "Employees", false, true);
	auth_doc_cleanup(&doc);
}

static void asa_complete(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, ASA_COMPLETE);
	assert_int_equal(doc.type, AUTH_DOC_COMPLETE);
	assert_int_equal(doc.shape, AUTH_SHAPE_ASA);
	assert_string_equal(doc.session_id, "32768");
	assert_string_equal(doc.session_token, "3A1B2C@12288@6E7F@9A8B7C6D5E4F");
	assert_string_equal(doc.auth_id, "success");
	assert_string_equal(doc.banner.text, "Welcome");
	assert_string_equal(doc.message.text, "");
	assert_string_equal(doc.message.id, "0");
	assert_string_equal(doc.base_package_uri, "/CACHE/stc/1");
	assert_string_equal(doc.server_cert_hash, "EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF");
	/* The core package in the vpn-client opaque is not a profile. */
	assert_int_equal(doc.n_files, 1);
	assert_string_equal(doc.files[0].uri, "/CACHE/stc/profiles/EMPLOYEES.xml");
	assert_string_equal(doc.files[0].hash, "c54090310389be94b95dd234707d5e2b0fdd71f9");
	auth_doc_cleanup(&doc);
}

static void legacy_request(void **state)
{
	struct auth_doc doc;

	read_ok(&doc, LEGACY_REQUEST);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_int_equal(doc.shape, AUTH_SHAPE_LEGACY);
	assert_null(doc.version);
	check_username_form(&doc, false);
	auth_doc_cleanup(&doc);
}

/*
 * Every prefix that stops before the root's end tag is refused with a
 * message and leaves nothing behind; every longer one (only trailing line
 * ends differ) reads as the whole document does.
 */
static void truncations(void **state)
{
	static const char *const docs[] = {
		VEC01_INIT, VEC02_REQUEST_USERNAME, VEC03_INIT_GROUP, VEC04_REPLY_USERNAME,
		VEC05_REQUEST_PASSWORD, VEC06_REPLY_PASSWORD, VEC06_COMPLETE,
		ASA_REQUEST_FAILED, ASA_COMPLETE, LEGACY_REQUEST,
	};

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		size_t len = strlen(docs[d]);
		size_t root_end = (size_t)(strrchr(docs[d], '>') - docs[d]) + 1;
		struct auth_doc whole, part;
		struct auth_xml_error err;

		read_ok(&whole, docs[d]);
		for (size_t n = 0; n < root_end; n++) {
			assert_int_equal(read_guarded(&part, docs[d], n, &err), VPN_ERR_INVALID);
			assert_int_equal(strncmp(err.text, "auth xml: ", 10), 0);
			assert_true(strlen(err.text) > 12);
			assert_int_equal(part.type, AUTH_DOC_NONE);
			assert_null(part.version);
		}
		for (size_t n = root_end; n <= len; n++) {
			assert_int_equal(read_guarded(&part, docs[d], n, &err), 0);
			assert_int_equal(part.type, whole.type);
			assert_string_equal(part.auth_id ? part.auth_id : "-",
					    whole.auth_id ? whole.auth_id : "-");
			auth_doc_cleanup(&part);
		}
		auth_doc_cleanup(&whole);
	}
}

static void form_reply_names(void **state)
{
	/* PROTOCOL.md 4.1: how openconnect names its answers. */
	assert_string_equal(auth_form_reply_name("username"), "username");
	assert_string_equal(auth_form_reply_name("secondary_password"), "secondary_password");
	assert_string_equal(auth_form_reply_name("answer"), "password");
	assert_string_equal(auth_form_reply_name("whichpin"), "password");
	assert_string_equal(auth_form_reply_name("new_password"), "password");
	assert_null(auth_form_reply_name("verify_pin"));
	assert_null(auth_form_reply_name("verify_password"));
	assert_null(auth_form_reply_name("group_list"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vec01_init),
		cmocka_unit_test(vec03_init_with_group),
		cmocka_unit_test(vec04_reply_username),
		cmocka_unit_test(vec06_reply_password),
		cmocka_unit_test(vec02_request_username),
		cmocka_unit_test(vec05_request_password),
		cmocka_unit_test(vec06_complete),
		cmocka_unit_test(asa_request_failed),
		cmocka_unit_test(asa_complete),
		cmocka_unit_test(legacy_request),
		cmocka_unit_test(truncations),
		cmocka_unit_test(form_reply_names),
	};

	auth_xml_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
