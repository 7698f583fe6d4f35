/* SPDX-License-Identifier: ISC */
/* Client identities from --certificate/--sslkey, directories expanded. */
#include "client/identities.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/options.h"
#include "lib/base/err.h"

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return strncmp(path, "pkcs11:", 7) != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *own(struct identities *ids, const char *dir, const char *name, size_t name_len,
		 const char *suffix)
{
	size_t len = strlen(dir) + name_len + strlen(suffix) + 2;
	char *p;

	if (ids->n_owned == sizeof(ids->owned) / sizeof(ids->owned[0]) ||
	    (p = malloc(len)) == NULL)
		return NULL;
	snprintf(p, len, "%s/%.*s%s", dir, (int)name_len, name, suffix);
	ids->owned[ids->n_owned++] = p;
	return p;
}

static int add(struct identities *ids, const char *cert, const char *key)
{
	if (ids->n == TLS_IDENTITIES_MAX)
		return VPN_ERR_TOO_BIG;
	ids->list[ids->n].cert = cert;
	ids->list[ids->n].key = key;
	ids->n++;
	return 0;
}

/* The key file beside a certificate NAME.pem: NAME-key.pem or NAME.key, else none. */
static const char *key_beside(struct identities *ids, const char *dir, const char *name,
			      size_t base_len)
{
	static const char *const suffixes[] = { "-key.pem", ".key" };

	for (size_t i = 0; i < 2; i++) {
		char *p = own(ids, dir, name, base_len, suffixes[i]);

		if (p && is_file(p))
			return p;
	}
	return NULL;
}

static int add_entry(struct identities *ids, const char *dir, const char *name)
{
	static const char *const certs[] = { ".pem", ".crt", ".cer" };
	char *path;

	if (ends_with(name, "-key.pem") || ends_with(name, ".key"))
		return 0;
	if (ends_with(name, ".p12") || ends_with(name, ".pfx")) {
		path = own(ids, dir, name, strlen(name), "");
		return path ? add(ids, path, NULL) : VPN_ERR_NOMEM;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!ends_with(name, certs[i]))
			continue;
		path = own(ids, dir, name, strlen(name), "");
		if (path == NULL)
			return VPN_ERR_NOMEM;
		return add(ids, path, key_beside(ids, dir, name, strlen(name) - 4));
	}
	return 0;
}

static int add_dir(struct identities *ids, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), ret = 0;

	if (n < 0)
		return VPN_ERR_IO;
	for (int i = 0; i < n; i++) {
		if (ret == 0 && names[i]->d_name[0] != '.')
			ret = add_entry(ids, dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return ret;
}

int identities_collect(struct identities *out, const struct options *o, const char **why)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (o->n_keys > o->n_certs) {
		if (why)
			*why = o->keys[o->n_certs];
		return VPN_ERR_INVALID;
	}
	for (size_t i = 0; i < o->n_certs && ret == 0; i++) {
		const char *key = i < o->n_keys ? o->keys[i] : NULL;

		ret = is_dir(o->certs[i]) && key == NULL ? add_dir(out, o->certs[i])
							 : add(out, o->certs[i], key);
		if (ret != 0 && why)
			*why = o->certs[i];
	}
	return ret;
}

void identities_cleanup(struct identities *ids)
{
	for (size_t i = 0; i < ids->n_owned; i++)
		free(ids->owned[i]);
	memset(ids, 0, sizeof(*ids));
}
