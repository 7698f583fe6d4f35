/* SPDX-License-Identifier: ISC */
/* Allocator settings and giving memory back (client/memory.h). */
#include "client/memory.h"

#include <malloc.h>

#include "client/session.h"
#include "lib/auth/doc.h"

/*
 * One arena: the client has one thread, and every extra arena would hold
 * its own free pages. Freed blocks at the top of the heap go back to the
 * system beyond 64 KiB rather than glibc's 128 KiB, and blocks from
 * 64 KiB up (connection buffers, the profile) get their own mapping, so
 * that freeing them gives the pages back at once.
 */
#define TRIM_THRESHOLD (64 * 1024)
#define MMAP_THRESHOLD (64 * 1024)

void memory_setup(void)
{
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
	mallopt(M_TOP_PAD, 0);
}

void memory_trim(void)
{
	/* Also releases whole free pages inside the heap, not only at its top. */
	malloc_trim(0);
}

void memory_release_login(struct session *s)
{
	/* A reconnect needs the cookie only; the documents were for the login. */
	auth_doc_cleanup(&s->auth.doc);
	memory_trim();
}
