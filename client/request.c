/* SPDX-License-Identifier: ISC */
/* Request heads for the authentication and download phases. */
#include "client/request.h"

#include <string.h>

#include "lib/http/write.h"

size_t request_pad_len(size_t body_len)
{
	return 64 - body_len % 64;
}

/* Host, User-Agent, Cookie, then what openconnect sends on every auth request. */
static void common(struct buf_writer *w, const struct request_common *c, const char *method,
		   const char *path)
{
	http_write_request_line(w, method, path);
	http_write_header(w, "Host", c->host);
	http_write_header(w, "User-Agent", c->useragent);
	if (c->jar)
		cookies_write_header(w, c->jar);
	http_write_header(w, "Accept", "*/*");
	http_write_header(w, "Accept-Encoding", "identity");
	http_write_header(w, "X-Transcend-Version", "1");
	if (c->is_aggregate)
		http_write_header(w, "X-Aggregate-Auth", "1");
}

static void post(struct buf_writer *w, const struct request_common *c, const char *path,
		 const char *type, const void *body, size_t body_len)
{
	char pad[65];
	size_t pad_len = request_pad_len(body_len);

	common(w, c, "POST", path);
	memset(pad, '0', pad_len);
	pad[pad_len] = '\0';
	http_write_header(w, "X-Pad", pad);
	http_write_header(w, "Content-Type", type);
	http_write_body(w, body, body_len);
}

void request_post_xml(struct buf_writer *w, const struct request_common *c, const char *path,
		      const void *body, size_t body_len)
{
	post(w, c, path, "application/xml; charset=utf-8", body, body_len);
}

void request_post_form(struct buf_writer *w, const struct request_common *c, const char *path,
		       const void *body, size_t body_len)
{
	post(w, c, path, "application/x-www-form-urlencoded", body, body_len);
}

void request_get(struct buf_writer *w, const struct request_common *c, const char *path)
{
	common(w, c, "GET", path);
	http_write_end(w);
}
