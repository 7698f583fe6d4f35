/* SPDX-License-Identifier: ISC */
/*
 * libxml2 loaded at run time (xml_lib.h): the client's binding. The first
 * document dlopen()s libxml2, binds the table and sets the library up;
 * auth_xml_unload() cleans it up and closes it, and the next document
 * loads it again. Load and unload are serialised; using the table after
 * unloading is the caller's bug, so the client unloads only between
 * logins, from its one thread.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "lib/auth/xml_internal.h"
#include "lib/base/err.h"

/* dlsym returns data pointers; POSIX has them carry function addresses. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers fit in void *");

struct symbol {
	const char *name;
	size_t off; /* of the member in struct auth_xml_lib */
};

#define SYMBOL(member, symbol) { #symbol, offsetof(struct auth_xml_lib, member) },

static const struct symbol symbols[] = { AUTH_XML_LIB_SYMBOLS(SYMBOL) };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *handle; /* NULL while libxml2 is not loaded */
static struct auth_xml_lib loaded;

static int bind_all(void *h, const char *soname, struct auth_xml_error *err)
{
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *fn = dlsym(h, symbols[i].name);

		if (!fn)
			return auth_xml_fail(err, 0, VPN_ERR_NOT_FOUND, "%s has no %s",
					     soname, symbols[i].name);
		/* A copy, not a cast: ISO C has no conversion from void * to a function. */
		memcpy((char *)&loaded + symbols[i].off, &fn, sizeof(fn));
	}
	return 0;
}

static int load_locked(const char *soname, struct auth_xml_error *err)
{
	void *h;
	int rc;

	if (handle)
		return 0;
	/* Local: libxml2's symbols must not bind anything else the client loads. */
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return auth_xml_fail(err, 0, VPN_ERR_NOT_FOUND, "cannot load %s (%s)",
				     soname, dlerror());
	rc = bind_all(h, soname, err);
	if (rc != 0) {
		memset(&loaded, 0, sizeof(loaded));
		dlclose(h);
		return rc;
	}
	auth_xml_lib_setup(&loaded);
	handle = h;
	return 0;
}

int auth_xml_lib_load(const char *soname, struct auth_xml_error *err)
{
	int rc;

	pthread_mutex_lock(&lock);
	rc = load_locked(soname, err);
	pthread_mutex_unlock(&lock);
	return rc;
}

const struct auth_xml_lib *auth_xml_lib_get(struct auth_xml_error *err)
{
	return auth_xml_lib_load(AUTH_XML_LIB_SONAME, err) == 0 ? &loaded : NULL;
}

/* Nothing to set up ahead: every load applies auth_xml_lib_setup() first. */
void auth_xml_global_init(void)
{
}

void auth_xml_unload(void)
{
	pthread_mutex_lock(&lock);
	if (handle) {
		/* Frees libxml2's own state through our allocator, which outlives it. */
		loaded.cleanup_parser();
		dlclose(handle);
		handle = NULL;
		memset(&loaded, 0, sizeof(loaded));
	}
	pthread_mutex_unlock(&lock);
}
