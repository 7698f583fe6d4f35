/* SPDX-License-Identifier: ISC */
/*
 * How users log in, in ocserv's words: `auth` lines are all required
 * ("plain[passwd=FILE]", "certificate", or both: certificate then
 * password), `enable-auth` lines are alternatives any one of which is enough,
 * and a per-group file may set its own `auth` (an sslgated extension:
 * "certificate", "plain" or both on one line joined by '+'). The client
 * certificate settings (ca-cert, crl, cert-user-oid, cert-group-oid) are
 * checked here against what the methods need.
 */
#include "gateway/conf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_plain_options(struct conf_loader *l, const char *opts)
{
	char *copy = strdup(opts), *save = NULL;
	bool has_file = false;
	int r = 0;

	if (!copy) {
		conf_error(l, "out of memory");
		return -1;
	}
	for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		while (*o == ' ')
			o++;
		if (strncmp(o, "passwd=", 7) == 0 && o[7] != '\0') {
			has_file = true;
			r |= conf_set_string(l, &l->cfg->passwd_file, o + 7);
		} else if (strncmp(o, "otp=", 4) == 0) {
			conf_error(l, "auth: one-time passwords (otp=) are not implemented; "
				   "ignoring them would drop the second factor");
			r = -1;
		} else {
			conf_warn(l, "auth: option '%s' is not supported and is ignored", o);
		}
	}
	free(copy);
	/* said here, on its line, rather than as a file-wide complaint later */
	if (!has_file && r == 0) {
		conf_error(l, "auth = \"plain[...]\" needs passwd=FILE (the password file)");
		r = -1;
	}
	return r;
}

/* "plain[passwd=FILE]" (the main file) or "certificate": its bit, or 0 after an error. */
static unsigned parse_method(struct conf_loader *l, const char *v, size_t len)
{
	const char *open = memchr(v, '[', len);
	size_t name_len = open ? (size_t)(open - v) : len;
	char inner[1024];

	if (name_len == 11 && strncasecmp(v, "certificate", 11) == 0 && !open)
		return GW_AUTH_CERT;
	if (name_len != 5 || strncasecmp(v, "plain", 5) != 0) {
		conf_error(l, "auth method '%.*s' is not supported (only \"plain[passwd=FILE]\" and "
			   "\"certificate\"); logins would not be checked as configured",
			   (int)name_len, v);
		return 0;
	}
	if (!l->is_main && open) {
		conf_error(l, "a group's auth = \"plain\" uses the main file's password file");
		return 0;
	}
	if (!l->is_main)
		return GW_AUTH_PASSWORD;
	if (!open || v[len - 1] != ']') {
		conf_error(l, "auth = \"plain\" needs [passwd=FILE]");
		return 0;
	}
	if (len - name_len - 2 >= sizeof(inner)) {
		conf_error(l, "auth options are too long");
		return 0;
	}
	memcpy(inner, open + 1, len - name_len - 2);
	inner[len - name_len - 2] = '\0';
	return parse_plain_options(l, inner) == 0 ? GW_AUTH_PASSWORD : 0;
}

/* Each '+'-joined method of v into *bits; -1 after an error. */
static int add_methods(struct conf_loader *l, const char *v, unsigned *bits)
{
	while (*v) {
		const char *end = strchr(v, '+');
		size_t len = end ? (size_t)(end - v) : strlen(v);
		unsigned bit = parse_method(l, v, len);

		if (bit == 0)
			return -1;
		*bits |= bit;
		v += len + (end != NULL);
	}
	return 0;
}

int conf_set_auth(struct conf_loader *l, const char *v)
{
	l->n_auth++;
	return add_methods(l, v, l->is_main ? &l->cfg->auth_methods : &l->net->auth_methods);
}

/*
 * An alternative sslgated cannot offer only means one way in fewer, so it is
 * a warning, not an error (unlike an auth line).
 */
int conf_set_enable_auth(struct conf_loader *l, const char *v)
{
	if (strcasecmp(v, "certificate") == 0 || strncasecmp(v, "plain[", 6) == 0)
		return add_methods(l, v, &l->cfg->auth_alt);
	conf_warn(l, "'enable-auth' is not supported for \"%s\": only \"certificate\" and "
		  "\"plain[...]\" are offered as alternatives", v);
	return 0;
}

int conf_set_crl(struct conf_loader *l, const char *v)
{
	return conf_set_string(l, &l->cfg->crl_file, v);
}

int conf_set_cert_user_oid(struct conf_loader *l, const char *v)
{
	return conf_set_string(l, &l->cfg->cert_user_oid, v);
}

int conf_set_cert_group_oid(struct conf_loader *l, const char *v)
{
	return conf_set_string(l, &l->cfg->cert_group_oid, v);
}

static unsigned every_method(const struct gw_config *cfg)
{
	unsigned all = cfg->auth_methods | cfg->auth_alt;

	for (size_t i = 0; i < cfg->n_groups; i++)
		all |= cfg->groups[i].net.auth_methods;
	return all;
}

void conf_auth_check(struct conf_loader *l)
{
	struct gw_config *cfg = l->cfg;
	unsigned all = every_method(cfg);

	if (cfg->auth_methods == 0)
		conf_error(l, "no auth = \"plain[passwd=FILE]\" or \"certificate\": "
			   "nobody could log in");
	if ((all & GW_AUTH_PASSWORD) && !cfg->passwd_file)
		conf_error(l, "a password login needs auth = \"plain[passwd=FILE]\"");
	if ((all & GW_AUTH_CERT) && !cfg->ca_cert)
		conf_error(l, "certificate logins need ca-cert (the CAs users' certificates "
			   "come from)");
	if (cfg->crl_file && !cfg->ca_cert)
		conf_error(l, "crl needs ca-cert");
}

unsigned gw_config_auth(const struct gw_config *cfg, const char *group, unsigned *out_alt)
{
	const struct gw_group *g = group && group[0] ? gw_config_group(cfg, group) : NULL;

	if (out_alt)
		*out_alt = cfg->auth_alt;
	if (g && g->net.auth_methods)
		return g->net.auth_methods;
	return cfg->auth_methods;
}
