/* SPDX-License-Identifier: ISC */
/*
 * The session's input buffer when it changes size (session_io.c): the
 * block it leaves must hold nothing of the request it carried. A login's
 * body (openconnect's auth-reply, password "correct-horse") grows the
 * buffer past its first block; the tunnel's start shrinks it back.
 *
 * The seam: this program defines free() and realloc(), so every call from
 * the worker's objects comes here. free() looks at the one block the test
 * watches just before the real free releases it; realloc() always moves,
 * the way an allocator does when it cannot grow in place, and frees the
 * old block through free(). A buffer grown or shrunk with plain realloc
 * fails these tests: its old block is freed with the request still in it.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/worker/http_serve.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/testenv.h"
#include "lib/base/err.h"

static struct {
	const void *block;   /* the block to look at when it is freed */
	size_t len;          /* how much of it the session used (its cap) */
	bool was_freed;
	size_t nonzero;      /* bytes of it not wiped, at the free */
	bool has_password;
} watch;

static void (*real_free)(void *);

void free(void *p)
{
	/* volatile: dlsym is declared leaf, so a plain store could be dropped */
	static volatile bool is_resolving;

	if (!real_free) {
		void *sym;

		/* dlsym may free on the way; those few blocks are left alone */
		if (is_resolving)
			return;
		is_resolving = true;
		sym = dlsym(RTLD_NEXT, "free"); /* libc's, or the sanitizer's */
		is_resolving = false;
		if (!sym)
			abort();
		memcpy(&real_free, &sym, sizeof(sym));
	}
	if (p && p == watch.block) {
		const uint8_t *b = p;

		watch.was_freed = true;
		for (size_t i = 0; i < watch.len; i++)
			watch.nonzero += b[i] != 0;
		watch.has_password = memmem(b, watch.len, "correct-horse", 13) != NULL;
		watch.block = NULL;
	}
	real_free(p);
}

void *realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	q = malloc(n);
	if (!q)
		return NULL;
	old = malloc_usable_size(p);
	memcpy(q, p, old < n ? old : n);
	free(p);
	return q;
}

static void watch_block(const struct session *s)
{
	memset(&watch, 0, sizeof(watch));
	watch.block = s->in.data;
	watch.len = s->in.cap;
}

/* The watched block was freed holding no byte of what it carried. */
static void assert_left_wiped(void)
{
	assert_true(watch.was_freed);
	assert_false(watch.has_password);
	assert_int_equal(watch.nonzero, 0);
}

static int setup(void **state)
{
	struct testenv *t = malloc(sizeof(*t));

	assert_non_null(t);
	assert_int_equal(testenv_setup(t, NULL), 0);
	testenv_new_session(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	testenv_teardown(*state);
	free(*state);
	return 0;
}

/* The session's input as the TLS reader leaves it: bytes appended at len. */
static void put_input(struct session *s, const char *data, size_t len)
{
	assert_true(len <= s->in.cap - s->in.len);
	memcpy(s->in.data + s->in.len, data, len);
	s->in.len += len;
}

static char req[32768];
static char body[24576];

/*
 * openconnect's password reply padded with blank lines (XML allows them
 * after the root) to 20000 bytes: a login too large for the first block,
 * which the request path grows to fit when the head has arrived.
 */
static void login_grows_and_old_block_is_wiped(void **state)
{
	struct testenv *t = *state;
	struct session *s = t->s;
	struct msg_auth_password seen;
	size_t first, n, cap0 = s->in.cap;
	char out[8192];

	n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_username);
	testenv_feed(t, req, n);
	testenv_output(t, out, sizeof(out));
	assert_non_null(strstr(out, "name=\"password\""));

	memset(body, '\n', 20000);
	memcpy(body, testenv_oc_password, strlen(testenv_oc_password));
	body[20000] = '\0';
	n = testenv_oc_post(req, sizeof(req), "/auth", body);
	/* the head and the XML (password in it) arrive first; the padding later */
	first = n - 20000 + strlen(testenv_oc_password);
	assert_true(first < cap0 && n > cap0);

	watch_block(s);
	testenv_feed(t, req, first);
	assert_int_equal(s->in.cap, n);
	assert_int_equal(s->in.len, first);
	assert_memory_equal(s->in.data, req, first);
	assert_left_wiped();

	testenv_feed(t, req + first, n - first);
	testenv_answer_password(t, MSG_AUTH_OK, 0, &seen);
	assert_string_equal(seen.password, "correct-horse");
	testenv_output(t, out, sizeof(out));
	assert_non_null(strstr(out, "type=\"complete\""));
}

/* At the tunnel's start the large block goes back, wiped, whatever it held. */
static void shrink_wipes_large_block(void **state)
{
	struct testenv *t = *state;
	struct session *s = t->s;
	size_t n = testenv_oc_post(req, sizeof(req), "/auth", testenv_oc_password);
	size_t cap0 = s->in.cap;

	put_input(s, req, n);
	watch_block(s);
	assert_int_equal(session_in_reserve(s, 40000), 0);
	assert_left_wiped();
	assert_int_equal(s->in.cap, 40000);
	assert_memory_equal(s->in.data, req, n);

	watch_block(s);
	session_in_shrink(s);
	assert_left_wiped();
	assert_int_equal(s->in.cap, cap0);
	assert_int_equal(s->in.len, n);
	assert_memory_equal(s->in.data, req, n);
}

/* The policy stays: no move when it fits, nothing past a head and the largest body. */
static void reserve_limits(void **state)
{
	struct testenv *t = *state;
	struct session *s = t->s;
	const uint8_t *p = s->in.data;
	size_t cap0 = s->in.cap, most = 16384 + HTTP_SERVE_MAX_BODY;

	put_input(s, "CONNECT", 7);
	assert_int_equal(session_in_reserve(s, cap0), 0);
	assert_ptr_equal(s->in.data, p);
	assert_int_equal(session_in_reserve(s, most + 1), VPN_ERR_TOO_BIG);
	assert_ptr_equal(s->in.data, p);
	assert_int_equal(s->in.cap, cap0);
	assert_int_equal(session_in_reserve(s, most), 0);
	assert_int_equal(s->in.cap, most);
	assert_memory_equal(s->in.data, "CONNECT", 7);
	/* shrinking waits while more than the small size is held */
	s->in.len = cap0 + 1;
	session_in_shrink(s);
	assert_int_equal(s->in.cap, most);
	s->in.len = 7;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(login_grows_and_old_block_is_wiped, setup, teardown),
		cmocka_unit_test_setup_teardown(shrink_wipes_large_block, setup, teardown),
		cmocka_unit_test_setup_teardown(reserve_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
