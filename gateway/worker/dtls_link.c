/* SPDX-License-Identifier: ISC */
/* The DTLS channel's set-up at CONNECT: the choice, the key, the answer's headers. */
#include "gateway/worker/dtls_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "gateway/worker/session.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/log.h"
#include "lib/cstp/headers.h"
#include "lib/cstp/mtu.h"
#include "lib/tls/hmac.h"
#include "lib/tls/tls.h"

/* With TLS 1.3 there is no renegotiation: a year keeps openconnect from trying (§7.6). */
#define TLS13_REKEY_S 31536000

static int fill_random(uint8_t *out, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(out + got, len - got, 0);

		if (n <= 0)
			return VPN_ERR_IO;
		got += (size_t)n;
	}
	return 0;
}

int dtls_link_secret_make(uint8_t out[DTLS_LINK_SECRET_LEN])
{
	return fill_random(out, DTLS_LINK_SECRET_LEN);
}

static int tag_of(const uint8_t secret[DTLS_LINK_SECRET_LEN], const uint8_t *key,
		  uint8_t out[TLS_HMAC_SHA256_LEN])
{
	return tls_hmac_sha256(out, secret, DTLS_LINK_SECRET_LEN, key,
			       DTLS_LINK_KEY_LEN - DTLS_LINK_KEY_TAG_LEN);
}

int dtls_link_key_make(const uint8_t secret[DTLS_LINK_SECRET_LEN], uint8_t out[DTLS_LINK_KEY_LEN],
		       unsigned worker_index)
{
	uint8_t mac[TLS_HMAC_SHA256_LEN];
	int r;

	out[0] = (uint8_t)worker_index;
	r = fill_random(out + 1, DTLS_LINK_KEY_RANDOM_LEN);
	if (r == 0)
		r = tag_of(secret, out, mac);
	if (r == 0)
		memcpy(out + DTLS_LINK_KEY_LEN - DTLS_LINK_KEY_TAG_LEN, mac, DTLS_LINK_KEY_TAG_LEN);
	return r;
}

int dtls_link_key_owner(const uint8_t secret[DTLS_LINK_SECRET_LEN], const uint8_t *key,
			size_t key_len)
{
	uint8_t mac[TLS_HMAC_SHA256_LEN], diff = 0;
	const uint8_t *tag = key + DTLS_LINK_KEY_LEN - DTLS_LINK_KEY_TAG_LEN;

	if (key_len != DTLS_LINK_KEY_LEN || tag_of(secret, key, mac) != 0)
		return -1;
	/* Every byte, whatever the first difference: timing must not guide a forger. */
	for (size_t i = 0; i < DTLS_LINK_KEY_TAG_LEN; i++)
		diff |= (uint8_t)(mac[i] ^ tag[i]);
	return diff == 0 ? key[0] : -1;
}

static struct dtls_policy policy_of(const struct gw_config *cfg)
{
	struct dtls_policy p;

	memset(&p, 0, sizeof(p));
	/* As in ocserv: Cisco clients never do PSK, so cisco-client-compat implies legacy. */
	p.is_legacy_enabled = cfg->is_dtls_legacy || cfg->is_cisco_compat;
	p.is_psk_enabled = cfg->is_dtls_psk;
	return p;
}

static int choose(struct dtls_link *l, const struct session *s, const struct cstp_request *req)
{
	struct dtls_policy policy = policy_of(s->w->cfg);
	struct dtls_offer_view offer = {
		req->dtls_ciphers.items, req->dtls_ciphers.count,
		req->dtls12_ciphers.items, req->dtls12_ciphers.count,
	};
	bool has_secret = req->master_secret.len == DTLS_MASTER_SECRET_LEN;

	/* Without a master secret only PSK-NEGOTIATE can work; without TLS (tests), no PSK. */
	if (!has_secret)
		policy.is_legacy_enabled = false;
	if (!s->tls)
		policy.is_psk_enabled = false;
	if (dtls_choose(&l->choice, &policy, &offer, s->tls) != 0)
		return VPN_ERR_NOT_FOUND;
	if (l->choice.mode == DTLS_MODE_PSK &&
	    (!s->tls || tls_conn_export_psk(s->tls, l->params.psk) != 0))
		return VPN_ERR_NOT_FOUND;
	if (l->choice.mode == DTLS_MODE_RESUME)
		memcpy(l->params.master_secret, req->master_secret.bytes, DTLS_MASTER_SECRET_LEN);
	l->params.mode = l->choice.mode;
	l->params.suite = l->choice.suite;
	l->params.id_len = DTLS_LINK_KEY_LEN;
	return dtls_link_key_make(s->w->dtls_secret, l->params.id, s->w->index);
}

int dtls_link_offer(struct session *s, const struct cstp_request *req)
{
	const struct gw_config *cfg = s->w->cfg;
	struct dtls_link *l;

	dtls_link_free(s);
	/* A draining worker closed its share of the port; hellos still reach it. */
	if (!cfg->udp_port || (s->w->udp_fd < 0 && !s->w->is_draining))
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return VPN_ERR_NOMEM;
	l->s = s;
	l->fd = -1;
	if (choose(l, s, req) != 0) {
		log_debug("%s: no DTLS: nothing offered that the configuration allows", s->label);
		dtls_params_wipe(&l->params);
		free(l);
		return 0;
	}
	event_timer_init(&l->timer, NULL);
	event_timer_init(&l->nudge, NULL);
	event_timer_init(&l->cand.timer, NULL);
	l->cand.l = l;
	l->cand.fd = -1;
	s->dtls = l;
	return 0;
}

static struct cstp_num num(uint32_t v)
{
	struct cstp_num n = { true, false, v };

	return n;
}

/* Legacy mode: the suite is fixed, so the tunnel MTU is what one of its records carries. */
static void fill_legacy_mtu(struct dtls_link *l, struct cstp_response *r, int family,
			    struct tunnel_params *out)
{
	struct cstp_mtu_cipher c;
	const char *name = dtls_suite_name(l->choice.suite);
	unsigned mtu;

	if (cstp_mtu_cipher_of_name(&c, name, strlen(name)) != 0)
		return;
	mtu = cstp_mtu_gateway_dtls(l->link_mtu, family, &c);
	if (mtu == 0)
		return;
	r->dtls_mtu = num(mtu);
	r->mtu = num(mtu);
	out->mtu = mtu;
}

void dtls_link_fill_reply(const struct session *s, struct cstp_response *r,
			  const struct gw_net_settings *net, struct tunnel_params *out)
{
	const struct gw_config *cfg = s->w->cfg;
	struct dtls_link *l = s->dtls;
	struct cstp_hex *id;
	int family = s->remote.family ? s->remote.family : AF_INET;

	if (!l)
		return;
	if (net->is_no_udp) {
		l->is_refused = true;
		return;
	}
	l->link_mtu = r->base_mtu.is_set ? r->base_mtu.value : 1500;
	l->quiet_ms = cfg->switch_to_tcp_timeout_s * 1000;
	r->dtls_port = num(cfg->udp_port);
	r->dtls_dpd = num(out->dpd_s);
	r->dtls_keepalive = num(out->keepalive_s);
	r->dtls_rekey_method = r->rekey_method;
	r->dtls_rekey_time = r->rekey_time;
	id = l->choice.mode == DTLS_MODE_PSK ? &r->app_id : &r->session_id;
	id->len = DTLS_LINK_KEY_LEN;
	memcpy(id->bytes, l->params.id, DTLS_LINK_KEY_LEN);
	if (l->choice.header == DTLS_LIST_DTLS12)
		r->dtls12_cipher = str_view_of(l->choice.name);
	else
		r->dtls_cipher = str_view_of(l->choice.name);
	if (l->choice.mode == DTLS_MODE_RESUME)
		fill_legacy_mtu(l, r, family, out);
}

void dtls_link_fill_info(const struct session *s, struct msg_session_info *m)
{
	const struct dtls_link *l = s->dtls;

	if (!l)
		return;
	snprintf(m->dtls_mode, sizeof(m->dtls_mode), "%s", dtls_mode_name(l->choice.mode));
	m->is_dtls = l->is_up && l->is_active;
	m->dtls_rx_bytes = l->rx_bytes;
	m->dtls_tx_bytes = l->tx_bytes;
	m->dtls_discarded = l->discarded + (l->conn ? dtls_conn_discarded(l->conn) : 0);
	m->dtls_oversized = l->oversized + (l->conn ? dtls_conn_rx_oversize(l->conn) : 0);
	if (l->conn && l->is_up)
		snprintf(m->dtls_cipher, sizeof(m->dtls_cipher), "%s",
			 dtls_conn_description(l->conn));
	else
		snprintf(m->dtls_cipher, sizeof(m->dtls_cipher), "%s", l->choice.name);
}
