/* SPDX-License-Identifier: ISC */
/*
 * CONNECT (seed phase 5, PROTOCOL.md §6): the request with the client
 * headers of §6.2, the answer's checks (exactly a 200, an MTU, an
 * address), then the tun device and the vpnc-script. On a reconnect the
 * same cookie goes out with the addresses held before (X-CSTP-Address).
 *
 * Unless --no-dtls, the request offers DTLS (client/dtls_offer.c) and the
 * answer's DTLS part is taken before the tunnel is configured, since it
 * decides the adapter's MTU (client/dtls_switch.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/dtls_switch.h"
#include "client/link.h"
#include "client/memory.h"
#include "client/netcfg.h"
#include "client/phases.h"
#include "client/request.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/mtu.h"
#include "lib/http/headers.h"
#include "lib/http/write.h"

#define CONNECT_REQUEST_MAX (8192 + COOKIES_VALUE_MAX)
#define CSTP_PROTOCOL_LINE "Copyright (c) 2004 Cisco Systems, Inc."

/* Our short host name for X-CSTP-Hostname, as openconnect sends it. */
static void short_hostname(char *out, size_t out_len)
{
	if (gethostname(out, out_len) != 0 || !out[0])
		snprintf(out, out_len, "localhost");
	out[out_len - 1] = '\0';
	out[strcspn(out, ".")] = '\0';
}

static void fill_cstp(const struct session *s, struct cstp_request *req, char *hostname,
		      size_t hostname_len)
{
	/* --base-mtu, else what the kernel knows of the path (openconnect's order). */
	unsigned base = cstp_mtu_client_base(s->opts->base_mtu ? s->opts->base_mtu
							       : conn_path_mtu(&s->conn));
	const struct cstp_response *prev = &s->settings.cstp;

	short_hostname(hostname, hostname_len);
	req->version.is_set = true;
	req->version.value = 1;
	req->hostname = str_view_of(hostname);
	req->protocol = str_view_of(CSTP_PROTOCOL_LINE);
	req->base_mtu.is_set = true;
	req->base_mtu.value = base;
	req->mtu.is_set = true;
	req->mtu.value = s->opts->mtu ? s->opts->mtu : cstp_mtu_client_request(base, s->gw.addr.family);
	req->address_type = CSTP_FAMILY_IPV4 | CSTP_FAMILY_IPV6;
	req->full_ipv6 = CSTP_FLAG_TRUE;
	/* Ask for the addresses we hold, so routes and sockets survive the reconnect. */
	if (s->is_reconnecting && prev->has_address)
		req->prev_address.items[req->prev_address.count++] = prev->address;
	if (s->is_reconnecting && prev->has_address6)
		req->prev_address.items[req->prev_address.count++] = prev->address6.addr;
	log_debug("CONNECT: base MTU %u, tunnel MTU %u asked", req->base_mtu.value, req->mtu.value);
}

static int build(struct session *s, struct buf_writer *w)
{
	struct cstp_request req;
	struct cstp_header_err err;
	char hostname[256];
	char host[300];
	int ret;

	link_host_header(s, host, sizeof(host));
	cstp_request_init(&req);
	fill_cstp(s, &req, hostname, sizeof(hostname));
	dtls_link_reset(&s->tunnel.dtls);
	if (!s->opts->is_no_dtls &&
	    dtls_link_offer(&s->tunnel.dtls, &req, s->opts->dtls_ciphers) != 0)
		log_warn("DTLS: unusable --dtls-ciphers list; no DTLS offered");
	http_write_request_line(w, "CONNECT", "/CSCOSSLC/tunnel");
	http_write_header(w, "Host", host);
	http_write_header(w, "User-Agent", s->opts->useragent ? s->opts->useragent
							 : REQUEST_DEFAULT_USERAGENT);
	/* Only the session cookie, as openconnect sends it. */
	http_write_headerf(w, "Cookie", "webvpn=%s", auth_flow_cookie(&s->auth));
	ret = cstp_request_write(w, &req, &err);
	http_write_end(w);
	cstp_request_cleanup(&req);
	return ret ? ret : buf_writer_error(w);
}

/* A refusal: 401 means the cookie is no longer good, anything else a gateway problem. */
static enum session_phase refused(struct session *s)
{
	const struct http_response *r = &s->conn.resp;
	struct str_view reason;

	log_err("the gateway refused CONNECT: HTTP %d %.*s", r->status, (int)r->reason.len,
		r->reason.ptr);
	if (http_headers_get(&r->headers, "X-Reason", &reason) == 0)
		log_err("the gateway's reason: %.*s", (int)reason.len, reason.ptr);
	if (r->status == 401) {
		s->exit_code = 2;
		return session_close(s, s->is_reconnecting ? "the gateway rejected the cookie on reconnect"
							   : "the gateway rejected the session cookie");
	}
	return session_close(s, "the gateway would not open the tunnel");
}

/* Sends CONNECT on s->conn; returns 0 with the answer there, else a phase to go to. */
static int exchange(struct session *s, enum session_phase *out_next)
{
	uint8_t req[CONNECT_REQUEST_MAX];
	struct buf_writer w;
	struct conn_wait wait = link_wait(s);
	int ret;

	buf_writer_init(&w, req, sizeof(req));
	if (link_ensure(s) != 0) {
		*out_next = s->is_reconnecting ? SESSION_PHASE_RECONNECT
					       : session_close(s, "no connection for CONNECT");
		return VPN_ERR_IO;
	}
	if (build(s, &w) != 0) {
		*out_next = session_close(s, "cannot build the CONNECT request");
		return VPN_ERR_INVALID;
	}
	log_debug("CONNECT /CSCOSSLC/tunnel");
	ret = conn_exchange(&s->conn, req, w.len, "CONNECT", &wait);
	buf_wipe(req, w.len);
	if (ret == 0)
		return 0;
	log_err("no usable answer to CONNECT: %s", s->conn.why ? s->conn.why : vpn_err_str(ret));
	conn_close(&s->conn, false);
	/* A broken answer is the gateway's fault; a lost link during reconnect is not. */
	if (s->is_reconnecting && ret != VPN_ERR_INVALID)
		*out_next = SESSION_PHASE_RECONNECT;
	else
		*out_next = session_close(s, "CONNECT failed");
	return ret;
}

/* Parses the answer into s->settings and configures the system. */
static enum session_phase configure(struct session *s)
{
	struct settings old = s->settings;
	const char *why = NULL;
	int ret;

	settings_init(&s->settings);
	if (settings_take(&s->settings, s->conn.buf, s->conn.head_len, &why) != 0) {
		log_err("the gateway's CONNECT answer is unusable: %s", why);
		settings_cleanup(&old);
		return session_close(s, "CONNECT failed");
	}
	if (s->settings.cstp.server_name.len)
		log_debug("CONNECT: gateway %.*s", (int)s->settings.cstp.server_name.len,
			  s->settings.cstp.server_name.ptr);
	dtls_switch_answer(s);
	if (s->tunnel.tun_fd < 0)
		ret = netcfg_up(s);
	else
		ret = netcfg_reconnected(s, &old);
	settings_cleanup(&old);
	if (ret != 0)
		return session_close(s, "the tunnel could not be configured");
	if (s->is_reconnecting)
		log_info("reconnected to %s with the same session cookie", s->gw.host);
	s->is_reconnecting = false;
	memory_release_login(s);
	return SESSION_PHASE_TUNNEL;
}

enum session_phase cstp_connect_run(struct session *s)
{
	enum session_phase next;
	const struct http_response *r;

	if (exchange(s, &next) != 0)
		return next;
	r = &s->conn.resp;
	if (r->status != 200)
		return refused(s);
	/* openconnect insists on "HTTP/1.1 200 "; an HTTP/1.0 tunnel is not a tunnel. */
	if (r->minor_version != 1 || r->body.kind != HTTP_BODY_TUNNEL)
		return session_close(s, "the gateway's CONNECT answer is not a tunnel");
	return configure(s);
}
