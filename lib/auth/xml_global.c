/* SPDX-License-Identifier: ISC */
/*
 * libxml2's process-wide setup, applied by whichever binding a program
 * links (xml_lib.h) as soon as libxml2 is bound: an allocator that wipes
 * every block before freeing it, and error printing switched off. Parse
 * errors are still recorded in the parser context, which is where
 * auth_xml_parse() reads them from. Nothing here calls libxml2 directly.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auth/xml_lib.h"
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

void auth_xml_lib_setup(const struct auth_xml_lib *lib)
{
	/* Must come before libxml2 allocates anything, hence before init_parser. */
	lib->mem_setup(wiping_free, wiping_malloc, wiping_realloc, wiping_strdup);
	lib->init_parser();
	/* Both the calling thread's handlers and the defaults for later threads. */
	lib->set_generic_error_func(NULL, drop_generic);
	lib->thr_def_set_generic_error_func(NULL, drop_generic);
	lib->set_structured_error_func(NULL, drop_structured);
	lib->thr_def_set_structured_error_func(NULL, drop_structured);
}

void auth_xml_free(void *ptr)
{
	wiping_free(ptr);
}
