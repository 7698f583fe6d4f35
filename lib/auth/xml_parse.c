/* SPDX-License-Identifier: ISC */
/*
 * From untrusted bytes to a libxml2 tree, refusing everything an
 * aggregate-auth document never needs: more than AUTH_XML_MAX_SIZE bytes,
 * encodings other than UTF-8, DOCTYPEs (so no entity expansion and no
 * external entities at all), network access, and nesting deeper than
 * AUTH_XML_MAX_DEPTH. Errors become one printable log line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

enum {
	/* Where to look for the encoding in <?xml ...?>: the declaration is short. */
	DECL_SCAN_LEN = 256,
	PARSE_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA,
};

/* Log lines carry document text: keep them printable ASCII, one line. */
static void make_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

int auth_xml_fail(struct auth_xml_error *err, long line, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return code;
	if (line > 0)
		n = snprintf(err->text, sizeof(err->text), "auth xml: line %ld: ", line);
	else
		n = snprintf(err->text, sizeof(err->text), "auth xml: ");
	/* Long details are cut at the end of text; the prefix always fits. */
	va_start(ap, fmt);
	vsnprintf(err->text + n, sizeof(err->text) - (size_t)n, fmt, ap);
	va_end(ap);
	make_printable(err->text);
	return code;
}

/* The value of encoding="..." in the XML declaration, if there is one. */
static bool find_declared_encoding(const char *p, size_t len, const char **out, size_t *out_len)
{
	const char *end, *q, *close;

	if (len > DECL_SCAN_LEN)
		len = DECL_SCAN_LEN;
	if (len < 5 || memcmp(p, "<?xml", 5) != 0)
		return false;
	end = memmem(p, len, "?>", 2);
	if (!end)
		return false;
	q = memmem(p, (size_t)(end - p), "encoding", 8);
	if (!q)
		return false;
	for (q += 8; q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'); q++)
		;
	if (q == end || *q != '=')
		return false;
	for (q++; q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'); q++)
		;
	if (q == end || (*q != '"' && *q != '\''))
		return false;
	close = memchr(q + 1, *q, (size_t)(end - q - 1));
	if (!close)
		return false;
	*out = q + 1;
	*out_len = (size_t)(close - q - 1);
	return true;
}

static bool is_utf8_name(const char *name, size_t len)
{
	return (len == 5 && strncasecmp(name, "UTF-8", 5) == 0) ||
	       (len == 4 && strncasecmp(name, "UTF8", 4) == 0);
}

/* Size and encoding, before libxml2 sees a byte. */
static int precheck(const unsigned char *p, size_t len, struct auth_xml_error *err)
{
	const unsigned char *nul;
	const char *enc;
	size_t enc_len;

	if (!p || len == 0)
		return auth_xml_fail(err, 0, VPN_ERR_INVALID, "empty document");
	if (len > AUTH_XML_MAX_SIZE)
		return auth_xml_fail(err, 0, VPN_ERR_TOO_BIG, "document is %zu bytes, limit %d",
				     len, AUTH_XML_MAX_SIZE);
	if (len >= 2 && ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe)))
		return auth_xml_fail(err, 0, VPN_ERR_INVALID,
				     "UTF-16/32 byte order mark; only UTF-8 is accepted");
	nul = memchr(p, 0, len);
	if (nul)
		return auth_xml_fail(err, 0, VPN_ERR_INVALID,
				     "NUL byte at offset %zu (UTF-16/32 or binary?); only UTF-8 is accepted",
				     (size_t)(nul - p));
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		p += 3;
		len -= 3;
	}
	if (find_declared_encoding((const char *)p, len, &enc, &enc_len) &&
	    !is_utf8_name(enc, enc_len))
		return auth_xml_fail(err, 1, VPN_ERR_INVALID,
				     "encoding '%.*s' is not supported; only UTF-8 is accepted",
				     (int)(enc_len > 40 ? 40 : enc_len), enc);
	return 0;
}

struct parse_state {
	const struct auth_xml_lib *lib;
	bool saw_doctype;
	long doctype_line;
};

/* Runs before the internal subset is read: nothing in it is ever declared. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	st->saw_doctype = true;
	st->doctype_line = ctxt->input ? ctxt->input->line : 0;
	st->lib->stop_parser(ctxt);
}

static int parse_error(xmlParserCtxtPtr ctxt, const struct parse_state *st,
		       struct auth_xml_error *err)
{
	const xmlError *e = &ctxt->lastError;
	char msg[120];
	size_t n;

	if (st->saw_doctype)
		return auth_xml_fail(err, st->doctype_line, VPN_ERR_INVALID,
				     "DOCTYPE is not allowed (no DTDs or entities)");
	if (e->code == XML_ERR_NO_MEMORY)
		return auth_xml_fail(err, 0, VPN_ERR_NOMEM, "out of memory");
	if (e->code == XML_ERR_INVALID_CHAR || e->code == XML_ERR_INVALID_ENCODING)
		return auth_xml_fail(err, e->line, VPN_ERR_INVALID, "not valid UTF-8 or XML characters");
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "parse failed");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	return auth_xml_fail(err, e->line, VPN_ERR_INVALID, "malformed XML: %s", msg);
}

static int check_depth(const struct auth_xml_lib *lib, const xmlNode *node, int depth,
		       struct auth_xml_error *err)
{
	for (; node; node = node->next) {
		int rc;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (depth > AUTH_XML_MAX_DEPTH)
			return auth_xml_fail(err, lib->get_line_no(node), VPN_ERR_TOO_BIG,
					     "element '%s' nested too deep (limit %d)",
					     (const char *)node->name, AUTH_XML_MAX_DEPTH);
		rc = check_depth(lib, node->children, depth + 1, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int auth_xml_parse(const struct auth_xml_lib *lib, xmlDoc **out, const void *data, size_t len,
		   struct auth_xml_error *err)
{
	struct parse_state st = { .lib = lib };
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	int rc;

	*out = NULL;
	rc = precheck(data, len, err);
	if (rc != 0)
		return rc;
	ctxt = lib->new_parser_ctxt();
	if (!ctxt)
		return auth_xml_fail(err, 0, VPN_ERR_NOMEM, "out of memory");
	ctxt->_private = &st;
	ctxt->sax->internalSubset = on_doctype;
	doc = lib->ctxt_read_memory(ctxt, data, (int)len, NULL, NULL, PARSE_OPTIONS);
	if (!doc || st.saw_doctype || !ctxt->wellFormed || !ctxt->nsWellFormed) {
		rc = parse_error(ctxt, &st, err);
		goto out;
	}
	/* Belt and braces: on_doctype must have stopped any DTD. */
	if (doc->intSubset || doc->extSubset) {
		rc = auth_xml_fail(err, 0, VPN_ERR_INVALID, "DOCTYPE is not allowed");
		goto out;
	}
	rc = check_depth(lib, lib->doc_get_root_element(doc), 1, err);
out:
	if (rc == 0) {
		*out = doc;
		doc = NULL;
	}
	lib->free_doc(doc);
	lib->free_parser_ctxt(ctxt);
	return rc;
}
