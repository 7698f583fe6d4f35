/* SPDX-License-Identifier: ISC */
/*
 * The flat encoding of struct auth_doc (doc_wire.h). One table lists the
 * plain strings with the document types that may carry each; encoder and
 * decoder both walk it, so they cannot disagree on the order, and the
 * decoder refuses a string where the reader would never have put one.
 */
#include "lib/auth/doc_wire.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth/xml_char.h"
#include "lib/base/err.h"

#define ABSENT UINT32_MAX
#define MEMBER(m) offsetof(struct auth_doc, m)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(type) (1u << (type))

/* Which documents may carry a member: what auth_xml_read() fills for each type. */
enum {
	IN_INIT = BIT(AUTH_DOC_INIT),
	IN_REQUEST = BIT(AUTH_DOC_AUTH_REQUEST),
	IN_REPLY = BIT(AUTH_DOC_AUTH_REPLY),
	IN_COMPLETE = BIT(AUTH_DOC_COMPLETE),
	IN_CLIENT = IN_INIT | IN_REPLY,
	IN_GATEWAY = IN_REQUEST | IN_COMPLETE,
	IN_ANY = IN_CLIENT | IN_GATEWAY,
	MAX_AGG_VERSION = 999999, /* the reader takes at most six digits */
};

struct member {
	size_t off;
	unsigned types;
};

static const struct member strings[] = {
	{ MEMBER(version), IN_ANY },
	{ MEMBER(version_who), IN_ANY },
	{ MEMBER(device_id), IN_CLIENT },
	{ MEMBER(device_type), IN_CLIENT },
	{ MEMBER(platform_version), IN_CLIENT },
	{ MEMBER(unique_id), IN_CLIENT },
	{ MEMBER(unique_id_global), IN_CLIENT },
	{ MEMBER(computer_name), IN_CLIENT },
	{ MEMBER(group_select), IN_CLIENT },
	{ MEMBER(group_access), IN_INIT },
	{ MEMBER(opaque), IN_REQUEST | IN_REPLY },
	{ MEMBER(auth_id), IN_GATEWAY },
	{ MEMBER(title), IN_GATEWAY },
	{ MEMBER(message.text), IN_GATEWAY },
	{ MEMBER(message.id), IN_GATEWAY },
	{ MEMBER(message.param1), IN_GATEWAY },
	{ MEMBER(message.param2), IN_GATEWAY },
	{ MEMBER(banner.text), IN_GATEWAY },
	{ MEMBER(banner.id), IN_GATEWAY },
	{ MEMBER(banner.param1), IN_GATEWAY },
	{ MEMBER(banner.param2), IN_GATEWAY },
	{ MEMBER(error.text), IN_GATEWAY },
	{ MEMBER(error.id), IN_GATEWAY },
	{ MEMBER(error.param1), IN_GATEWAY },
	{ MEMBER(error.param2), IN_GATEWAY },
	{ MEMBER(session_id), IN_COMPLETE },
	{ MEMBER(session_token), IN_COMPLETE },
	{ MEMBER(base_package_uri), IN_COMPLETE },
	{ MEMBER(server_cert_hash), IN_COMPLETE },
};

/* Bit i of the flags byte is flags[i]. */
static const struct member flags[] = {
	{ MEMBER(has_client_cert_fail), IN_INIT },
	{ MEMBER(has_form), IN_GATEWAY },
	{ MEMBER(has_client_cert_request), IN_REQUEST },
	{ MEMBER(has_multiple_cert_request), IN_REQUEST },
	{ MEMBER(has_host_scan), IN_REQUEST },
};

/* Per form field and per option. */
enum {
	FIELD_SECOND_AUTH = 1u << 0,
	OPTION_HAS_VALUE_ATTR = 1u << 0,
	OPTION_SELECTED = 1u << 1,
};

static char **string_at(const struct auth_doc *doc, size_t off)
{
	return (char **)((char *)doc + off);
}

static bool *flag_at(const struct auth_doc *doc, size_t off)
{
	return (bool *)((char *)doc + off);
}

/* Encoding */

struct enc {
	struct buf_writer *w;
	int rc;
};

static void put_str(struct enc *e, const char *s)
{
	size_t n;

	if (!s) {
		buf_write_be32(e->w, ABSENT);
		return;
	}
	n = strlen(s);
	if (n > AUTH_DOC_WIRE_MAX_SIZE && e->rc == 0)
		e->rc = VPN_ERR_TOO_BIG;
	buf_write_be32(e->w, (uint32_t)n);
	buf_write_bytes(e->w, s, n);
}

static void put_head(struct enc *e, const struct auth_doc *doc)
{
	uint8_t bits = 0;

	for (size_t i = 0; i < COUNT(flags); i++)
		if (*flag_at(doc, flags[i].off))
			bits |= (uint8_t)(1u << i);
	buf_write_u8(e->w, AUTH_DOC_WIRE_VERSION);
	buf_write_u8(e->w, (uint8_t)doc->type);
	buf_write_u8(e->w, (uint8_t)doc->shape);
	buf_write_u8(e->w, bits);
	buf_write_be32(e->w, doc->aggregate_auth_version);
}

static void put_field(struct enc *e, const struct auth_form_field *f)
{
	buf_write_u8(e->w, (uint8_t)f->type);
	buf_write_u8(e->w, f->is_second_auth ? FIELD_SECOND_AUTH : 0);
	put_str(e, f->name);
	put_str(e, f->label);
	put_str(e, f->value);
	buf_write_u8(e->w, (uint8_t)f->n_options);
	for (size_t i = 0; i < f->n_options; i++) {
		const struct auth_form_option *o = &f->options[i];

		buf_write_u8(e->w, (uint8_t)((o->has_value_attr ? OPTION_HAS_VALUE_ATTR : 0) |
					     (o->is_selected ? OPTION_SELECTED : 0)));
		put_str(e, o->value);
		put_str(e, o->label);
	}
}

static void put_lists(struct enc *e, const struct auth_doc *doc)
{
	buf_write_u8(e->w, (uint8_t)doc->n_auth_methods);
	for (size_t i = 0; i < doc->n_auth_methods; i++)
		put_str(e, doc->auth_methods[i]);
	buf_write_u8(e->w, (uint8_t)doc->n_fields);
	for (size_t i = 0; i < doc->n_fields; i++) {
		put_str(e, doc->fields[i].name);
		put_str(e, doc->fields[i].value);
	}
	put_str(e, doc->form.method);
	put_str(e, doc->form.action);
	buf_write_u8(e->w, (uint8_t)doc->form.n_fields);
	for (size_t i = 0; i < doc->form.n_fields; i++)
		put_field(e, &doc->form.fields[i]);
	buf_write_u8(e->w, (uint8_t)doc->n_files);
	for (size_t i = 0; i < doc->n_files; i++) {
		const struct auth_manifest_file *f = &doc->files[i];

		put_str(e, f->type);
		put_str(e, f->service_type);
		put_str(e, f->uri);
		put_str(e, f->hash);
		put_str(e, f->hash_type);
	}
}

static bool counts_fit(const struct auth_doc *doc)
{
	if (doc->n_auth_methods > AUTH_MAX_AUTH_METHODS || doc->n_fields > AUTH_MAX_REPLY_FIELDS ||
	    doc->n_files > AUTH_MAX_MANIFEST_FILES || doc->form.n_fields > AUTH_FORM_MAX_FIELDS)
		return false;
	for (size_t i = 0; i < doc->form.n_fields; i++)
		if (doc->form.fields[i].n_options > AUTH_FORM_MAX_OPTIONS)
			return false;
	return true;
}

int auth_doc_wire_encode(struct buf_writer *w, const struct auth_doc *doc)
{
	struct enc e = { .w = w };
	size_t start = w->len;

	if (!counts_fit(doc))
		return VPN_ERR_INVALID;
	put_head(&e, doc);
	for (size_t i = 0; i < COUNT(strings); i++)
		put_str(&e, *string_at(doc, strings[i].off));
	put_lists(&e, doc);
	if (e.rc != 0)
		return e.rc;
	if (buf_writer_error(w) != 0 || w->len - start > AUTH_DOC_WIRE_MAX_SIZE)
		return VPN_ERR_TOO_BIG;
	return 0;
}

/* Decoding */

struct dec {
	struct buf_reader r;
	unsigned type_bit; /* BIT(the document's type) */
};

/* Everything libxml2 hands out is text of this kind; nothing else can be parsed XML. */
static bool is_xml_text(const uint8_t *p, size_t len)
{
	while (len > 0) {
		size_t n = auth_xml_char_len(p, len);

		if (n == 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/*
 * A string into *slot, which is NULL (fresh doc), and stays NULL for an
 * absent one; is_allowed false refuses anything but absent.
 */
static int get_str(struct dec *d, char **slot, bool is_allowed)
{
	const uint8_t *p;
	uint32_t len;
	char *s;

	if (!buf_read_be32(&d->r, &len))
		return VPN_ERR_INVALID;
	if (len == ABSENT)
		return 0;
	if (!is_allowed || len > buf_reader_left(&d->r))
		return VPN_ERR_INVALID;
	p = d->r.data + d->r.pos;
	if (!is_xml_text(p, len))
		return VPN_ERR_INVALID;
	s = malloc((size_t)len + 1);
	if (!s)
		return VPN_ERR_NOMEM;
	memcpy(s, p, len);
	s[len] = '\0';
	buf_skip(&d->r, len);
	*slot = s;
	return 0;
}

/* The same for a string the reader always fills. */
static int get_present(struct dec *d, char **slot)
{
	int rc = get_str(d, slot, true);

	return rc == 0 && !*slot ? VPN_ERR_INVALID : rc;
}

/* A list's count: at most max, and 0 unless types include the document's. */
static int get_count(struct dec *d, size_t *out, size_t max, unsigned types)
{
	uint8_t n;

	if (!buf_read_u8(&d->r, &n))
		return VPN_ERR_INVALID;
	if (n > max)
		return VPN_ERR_TOO_BIG;
	if (n > 0 && !(types & d->type_bit))
		return VPN_ERR_INVALID;
	*out = n;
	return 0;
}

static int check_head(uint8_t version, uint8_t type, uint8_t shape, uint32_t agg)
{
	if (version != AUTH_DOC_WIRE_VERSION || type < AUTH_DOC_INIT ||
	    type > AUTH_DOC_COMPLETE || shape > AUTH_SHAPE_LEGACY || agg > MAX_AGG_VERSION)
		return VPN_ERR_INVALID;
	/* The reader derives the shape: ASA exactly when the version attribute is there. */
	if ((shape == AUTH_SHAPE_ASA) != (agg != 0))
		return VPN_ERR_INVALID;
	if (shape == AUTH_SHAPE_LEGACY && type != AUTH_DOC_AUTH_REQUEST)
		return VPN_ERR_INVALID;
	return 0;
}

static int get_head(struct dec *d, struct auth_doc *out)
{
	uint8_t version, type, shape, bits;
	uint32_t agg;

	if (!buf_read_u8(&d->r, &version) || !buf_read_u8(&d->r, &type) ||
	    !buf_read_u8(&d->r, &shape) || !buf_read_u8(&d->r, &bits) ||
	    !buf_read_be32(&d->r, &agg))
		return VPN_ERR_INVALID;
	if (check_head(version, type, shape, agg) != 0 || (bits >> COUNT(flags)) != 0)
		return VPN_ERR_INVALID;
	out->type = (enum auth_doc_type)type;
	out->shape = (enum auth_doc_shape)shape;
	out->aggregate_auth_version = agg;
	d->type_bit = BIT(type);
	for (size_t i = 0; i < COUNT(flags); i++) {
		if (!(bits & (1u << i)))
			continue;
		if (!(flags[i].types & d->type_bit))
			return VPN_ERR_INVALID;
		*flag_at(out, flags[i].off) = true;
	}
	return 0;
}

static int get_option(struct dec *d, struct auth_form_field *f)
{
	struct auth_form_option *o = &f->options[f->n_options++];
	uint8_t bits;
	int rc;

	if (!buf_read_u8(&d->r, &bits) || (bits & ~(OPTION_HAS_VALUE_ATTR | OPTION_SELECTED)))
		return VPN_ERR_INVALID;
	o->has_value_attr = bits & OPTION_HAS_VALUE_ATTR;
	o->is_selected = bits & OPTION_SELECTED;
	rc = get_present(d, &o->value);
	if (rc == 0)
		rc = get_present(d, &o->label);
	/* A bare <option>'s identifier is its text. */
	if (rc == 0 && !o->has_value_attr && strcmp(o->value, o->label) != 0)
		rc = VPN_ERR_INVALID;
	return rc;
}

static int get_options(struct dec *d, struct auth_form_field *f)
{
	size_t n;
	int rc = get_count(d, &n, AUTH_FORM_MAX_OPTIONS,
			   f->type == AUTH_FIELD_SELECT ? IN_ANY : 0);

	if (rc != 0 || n == 0)
		return rc;
	/* form.c grows the array 8 entries at a time and counts on that room. */
	f->options = calloc((n + 7) / 8 * 8, sizeof(*f->options));
	if (!f->options)
		return VPN_ERR_NOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = get_option(d, f);
	return rc;
}

static int get_field(struct dec *d, struct auth_form *form)
{
	struct auth_form_field *f = &form->fields[form->n_fields++];
	uint8_t type, bits;
	int rc;

	if (!buf_read_u8(&d->r, &type) || !buf_read_u8(&d->r, &bits))
		return VPN_ERR_INVALID;
	if (type < AUTH_FIELD_TEXT || type > AUTH_FIELD_SELECT || (bits & ~FIELD_SECOND_AUTH) ||
	    (type == AUTH_FIELD_SELECT && bits != 0))
		return VPN_ERR_INVALID;
	f->type = (enum auth_field_type)type;
	f->is_second_auth = bits & FIELD_SECOND_AUTH;
	rc = get_present(d, &f->name);
	if (rc == 0)
		rc = get_str(d, &f->label, true);
	/* Only hidden inputs carry a value (sent back unchanged). */
	if (rc == 0)
		rc = get_str(d, &f->value, type == AUTH_FIELD_HIDDEN);
	if (rc == 0)
		rc = get_options(d, f);
	return rc;
}

static int get_form(struct dec *d, struct auth_doc *out)
{
	struct auth_form *form = &out->form;
	size_t n = 0;
	int rc;

	/* Only a doc that saw a <form> has anything in it. */
	rc = get_str(d, &form->method, out->has_form);
	if (rc == 0)
		rc = get_str(d, &form->action, out->has_form);
	if (rc == 0)
		rc = get_count(d, &n, AUTH_FORM_MAX_FIELDS, out->has_form ? IN_ANY : 0);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = get_field(d, form);
	return rc;
}

static int get_reply_fields(struct dec *d, struct auth_doc *out)
{
	size_t n = 0;
	int rc = get_count(d, &n, AUTH_MAX_REPLY_FIELDS, IN_REPLY);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct auth_reply_field *f = &out->fields[out->n_fields++];

		rc = get_present(d, &f->name);
		if (rc == 0)
			rc = get_present(d, &f->value);
		/* An element name: never empty. */
		if (rc == 0 && f->name[0] == '\0')
			rc = VPN_ERR_INVALID;
	}
	return rc;
}

static int get_files(struct dec *d, struct auth_doc *out)
{
	size_t n = 0;
	int rc = get_count(d, &n, AUTH_MAX_MANIFEST_FILES, IN_COMPLETE);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct auth_manifest_file *f = &out->files[out->n_files++];
		char **parts[] = { &f->type, &f->service_type, &f->uri, &f->hash, &f->hash_type };

		for (size_t j = 0; rc == 0 && j < COUNT(parts); j++)
			rc = get_str(d, parts[j], true);
	}
	return rc;
}

static int get_lists(struct dec *d, struct auth_doc *out)
{
	size_t n = 0;
	int rc = get_count(d, &n, AUTH_MAX_AUTH_METHODS, IN_CLIENT);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = get_present(d, &out->auth_methods[out->n_auth_methods++]);
	if (rc == 0)
		rc = get_reply_fields(d, out);
	if (rc == 0)
		rc = get_form(d, out);
	if (rc == 0)
		rc = get_files(d, out);
	return rc;
}

int auth_doc_wire_decode(struct auth_doc *out, const void *data, size_t len)
{
	struct dec d = { .type_bit = 0 };
	int rc;

	if (len > AUTH_DOC_WIRE_MAX_SIZE)
		return VPN_ERR_TOO_BIG;
	buf_reader_init(&d.r, data, len);
	rc = get_head(&d, out);
	for (size_t i = 0; rc == 0 && i < COUNT(strings); i++)
		rc = get_str(&d, string_at(out, strings[i].off), strings[i].types & d.type_bit);
	if (rc == 0)
		rc = get_lists(&d, out);
	if (rc == 0 && buf_reader_left(&d.r) != 0)
		rc = VPN_ERR_INVALID;
	if (rc != 0)
		auth_doc_cleanup(out);
	return rc;
}
