/* SPDX-License-Identifier: ISC */
/*
 * auth_xml_write(), and the client's documents. openconnect 9.01 builds
 * its init and auth-reply with libxml2 and dumps them unformatted: the
 * declaration line, then the whole root on one line ending LF, elements
 * in a fixed order (PROTOCOL.md 3.2, 4.1, vectors 01/03/04). Writing the
 * same bytes keeps gateways that were only ever tested against
 * openconnect happy, and lets the vectors test us byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

static void put_client_head(struct xml_out *o, const struct auth_doc *doc, const char *type)
{
	auth_xml_out_raw(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth");
	auth_xml_out_attr(o, "client", "vpn");
	auth_xml_out_attr(o, "type", type);
	auth_xml_out_attr(o, "aggregate-auth-version", "2");
	auth_xml_out_raw(o, ">");

	auth_xml_out_open(o, "version");
	auth_xml_out_attr(o, "who", "vpn");
	auth_xml_out_close(o, "version", doc->version);

	/* openconnect's attribute order first, then what only AC sends. */
	auth_xml_out_open(o, "device-id");
	auth_xml_out_attr(o, "platform-version", doc->platform_version);
	auth_xml_out_attr(o, "device-type", doc->device_type);
	auth_xml_out_attr(o, "unique-id", doc->unique_id);
	auth_xml_out_attr(o, "unique-id-global", doc->unique_id_global);
	auth_xml_out_attr(o, "computer-name", doc->computer_name);
	auth_xml_out_close(o, "device-id", doc->device_id);

	if (doc->n_auth_methods == 0) {
		auth_xml_out_raw(o, "<capabilities/>");
		return;
	}
	auth_xml_out_raw(o, "<capabilities>");
	for (size_t i = 0; i < doc->n_auth_methods; i++)
		auth_xml_out_elem(o, "auth-method", doc->auth_methods[i]);
	auth_xml_out_raw(o, "</capabilities>");
}

static void write_init(struct xml_out *o, const struct auth_doc *doc)
{
	put_client_head(o, doc, "init");
	auth_xml_out_elem(o, "group-access", doc->group_access);
	if (doc->has_client_cert_fail)
		auth_xml_out_raw(o, "<client-cert-fail/>");
	if (doc->group_select)
		auth_xml_out_elem(o, "group-select", doc->group_select);
	auth_xml_out_raw(o, "</config-auth>\n");
}

static void write_reply(struct xml_out *o, const struct auth_doc *doc)
{
	put_client_head(o, doc, "auth-reply");
	/* Echoed as received: the reader produced it, so it is well-formed. */
	if (doc->opaque)
		auth_xml_out_raw(o, doc->opaque);
	if (doc->n_fields == 0) {
		auth_xml_out_raw(o, "<auth/>");
	} else {
		auth_xml_out_raw(o, "<auth>");
		for (size_t i = 0; i < doc->n_fields; i++) {
			auth_xml_out_check_name(o, doc->fields[i].name);
			if (o->rc == 0)
				auth_xml_out_elem(o, doc->fields[i].name, doc->fields[i].value);
		}
		auth_xml_out_raw(o, "</auth>");
	}
	if (doc->group_select)
		auth_xml_out_elem(o, "group-select", doc->group_select);
	auth_xml_out_raw(o, "</config-auth>\n");
}

int auth_xml_write(struct buf_writer *w, const struct auth_doc *doc)
{
	struct xml_out o = { .w = w };

	switch (doc->type) {
	case AUTH_DOC_INIT:
		write_init(&o, doc);
		break;
	case AUTH_DOC_AUTH_REPLY:
		write_reply(&o, doc);
		break;
	case AUTH_DOC_AUTH_REQUEST:
		auth_xml_write_request(&o, doc);
		break;
	case AUTH_DOC_COMPLETE:
		if (doc->shape == AUTH_SHAPE_LEGACY)
			return VPN_ERR_UNSUPPORTED;
		auth_xml_write_complete(&o, doc);
		break;
	default:
		return VPN_ERR_UNSUPPORTED;
	}
	return auth_xml_out_result(&o);
}

int auth_xml_opaque_sg(char **out, const char *tunnel_group,
		       const char *group_alias, const char *config_hash)
{
	char buf[1024];
	struct buf_writer w;
	struct xml_out o = { .w = &w };
	int rc;

	*out = NULL;
	buf_writer_init(&w, buf, sizeof(buf) - 1);
	auth_xml_out_raw(&o, "<opaque is-for=\"sg\">\n");
	if (tunnel_group) {
		auth_xml_out_elem(&o, "tunnel-group", tunnel_group);
		auth_xml_out_raw(&o, "\n");
	}
	if (group_alias) {
		auth_xml_out_elem(&o, "group-alias", group_alias);
		auth_xml_out_raw(&o, "\n");
	}
	if (config_hash) {
		auth_xml_out_elem(&o, "config-hash", config_hash);
		auth_xml_out_raw(&o, "\n");
	}
	auth_xml_out_raw(&o, "</opaque>");
	rc = auth_xml_out_result(&o);
	if (rc == 0) {
		buf[w.len] = '\0';
		*out = strdup(buf);
		if (!*out)
			rc = VPN_ERR_NOMEM;
	}
	return rc == VPN_ERR_TOO_BIG ? VPN_ERR_INVALID : rc;
}
