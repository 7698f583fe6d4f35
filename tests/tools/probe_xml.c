/* SPDX-License-Identifier: ISC */
/*
 * Hostile aggregate-auth bodies in the init and auth-reply POSTs: entity
 * expansion, external entities, deep nesting, wrong encodings, oversize.
 * Each comes in two shapes, an init (POST /) and an auth-reply (POST
 * /auth), because a gateway may read them on different paths. The valid
 * controls are written by lib/auth's writer, exactly as openconnect 9.01
 * sends them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth/doc.h"
#include "lib/auth/xml.h"
#include "lib/http/write.h"
#include "tests/tools/probe_http_common.h"

#define BODY_MAX (512 * 1024)

/* The text that marks a leaked /etc/passwd in an answer. */
#define PASSWD_MARK "root:x:0:0"

/* Root start and the element a payload goes into, for each shape. */
struct shape {
	const char *type;    /* "init" or "auth-reply" */
	const char *target;  /* where openconnect posts it */
	const char *open;    /* element(s) around the payload */
	const char *close;
};

static const struct shape init_shape = { "init", "/", "<version who=\"vpn\">", "</version>" };
static const struct shape reply_shape = { "auth-reply", "/auth", "<auth><username>",
					  "</username></auth>" };

static void post(const struct probe_opts *o, struct probe_result *r, const struct shape *s,
		 const char *body, size_t len)
{
	char *req = malloc(len + 2048);
	struct buf_writer w;
	struct probe_http_answer *a = malloc(sizeof(*a));

	if (!req || !a)
		goto out;
	buf_writer_init(&w, req, len + 2048);
	probe_head_post(&w, o, s->target);
	http_write_body(&w, body, len);
	probe_exchange(o, r, "POST", req, w.len, a);
	if (r->outcome == PROBE_HTTP)
		probe_result_add(r, "leak", "%s",
				 memmem(a->body, a->body_len, PASSWD_MARK, strlen(PASSWD_MARK)) ?
				 "yes" : "no");
out:
	free(a);
	free(req);
}

/* "<config-auth ... type=T>" + open + payload + close + "</config-auth>" */
static int wrap(char *out, size_t cap, const char *prolog, const struct shape *s,
		const char *payload)
{
	return snprintf(out, cap,
			"%s<config-auth client=\"vpn\" type=\"%s\" aggregate-auth-version=\"2\">"
			"%s%s%s</config-auth>\n", prolog, s->type, s->open, payload, s->close);
}

static void send_wrapped(const struct probe_opts *o, struct probe_result *r,
			 const struct shape *s, const char *prolog, const char *payload)
{
	char *body = malloc(BODY_MAX);
	int n;

	if (!body)
		return;
	n = wrap(body, BODY_MAX, prolog, s, payload);
	if (n > 0 && n < BODY_MAX)
		post(o, r, s, body, (size_t)n);
	free(body);
}

static void control(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	struct auth_doc doc;
	uint8_t body[4096];
	struct buf_writer w;
	char url[300];

	auth_doc_init(&doc);
	doc.type = s == &init_shape ? AUTH_DOC_INIT : AUTH_DOC_AUTH_REPLY;
	snprintf(url, sizeof(url), "https://%s/", o->sni);
	buf_writer_init(&w, body, sizeof(body));
	if (auth_doc_set(&doc.version, "v9.01-3") == 0 &&
	    auth_doc_set(&doc.device_id, "linux-64") == 0 &&
	    auth_doc_add_auth_method(&doc, "single-sign-on-v2") == 0 &&
	    auth_doc_set(&doc.group_access, url) == 0 &&
	    (doc.type == AUTH_DOC_INIT || auth_doc_add_reply_field(&doc, "username", "alice") == 0) &&
	    auth_xml_write(&w, &doc) == 0)
		post(o, r, s, (const char *)body, w.len);
	else
		probe_result_detail(r, "could not write the %s document", s->type);
	auth_doc_cleanup(&doc);
}

static const char bomb_dtd[] =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE config-auth [\n"
	" <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
	" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	"]>\n";

static const char xxe_dtd[] =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE config-auth [\n"
	" <!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n";

static void bomb(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	send_wrapped(o, r, s, bomb_dtd, "&g;");
}

static void xxe(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	send_wrapped(o, r, s, xxe_dtd, "&x;");
}

/* 5000 nested elements inside the payload element. */
static void deep(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	enum { DEPTH = 5000 };
	char *payload = malloc(DEPTH * 7 + 1);
	size_t n = 0;

	if (!payload)
		return;
	for (int i = 0; i < DEPTH; i++, n += 3)
		memcpy(payload + n, "<a>", 3);
	for (int i = 0; i < DEPTH; i++, n += 4)
		memcpy(payload + n, "</a>", 4);
	payload[n] = '\0';
	probe_result_add(r, "depth", "%d", DEPTH);
	send_wrapped(o, r, s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", payload);
	free(payload);
}

/* Declared UTF-16 with a BOM, each character two bytes (little-endian). */
static void utf16(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	char text[1024];
	uint8_t body[2048 + 2];
	int n = wrap(text, sizeof(text), "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n", s,
		     "alice");

	body[0] = 0xff;
	body[1] = 0xfe;
	for (int i = 0; i < n; i++) {
		body[2 + 2 * i] = (uint8_t)text[i];
		body[3 + 2 * i] = 0;
	}
	post(o, r, s, (const char *)body, 2 + 2 * (size_t)n);
}

/* Declared ISO-8859-1 with a Latin-1 byte (0xE9). */
static void latin1(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	send_wrapped(o, r, s, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n", "al\xe9" "ce");
}

/* Declared UTF-8 but not UTF-8 (an overlong encoding of '/'). */
static void bad_utf8(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	send_wrapped(o, r, s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "al\xc0\xaf" "ce");
}

/* A document four times the XML bound but well inside the HTTP one. */
static void oversize(const struct probe_opts *o, struct probe_result *r, const struct shape *s)
{
	size_t n = 4 * AUTH_XML_MAX_SIZE;
	char *payload = malloc(n + 1);

	if (!payload)
		return;
	memset(payload, 'a', n);
	payload[n] = '\0';
	send_wrapped(o, r, s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", payload);
	free(payload);
}

#define PAIR(fn) \
	static void fn##_init(const struct probe_opts *o, struct probe_result *r) \
	{ fn(o, r, &init_shape); } \
	static void fn##_reply(const struct probe_opts *o, struct probe_result *r) \
	{ fn(o, r, &reply_shape); }

PAIR(control)
PAIR(bomb)
PAIR(xxe)
PAIR(deep)
PAIR(utf16)
PAIR(latin1)
PAIR(bad_utf8)
PAIR(oversize)

const struct probe_scenario probe_xml_scenarios[] = {
	{ "xml-init", "control: openconnect's init document", 0, control_init },
	{ "xml-reply", "control: an auth-reply with a username", 0, control_reply },
	{ "xml-bomb", "entity expansion (16^6 x 68 bytes) in an init", 0, bomb_init },
	{ "xml-bomb-reply", "the same in an auth-reply", 0, bomb_reply },
	{ "xml-xxe", "external entity file:///etc/passwd in an init", 0, xxe_init },
	{ "xml-xxe-reply", "the same in an auth-reply", 0, xxe_reply },
	{ "xml-deep", "5000 nested elements in an init", 0, deep_init },
	{ "xml-deep-reply", "the same in an auth-reply", 0, deep_reply },
	{ "xml-utf16", "an init in UTF-16 with a BOM", 0, utf16_init },
	{ "xml-utf16-reply", "the same in an auth-reply", 0, utf16_reply },
	{ "xml-latin1", "an init declared ISO-8859-1", 0, latin1_init },
	{ "xml-latin1-reply", "the same in an auth-reply", 0, latin1_reply },
	{ "xml-bad-utf8", "an init declared UTF-8 that is not", 0, bad_utf8_init },
	{ "xml-bad-utf8-reply", "the same in an auth-reply", 0, bad_utf8_reply },
	{ "xml-oversize", "a 256 KiB init", 0, oversize_init },
	{ "xml-oversize-reply", "the same in an auth-reply", 0, oversize_reply },
	{ NULL, NULL, 0, NULL },
};
