/* SPDX-License-Identifier: ISC */
/*
 * The table-driven parse and write loops shared by both header sets, and
 * the CONNECT request set (client -> gateway). The answer's table is in
 * headers_response.c.
 */
#include "lib/cstp/headers.h"

#include <string.h>
#include <strings.h>

#include "lib/base/err.h"
#include "lib/cstp/headers_internal.h"

#define MTU_MAX 65535
#define SHORT_TEXT 255
#define LONG_TEXT 1024

#define NUM(hdr, field, lo, hi) \
	{ hdr, CSTP_KIND_NUM, offsetof(struct cstp_request, field), lo, hi, 0, NULL, NULL }
#define ROW(hdr, kind, field, lo, hi, fl) \
	{ hdr, kind, offsetof(struct cstp_request, field), lo, hi, fl, NULL, NULL }

/* In openconnect 9.01's order (vectors/07); X-CSTP-Protocol, which 9.01
 * predates, goes where AnyConnect puts it, right after the version. */
static const struct cstp_field request_rows[] = {
	NUM("X-CSTP-Version", version, 0, 1000),
	ROW("X-CSTP-Protocol", CSTP_KIND_TEXT, protocol, 0, LONG_TEXT, 0),
	ROW("X-CSTP-Hostname", CSTP_KIND_TEXT, hostname, 0, SHORT_TEXT, 0),
	ROW("X-AnyConnect-STRAP-Verify", CSTP_KIND_TEXT, strap_verify, 0, LONG_TEXT, 0),
	ROW("X-AnyConnect-STRAP-Pubkey", CSTP_KIND_TEXT, strap_pubkey, 0, LONG_TEXT, 0),
	ROW("X-CSTP-Accept-Encoding", CSTP_KIND_ENCODINGS, accept_encoding, 0, 0, 0),
	NUM("X-CSTP-Base-MTU", base_mtu, 0, MTU_MAX),
	NUM("X-CSTP-MTU", mtu, 0, MTU_MAX),
	ROW("X-CSTP-Address-Type", CSTP_KIND_FAMILIES, address_type, 0, 0, 0),
	ROW("X-CSTP-Full-IPv6-Capability", CSTP_KIND_FLAG, full_ipv6, 0, 0, 0),
	ROW("X-CSTP-Address", CSTP_KIND_ADDRS, prev_address, 0, CSTP_MAX_PREV_ADDRESSES, 0),
	ROW("X-CSTP-License", CSTP_KIND_TEXT, license, 0, SHORT_TEXT, 0),
	ROW("X-DTLS-Master-Secret", CSTP_KIND_HEX, master_secret, CSTP_MASTER_SECRET_LEN,
	    CSTP_MASTER_SECRET_LEN, CSTP_FIELD_UPPER_HEX),
	ROW("X-DTLS-CipherSuite", CSTP_KIND_NAMES, dtls_ciphers, 0, CSTP_MAX_CIPHERS, 0),
	ROW("X-DTLS12-CipherSuite", CSTP_KIND_NAMES, dtls12_ciphers, 0, CSTP_MAX_CIPHERS, 0),
	ROW("X-DTLS-Accept-Encoding", CSTP_KIND_ENCODINGS, dtls_accept_encoding, 0, 0, 0),
};

static const struct cstp_field_table request_table = {
	request_rows, sizeof(request_rows) / sizeof(request_rows[0]),
};

static const struct cstp_field *find_row(const struct cstp_field_table *t,
					 struct str_view name)
{
	for (size_t i = 0; i < t->count; i++)
		if (str_view_eq_nocase(name, t->rows[i].name))
			return &t->rows[i];
	return NULL;
}

static void set_err(struct cstp_header_err *err, struct str_view header, const char *reason)
{
	if (err) {
		err->header = header;
		err->reason = reason ? reason : "invalid value";
	}
}

int cstp_fields_parse(void *obj, const struct cstp_field_table *t,
		      const struct header_view *headers, size_t n,
		      struct cstp_header_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct cstp_field *f = find_row(t, headers[i].name);
		struct str_view value = headers[i].value;
		const char *reason = NULL;
		int rc;

		if (!f)
			continue;
		/* Codecs may then always hand ptr to mem* functions. */
		if (value.ptr == NULL)
			value = str_view_of("");
		if (f->kind == CSTP_KIND_CUSTOM)
			rc = f->parse(obj, f, value, &reason);
		else
			rc = cstp_value_parse((char *)obj + f->offset, f, value, &reason);
		if (rc != 0) {
			set_err(err, headers[i].name, reason);
			return rc;
		}
	}
	return 0;
}

int cstp_fields_write(struct buf_writer *w, const void *obj,
		      const struct cstp_field_table *t, struct cstp_header_err *err)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct cstp_field *f = &t->rows[i];
		const char *reason = NULL;
		int rc;

		if (f->flags & CSTP_FIELD_PARSE_ONLY)
			continue;
		if (f->kind == CSTP_KIND_CUSTOM)
			rc = f->write(w, obj, f, &reason);
		else
			rc = cstp_value_write(w, (const char *)obj + f->offset, f, &reason);
		if (rc != 0) {
			set_err(err, str_view_of(f->name), reason);
			return rc;
		}
	}
	if (buf_writer_error(w) != 0) {
		set_err(err, str_view_of(""), "output buffer full");
		return VPN_ERR_TOO_BIG;
	}
	return 0;
}

void cstp_request_init(struct cstp_request *req)
{
	memset(req, 0, sizeof(*req));
}

void cstp_request_cleanup(struct cstp_request *req)
{
	buf_wipe(&req->master_secret, sizeof(req->master_secret));
}

int cstp_request_parse(struct cstp_request *out, const struct header_view *headers,
		       size_t n, struct cstp_header_err *err)
{
	int rc;

	cstp_request_init(out);
	rc = cstp_fields_parse(out, &request_table, headers, n, err);
	if (rc != 0)
		cstp_request_cleanup(out);
	return rc;
}

int cstp_request_write(struct buf_writer *w, const struct cstp_request *req,
		       struct cstp_header_err *err)
{
	return cstp_fields_write(w, req, &request_table, err);
}
