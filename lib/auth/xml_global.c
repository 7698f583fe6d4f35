/* SPDX-License-Identifier: ISC */
/*
 * libxml2's process-wide setup (see xml.h for who calls it and when): an
 * allocator that wipes every block before freeing it, and error printing
 * switched off. Parse errors are still recorded in the parser context,
 * which is where auth_xml_parse() reads them from.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include "lib/auth/xml.h"
#include "lib/base/buf.h"

/* Each block carries its size in front, keeping malloc's alignment. */
#define HEADER_LEN alignof(max_align_t)

static void *wiping_malloc(size_t len)
{
	unsigned char *block;

	if (len > SIZE_MAX - HEADER_LEN)
		return NULL;
	block = malloc(HEADER_LEN + len);
	if (!block)
		return NULL;
	memcpy(block, &len, sizeof(len));
	return block + HEADER_LEN;
}

static size_t block_len(const void *ptr)
{
	size_t len;

	memcpy(&len, (const unsigned char *)ptr - HEADER_LEN, sizeof(len));
	return len;
}

static void wiping_free(void *ptr)
{
	if (!ptr)
		return;
	buf_wipe(ptr, block_len(ptr));
	free((unsigned char *)ptr - HEADER_LEN);
}

/* Always moves, so the old copy can be wiped; libxml2 grows buffers geometrically. */
static void *wiping_realloc(void *ptr, size_t len)
{
	void *grown;
	size_t old_len;

	if (!ptr)
		return wiping_malloc(len);
	grown = wiping_malloc(len);
	if (!grown)
		return NULL;
	old_len = block_len(ptr);
	memcpy(grown, ptr, old_len < len ? old_len : len);
	wiping_free(ptr);
	return grown;
}

static char *wiping_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = wiping_malloc(len);

	if (copy)
		memcpy(copy, s, len);
	return copy;
}

static void drop_generic(void *ctx, const char *msg, ...)
{
}

static void drop_structured(void *ctx, xmlErrorPtr error)
{
}

static void setup_once(void)
{
	/* Must come before libxml2 allocates anything, hence before xmlInitParser. */
	xmlMemSetup(wiping_free, wiping_malloc, wiping_realloc, wiping_strdup);
	xmlInitParser();
	/* Both the calling thread's handlers and the defaults for later threads. */
	xmlSetGenericErrorFunc(NULL, drop_generic);
	xmlThrDefSetGenericErrorFunc(NULL, drop_generic);
	xmlSetStructuredErrorFunc(NULL, drop_structured);
	xmlThrDefSetStructuredErrorFunc(NULL, drop_structured);
}

void auth_xml_global_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, setup_once);
}
