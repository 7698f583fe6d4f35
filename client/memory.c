/* SPDX-License-Identifier: ISC */
/* Allocator settings and giving memory back (client/memory.h). */
#include "client/memory.h"

#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/auth_exchange.h"
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

/* The lowest and highest address of the main thread's stack, or 0 and 0. */
static void stack_bounds(uintptr_t *out_low, uintptr_t *out_high)
{
	FILE *maps = fopen("/proc/self/maps", "re");
	unsigned long low = 0, high = 0;
	char line[256];

	*out_low = 0;
	*out_high = 0;
	if (!maps)
		return;
	while (fgets(line, sizeof(line), maps)) {
		if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &low, &high) == 2) {
			*out_low = low;
			*out_high = high;
			break;
		}
	}
	fclose(maps);
}

/*
 * Whether the page at p holds nothing but zero bytes. It reads the frames
 * of live callers, the sanitizer's redzones among them, so it is left out
 * of the address sanitizer's checks, and it compares word by word rather
 * than through memcmp, which the sanitizer intercepts.
 */
static __attribute__((no_sanitize_address)) bool is_zero_page(uintptr_t p, uintptr_t page)
{
	const unsigned long *w = (const unsigned long *)p;

	for (size_t i = 0; i < page / sizeof(*w); i++)
		if (w[i] != 0)
			return false;
	return true;
}

/*
 * The live frames above the caller hold the session itself (main.c), and
 * session_init zeroes all of it, so every page of its buffers is resident
 * from the start, used or not: the tunnel's TLS, DTLS and output buffers,
 * the route list, 128 KiB in all. Pages that still hold only zeros are
 * given back; reading one again yields zeros, and the first write takes a
 * fresh page, which is all the buffer's first use costs. Nothing writes
 * these pages between the check and the madvise: the client has one
 * thread, a signal handler writes a global and its frame goes below this
 * one, and no system call fills them behind the program's back.
 */
static void release_zero_pages(uintptr_t from, uintptr_t to, uintptr_t page)
{
	uintptr_t run = 0;

	for (uintptr_t p = from; p < to; p += page) {
		bool is_zero = is_zero_page(p, page);

		if (is_zero && !run)
			run = p;
		if (!is_zero && run) {
			madvise((void *)run, p - run, MADV_DONTNEED);
			run = 0;
		}
	}
	if (run)
		madvise((void *)run, to - run, MADV_DONTNEED);
}

/*
 * The login goes deeper into the stack than the tunnel ever does (the
 * request buffers of auth_exchange.c alone are 144 KiB, then certificate
 * checks, the network setup's netlink and resolv.conf buffers), and the
 * kernel never takes stack pages back. Everything below this frame is
 * dead, so those pages are returned, as glibc does with the stacks of
 * finished threads; a later login that goes as deep gets fresh zeroed
 * pages. A page of margin covers the calls this function still makes.
 * Above this frame, the pages of live frames that hold only zeros go too.
 */
static __attribute__((noinline)) void trim_stack(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
	uintptr_t low, high, end;

	stack_bounds(&low, &high);
	if (frame <= low || frame >= high)
		return;
	end = (frame & ~(page - 1)) - page;
	if (end > low)
		madvise((void *)low, end - low, MADV_DONTNEED);
	/* the page holding this frame is in use, whatever it holds */
	release_zero_pages((frame | (page - 1)) + 1, high, page);
}

void memory_trim(void)
{
	/* Also releases whole free pages inside the heap, not only at its top. */
	malloc_trim(0);
	trim_stack();
}

void memory_release_login(struct session *s)
{
	/*
	 * A reconnect needs the cookie only; the documents were for the login,
	 * and so was the process that parsed them (libxml2, ICU and libstdc++
	 * never enter this one), which a later login starts again.
	 */
	auth_doc_cleanup(&s->auth.doc);
	auth_exchange_end_login(s);
	memory_trim();
}
