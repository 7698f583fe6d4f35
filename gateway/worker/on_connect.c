/* SPDX-License-Identifier: ISC */
/* CONNECT: cookie check, address lease, the answer, and the switch to the tunnel. */
#include "gateway/worker/on_connect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/worker/connect_reply.h"
#include "gateway/worker/cookie.h"
#include "gateway/worker/dtls_link.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/on_auth.h"
#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/headers.h"
#include "lib/http/headers.h"

/* Points for a CONNECT with a missing or unknown cookie (a guess, or a stale client). */
#define BAD_COOKIE_POINTS 1
#define BAD_HEADER_POINTS 10
/* The CONNECT answer: a few dozen headers, up to 512 routes. */
#define CONNECT_HEAD_MAX (64 * 1024)

static bool is_hostname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

/* The client's name is echoed back: keep only a plain host name. */
static void copy_hostname(struct session *s, struct str_view v)
{
	s->creq.hostname[0] = '\0';
	if (v.len == 0 || v.len >= sizeof(s->creq.hostname))
		return;
	for (size_t i = 0; i < v.len; i++)
		if (!is_hostname_char(v.ptr[i]))
			return;
	memcpy(s->creq.hostname, v.ptr, v.len);
	s->creq.hostname[v.len] = '\0';
}

static bool is_mobile(const struct http_headers *h, const struct cstp_request *req)
{
	struct str_view platform;

	if (str_view_eq_nocase(req->license, "mobile"))
		return true;
	return http_headers_get(h, "X-AnyConnect-Identifier-Platform", &platform) == 0 &&
	       (str_view_eq_nocase(platform, "android") || str_view_eq_nocase(platform, "apple-ios"));
}

/* Keeps what the answer depends on; false after refusing the request. */
static bool read_request(struct session *s, const struct http_request *http)
{
	struct cstp_header_err err = { { "", 0 }, "" };
	struct cstp_request *req = malloc(sizeof(*req));
	int rc;

	if (!req) {
		session_close(s, "out of memory for the CONNECT request");
		return false;
	}
	rc = cstp_request_parse(req, http->headers.items, http->headers.count, &err);
	if (rc != 0) {
		log_warn("%s: bad CONNECT header %.*s: %s", s->label, (int)err.header.len,
			 err.header.ptr, err.reason);
		s->is_close_logged = true;
		worker_report_bad_request(s, BAD_HEADER_POINTS);
		cstp_request_cleanup(req);
		free(req);
		reply_error(s, 400, "malformed X-CSTP header");
		return false;
	}
	memset(&s->creq, 0, sizeof(s->creq));
	s->creq.base_mtu = req->base_mtu.is_set ? req->base_mtu.value : 0;
	s->creq.client_mtu = req->mtu.is_set ? req->mtu.value : 0;
	s->creq.has_full_ipv6 = req->full_ipv6 == CSTP_FLAG_TRUE;
	/* No Address-Type means an old client: IPv4 only. */
	s->creq.wants_ipv6 = s->creq.has_full_ipv6 && (req->address_type & CSTP_FAMILY_IPV6);
	s->creq.is_mobile = is_mobile(&http->headers, req);
	copy_hostname(s, req->hostname);
	rc = dtls_link_offer(s, req);
	cstp_request_cleanup(req);
	free(req);
	if (rc != 0) {
		session_close(s, "out of memory for the DTLS channel");
		return false;
	}
	return true;
}

static void ask_cookie(struct session *s, const uint8_t cookie[MSG_COOKIE_LEN])
{
	struct msg_cookie_check m;
	uint32_t req_id = worker_req_id(s->w, s);
	int rc;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_COOKIE_CHECK, sizeof(m), req_id);
	m.source = s->remote;
	memcpy(m.cookie, cookie, sizeof(m.cookie));
	rc = worker_chan_send(s->w, &s->w->authd, &m, sizeof(m), true);
	buf_wipe(&m, sizeof(m));
	if (rc != 0) {
		reply_unavailable(s, "authentication service unavailable");
		return;
	}
	session_wait_begin(s, SESSION_WAIT_COOKIE_CONNECT, req_id);
}

void connect_on_request(struct session *s, const struct http_exchange *x)
{
	uint8_t cookie[MSG_COOKIE_LEN];
	int rc;

	auth_note_client(s, x->req);
	session_set_phase(s, SESSION_PHASE_CONNECT);
	rc = cookie_from_request(cookie, &x->req->headers);
	if (rc != 0) {
		log_warn("%s: CONNECT with %s webvpn cookie", s->label,
			 rc == VPN_ERR_NOT_FOUND ? "no" : "a malformed");
		s->is_close_logged = true;
		worker_report_bad_request(s, BAD_COOKIE_POINTS);
		reply_bad_cookie(s);
		return;
	}
	if (read_request(s, x->req))
		ask_cookie(s, cookie);
	buf_wipe(cookie, sizeof(cookie));
}

static void ask_lease(struct session *s)
{
	struct msg_lease_request m;
	uint32_t req_id = worker_req_id(s->w, s);

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_LEASE_REQUEST, sizeof(m), req_id);
	memcpy(m.session_id, s->ident.session_id, sizeof(m.session_id));
	snprintf(m.group, sizeof(m.group), "%s", s->ident.group);
	snprintf(m.user, sizeof(m.user), "%s", s->ident.user);
	/* authd remembers the last addresses: a reconnect gets the same ones (§7.7). */
	m.want_ipv4 = s->ident.last_ipv4;
	m.want_ipv6 = s->ident.last_ipv6;
	m.wants_ipv6 = s->creq.wants_ipv6;
	if (worker_chan_send(s->w, &s->w->parent, &m, sizeof(m), false) != 0) {
		reply_unavailable(s, "address service unavailable");
		return;
	}
	session_wait_begin(s, SESSION_WAIT_LEASE, req_id);
}

void connect_on_cookie_result(struct session *s, const struct msg_cookie_result *m)
{
	if (m->status != MSG_AUTH_OK) {
		log_warn("%s: CONNECT with an unknown or expired cookie", s->label);
		s->is_close_logged = true;
		worker_report_bad_request(s, BAD_COOKIE_POINTS);
		reply_bad_cookie(s);
		session_wait_done(s);
		return;
	}
	/* Logged in on this very connection as someone else: a borrowed cookie. */
	if (s->ident.is_known && strcmp(s->ident.user, m->user) != 0) {
		log_warn("%s: CONNECT with another user's cookie (logged in here as %s, cookie of %s)",
			 s->label, s->ident.user, m->user);
		s->is_close_logged = true;
		worker_report_bad_request(s, BAD_COOKIE_POINTS);
		reply_bad_cookie(s);
		session_wait_done(s);
		return;
	}
	s->ident.is_known = true;
	memcpy(s->ident.session_id, m->session_id, sizeof(s->ident.session_id));
	snprintf(s->ident.user, sizeof(s->ident.user), "%s", m->user);
	snprintf(s->ident.group, sizeof(s->ident.group), "%s", m->group);
	s->ident.created_unix = m->created_unix ? m->created_unix : (uint64_t)time(NULL);
	s->ident.last_ipv4 = m->last_ipv4;
	s->ident.last_ipv6 = m->last_ipv6;
	s->wait = SESSION_WAIT_NONE;
	ask_lease(s);
}

static void start_tunnel(struct session *s, const struct msg_lease_result *m)
{
	struct net_prefix none;
	struct tunnel_params p;
	struct buf_writer w;
	uint8_t *head = malloc(CONNECT_HEAD_MAX);
	char addr[NET_ADDR_STRLEN];
	const struct net_prefix *v6 = &m->ipv6;

	memset(&none, 0, sizeof(none));
	if (!s->creq.wants_ipv6 || m->ipv6.addr.family != AF_INET6)
		v6 = &none;
	if (!head) {
		session_close(s, "out of memory for the CONNECT answer");
		return;
	}
	buf_writer_init(&w, head, CONNECT_HEAD_MAX);
	if (connect_reply_build(&w, s, &m->ipv4, v6, &p) != 0) {
		free(head);
		reply_unavailable(s, "could not build the CONNECT answer");
		return;
	}
	session_send_bytes(s, head, w.len, false);
	free(head);
	http_serve_release(s);
	if (tunnel_start(s, &p) != 0) {
		session_close(s, "could not register the tunnel addresses");
		return;
	}
	net_addr_format(&m->ipv4.addr, addr, sizeof(addr));
	log_info("%s: tunnel up for user %s, group %s, address %s, MTU %u", s->label,
		 s->ident.user, s->ident.group[0] ? s->ident.group : "(default)", addr, p.mtu);
}

void connect_on_lease_result(struct session *s, const struct msg_lease_result *m)
{
	if (m->status != 0 || m->ipv4.addr.family != AF_INET) {
		log_warn("%s: no address for user %s in group %s", s->label, s->ident.user,
			 s->ident.group);
		s->is_close_logged = true;
		/* The lease may still exist on the parent's side: give it back. */
		reply_unavailable(s, "no address available");
		session_wait_done(s);
		return;
	}
	/* From here the session holds a lease: tunnel_detach releases it. */
	s->tun.ipv4 = m->ipv4;
	start_tunnel(s, m);
	session_wait_done(s);
}
