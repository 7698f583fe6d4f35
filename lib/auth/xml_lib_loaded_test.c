/* SPDX-License-Identifier: ISC */
/*
 * The client's binding of libxml2 (xml_lib_loaded.c): the program starts
 * without libxml2 or ICU mapped, a document loads them, auth_xml_unload()
 * takes them out of the address space again, the next document loads them
 * anew, and a missing library or function is reported by name. Values
 * come from vector 02 (ocserv 1.1.6's username form).
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/auth/test_docs.h"
#include "lib/auth/xml.h"
#include "lib/auth/xml_lib.h"
#include "lib/base/err.h"

/* Some mapping of this process names a file whose name contains part. */
static bool is_mapped(const char *part)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	bool is_found = false;

	assert_non_null(maps);
	while (!is_found && fgets(line, sizeof(line), maps))
		is_found = strstr(line, part) != NULL;
	fclose(maps);
	return is_found;
}

static void check_unloaded(void)
{
	assert_false(is_mapped("libxml2"));
	assert_false(is_mapped("libicuuc"));
	assert_null(dlopen(AUTH_XML_LIB_SONAME, RTLD_NOW | RTLD_NOLOAD));
}

/* Reads vector 02 and checks what ocserv put in it. */
static void read_vec02(void)
{
	struct auth_xml_error err;
	struct auth_doc doc;
	const struct auth_form_field *groups;

	auth_doc_init(&doc);
	if (auth_xml_read(&doc, VEC02_REQUEST_USERNAME, strlen(VEC02_REQUEST_USERNAME), &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_string_equal(doc.version_who, "sg");
	assert_string_equal(doc.message.text, "Please enter your username.");
	assert_int_equal(doc.form.n_fields, 2);
	assert_string_equal(doc.form.fields[0].name, "username");
	assert_string_equal(doc.form.fields[0].label, "Username:");
	groups = &doc.form.fields[1];
	assert_string_equal(groups->name, "group_list");
	assert_int_equal(groups->n_options, 3);
	assert_string_equal(groups->options[1].value, "engineering");
	assert_string_equal(groups->options[1].label, "Engineering - full LAN");
	auth_doc_cleanup(&doc);
}

static void not_linked(void **state)
{
	/* The binding is worth something only if the program does not link libxml2. */
	auth_xml_global_init();
	check_unloaded();
}

static void load_read_unload(void **state)
{
	read_vec02();
	assert_true(is_mapped("libxml2"));
	auth_xml_unload();
	check_unloaded();
	/* The next login loads it again, set up afresh. */
	read_vec02();
	read_vec02();
	auth_xml_unload();
	auth_xml_unload();
	check_unloaded();
}

static void missing_library(void **state)
{
	struct auth_xml_error err;

	assert_int_equal(auth_xml_lib_load("libxml2-absent.so.2", &err), VPN_ERR_NOT_FOUND);
	assert_non_null(strstr(err.text, "auth xml: cannot load libxml2-absent.so.2"));
	check_unloaded();
	read_vec02();
	auth_xml_unload();
}

static void missing_function(void **state)
{
	struct auth_xml_error err;

	/* zlib is on every Debian system and has none of libxml2's functions. */
	assert_int_equal(auth_xml_lib_load("libz.so.1", &err), VPN_ERR_NOT_FOUND);
	assert_string_equal(err.text, "auth xml: libz.so.1 has no xmlMemSetup");
	check_unloaded();
	read_vec02();
	auth_xml_unload();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_linked),
		cmocka_unit_test(load_read_unload),
		cmocka_unit_test(missing_library),
		cmocka_unit_test(missing_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
