/* SPDX-License-Identifier: ISC */
/*
 * Test-only: field-by-field equality of two struct auth_doc, for the
 * round-trip tests and the fuzz target. Returns the name of the first
 * field that differs, or NULL when the documents are equal.
 */
#ifndef AUTH_TEST_COMPARE_H
#define AUTH_TEST_COMPARE_H

#include <stdbool.h>
#include <string.h>

#include "lib/auth/doc.h"

static inline bool test_str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

#define TEST_DIFF_STR(field)                                   \
	do {                                                   \
		if (!test_str_eq(a->field, b->field))          \
			return #field;                         \
	} while (0)
#define TEST_DIFF_VAL(field)                                   \
	do {                                                   \
		if (a->field != b->field)                      \
			return #field;                         \
	} while (0)

static inline const char *test_text_diff(const struct auth_text *a, const struct auth_text *b)
{
	TEST_DIFF_STR(text);
	TEST_DIFF_STR(id);
	TEST_DIFF_STR(param1);
	TEST_DIFF_STR(param2);
	return NULL;
}

static inline const char *test_field_diff(const struct auth_form_field *a,
					  const struct auth_form_field *b)
{
	TEST_DIFF_VAL(type);
	TEST_DIFF_STR(name);
	TEST_DIFF_STR(label);
	TEST_DIFF_STR(value);
	TEST_DIFF_VAL(is_second_auth);
	TEST_DIFF_VAL(n_options);
	for (size_t i = 0; i < a->n_options; i++) {
		const struct auth_form_option *oa = &a->options[i], *ob = &b->options[i];

		if (!test_str_eq(oa->value, ob->value) || !test_str_eq(oa->label, ob->label) ||
		    oa->has_value_attr != ob->has_value_attr || oa->is_selected != ob->is_selected)
			return "form option";
	}
	return NULL;
}

static inline const char *test_form_diff(const struct auth_form *a, const struct auth_form *b)
{
	TEST_DIFF_STR(method);
	TEST_DIFF_STR(action);
	TEST_DIFF_VAL(n_fields);
	for (size_t i = 0; i < a->n_fields; i++)
		if (test_field_diff(&a->fields[i], &b->fields[i]))
			return "form field";
	return NULL;
}

static inline const char *test_client_diff(const struct auth_doc *a, const struct auth_doc *b)
{
	TEST_DIFF_STR(device_id);
	TEST_DIFF_STR(device_type);
	TEST_DIFF_STR(platform_version);
	TEST_DIFF_STR(unique_id);
	TEST_DIFF_STR(unique_id_global);
	TEST_DIFF_STR(computer_name);
	TEST_DIFF_VAL(n_auth_methods);
	for (size_t i = 0; i < a->n_auth_methods; i++)
		if (!test_str_eq(a->auth_methods[i], b->auth_methods[i]))
			return "auth_methods";
	TEST_DIFF_STR(group_select);
	TEST_DIFF_STR(group_access);
	TEST_DIFF_VAL(has_client_cert_fail);
	TEST_DIFF_VAL(n_fields);
	for (size_t i = 0; i < a->n_fields; i++)
		if (!test_str_eq(a->fields[i].name, b->fields[i].name) ||
		    !test_str_eq(a->fields[i].value, b->fields[i].value))
			return "fields";
	return NULL;
}

static inline const char *test_gateway_diff(const struct auth_doc *a, const struct auth_doc *b)
{
	const char *diff;

	TEST_DIFF_STR(auth_id);
	TEST_DIFF_STR(title);
	if ((diff = test_text_diff(&a->message, &b->message)) ||
	    (diff = test_text_diff(&a->banner, &b->banner)) ||
	    (diff = test_text_diff(&a->error, &b->error)))
		return diff;
	TEST_DIFF_VAL(has_form);
	if ((diff = test_form_diff(&a->form, &b->form)))
		return diff;
	TEST_DIFF_VAL(has_client_cert_request);
	TEST_DIFF_STR(session_id);
	TEST_DIFF_STR(session_token);
	TEST_DIFF_STR(base_package_uri);
	TEST_DIFF_STR(server_cert_hash);
	TEST_DIFF_VAL(n_files);
	for (size_t i = 0; i < a->n_files; i++) {
		const struct auth_manifest_file *fa = &a->files[i], *fb = &b->files[i];

		if (!test_str_eq(fa->type, fb->type) || !test_str_eq(fa->service_type, fb->service_type) ||
		    !test_str_eq(fa->uri, fb->uri) || !test_str_eq(fa->hash, fb->hash) ||
		    !test_str_eq(fa->hash_type, fb->hash_type))
			return "files";
	}
	return NULL;
}

static inline const char *test_doc_diff(const struct auth_doc *a, const struct auth_doc *b)
{
	const char *diff;

	TEST_DIFF_VAL(type);
	TEST_DIFF_VAL(shape);
	TEST_DIFF_VAL(aggregate_auth_version);
	TEST_DIFF_STR(version);
	TEST_DIFF_STR(version_who);
	TEST_DIFF_STR(opaque);
	if ((diff = test_client_diff(a, b)))
		return diff;
	return test_gateway_diff(a, b);
}

#endif
