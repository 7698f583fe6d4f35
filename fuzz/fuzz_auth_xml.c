/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for the aggregate-auth XML reader (every document type goes
 * through auth_xml_read) and, for what it accepts, the writers:
 * - a refusal always carries a printable "auth xml: " message;
 * - whatever was read can be written in every layout of its type, and the
 *   result reads back as the same type;
 * - writing is stable: read(write(d)) written again gives the same bytes
 *   and the same struct (the first pass may normalise, e.g. ocserv's
 *   layout turns selected="true" into list order).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth/test_compare.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Escaping grows text at most sixfold (" -> &quot;). */
enum { OUT_CAP = 8 * AUTH_XML_MAX_SIZE };

static char out_a[OUT_CAP];
static char out_b[OUT_CAP];

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_auth_xml: %s: %s\n", what, detail ? detail : "");
	abort();
}

static int write_to(char *out, const struct auth_doc *doc, size_t *len)
{
	struct buf_writer w;
	int rc;

	buf_writer_init(&w, out, OUT_CAP);
	rc = auth_xml_write(&w, doc);
	*len = w.len;
	return rc;
}

static void check_refusal(const struct auth_xml_error *err)
{
	if (strncmp(err->text, "auth xml: ", 10) != 0)
		fail("refusal without a message", err->text);
	for (const char *p = err->text; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			fail("unprintable message", err->text);
}

/* Writes doc in each layout its type has; each must read back as that type. */
static void check_layouts(const struct auth_doc *doc)
{
	static const enum auth_doc_shape shapes[] = {
		AUTH_SHAPE_OCSERV, AUTH_SHAPE_ASA, AUTH_SHAPE_LEGACY,
	};
	struct auth_doc copy = *doc, back;
	struct auth_xml_error err;
	size_t len;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		int rc;

		if (doc->type == AUTH_DOC_COMPLETE && shapes[i] == AUTH_SHAPE_LEGACY)
			continue;
		copy.shape = shapes[i]; /* a shallow copy: only read, never cleaned */
		rc = write_to(out_a, &copy, &len);
		if (rc == VPN_ERR_INVALID)
			return; /* a name or string the writers refuse to carry */
		if (rc != 0)
			fail("write failed", vpn_err_str(rc));
		auth_doc_init(&back);
		rc = auth_xml_read(&back, out_a, len, &err);
		if (rc == VPN_ERR_TOO_BIG)
			continue; /* escaping grew it past the input bound */
		if (rc != 0)
			fail("own output unreadable", err.text);
		if (back.type != doc->type)
			fail("type changed", auth_doc_type_name(back.type));
		auth_doc_cleanup(&back);
	}
}

static void check_stable(const struct auth_doc *first)
{
	struct auth_doc second, third;
	struct auth_xml_error err;
	size_t len_a, len_b;
	const char *diff;

	if (write_to(out_a, first, &len_a) != 0)
		return;
	auth_doc_init(&second);
	if (auth_xml_read(&second, out_a, len_a, &err) != 0)
		goto out_second; /* check_layouts already judged this */
	if (write_to(out_a, &second, &len_a) != 0)
		fail("second write failed", NULL);
	auth_doc_init(&third);
	if (auth_xml_read(&third, out_a, len_a, &err) != 0)
		fail("second output unreadable", err.text);
	diff = test_doc_diff(&second, &third);
	if (diff)
		fail("not stable", diff);
	if (write_to(out_b, &third, &len_b) != 0 || len_a != len_b ||
	    memcmp(out_a, out_b, len_a) != 0)
		fail("bytes not stable", NULL);
	auth_doc_cleanup(&third);
out_second:
	auth_doc_cleanup(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_xml_error err;
	struct auth_doc doc;
	int rc;

	auth_xml_global_init();
	auth_doc_init(&doc);
	rc = auth_xml_read(&doc, data, size, &err);
	if (rc != 0) {
		check_refusal(&err);
		if (doc.type != AUTH_DOC_NONE || doc.version || doc.opaque)
			fail("refused document left data behind", NULL);
		return 0;
	}
	check_layouts(&doc);
	check_stable(&doc);
	auth_doc_cleanup(&doc);
	return 0;
}
