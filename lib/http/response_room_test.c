/* SPDX-License-Identifier: ISC */
/*
 * Answers with more header lines than struct http_headers holds inline: the
 * CONNECT answer of a gateway that pushes hundreds of split routes, read
 * with the client's bounds (512 lines, 128 KiB head) into a room the caller
 * lends. Built from ocserv 1.1.6's real answer (vectors/08) with routes
 * added between its tunnel and DTLS lines, where ocserv writes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/base/testutil.h"
#include "lib/http/headers.h"
#include "lib/http/response.h"
#include "tests/vectors/vectors.h"

/* What the client reads CONNECT answers with (client/conn.c conn_limits). */
#define CLIENT_HEADERS 512
#define CLIENT_HEAD (128 * 1024)
#define CLIENT_LINE (48 * 1024)
/* Lines of vectors/08 besides the one split route it already has. */
#define V08_LINE_COUNT 30

struct answer {
	char *text;
	size_t len;
	size_t lines;  /* header lines in it */
};

static void route_text(char *out, size_t out_len, size_t i)
{
	/* /24s through 198.18.0.0/15, the range the lab's routes come from. */
	snprintf(out, out_len, "198.%zu.%zu.0/255.255.255.0", 18 + i / 256, i % 256);
}

/* vectors/08 with routes added so that the head has `lines` header lines. */
static struct answer make_answer(size_t lines)
{
	static const char start[] = V08_09_STATUS_LINE V08_TUNNEL_LINES;
	static const char end[] = V08_DTLS_LINES V08_MTU_LINES "\r\n";
	struct answer a = { NULL, 0, lines };
	size_t cap = sizeof(start) + sizeof(end) + lines * 64;
	char route[48];

	assert_true(lines >= V08_LINE_COUNT);
	a.text = malloc(cap);
	assert_non_null(a.text);
	a.len = (size_t)snprintf(a.text, cap, "%s", start);
	for (size_t i = 0; i < lines - V08_LINE_COUNT; i++) {
		route_text(route, sizeof(route), i + 1);
		a.len += (size_t)snprintf(a.text + a.len, cap - a.len,
					  "X-CSTP-Split-Include: %s\r\n", route);
	}
	a.len += (size_t)snprintf(a.text + a.len, cap - a.len, "%s", end);
	assert_true(a.len < cap);
	return a;
}

static void client_limits(struct http_limits *lim)
{
	http_limits_init(lim);
	lim->max_head = CLIENT_HEAD;
	lim->max_line = CLIENT_LINE;
	lim->max_headers = CLIENT_HEADERS;
}

/* The first len bytes of a, ending at a guard page; views borrow from g. */
static enum parse_result parse_guarded(struct http_response *resp, struct guarded *g,
				       const struct answer *a, size_t len, size_t *consumed)
{
	assert_int_equal(guarded_init(g, a->text, len), 0);
	return http_response_parse(resp, consumed, g->data, len);
}

static enum parse_result parse_prefix(struct http_response *resp, const struct answer *a,
				      size_t len, size_t *consumed)
{
	struct guarded g;
	enum parse_result r = parse_guarded(resp, &g, a, len, consumed);

	guarded_cleanup(&g);
	return r;
}

/* Every route, in the order sent, through both ways of reading the list. */
static void check_routes(const struct http_response *resp, const struct answer *a)
{
	const struct header_view *lines = http_headers_lines(&resp->headers);
	size_t pos = 0, n = 0;
	struct str_view v;
	char want[48];

	assert_int_equal(resp->status, 200);
	assert_int_equal(resp->body.kind, HTTP_BODY_TUNNEL);
	assert_int_equal(resp->headers.count, a->lines);
	assert_true(str_view_eq(lines[0].name, "X-CSTP-Version"));
	assert_true(str_view_eq(lines[a->lines - 1].name, "X-CSTP-MTU"));
	assert_true(str_view_eq(lines[a->lines - 1].value, "1434"));
	while (http_headers_next(&resp->headers, "X-CSTP-Split-Include", &pos, &v)) {
		route_text(want, sizeof(want), n++);
		if (n == 1)
			assert_true(str_view_eq(v, "198.18.2.0/255.255.255.0"));
		else
			assert_true(str_view_eq(v, want));
	}
	assert_int_equal(n, a->lines - V08_LINE_COUNT + 1);
}

/*
 * Whole, a byte at a time, and split in two: at every point of a small
 * answer, around every line end of a large one (every point of 25 KiB
 * would rescan it 25 000 times).
 */
static void feed_ok(const struct http_limits *lim, struct header_view *room,
		    size_t room_len, const struct answer *a)
{
	struct http_response resp;
	struct guarded g;
	size_t consumed = 0;

	http_response_init_room(&resp, lim, "CONNECT", room, room_len);
	assert_int_equal(parse_guarded(&resp, &g, a, a->len, &consumed), PARSE_DONE);
	assert_int_equal(consumed, a->len);
	check_routes(&resp, a);
	guarded_cleanup(&g);

	http_response_init_room(&resp, lim, "CONNECT", room, room_len);
	for (size_t i = 0; i < a->len; i++)
		assert_int_equal(parse_prefix(&resp, a, i, &consumed), PARSE_NEED_MORE);
	assert_int_equal(parse_guarded(&resp, &g, a, a->len, &consumed), PARSE_DONE);
	check_routes(&resp, a);
	guarded_cleanup(&g);

	for (size_t k = 1; k < a->len; k++) {
		if (a->len > 8192 && a->text[k] != '\n' && a->text[k - 1] != '\n' &&
		    (k + 1 >= a->len || a->text[k + 1] != '\n'))
			continue;
		http_response_init_room(&resp, lim, "CONNECT", room, room_len);
		assert_int_equal(parse_prefix(&resp, a, k, &consumed), PARSE_NEED_MORE);
		assert_int_equal(parse_prefix(&resp, a, a->len, &consumed), PARSE_DONE);
		assert_int_equal(resp.headers.count, a->lines);
	}
}

/* Refused whole and when it arrives a byte at a time, with 431. */
static void feed_too_many(const struct http_limits *lim, struct header_view *room,
			  size_t room_len, const struct answer *a)
{
	struct http_response resp;
	enum parse_result r = PARSE_NEED_MORE;
	size_t consumed = 0;

	http_response_init_room(&resp, lim, "CONNECT", room, room_len);
	assert_int_equal(parse_prefix(&resp, a, a->len, &consumed), PARSE_INVALID);
	assert_int_equal(resp.error.status, 431);
	assert_string_equal(resp.error.reason, "too many headers");
	assert_int_equal(consumed, 0);

	http_response_init_room(&resp, lim, "CONNECT", room, room_len);
	for (size_t i = 0; i <= a->len && r == PARSE_NEED_MORE; i++)
		r = parse_prefix(&resp, a, i, &consumed);
	assert_int_equal(r, PARSE_INVALID);
	assert_int_equal(resp.error.status, 431);
}

static void client_takes_512_lines(void **state)
{
	struct header_view *room = calloc(CLIENT_HEADERS + 1, sizeof(*room));
	struct answer ok = make_answer(CLIENT_HEADERS);
	struct answer over = make_answer(CLIENT_HEADERS + 1);
	struct http_limits lim;

	(void)state;
	assert_non_null(room);
	client_limits(&lim);
	/* 482 routes beside ocserv's 30 lines fit in well under the head bound. */
	assert_true(ok.len < CLIENT_HEAD / 2);
	feed_ok(&lim, room, CLIENT_HEADERS, &ok);
	feed_too_many(&lim, room, CLIENT_HEADERS, &over);
	/* max_headers bounds the count even when the room could take more. */
	feed_too_many(&lim, room, CLIENT_HEADERS + 1, &over);
	free(ok.text);
	free(over.text);
	free(room);
}

static void room_bounds_the_count(void **state)
{
	struct header_view room[100];
	struct answer fits = make_answer(100);
	struct answer over = make_answer(101);
	struct http_limits lim;

	(void)state;
	client_limits(&lim);
	feed_ok(&lim, room, 100, &fits);
	feed_too_many(&lim, room, 100, &over);
	free(fits.text);
	free(over.text);
}

/* Without a room the inline HTTP_HEADERS_MAX stays the bound, as on the gateway. */
static void no_room_keeps_inline_bound(void **state)
{
	struct answer fits = make_answer(HTTP_HEADERS_MAX);
	struct answer over = make_answer(HTTP_HEADERS_MAX + 1);
	struct http_limits lim;

	(void)state;
	client_limits(&lim);
	feed_ok(&lim, NULL, 0, &fits);
	feed_too_many(&lim, NULL, 0, &over);
	free(fits.text);
	free(over.text);
}

/* A head over max_head is refused before its lines are counted. */
static void head_bound_still_holds(void **state)
{
	struct header_view *room = calloc(CLIENT_HEADERS, sizeof(*room));
	struct answer a = make_answer(CLIENT_HEADERS);
	struct http_response resp;
	struct http_limits lim;
	size_t consumed = 0;

	(void)state;
	assert_non_null(room);
	client_limits(&lim);
	lim.max_head = a.len - 1;
	http_response_init_room(&resp, &lim, "CONNECT", room, CLIENT_HEADERS);
	assert_int_equal(parse_prefix(&resp, &a, a.len, &consumed), PARSE_INVALID);
	assert_int_equal(resp.error.status, 431);
	assert_string_equal(resp.error.reason, "head too large");
	free(a.text);
	free(room);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_takes_512_lines),
		cmocka_unit_test(room_bounds_the_count),
		cmocka_unit_test(no_room_keeps_inline_bound),
		cmocka_unit_test(head_bound_still_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
