/* SPDX-License-Identifier: ISC */
/*
 * Hostile and broken input: each is refused with an error that names the
 * problem, nothing is fetched or expanded, and nothing is printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/auth/test_docs.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/base/testutil.h"

static int read_bytes(const void *data, size_t len, struct auth_xml_error *err)
{
	struct auth_doc doc;
	struct guarded g;
	int rc;

	assert_int_equal(guarded_init(&g, data, len), 0);
	auth_doc_init(&doc);
	rc = auth_xml_read(&doc, g.data, len, err);
	guarded_cleanup(&g);
	if (rc != 0)
		assert_int_equal(doc.type, AUTH_DOC_NONE);
	auth_doc_cleanup(&doc);
	return rc;
}

static void expect(const char *text, int code, const char *message)
{
	struct auth_xml_error err;

	assert_int_equal(read_bytes(text, strlen(text), &err), code);
	assert_string_equal(err.text, message);
}

static const char billion_laughs[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE lolz [\n"
	" <!ENTITY lol \"lol\">\n"
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	"]>\n"
	"<config-auth client=\"vpn\" type=\"init\"><version who=\"vpn\">&lol9;</version></config-auth>\n";

static void entity_expansion(void **state)
{
	expect(billion_laughs, VPN_ERR_INVALID,
	       "auth xml: line 2: DOCTYPE is not allowed (no DTDs or entities)");
}

static void external_entities(void **state)
{
	static const char *const docs[] = {
		"<?xml version=\"1.0\"?>\n<!DOCTYPE config-auth [\n"
		"<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
		"<config-auth client=\"vpn\" type=\"init\"><version>&xxe;</version></config-auth>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE config-auth SYSTEM \"file:///etc/passwd\">\n"
		"<config-auth client=\"vpn\" type=\"init\"/>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://198.18.0.1/x.dtd\"> %p;]>\n"
		"<config-auth client=\"vpn\" type=\"init\"/>",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		expect(docs[i], VPN_ERR_INVALID,
		       "auth xml: line 2: DOCTYPE is not allowed (no DTDs or entities)");
	/* Without a DTD an entity reference is simply undeclared. */
	expect("<?xml version=\"1.0\"?>\n"
	       "<config-auth client=\"vpn\" type=\"init\"><version>&xxe;</version></config-auth>",
	       VPN_ERR_INVALID, "auth xml: line 2: malformed XML: Entity 'xxe' not defined");
}

/* XInclude is never processed: the element is just unknown, and nothing is read in. */
static void xinclude_is_inert(void **state)
{
	static const char doc_text[] =
		"<?xml version=\"1.0\"?>\n"
		"<config-auth client=\"vpn\" type=\"init\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		"<version><xi:include href=\"file:///etc/passwd\" parse=\"text\"/></version>"
		"<group-access>https://gw/</group-access></config-auth>";
	struct auth_xml_error err;
	struct auth_doc doc;

	auth_doc_init(&doc);
	assert_int_equal(auth_xml_read(&doc, doc_text, strlen(doc_text), &err), 0);
	assert_string_equal(doc.version, "");
	assert_string_equal(doc.group_access, "https://gw/");
	auth_doc_cleanup(&doc);
}

/* One element per line: the root is on line 2, xN on line N + 2. */
static char *nested(int depth)
{
	size_t cap = 200 + (size_t)depth * 24;
	char *text = malloc(cap);
	size_t len;

	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "<?xml version=\"1.0\"?>\n<config-auth client=\"vpn\" type=\"init\">\n");
	for (int i = 1; i <= depth; i++)
		len += (size_t)snprintf(text + len, cap - len, "<x%d>\n", i);
	for (int i = depth; i >= 1; i--)
		len += (size_t)snprintf(text + len, cap - len, "</x%d>", i);
	snprintf(text + len, cap - len, "</config-auth>\n");
	return text;
}

static void deep_nesting(void **state)
{
	struct auth_xml_error err;
	char *text;

	text = nested(100);
	expect(text, VPN_ERR_TOO_BIG, "auth xml: line 18: element 'x16' nested too deep (limit 16)");
	free(text);
	/* The deepest allowed: root + 15 levels. */
	text = nested(15);
	assert_int_equal(read_bytes(text, strlen(text), &err), 0);
	free(text);
	/* Far past libxml2's own limit: still one clean error, no stack trouble. */
	text = nested(2000);
	assert_int_not_equal(read_bytes(text, strlen(text), &err), 0);
	assert_int_equal(strncmp(err.text, "auth xml: ", 10), 0);
	free(text);
}

/* VEC01 padded with spaces inside the root to exactly len bytes. */
static char *padded(size_t len)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n<config-auth client=\"vpn\" type=\"init\">";
	static const char tail[] = "</config-auth>";
	char *text = malloc(len + 1);

	assert_non_null(text);
	memset(text, ' ', len);
	memcpy(text, head, strlen(head));
	memcpy(text + len - strlen(tail), tail, strlen(tail));
	text[len] = '\0';
	return text;
}

static void size_limit(void **state)
{
	struct auth_xml_error err;
	char *text;

	text = padded(1024 * 1024);
	expect(text, VPN_ERR_TOO_BIG, "auth xml: document is 1048576 bytes, limit 65536");
	free(text);
	text = padded(AUTH_XML_MAX_SIZE + 1);
	expect(text, VPN_ERR_TOO_BIG, "auth xml: document is 65537 bytes, limit 65536");
	free(text);
	text = padded(AUTH_XML_MAX_SIZE);
	assert_int_equal(read_bytes(text, strlen(text), &err), 0);
	free(text);
}

/* VEC01 as UTF-16LE, the way a confused peer might send it. */
static size_t to_utf16le(unsigned char *out, const char *text, bool has_bom)
{
	size_t n = 0;

	if (has_bom) {
		out[n++] = 0xff;
		out[n++] = 0xfe;
	}
	for (; *text; text++) {
		out[n++] = (unsigned char)*text;
		out[n++] = 0;
	}
	return n;
}

static void encodings(void **state)
{
	unsigned char wide[2 * sizeof(VEC01_INIT) + 2];
	struct auth_xml_error err;
	size_t len;
	char *text;

	len = to_utf16le(wide, VEC01_INIT, true);
	assert_int_equal(read_bytes(wide, len, &err), VPN_ERR_INVALID);
	assert_string_equal(err.text, "auth xml: UTF-16/32 byte order mark; only UTF-8 is accepted");
	len = to_utf16le(wide, VEC01_INIT, false);
	assert_int_equal(read_bytes(wide, len, &err), VPN_ERR_INVALID);
	assert_string_equal(err.text,
			    "auth xml: NUL byte at offset 1 (UTF-16/32 or binary?); only UTF-8 is accepted");

	expect("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	       "<config-auth client=\"vpn\" type=\"init\"><version>caf\xe9</version></config-auth>",
	       VPN_ERR_INVALID,
	       "auth xml: line 1: encoding 'ISO-8859-1' is not supported; only UTF-8 is accepted");
	expect("<?xml version='1.0' encoding = 'ebcdic-cp-us' ?><config-auth/>", VPN_ERR_INVALID,
	       "auth xml: line 1: encoding 'ebcdic-cp-us' is not supported; only UTF-8 is accepted");
	/* Latin-1 bytes in a document that claims (or defaults to) UTF-8. */
	expect("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<config-auth client=\"vpn\" type=\"init\">\n<version>caf\xe9</version></config-auth>",
	       VPN_ERR_INVALID, "auth xml: line 3: not valid UTF-8 or XML characters");
	expect("<config-auth client=\"vpn\" type=\"init\"><version>\x01</version></config-auth>",
	       VPN_ERR_INVALID, "auth xml: line 1: not valid UTF-8 or XML characters");

	/* A UTF-8 byte order mark and lower-case names are fine. */
	text = malloc(sizeof(VEC01_INIT) + 3);
	assert_non_null(text);
	memcpy(text, "\xef\xbb\xbf", 3);
	memcpy(text + 3, VEC01_INIT, sizeof(VEC01_INIT));
	assert_int_equal(read_bytes(text, strlen(text), &err), 0);
	free(text);
	text = "<?xml version=\"1.0\" encoding=\"utf-8\"?><auth id=\"x\"/>";
	assert_int_equal(read_bytes(text, strlen(text), &err), 0);
}

static void not_our_documents(void **state)
{
	expect("", VPN_ERR_INVALID, "auth xml: empty document");
	expect("hello", VPN_ERR_INVALID,
	       "auth xml: line 1: malformed XML: Start tag expected, '<' not found");
	expect("<?xml version=\"1.0\"?>\n<config-auth client=\"vpn\" type=\"foo\"></config-auth>",
	       VPN_ERR_INVALID, "auth xml: line 2: unknown document type 'foo'");
	expect("<config-auth client=\"vpn\"><auth/></config-auth>", VPN_ERR_INVALID,
	       "auth xml: line 1: config-auth has no type");
	expect("<html><body>404</body></html>", VPN_ERR_INVALID,
	       "auth xml: line 1: unknown root element 'html'");
	expect("<config-auth client=\"vpn\" type=\"auth-request\">\n<version who=\"sg\">1</version>"
	       "</config-auth>", VPN_ERR_INVALID, "auth xml: line 1: auth-request has no 'auth' element");
	expect("<config-auth type=\"init\"><p:version/></config-auth>", VPN_ERR_INVALID,
	       "auth xml: line 1: malformed XML: Namespace prefix p on version is not defined");
	expect("<auth id=\"main\"><form><select label=\"Group:\"/></form></auth>", VPN_ERR_INVALID,
	       "auth xml: line 1: 'select' has no name");
	/* Control characters from the document never reach the log line. */
	expect("<config-auth type=\"a&#10;b&#9;[31m\"/>", VPN_ERR_INVALID,
	       "auth xml: line 1: unknown document type 'a?b?[31m'");
	/* VEC02 cut in the middle of its form. */
	expect("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"auth-request\">\n"
	       "<auth id=\"main\">\n<form method=\"post\" action=\"/auth\">\n<input type=\"text\" name=\"user",
	       VPN_ERR_INVALID, "auth xml: line 5: malformed XML: Premature end of data in tag form line 4");
}

/* head, then count items "<before><index><after>", then tail. */
static char *repeated(const char *head, const char *before, const char *after, int count,
		      const char *tail)
{
	size_t cap = strlen(head) + strlen(tail) + 1 +
		     (size_t)count * (strlen(before) + strlen(after) + 12);
	char *text = malloc(cap);
	size_t len;

	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "%s", head);
	for (int i = 0; i < count; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s%d%s", before, i, after);
	snprintf(text + len, cap - len, "%s", tail);
	return text;
}

static void list_bounds(void **state)
{
	static const struct {
		const char *head, *before, *after, *tail;
		int limit;
		const char *message;
	} lists[] = {
		{ "<auth id=\"main\"><form><select name=\"group_list\">\n", "<option>g", "</option>\n",
		  "</select></form></auth>", AUTH_FORM_MAX_OPTIONS,
		  "auth xml: line 66: too many 'option' elements (limit 64)" },
		{ "<auth id=\"main\"><form>\n", "<input type=\"text\" name=\"f", "\"/>\n", "</form></auth>",
		  AUTH_FORM_MAX_FIELDS, "auth xml: line 18: too many form fields (limit 16)" },
		{ "<config-auth type=\"auth-reply\"><auth>\n", "<field>v", "</field>\n", "</auth></config-auth>",
		  AUTH_MAX_REPLY_FIELDS, "auth xml: line 18: too many fields in 'auth' (limit 16)" },
		{ "<config-auth type=\"init\"><capabilities>\n", "<auth-method>m", "</auth-method>\n",
		  "</capabilities></config-auth>", AUTH_MAX_AUTH_METHODS,
		  "auth xml: line 10: too many 'auth-method' elements (limit 8)" },
		{ "<config-auth type=\"complete\"><config><vpn-profile-manifest><vpn rev=\"1.0\">\n",
		  "<file type=\"profile\"><uri>/p", "</uri></file>\n",
		  "</vpn></vpn-profile-manifest></config></config-auth>", AUTH_MAX_MANIFEST_FILES,
		  "auth xml: line 18: too many manifest files (limit 16)" },
	};
	struct auth_xml_error err;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		char *text = repeated(lists[i].head, lists[i].before, lists[i].after, lists[i].limit,
				      lists[i].tail);

		assert_int_equal(read_bytes(text, strlen(text), &err), 0);
		free(text);
		text = repeated(lists[i].head, lists[i].before, lists[i].after, lists[i].limit + 1,
				lists[i].tail);
		assert_int_equal(read_bytes(text, strlen(text), &err), VPN_ERR_TOO_BIG);
		assert_string_equal(err.text, lists[i].message);
		free(text);
	}
}

/* libxml2 would print parse errors to stderr by default; the library must not. */
static void prints_nothing(void **state)
{
	static const char *const docs[] = {
		billion_laughs, "hello", "<a><b></a>", "<config-auth type=\"init\"><p:x/></config-auth>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xff</a>", "<a>&undefined;</a>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE a SYSTEM \"http://198.18.0.1/a.dtd\"><a/>",
	};
	struct auth_xml_error err;
	FILE *capture = tmpfile();
	int saved;

	assert_non_null(capture);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		read_bytes(docs[i], strlen(docs[i]), &err);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(ftell(capture), 0);
	fseek(capture, 0, SEEK_END);
	assert_int_equal(ftell(capture), 0);
	fclose(capture);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entity_expansion),
		cmocka_unit_test(external_entities),
		cmocka_unit_test(xinclude_is_inert),
		cmocka_unit_test(deep_nesting),
		cmocka_unit_test(size_limit),
		cmocka_unit_test(encodings),
		cmocka_unit_test(not_our_documents),
		cmocka_unit_test(list_bounds),
		cmocka_unit_test(prints_nothing),
	};

	auth_xml_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
