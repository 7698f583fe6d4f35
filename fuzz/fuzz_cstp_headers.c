/* SPDX-License-Identifier: ISC */
/*
 * Both CONNECT header sets from arbitrary "Name: value" lines. Whatever
 * parses must write back (the writer accepts all the parser accepts), and
 * the written form must be a fixed point: parse it again, write it again,
 * get the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/err.h"
#include "lib/cstp/headers.h"

#define MAX_LINES 1024
#define MAX_INPUT 65536
#define OUT_CAP (1u << 18)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct lines {
	struct header_view h[MAX_LINES];
	size_t n;
};

/* One header per line; name before the first colon, blanks trimmed. */
static void split(struct lines *l, const char *p, size_t len)
{
	const char *end = p + len;

	l->n = 0;
	while (p < end && l->n < MAX_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		const char *v, *ve;

		if (eol > p && eol[-1] == '\r')
			eol--;
		if (colon && colon < eol) {
			for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
				;
			for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
				;
			l->h[l->n].name.ptr = p;
			l->h[l->n].name.len = (size_t)(colon - p);
			l->h[l->n].value.ptr = v;
			l->h[l->n].value.len = (size_t)(ve - v);
			l->n++;
		}
		p = nl ? nl + 1 : end;
	}
}

static int write_request(struct buf_writer *w, const void *obj)
{
	return cstp_request_write(w, obj, NULL);
}

static int write_response(struct buf_writer *w, const void *obj)
{
	return cstp_response_write(w, obj, NULL);
}

/* Parse -> write -> parse -> write; the two writes must agree. */
static void round_trip(const struct lines *in, void *obj,
		       int (*parse)(void *, const struct header_view *, size_t),
		       int (*write)(struct buf_writer *, const void *))
{
	static char first[OUT_CAP], second[OUT_CAP];
	static struct lines again;
	struct buf_writer w1, w2;
	int rc;

	if (parse(obj, in->h, in->n) != 0)
		return;
	buf_writer_init(&w1, first, sizeof(first));
	rc = write(&w1, obj);
	if (rc == VPN_ERR_TOO_BIG && buf_writer_error(&w1) != 0)
		return; /* our buffer, not the value */
	if (rc != 0)
		abort();
	split(&again, first, w1.len);
	if (parse(obj, again.h, again.n) != 0)
		abort();
	buf_writer_init(&w2, second, sizeof(second));
	if (write(&w2, obj) != 0 || w2.len != w1.len || memcmp(first, second, w1.len) != 0)
		abort();
}

static int parse_request(void *obj, const struct header_view *h, size_t n)
{
	int rc = cstp_request_parse(obj, h, n, NULL);

	if (rc != 0)
		cstp_request_cleanup(obj);
	return rc;
}

static int parse_response(void *obj, const struct header_view *h, size_t n)
{
	return cstp_response_parse(obj, h, n, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lines in;
	static struct cstp_request req;
	static struct cstp_response resp;

	if (size > MAX_INPUT)
		return 0;
	split(&in, (const char *)data, size);
	round_trip(&in, &req, parse_request, write_request);
	cstp_request_cleanup(&req);
	round_trip(&in, &resp, parse_response, write_response);
	return 0;
}
