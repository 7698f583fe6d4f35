/* SPDX-License-Identifier: ISC */
/*
 * Login requests and the reading of their answers. A hostile or broken
 * gateway ends here with one log line naming what was wrong: an answer
 * that is not HTTP, a status we do not expect, a body that is not an
 * aggregate-auth document.
 */
#include "client/auth_exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/auth_parser.h"
#include "client/link.h"
#include "client/request.h"
#include "lib/auth/xml.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/http/url.h"

/* The largest request: an auth-reply of a full form plus headers. */
#define REQUEST_MAX (96 * 1024)

void auth_exchange_url(const struct session *s, const char *path, char *out, size_t out_len)
{
	char host[300];
	bool is_v6 = strchr(s->gw.host, ':') != NULL;

	snprintf(host, sizeof(host), "%s%s%s", is_v6 ? "[" : "", s->gw.host, is_v6 ? "]" : "");
	if (s->gw.port == 443)
		snprintf(out, out_len, "https://%s%s", host, path);
	else
		snprintf(out, out_len, "https://%s:%u%s", host, s->gw.port, path);
}

static void fill_common(const struct session *s, struct request_common *c, char *host,
			size_t host_len)
{
	link_host_header(s, host, host_len);
	c->host = host;
	c->useragent = s->opts->useragent ? s->opts->useragent : REQUEST_DEFAULT_USERAGENT;
	c->jar = &s->auth.jar;
	c->is_aggregate = !s->auth.is_legacy;
}

/* Sends req and reads the answer; FAILED after logging when there is none. */
static enum auth_answer exchange(struct session *s, const uint8_t *req, size_t len,
				 const char *method)
{
	struct conn_wait w = link_wait(s);
	int ret;

	/* Each exchange gets its own bound even in phases without a deadline. */
	if (!w.deadline_ms)
		w.deadline_ms = session_now_ms() + 30000;
	if (link_ensure(s) != 0)
		return AUTH_ANSWER_FAILED;
	/*
	 * sslgate's main() started the child before any secret existed and
	 * this is a no-op; a parser not started that way starts now, so the
	 * child loads libxml2 while the request travels. A failure shows when
	 * the answer is parsed.
	 */
	auth_parser_start(&s->auth.parser, NULL);
	ret = conn_exchange(&s->conn, req, len, method, &w);
	if (ret != 0) {
		log_err("no usable answer from the gateway: %s",
			s->conn.why ? s->conn.why : vpn_err_str(ret));
		conn_close(&s->conn, false);
		return AUTH_ANSWER_FAILED;
	}
	return AUTH_ANSWER_DOC;
}

static void remember_message(struct auth_flow *a)
{
	const char *text = a->doc.error.text ? a->doc.error.text : a->doc.message.text;

	if (text)
		snprintf(a->message, sizeof(a->message), "%s", text);
}

/* Interprets the answer now in s->conn. */
static enum auth_answer read_answer(struct session *s)
{
	struct conn *c = &s->conn;
	struct auth_flow *a = &s->auth;
	struct auth_xml_error err;
	int status = c->resp.status;
	int ret;

	if (cookies_update(&a->jar, &c->resp.headers, (int64_t)time(NULL)) != 0)
		log_warn("the gateway set more cookies than kept; some were ignored");
	if (c->resp.wants_close)
		conn_close(c, true);
	if (status == 401 || status == 403) {
		log_err("the gateway refused the login: HTTP %d %.*s", status,
			(int)c->resp.reason.len, c->resp.reason.ptr);
		return AUTH_ANSWER_REFUSED;
	}
	if (status != 200) {
		snprintf(a->refusal, sizeof(a->refusal), "HTTP %d %.*s", status,
			 (int)c->resp.reason.len, c->resp.reason.ptr);
		log_debug("login answer: %s", a->refusal);
		return AUTH_ANSWER_NOT_XML;
	}
	auth_doc_cleanup(&a->doc);
	auth_doc_init(&a->doc);
	ret = auth_parser_parse(&a->parser, &a->doc, c->body, c->body_len, &err);
	if (ret != 0 && ret != VPN_ERR_INVALID && ret != VPN_ERR_TOO_BIG) {
		log_err("cannot read the gateway's login answer: %s", err.text);
		return AUTH_ANSWER_FAILED;
	}
	if (ret != 0) {
		snprintf(a->refusal, sizeof(a->refusal), "%s", err.text);
		log_debug("the login answer is not an aggregate-auth document: %s", err.text);
		return AUTH_ANSWER_NOT_XML;
	}
	if (a->doc.type != AUTH_DOC_AUTH_REQUEST && a->doc.type != AUTH_DOC_COMPLETE) {
		log_err("the gateway answered a login request with a %s document",
			auth_doc_type_name(a->doc.type));
		return AUTH_ANSWER_FAILED;
	}
	/* The login's last document: the parser's work is done. */
	if (a->doc.type == AUTH_DOC_COMPLETE)
		auth_parser_stop(&a->parser);
	remember_message(a);
	return AUTH_ANSWER_DOC;
}

void auth_exchange_end_login(struct session *s)
{
	auth_parser_stop(&s->auth.parser);
}

/*
 * Wipes what w was given. A write that did not fit may have left part of
 * itself past w->len (buf_printf cuts, the rest is not counted), so an
 * overflowed writer is wiped whole.
 */
static void wipe_written(struct buf_writer *w)
{
	buf_wipe(w->data, w->has_overflowed ? w->cap : w->len);
}

enum auth_answer auth_exchange_post(struct session *s, const struct auth_doc *doc,
				    const char *path)
{
	uint8_t body[REQUEST_MAX / 2];
	uint8_t req[REQUEST_MAX];
	struct request_common common;
	struct buf_writer bw, rw;
	char host[300];
	enum auth_answer answer;
	int ret;

	fill_common(s, &common, host, sizeof(host));
	buf_writer_init(&bw, body, sizeof(body));
	ret = s->auth.is_legacy ? auth_fill_form_body(&bw, doc) : auth_xml_write(&bw, doc);
	buf_writer_init(&rw, req, sizeof(req));
	if (s->auth.is_legacy)
		request_post_form(&rw, &common, path, body, bw.len);
	else
		request_post_xml(&rw, &common, path, body, bw.len);
	if (ret != 0 || buf_writer_error(&rw) != 0) {
		log_err("cannot build the login request (%s)", vpn_err_str(ret ? ret : VPN_ERR_TOO_BIG));
		answer = AUTH_ANSWER_FAILED;
	} else {
		log_debug("%s: POST %s (%s)", session_phase_name(s->phase), path,
			  auth_doc_type_name(doc->type));
		answer = exchange(s, req, rw.len, "POST");
		if (answer == AUTH_ANSWER_DOC)
			answer = read_answer(s);
	}
	/* Both buffers held answers to the form: passwords. */
	wipe_written(&bw);
	wipe_written(&rw);
	return answer;
}

enum auth_answer auth_exchange_get(struct session *s, const char *path)
{
	uint8_t req[4096 + 2 * COOKIES_VALUE_MAX];
	struct request_common common;
	struct buf_writer w;
	char host[300];
	enum auth_answer answer;

	fill_common(s, &common, host, sizeof(host));
	buf_writer_init(&w, req, sizeof(req));
	request_get(&w, &common, path);
	if (buf_writer_error(&w) != 0) {
		log_err("cannot build the login request");
		wipe_written(&w);
		return AUTH_ANSWER_FAILED;
	}
	log_debug("%s: GET %s", session_phase_name(s->phase), path);
	answer = exchange(s, req, w.len, "GET");
	/* The session cookie went in the Cookie header. */
	wipe_written(&w);
	return answer == AUTH_ANSWER_DOC ? read_answer(s) : answer;
}
