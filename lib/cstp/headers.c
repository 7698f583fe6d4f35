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

#define ROW(hdr, codec, field, lo, hi, fl) \
	{ hdr, &cstp_codec_##codec, offsetof(struct cstp_request, field), lo, hi, fl }
#define NUM(hdr, field, lo, hi) ROW(hdr, num, field, lo, hi, 0)
#define TEXT(hdr, field, max) ROW(hdr, text, field, 0, max, 0)

/* In openconnect 9.01's order (vectors/07); X-CSTP-Protocol, which 9.01
 * predates, goes where AnyConnect puts it, right after the version. */
static const struct cstp_field request_rows[] = {
	NUM("X-CSTP-Version", version, 0, 1000),
	TEXT("X-CSTP-Protocol", protocol, LONG_TEXT),
	TEXT("X-CSTP-Hostname", hostname, SHORT_TEXT),
	TEXT("X-AnyConnect-STRAP-Verify", strap_verify, LONG_TEXT),
	TEXT("X-AnyConnect-STRAP-Pubkey", strap_pubkey, LONG_TEXT),
	ROW("X-CSTP-Accept-Encoding", encodings, accept_encoding, 0, 0, 0),
	NUM("X-CSTP-Base-MTU", base_mtu, 0, MTU_MAX),
	NUM("X-CSTP-MTU", mtu, 0, MTU_MAX),
	ROW("X-CSTP-Address-Type", families, address_type, 0, 0, 0),
	ROW("X-CSTP-Full-IPv6-Capability", flag, full_ipv6, 0, 0, 0),
	ROW("X-CSTP-Address", addrs, prev_address, 0, CSTP_MAX_PREV_ADDRESSES, 0),
	TEXT("X-CSTP-License", license, SHORT_TEXT),
	ROW("X-DTLS-Master-Secret", hex, master_secret, CSTP_MASTER_SECRET_LEN,
	    CSTP_MASTER_SECRET_LEN, CSTP_FIELD_UPPER_HEX),
	ROW("X-DTLS-CipherSuite", names, dtls_ciphers, 0, CSTP_MAX_CIPHERS, 0),
	ROW("X-DTLS12-CipherSuite", names, dtls12_ciphers, 0, CSTP_MAX_CIPHERS, 0),
	ROW("X-DTLS-Accept-Encoding", encodings, dtls_accept_encoding, 0, 0, 0),
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
		rc = f->codec->parse((char *)obj + f->offset, f, value, &reason);
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

		if (!f->codec->write)
			continue;
		rc = f->codec->write(w, (const char *)obj + f->offset, f, &reason);
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
