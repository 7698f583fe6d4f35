/* SPDX-License-Identifier: ISC */
/*
 * The flat doc encoding: every real document (vectors 01-06, the ASA and
 * legacy shapes) read with auth_xml_read survives encode and decode
 * field for field; every truncation of each encoding is refused; and
 * bytes written here by hand, after the layout in doc_wire.h rather than
 * by the encoder, show each bound and invariant enforced, next to a
 * passing twin one step inside the bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/auth/doc_wire.h"
#include "lib/auth/test_compare.h"
#include "lib/auth/test_docs.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/base/testutil.h"
#include "tests/vectors/vectors.h"

static const char *const real_docs[] = {
	V01_BODY, V02_BODY, V03_BODY, V04_BODY, V05_BODY, V06_BODY,
	ASA_REQUEST_FAILED, ASA_COMPLETE, LEGACY_REQUEST,
};

#define N_DOCS (sizeof(real_docs) / sizeof(real_docs[0]))
/* The plain strings of the layout: version ... server-cert-hash. */
#define N_PLAIN 29
#define ABSENT 0xffffffffu

static uint8_t scratch[AUTH_DOC_WIRE_MAX_SIZE + 64];

static int decode_guarded(struct auth_doc *out, const void *data, size_t len)
{
	struct guarded g;
	int rc;

	assert_int_equal(guarded_init(&g, data, len), 0);
	auth_doc_init(out);
	rc = auth_doc_wire_decode(out, g.data, len);
	guarded_cleanup(&g);
	return rc;
}

static size_t encode_real(struct auth_doc *doc, const char *xml)
{
	struct auth_xml_error err;
	struct buf_writer w;

	auth_doc_init(doc);
	if (auth_xml_read(doc, xml, strlen(xml), &err) != 0)
		fail_msg("%s", err.text);
	buf_writer_init(&w, scratch, sizeof(scratch));
	assert_int_equal(auth_doc_wire_encode(&w, doc), 0);
	return w.len;
}

static void round_trip(void **state)
{
	for (size_t i = 0; i < N_DOCS; i++) {
		struct auth_doc parsed, decoded;
		size_t len = encode_real(&parsed, real_docs[i]);
		const char *diff;

		assert_int_equal(decode_guarded(&decoded, scratch, len), 0);
		diff = test_doc_diff(&parsed, &decoded);
		if (diff)
			fail_msg("document %zu: %s differs", i, diff);
		auth_doc_cleanup(&parsed);
		auth_doc_cleanup(&decoded);
	}
}

/* The values a client acts on arrive: ocserv's group list, cookie-free complete, ASA's. */
static void real_values(void **state)
{
	struct auth_doc doc, out;
	size_t len;

	len = encode_real(&doc, V02_BODY);
	assert_int_equal(decode_guarded(&out, scratch, len), 0);
	assert_int_equal(out.type, AUTH_DOC_AUTH_REQUEST);
	assert_string_equal(out.form.action, "/auth");
	assert_int_equal(out.form.n_fields, 2);
	assert_int_equal(out.form.fields[1].type, AUTH_FIELD_SELECT);
	assert_int_equal(out.form.fields[1].n_options, 3);
	assert_string_equal(out.form.fields[1].options[0].value, "DEFAULT");
	assert_false(out.form.fields[1].options[0].has_value_attr);
	assert_string_equal(out.form.fields[1].options[1].value, "engineering");
	assert_string_equal(out.form.fields[1].options[1].label, "Engineering - full LAN");
	auth_doc_cleanup(&doc);
	auth_doc_cleanup(&out);

	len = encode_real(&doc, ASA_COMPLETE);
	assert_int_equal(decode_guarded(&out, scratch, len), 0);
	assert_int_equal(out.shape, AUTH_SHAPE_ASA);
	assert_int_equal(out.aggregate_auth_version, 2);
	assert_string_equal(out.session_token, "3A1B2C@12288@6E7F@9A8B7C6D5E4F");
	assert_string_equal(out.files[0].hash, "c54090310389be94b95dd234707d5e2b0fdd71f9");
	assert_string_equal(out.message.text, "");
	assert_null(out.title);
	auth_doc_cleanup(&doc);
	auth_doc_cleanup(&out);
}

static void every_truncation(void **state)
{
	for (size_t i = 0; i < N_DOCS; i++) {
		struct auth_doc parsed, out;
		size_t len = encode_real(&parsed, real_docs[i]);

		for (size_t cut = 0; cut < len; cut++) {
			assert_int_equal(decode_guarded(&out, scratch, cut), VPN_ERR_INVALID);
			assert_int_equal(out.type, AUTH_DOC_NONE);
			assert_null(out.version);
		}
		/* One byte too many is as wrong as one too few. */
		scratch[len] = 0;
		assert_int_equal(decode_guarded(&out, scratch, len + 1), VPN_ERR_INVALID);
		auth_doc_cleanup(&parsed);
	}
}

/* Hand-written encodings. */

struct hand {
	struct buf_writer w;
	uint8_t buf[64 * 1024];
};

static void hand_head(struct hand *h, uint8_t type, uint8_t shape, uint8_t flags, uint32_t agg)
{
	buf_writer_init(&h->w, h->buf, sizeof(h->buf));
	buf_write_u8(&h->w, AUTH_DOC_WIRE_VERSION);
	buf_write_u8(&h->w, type);
	buf_write_u8(&h->w, shape);
	buf_write_u8(&h->w, flags);
	buf_write_be32(&h->w, agg);
}

static void hand_bytes(struct hand *h, const void *s, size_t len)
{
	buf_write_be32(&h->w, (uint32_t)len);
	buf_write_bytes(&h->w, s, len);
}

static void hand_str(struct hand *h, const char *s)
{
	if (s)
		hand_bytes(h, s, strlen(s));
	else
		buf_write_be32(&h->w, ABSENT);
}

static void hand_absent(struct hand *h, size_t n)
{
	while (n-- > 0)
		hand_str(h, NULL);
}

/* Plain strings all absent but index at, which is s. */
static void hand_plain(struct hand *h, size_t at, const char *s)
{
	for (size_t i = 0; i < N_PLAIN; i++)
		hand_str(h, i == at ? s : NULL);
}

/* Empty lists from the reply fields on: no fields, no form, no files. */
static void hand_rest_empty(struct hand *h)
{
	buf_write_u8(&h->w, 0);
	hand_absent(h, 2);
	buf_write_u8(&h->w, 0);
	buf_write_u8(&h->w, 0);
}

static int hand_decode(struct hand *h)
{
	struct auth_doc out;
	int rc;

	assert_int_equal(buf_writer_error(&h->w), 0);
	rc = decode_guarded(&out, h->buf, h->w.len);
	auth_doc_cleanup(&out);
	return rc;
}

/*
 * The bounded lists. Each builder writes a document holding n items of
 * its list and otherwise valid; the decoder takes it at the bound and
 * refuses it one past.
 */

static void init_methods(struct hand *h, size_t n)
{
	hand_head(h, AUTH_DOC_INIT, AUTH_SHAPE_ASA, 0, 2);
	hand_plain(h, 0, "v9.01-3");
	buf_write_u8(&h->w, (uint8_t)n);
	for (size_t i = 0; i < n; i++)
		hand_str(h, "single-sign-on-v2");
	hand_rest_empty(h);
}

static void reply_fields(struct hand *h, size_t n)
{
	hand_head(h, AUTH_DOC_AUTH_REPLY, AUTH_SHAPE_ASA, 0, 2);
	hand_plain(h, N_PLAIN, NULL);
	buf_write_u8(&h->w, 0);
	buf_write_u8(&h->w, (uint8_t)n);
	for (size_t i = 0; i < n; i++) {
		hand_str(h, "username");
		hand_str(h, "alice");
	}
	hand_absent(h, 2);
	buf_write_u8(&h->w, 0);
	buf_write_u8(&h->w, 0);
}

/* An ocserv auth-request whose form has n_text text inputs, then a select of n_options. */
static void request_form(struct hand *h, size_t n_text, size_t n_options)
{
	hand_head(h, AUTH_DOC_AUTH_REQUEST, AUTH_SHAPE_OCSERV, 1u << 1, 0);
	hand_plain(h, N_PLAIN, NULL);
	buf_write_u8(&h->w, 0);
	buf_write_u8(&h->w, 0);
	hand_str(h, "post");
	hand_str(h, "/auth");
	buf_write_u8(&h->w, (uint8_t)(n_text + 1));
	for (size_t i = 0; i < n_text; i++) {
		buf_write_u8(&h->w, AUTH_FIELD_TEXT);
		buf_write_u8(&h->w, 0);
		hand_str(h, "username");
		hand_str(h, "Username:");
		hand_absent(h, 1);
		buf_write_u8(&h->w, 0);
	}
	buf_write_u8(&h->w, AUTH_FIELD_SELECT);
	buf_write_u8(&h->w, 0);
	hand_str(h, "group_list");
	hand_str(h, "Group:");
	hand_absent(h, 1);
	buf_write_u8(&h->w, (uint8_t)n_options);
	for (size_t i = 0; i < n_options; i++) {
		buf_write_u8(&h->w, 0);
		hand_str(h, "DEFAULT");
		hand_str(h, "DEFAULT");
	}
	buf_write_u8(&h->w, 0);
}

/* n form fields in all: the select (of ocserv's three groups) is the last. */
static void form_fields(struct hand *h, size_t n)
{
	request_form(h, n - 1, 3);
}

static void select_options(struct hand *h, size_t n)
{
	request_form(h, 1, n);
}

static void manifest_files(struct hand *h, size_t n)
{
	hand_head(h, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 0);
	hand_plain(h, N_PLAIN, NULL);
	buf_write_u8(&h->w, 0);
	buf_write_u8(&h->w, 0);
	hand_absent(h, 2);
	buf_write_u8(&h->w, 0);
	buf_write_u8(&h->w, (uint8_t)n);
	for (size_t i = 0; i < n; i++) {
		hand_str(h, "profile");
		hand_str(h, "user");
		hand_str(h, "/profiles/profile.xml");
		hand_str(h, "C54090310389BE94B95DD234707D5E2B0FDD71F9");
		hand_str(h, "sha1");
	}
}

static void bounds(void **state)
{
	static const struct {
		const char *what;
		size_t max;
		void (*build)(struct hand *h, size_t n);
	} lists[] = {
		{ "auth methods in an init", AUTH_MAX_AUTH_METHODS, init_methods },
		{ "answers in an auth-reply", AUTH_MAX_REPLY_FIELDS, reply_fields },
		{ "fields in a form", AUTH_FORM_MAX_FIELDS, form_fields },
		{ "options in a select", AUTH_FORM_MAX_OPTIONS, select_options },
		{ "files in a manifest", AUTH_MAX_MANIFEST_FILES, manifest_files },
	};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		for (size_t n = lists[i].max; n <= lists[i].max + 1; n++) {
			int want = n > lists[i].max ? VPN_ERR_TOO_BIG : 0, rc;
			struct hand h;

			lists[i].build(&h, n);
			rc = hand_decode(&h);
			if (rc != want)
				print_error("%zu %s (at most %zu)\n", n, lists[i].what, lists[i].max);
			assert_int_equal(rc, want);
		}
	}
}

static void total_size_bound(void **state)
{
	struct auth_doc out;

	memset(scratch, 0, sizeof(scratch));
	auth_doc_init(&out);
	assert_int_equal(auth_doc_wire_decode(&out, scratch, AUTH_DOC_WIRE_MAX_SIZE + 1),
			 VPN_ERR_TOO_BIG);
	assert_int_equal(out.type, AUTH_DOC_NONE);
}

/* A complete whose session token (plain string 26) is the given bytes. */
static int complete_with_token(const void *token, size_t len)
{
	struct hand h;

	hand_head(&h, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 0);
	for (size_t i = 0; i < N_PLAIN; i++) {
		if (i == 26)
			hand_bytes(&h, token, len);
		else
			hand_str(&h, NULL);
	}
	buf_write_u8(&h.w, 0);
	hand_rest_empty(&h);
	return hand_decode(&h);
}

static void strings_are_xml_text(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		int rc;
	} cases[] = {
		{ "3A1B2C@12288", 12, 0 },
		{ "caf\xc3\xa9 \xf0\x9f\x94\x91\t\r\n", 12, 0 },
		{ "", 0, 0 },
		{ "a\0b", 3, VPN_ERR_INVALID },            /* NUL */
		{ "\x1b[2J", 4, VPN_ERR_INVALID },          /* a terminal escape */
		{ "\xc0\x80", 2, VPN_ERR_INVALID },         /* overlong NUL */
		{ "\xed\xa0\x80", 3, VPN_ERR_INVALID },     /* a surrogate */
		{ "\xef\xbf\xbe", 3, VPN_ERR_INVALID },     /* U+FFFE */
		{ "\xf4\x90\x80\x80", 4, VPN_ERR_INVALID }, /* past U+10FFFF */
		{ "ab\xc3", 3, VPN_ERR_INVALID },           /* cut sequence */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (complete_with_token(cases[i].bytes, cases[i].len) != cases[i].rc)
			fail_msg("case %zu", i);
}

static void string_longer_than_message(void **state)
{
	struct hand h;

	hand_head(&h, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 0);
	buf_write_be32(&h.w, 1000);
	hand_absent(&h, 40);
	assert_int_equal(hand_decode(&h), VPN_ERR_INVALID);
}

static int head_only(uint8_t version, uint8_t type, uint8_t shape, uint8_t flags, uint32_t agg)
{
	struct hand h;

	hand_head(&h, type, shape, flags, agg);
	h.buf[0] = version;
	hand_plain(&h, N_PLAIN, NULL);
	buf_write_u8(&h.w, 0);
	hand_rest_empty(&h);
	return hand_decode(&h);
}

static void head_invariants(void **state)
{
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 0), 0);
	assert_int_equal(head_only(1, AUTH_DOC_AUTH_REQUEST, AUTH_SHAPE_LEGACY, 0, 0), 0);
	assert_int_equal(head_only(1, AUTH_DOC_AUTH_REQUEST, AUTH_SHAPE_ASA, 1u << 4, 2), 0);
	assert_int_equal(head_only(2, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_NONE, AUTH_SHAPE_OCSERV, 0, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE + 1, AUTH_SHAPE_OCSERV, 0, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_LEGACY + 1, 0, 0), VPN_ERR_INVALID);
	/* ASA exactly when aggregate-auth-version was given; legacy only for requests. */
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_ASA, 0, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 2), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_LEGACY, 0, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_INIT, AUTH_SHAPE_ASA, 0, 1000000), VPN_ERR_INVALID);
	/* Flags: host-scan only in a request, client-cert-fail only in an init, no unknown bit. */
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 1u << 4, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_INIT, AUTH_SHAPE_OCSERV, 1u << 0, 0), 0);
	assert_int_equal(head_only(1, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 1u << 0, 0), VPN_ERR_INVALID);
	assert_int_equal(head_only(1, AUTH_DOC_INIT, AUTH_SHAPE_OCSERV, 1u << 5, 0), VPN_ERR_INVALID);
}

/* A member the type never carries: a session token in an init, a form field in an init. */
static void members_by_type(void **state)
{
	struct hand h;

	hand_head(&h, AUTH_DOC_INIT, AUTH_SHAPE_OCSERV, 0, 0);
	hand_plain(&h, 26, "3A1B2C@12288");
	buf_write_u8(&h.w, 0);
	hand_rest_empty(&h);
	assert_int_equal(hand_decode(&h), VPN_ERR_INVALID);

	hand_head(&h, AUTH_DOC_COMPLETE, AUTH_SHAPE_OCSERV, 0, 0);
	hand_plain(&h, 26, "3A1B2C@12288");
	buf_write_u8(&h.w, 0);
	hand_rest_empty(&h);
	assert_int_equal(hand_decode(&h), 0);

	/* Form strings without has_form. */
	hand_head(&h, AUTH_DOC_AUTH_REQUEST, AUTH_SHAPE_OCSERV, 0, 0);
	hand_plain(&h, N_PLAIN, NULL);
	buf_write_u8(&h.w, 0);
	buf_write_u8(&h.w, 0);
	hand_str(&h, "post");
	hand_absent(&h, 1);
	buf_write_u8(&h.w, 0);
	buf_write_u8(&h.w, 0);
	assert_int_equal(hand_decode(&h), VPN_ERR_INVALID);
}

/* One form field: type, flags, name, label, value, n options (all bare "x"). */
static int one_field(uint8_t type, uint8_t flags, const char *name, const char *value,
		     size_t n_options)
{
	struct hand h;

	hand_head(&h, AUTH_DOC_AUTH_REQUEST, AUTH_SHAPE_OCSERV, 1u << 1, 0);
	hand_plain(&h, N_PLAIN, NULL);
	buf_write_u8(&h.w, 0);
	buf_write_u8(&h.w, 0);
	hand_absent(&h, 2);
	buf_write_u8(&h.w, 1);
	buf_write_u8(&h.w, type);
	buf_write_u8(&h.w, flags);
	hand_str(&h, name);
	hand_str(&h, NULL);
	hand_str(&h, value);
	buf_write_u8(&h.w, (uint8_t)n_options);
	for (size_t i = 0; i < n_options; i++) {
		buf_write_u8(&h.w, 0);
		hand_str(&h, "x");
		hand_str(&h, "x");
	}
	buf_write_u8(&h.w, 0);
	return hand_decode(&h);
}

static void form_invariants(void **state)
{
	assert_int_equal(one_field(AUTH_FIELD_HIDDEN, 0, "tgcookieset", "1", 0), 0);
	assert_int_equal(one_field(AUTH_FIELD_PASSWORD, 1, "secondary_password", NULL, 0), 0);
	assert_int_equal(one_field(AUTH_FIELD_SELECT, 0, "group_list", NULL, 2), 0);
	assert_int_equal(one_field(AUTH_FIELD_PASSWORD, 0, "password", "x", 0), VPN_ERR_INVALID);
	assert_int_equal(one_field(AUTH_FIELD_TEXT, 0, "username", NULL, 1), VPN_ERR_INVALID);
	assert_int_equal(one_field(AUTH_FIELD_TEXT, 0, NULL, NULL, 0), VPN_ERR_INVALID);
	assert_int_equal(one_field(0, 0, "username", NULL, 0), VPN_ERR_INVALID);
	assert_int_equal(one_field(AUTH_FIELD_SELECT + 1, 0, "username", NULL, 0), VPN_ERR_INVALID);
	assert_int_equal(one_field(AUTH_FIELD_SELECT, 1, "group_list", NULL, 2), VPN_ERR_INVALID);
	assert_int_equal(one_field(AUTH_FIELD_TEXT, 2, "username", NULL, 0), VPN_ERR_INVALID);
}

/* A bare option (no value attribute) whose value is not its text. */
static void bare_option_value(void **state)
{
	struct hand h;

	hand_head(&h, AUTH_DOC_AUTH_REQUEST, AUTH_SHAPE_OCSERV, 1u << 1, 0);
	hand_plain(&h, N_PLAIN, NULL);
	buf_write_u8(&h.w, 0);
	buf_write_u8(&h.w, 0);
	hand_absent(&h, 2);
	buf_write_u8(&h.w, 1);
	buf_write_u8(&h.w, AUTH_FIELD_SELECT);
	buf_write_u8(&h.w, 0);
	hand_str(&h, "group_list");
	hand_absent(&h, 2);
	buf_write_u8(&h.w, 1);
	buf_write_u8(&h.w, 0);
	hand_str(&h, "engineering");
	hand_str(&h, "DEFAULT");
	buf_write_u8(&h.w, 0);
	assert_int_equal(hand_decode(&h), VPN_ERR_INVALID);
}

static void reply_field_needs_name(void **state)
{
	struct hand h;

	hand_head(&h, AUTH_DOC_AUTH_REPLY, AUTH_SHAPE_ASA, 0, 2);
	hand_plain(&h, N_PLAIN, NULL);
	buf_write_u8(&h.w, 0);
	buf_write_u8(&h.w, 1);
	hand_str(&h, "");
	hand_str(&h, "alice");
	hand_absent(&h, 2);
	buf_write_u8(&h.w, 0);
	buf_write_u8(&h.w, 0);
	assert_int_equal(hand_decode(&h), VPN_ERR_INVALID);
}

/* Options decoded from the wire can still be added to, as form.c grows them. */
static void decoded_options_grow(void **state)
{
	struct auth_doc doc, out;
	size_t len = encode_real(&doc, V02_BODY);
	struct auth_form_field *list;

	assert_int_equal(decode_guarded(&out, scratch, len), 0);
	list = auth_form_find(&out.form, "group_list");
	assert_non_null(list);
	for (size_t i = list->n_options; i < AUTH_FORM_MAX_OPTIONS; i++)
		assert_int_equal(auth_form_add_option(list, NULL, "more", false), 0);
	assert_int_equal(auth_form_add_option(list, NULL, "more", false), VPN_ERR_TOO_BIG);
	auth_doc_cleanup(&doc);
	auth_doc_cleanup(&out);
}

static void encode_refuses_overfull(void **state)
{
	struct auth_doc doc;
	struct buf_writer w;
	uint8_t small[16];

	auth_doc_init(&doc);
	doc.type = AUTH_DOC_INIT;
	doc.n_auth_methods = AUTH_MAX_AUTH_METHODS + 1;
	buf_writer_init(&w, scratch, sizeof(scratch));
	assert_int_equal(auth_doc_wire_encode(&w, &doc), VPN_ERR_INVALID);
	doc.n_auth_methods = 0;
	assert_int_equal(auth_doc_set(&doc.version, "v9.01-3"), 0);
	buf_writer_init(&w, small, sizeof(small));
	assert_int_equal(auth_doc_wire_encode(&w, &doc), VPN_ERR_TOO_BIG);
	auth_doc_cleanup(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(real_values),
		cmocka_unit_test(every_truncation),
		cmocka_unit_test(bounds),
		cmocka_unit_test(total_size_bound),
		cmocka_unit_test(strings_are_xml_text),
		cmocka_unit_test(string_longer_than_message),
		cmocka_unit_test(head_invariants),
		cmocka_unit_test(members_by_type),
		cmocka_unit_test(form_invariants),
		cmocka_unit_test(bare_option_value),
		cmocka_unit_test(reply_field_needs_name),
		cmocka_unit_test(decoded_options_grow),
		cmocka_unit_test(encode_refuses_overfull),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
