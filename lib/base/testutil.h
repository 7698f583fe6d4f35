/* SPDX-License-Identifier: ISC */
/*
 * Helpers for parser unit tests: copy input so that it ends exactly at a
 * guard page, so a parser that reads one byte too far crashes the test
 * instead of passing by luck (picohttpparser's test does the same).
 */
#ifndef BASE_TESTUTIL_H
#define BASE_TESTUTIL_H

#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct guarded {
	unsigned char *map;
	size_t map_len;
	unsigned char *data; /* len bytes, the last one just before the guard page */
};

static inline int guarded_init(struct guarded *g, const void *src, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = (len + page - 1) / page * page;

	g->map = NULL;
	g->data = NULL;
	if (body == 0)
		body = page;
	g->map_len = body + page;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return -1;
	if (mprotect(g->map + body, page, PROT_NONE) != 0)
		return -1;
	g->data = g->map + body - len;
	if (len)
		memcpy(g->data, src, len);
	return 0;
}

static inline void guarded_cleanup(struct guarded *g)
{
	munmap(g->map, g->map_len);
}

#endif
