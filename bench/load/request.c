/* SPDX-License-Identifier: ISC */
/* Writing a load session's HTTP requests. */
#include "bench/load/request.h"

#include <string.h>
#include <sys/random.h>

#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/cstp/headers.h"
#include "lib/http/cookie.h"
#include "lib/http/write.h"

/* An auth document with a password in it, before it joins the request. */
#define BODY_MAX 4096

static void write_common(struct buf_writer *w, const char *host)
{
	http_write_header(w, "Host", host);
	http_write_header(w, "User-Agent", LOAD_USER_AGENT);
}

static void write_cookie(struct buf_writer *w, const char *name, const char *value)
{
	struct http_cookie c;

	if (value == NULL || value[0] == '\0')
		return;
	c.name = str_view_of(name);
	c.value = str_view_of(value);
	http_cookie_write(w, &c, 1);
}

int load_request_post(struct buf_writer *w, const char *host, const char *target,
		      const char *cookie_name, const char *cookie_value,
		      const struct auth_doc *doc)
{
	uint8_t body[BODY_MAX];
	struct buf_writer bw;
	int ret;

	buf_writer_init(&bw, body, sizeof(body));
	ret = auth_xml_write(&bw, doc);
	if (ret == 0) {
		http_write_request_line(w, "POST", target);
		write_common(w, host);
		http_write_header(w, "Accept", "*/*");
		http_write_header(w, "Accept-Encoding", "identity");
		http_write_header(w, "X-Transcend-Version", "1");
		http_write_header(w, "X-Aggregate-Auth", "1");
		http_write_header(w, "X-Support-HTTP-Auth", "true");
		write_cookie(w, cookie_name, cookie_value);
		http_write_header(w, "Content-Type", "application/xml; charset=utf-8");
		http_write_body(w, body, bw.len);
		ret = buf_writer_error(w);
	}
	buf_wipe(body, sizeof(body));
	return ret;
}

/* The offer's legacy list as X-DTLS-CipherSuite names, and a master secret. */
static int offer_dtls(struct cstp_request *req, const struct dtls_offer *offer)
{
	const char *p = offer->legacy;

	while (*p != '\0' && req->dtls_ciphers.count < CSTP_MAX_CIPHERS) {
		size_t n = strcspn(p, ":");

		req->dtls_ciphers.items[req->dtls_ciphers.count].ptr = p;
		req->dtls_ciphers.items[req->dtls_ciphers.count++].len = n;
		p += p[n] == ':' ? n + 1 : n;
	}
	if (getrandom(req->master_secret.bytes, CSTP_MASTER_SECRET_LEN, 0) !=
	    CSTP_MASTER_SECRET_LEN)
		return VPN_ERR_IO;
	req->master_secret.len = CSTP_MASTER_SECRET_LEN;
	return 0;
}

int load_request_connect(struct buf_writer *w, const char *host, const char *webvpn,
			 const char *hostname, const struct dtls_offer *offer)
{
	struct cstp_request req;
	int ret = 0;

	cstp_request_init(&req);
	req.version.is_set = true;
	req.version.value = 1;
	req.hostname = str_view_of(hostname);
	req.base_mtu.is_set = true;
	req.base_mtu.value = 1500;
	req.mtu.is_set = true;
	req.mtu.value = 1390;
	req.address_type = CSTP_FAMILY_IPV4;
	if (offer != NULL)
		ret = offer_dtls(&req, offer);

	http_write_request_line(w, "CONNECT", "/CSCOSSLC/tunnel");
	write_common(w, host);
	write_cookie(w, "webvpn", webvpn);
	if (ret == 0)
		ret = cstp_request_write(w, &req, NULL);
	http_write_end(w);
	cstp_request_cleanup(&req);
	return ret != 0 ? ret : buf_writer_error(w);
}
