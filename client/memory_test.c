/* SPDX-License-Identifier: ISC */
/*
 * Giving the stack back (client/memory.h), checked with mincore(): pages
 * left behind by a deep call are resident until memory_trim() and gone
 * after it; in a live frame, pages holding only zeros go and pages with
 * data stay, with their bytes intact. Without the trim every page checked
 * here stays resident, so each test fails if the trim does nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/memory.h"

#define PAGE 4096
/* deeper than trim_stack's own calls (fopen, sscanf) go below its frame */
#define DEEP_BYTES (256 * 1024)
#define DEEP_MARGIN (64 * 1024)
#define LIVE_PAGES 16

/* Keeps the compiler from dropping stores to p it believes nobody reads. */
static void keep(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Whether the page at p is resident. */
static bool is_resident(uintptr_t p)
{
	unsigned char vec = 0;

	assert_int_equal(mincore((void *)p, PAGE, &vec), 0);
	return vec & 1;
}

static size_t resident_count(uintptr_t from, size_t pages)
{
	size_t n = 0;

	for (size_t i = 0; i < pages; i++)
		n += is_resident(from + i * PAGE);
	return n;
}

/* Whether [p, p + len) lies in the main thread's stack mapping. */
static bool is_on_stack(uintptr_t p, size_t len)
{
	FILE *maps = fopen("/proc/self/maps", "re");
	unsigned long low, high;
	char line[256];
	bool found = false;

	assert_non_null(maps);
	while (!found && fgets(line, sizeof(line), maps))
		found = strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &low, &high) == 2 &&
			p >= low && p + len <= high;
	fclose(maps);
	return found;
}

/*
 * Writes DEEP_BYTES of stack below the caller and tells where they began.
 * Left out of the address sanitizer, whose runtime may keep instrumented
 * frames off the real stack.
 */
static __attribute__((noinline, no_sanitize_address)) void go_deep(uintptr_t *out_low)
{
	unsigned char deep[DEEP_BYTES];

	memset(deep, 0x5a, sizeof(deep));
	keep(deep);
	*out_low = (uintptr_t)deep;
}

static void test_dead_stack_below_is_returned(void **state)
{
	uintptr_t low, first;
	size_t pages;

	(void)state;
	go_deep(&low);
	if (!is_on_stack(low, DEEP_BYTES))
		skip();
	first = (low + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	/* the part far from this frame: memory_trim's own calls stay above it */
	pages = (DEEP_BYTES - DEEP_MARGIN) / PAGE - 1;
	assert_int_equal(resident_count(first, pages), pages);
	memory_trim();
	assert_int_equal(resident_count(first, pages), 0);
}

/* The check of a live frame; its array sits above memory_trim's frame. */
static __attribute__((noinline, no_sanitize_address)) void check_live_frame(void)
{
	_Alignas(PAGE) unsigned char area[LIVE_PAGES * PAGE];
	uintptr_t base = (uintptr_t)area;

	memset(area, 0, sizeof(area));
	area[5 * PAGE + 17] = 0xa5;
	area[11 * PAGE] = 0x01;
	area[LIVE_PAGES * PAGE - 1] = 0x7e;
	keep(area);
	if (!is_on_stack(base, sizeof(area)))
		skip();
	assert_int_equal(resident_count(base, LIVE_PAGES), LIVE_PAGES);

	memory_trim();
	for (size_t i = 0; i < LIVE_PAGES; i++) {
		bool has_data = i == 5 || i == 11 || i == LIVE_PAGES - 1;

		assert_int_equal(is_resident(base + i * PAGE), has_data);
	}
	keep(area);
	for (size_t i = 0; i < sizeof(area); i++) {
		unsigned char want = i == 5 * PAGE + 17 ? 0xa5
				     : i == 11 * PAGE ? 0x01
				     : i == sizeof(area) - 1 ? 0x7e : 0;

		if (area[i] != want)
			fail_msg("byte %zu is 0x%02x after the trim, was 0x%02x", i, area[i], want);
	}
}

static void test_zero_pages_of_live_frames_are_returned(void **state)
{
	(void)state;
	check_live_frame();
}

/* A page given back comes back on the first write, holding what was written. */
static __attribute__((noinline, no_sanitize_address)) void check_rewrite(void)
{
	_Alignas(PAGE) unsigned char area[4 * PAGE];
	uintptr_t base = (uintptr_t)area;

	memset(area, 0, sizeof(area));
	area[0] = 1;
	keep(area);
	if (!is_on_stack(base, sizeof(area)))
		skip();
	memory_trim();
	assert_false(is_resident(base + 2 * PAGE));
	area[2 * PAGE + 100] = 0x33;
	keep(area);
	assert_true(is_resident(base + 2 * PAGE));
	assert_int_equal(area[2 * PAGE + 100], 0x33);
	assert_int_equal(area[2 * PAGE + 99], 0);
	assert_int_equal(area[0], 1);
}

static void test_returned_page_comes_back_on_write(void **state)
{
	(void)state;
	check_rewrite();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dead_stack_below_is_returned),
		cmocka_unit_test(test_zero_pages_of_live_frames_are_returned),
		cmocka_unit_test(test_returned_page_comes_back_on_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
