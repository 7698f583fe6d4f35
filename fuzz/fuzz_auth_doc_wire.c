/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target for the flat doc decoder, the one the client runs on what
 * its XML parser child sends back (lib/auth/doc_wire.h):
 * - a refusal leaves the output doc empty;
 * - what is accepted encodes back to exactly the input (the layout has one
 *   encoding per doc, so nothing the decoder let through went unread);
 * - and decodes again to the same doc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth/doc_wire.h"
#include "lib/auth/test_compare.h"
#include "lib/base/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[AUTH_DOC_WIRE_MAX_SIZE];

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_auth_doc_wire: %s: %s\n", what, detail ? detail : "");
	abort();
}

static void check_again(const struct auth_doc *doc)
{
	struct auth_doc again;
	struct buf_writer w;
	const char *diff;
	int rc;

	buf_writer_init(&w, out, sizeof(out));
	rc = auth_doc_wire_encode(&w, doc);
	if (rc != 0)
		fail("accepted doc does not encode", vpn_err_str(rc));
	auth_doc_init(&again);
	rc = auth_doc_wire_decode(&again, out, w.len);
	if (rc != 0)
		fail("own encoding refused", vpn_err_str(rc));
	diff = test_doc_diff(doc, &again);
	if (diff)
		fail("decoded again differs", diff);
	auth_doc_cleanup(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_doc doc;
	struct buf_writer w;

	auth_doc_init(&doc);
	if (auth_doc_wire_decode(&doc, data, size) != 0) {
		if (doc.type != AUTH_DOC_NONE || doc.version || doc.n_auth_methods ||
		    doc.form.n_fields || doc.n_files)
			fail("refused input left data behind", NULL);
		return 0;
	}
	buf_writer_init(&w, out, sizeof(out));
	if (auth_doc_wire_encode(&w, &doc) != 0 || w.len != size || memcmp(out, data, size) != 0)
		fail("accepted input does not encode back to itself", NULL);
	check_again(&doc);
	auth_doc_cleanup(&doc);
	return 0;
}
