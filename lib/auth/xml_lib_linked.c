/* SPDX-License-Identifier: ISC */
/*
 * libxml2 linked as usual (xml_lib.h): the binding of every program but
 * the client. It is set up once, before the first document, and stays:
 * a gateway's threads may be parsing at any time.
 */
#include <pthread.h>

#include "lib/auth/xml_lib.h"

#define BIND(member, symbol) .member = symbol,

static const struct auth_xml_lib linked = { AUTH_XML_LIB_SYMBOLS(BIND) };

static void setup_once(void)
{
	auth_xml_lib_setup(&linked);
}

void auth_xml_global_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, setup_once);
}

const struct auth_xml_lib *auth_xml_lib_get(struct auth_xml_error *err)
{
	auth_xml_global_init();
	return &linked;
}

int auth_xml_lib_load(const char *soname, struct auth_xml_error *err)
{
	auth_xml_global_init();
	return 0;
}

void auth_xml_unload(void)
{
}
