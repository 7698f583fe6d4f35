/* SPDX-License-Identifier: ISC */
/* Assembling the CONNECT answer from the settings in force for the session. */
#include "gateway/worker/connect_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/conf.h"
#include "gateway/worker/dtls_link.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/headers.h"
#include "lib/cstp/mtu.h"
#include "lib/http/url.h"
#include "lib/http/write.h"
#include "lib/tls/tls.h"

#define SERVER_NAME "sslgated"
#define CISCO_PROTOCOL "Copyright (c) 2004 Cisco Systems, Inc."
/* With TLS 1.3 there is no renegotiation: a year keeps openconnect from trying (§7.6). */
#define TLS13_REKEY_S 31536000
/* When the link arithmetic cannot tell, the smallest MTU IPv6 allows. */
#define FALLBACK_MTU 1280

static struct cstp_num num(uint32_t v)
{
	struct cstp_num n = { true, false, v };

	return n;
}

/* A timeout: 0 in the config means none. */
static struct cstp_num timeout(uint32_t v)
{
	struct cstp_num n = { true, v == 0, v };

	return n;
}

static void add_route(struct cstp_response *r, const struct net_prefix *p, bool is_exclude)
{
	if (r->routes.count >= CSTP_MAX_ROUTES)
		return;
	r->routes.items[r->routes.count].prefix = *p;
	r->routes.items[r->routes.count].is_exclude = is_exclude;
	r->routes.count++;
}

static void add_addr(struct cstp_addr_list *l, const struct net_addr *a)
{
	if (l->count < CSTP_MAX_DNS)
		l->items[l->count++] = *a;
}

/* Routes and DNS: IPv6 ones only when the client got an IPv6 address. */
static void fill_network(struct cstp_response *r, const struct session *s,
			 const struct gw_net_settings *net, bool has_v6)
{
	for (size_t i = 0; i < net->n_dns; i++) {
		const struct net_addr *a = &net->dns[i];

		if (a->family == AF_INET6 && !has_v6)
			continue;
		/* Cisco clients read IPv6 resolvers only under the -IP6 name (§6.4). */
		if (a->family == AF_INET6 && s->auth.client == SESSION_CLIENT_ANYCONNECT)
			add_addr(&r->dns6, a);
		else
			add_addr(&r->dns, a);
	}
	for (size_t i = 0; i < net->n_nbns; i++)
		add_addr(&r->nbns, &net->nbns[i]);
	for (size_t i = 0; i < net->n_split_dns && i < CSTP_MAX_SPLIT_DNS; i++)
		r->split_dns.items[r->split_dns.count++] = str_view_of(net->split_dns[i]);
	if (!net->is_default_route)
		for (size_t i = 0; i < net->n_routes; i++)
			if (net->routes[i].addr.family == AF_INET || has_v6)
				add_route(r, &net->routes[i], false);
	for (size_t i = 0; i < net->n_no_routes; i++)
		if (net->no_routes[i].addr.family == AF_INET || has_v6)
			add_route(r, &net->no_routes[i], true);
	if (net->default_domain)
		r->default_domain = str_view_of(net->default_domain);
	r->tunnel_all_dns = net->is_tunnel_all_dns || net->is_default_route ? CSTP_FLAG_TRUE
									   : CSTP_FLAG_FALSE;
}

static void fill_addresses(struct cstp_response *r, const struct net_prefix *v4,
			   const struct net_prefix *v6)
{
	char mask[16];

	if (v4->addr.family == AF_INET) {
		r->has_address = true;
		r->address = v4->addr;
		net_ipv4_mask_format(v4->len, mask, sizeof(mask));
		r->has_netmask = net_addr_parse(&r->netmask, mask, strlen(mask)) == 0;
	}
	if (v6->addr.family == AF_INET6) {
		r->has_address6 = true;
		r->address6 = *v6;
	}
}

/* The per-record cost of DTLS with the cipher this TLS session uses (PSK-style, §6.5). */
static void session_cipher(const struct session *s, struct cstp_mtu_cipher *out, bool *out_tls13)
{
	struct tls_cipher_info ci;

	cstp_mtu_cipher_of_alg(out, CSTP_MTU_ALG_AES_GCM);
	*out_tls13 = false;
	if (!s->tls || tls_conn_cipher(s->tls, &ci) != 0)
		return;
	*out_tls13 = ci.is_tls13;
	if (ci.is_aead) {
		if (ci.description && strstr(ci.description, "CHACHA20"))
			cstp_mtu_cipher_of_alg(out, CSTP_MTU_ALG_CHACHA20_POLY1305);
		return;
	}
	out->block_len = ci.block_size;
	out->iv_len = ci.explicit_iv_len ? ci.explicit_iv_len : ci.block_size;
	out->mac_len = ci.mac_len;
}

static void fill_mtu(struct cstp_response *r, const struct session *s,
		     const struct gw_net_settings *net, bool has_v6, struct tunnel_params *out,
		     bool *out_tls13)
{
	struct cstp_mtu_cipher c;
	int family = s->remote.family ? s->remote.family : AF_INET;
	unsigned link, mtu;

	session_cipher(s, &c, out_tls13);
	link = cstp_mtu_gateway_link(net->mtu, s->creq.base_mtu, s->creq.client_mtu, family,
				     has_v6);
	/* ocserv's figure in every mode: what a DTLS record of this cipher carries. */
	mtu = cstp_mtu_gateway_dtls(link, family, &c);
	if (mtu < FALLBACK_MTU && has_v6)
		mtu = FALLBACK_MTU;
	if (mtu == 0)
		mtu = FALLBACK_MTU;
	r->base_mtu = num(link);
	r->mtu = num(mtu);
	out->mtu = mtu;
}


static void fill_timers(struct cstp_response *r, const struct session *s,
			const struct gw_net_settings *net, bool is_tls13, struct tunnel_params *out)
{
	const struct gw_config *cfg = s->w->cfg;
	bool is_mobile = s->creq.is_mobile;

	out->dpd_s = is_mobile ? net->mobile_dpd_s : net->dpd_s;
	out->keepalive_s = net->keepalive_s;
	out->idle_s = is_mobile ? net->mobile_idle_timeout_s : net->idle_timeout_s;
	out->session_timeout_s = net->session_timeout_s;
	r->dpd = num(out->dpd_s);
	r->keepalive = num(out->keepalive_s);
	r->idle_timeout = timeout(out->idle_s);
	r->session_timeout = timeout(out->session_timeout_s);
	if (out->session_timeout_s)
		r->session_timeout_remaining = num(out->session_timeout_s);
	r->disconnected_timeout = timeout(cfg->cookie_timeout_s);
	/* Never "none": Cisco Secure Client 5.1 refuses it (§7.6). */
	r->rekey_method = cfg->rekey_method == GW_REKEY_NEW_TUNNEL ? CSTP_REKEY_NEW_TUNNEL
								   : CSTP_REKEY_SSL;
	r->rekey_time = num(is_tls13 && r->rekey_method == CSTP_REKEY_SSL ? TLS13_REKEY_S
			    : cfg->rekey_time_s ? cfg->rekey_time_s : 172800);
}

static void fill_fixed(struct cstp_response *r, const struct session *s)
{
	const struct gw_config *cfg = s->w->cfg;

	r->version = num(1);
	r->server_name = str_view_of(SERVER_NAME);
	if (s->auth.client == SESSION_CLIENT_ANYCONNECT)
		r->protocol = str_view_of(CISCO_PROTOCOL);
	if (s->creq.hostname[0])
		r->hostname = str_view_of(s->creq.hostname);
	r->client_bypass_protocol = cfg->is_client_bypass_protocol ? CSTP_FLAG_TRUE
								    : CSTP_FLAG_FALSE;
	r->smartcard_removal_disconnect = CSTP_FLAG_TRUE;
	r->keep = CSTP_FLAG_TRUE;
	r->tcp_keepalive = CSTP_FLAG_TRUE;
	r->license = str_view_of("accept");
	if (cfg->is_listen_dyndns)
		r->dyndns = CSTP_FLAG_TRUE;
}

static int write_head(struct buf_writer *w, const struct session *s, struct cstp_response *r,
		      char *banner_buf, size_t banner_cap)
{
	struct cstp_header_err err = { { "", 0 }, "" };
	const char *banner = s->w->cfg->banner;
	int rc;

	if (banner) {
		struct buf_writer bw;

		buf_writer_init(&bw, banner_buf, banner_cap - 1);
		http_url_encode(&bw, str_view_of(banner));
		if (buf_writer_error(&bw) == 0) {
			banner_buf[bw.len] = '\0';
			r->banner = str_view_of(banner_buf);
		}
	}
	/* openconnect checks that the answer starts with exactly "HTTP/1.1 200 ". */
	http_write_status_line(w, 200, "CONNECTED");
	rc = cstp_response_write(w, r, &err);
	if (rc != 0) {
		log_err("%s: CONNECT answer refused by the header writer: %.*s: %s", s->label,
			(int)err.header.len, err.header.ptr, err.reason);
		return rc;
	}
	http_write_end(w);
	return buf_writer_error(w);
}

int connect_reply_build(struct buf_writer *w, const struct session *s, const struct net_prefix *v4,
			const struct net_prefix *v6, struct tunnel_params *out)
{
	struct cstp_response *r = malloc(sizeof(*r)); /* ~16 KiB of routes: not for the stack */
	struct gw_net_settings net;
	char banner[1024];
	bool has_v6 = v6->addr.family == AF_INET6;
	bool is_tls13 = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!r)
		return VPN_ERR_NOMEM;
	out->ipv4 = *v4;
	out->ipv6 = *v6;
	gw_config_settings(s->w->cfg, s->ident.user, s->ident.group, &net);
	cstp_response_init(r);
	fill_fixed(r, s);
	fill_addresses(r, v4, v6);
	fill_network(r, s, &net, has_v6);
	fill_mtu(r, s, &net, has_v6, out, &is_tls13);
	fill_timers(r, s, &net, is_tls13, out);
	/* After the timers: the X-DTLS-* timers repeat them. */
	dtls_link_fill_reply(s, r, &net, out);
	out->is_restricted = net.is_restrict_to_routes;
	out->allowed = net.routes;
	out->n_allowed = net.n_routes;
	rc = write_head(w, s, r, banner, sizeof(banner));
	free(r);
	return rc;
}
