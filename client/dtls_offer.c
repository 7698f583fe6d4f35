/* SPDX-License-Identifier: ISC */
/*
 * DTLS in the CONNECT exchange (PROTOCOL.md §6.2, §6.4, §8.2-8.5): what we
 * offer, and what the gateway's answer leaves us to set up. A legacy
 * answer resumes a session made of our master secret and the gateway's
 * Session-ID; a PSK-NEGOTIATE answer derives the key from the TLS
 * connection that carried CONNECT and names the session by the App-ID.
 */
#include "client/dtls_link.h"

#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/cstp/mtu.h"
#include "lib/tls/tls.h"

/* Splits a colon-separated list into views of it. */
static int split(struct cstp_name_list *out, const char *list)
{
	const char *p = list;

	out->count = 0;
	while (*p) {
		size_t len = strcspn(p, ":");

		if (out->count == CSTP_MAX_CIPHERS)
			return VPN_ERR_TOO_BIG;
		out->items[out->count].ptr = p;
		out->items[out->count++].len = len;
		p += len;
		if (*p == ':')
			p++;
	}
	return 0;
}

static int fill_secret(uint8_t *out, size_t len)
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

int dtls_link_offer(struct dtls_link *d, struct cstp_request *req, const char *legacy_names)
{
	int ret;

	dtls_link_reset(d);
	ret = dtls_offer_build(&d->offer, legacy_names, NULL);
	if (ret == 0)
		ret = fill_secret(d->params.master_secret, sizeof(d->params.master_secret));
	if (ret == 0)
		ret = split(&req->dtls_ciphers, d->offer.legacy);
	if (ret == 0)
		ret = split(&req->dtls12_ciphers, d->offer.dtls12);
	if (ret != 0) {
		req->dtls_ciphers.count = req->dtls12_ciphers.count = 0;
		dtls_link_reset(d);
		return ret;
	}
	memcpy(req->master_secret.bytes, d->params.master_secret, DTLS_MASTER_SECRET_LEN);
	req->master_secret.len = DTLS_MASTER_SECRET_LEN;
	d->is_offered = true;
	return 0;
}

static unsigned seconds_ms(const struct cstp_num *n)
{
	return n->is_set && !n->is_none ? n->value * 1000u : 0;
}

/* The DTLS 1.2 record cost of the TLS session's cipher: PSK-NEGOTIATE uses the same one. */
static void psk_cipher(struct cstp_mtu_cipher *out, struct tls_conn *tls)
{
	struct tls_cipher_info info;

	if (tls_conn_cipher(tls, &info) != 0) {
		cstp_mtu_cipher_of_alg(out, CSTP_MTU_ALG_AES_CBC_SHA1); /* the costliest we offer */
		return;
	}
	if (info.is_aead) {
		cstp_mtu_cipher_of_alg(out, info.description && strstr(info.description, "CHACHA")
					    ? CSTP_MTU_ALG_CHACHA20_POLY1305 : CSTP_MTU_ALG_AES_GCM);
		return;
	}
	out->iv_len = info.block_size;
	out->mac_len = info.mac_len;
	out->block_len = info.block_size;
}

/* The tunnel MTU on DTLS: the gateway's X-DTLS-MTU, else worked out as §6.5 says. */
static unsigned dtls_mtu(const struct dtls_link *d, const struct cstp_response *r,
			 struct tls_conn *tls)
{
	struct cstp_mtu_cipher c;
	unsigned cstp = r->mtu.is_set && !r->mtu.is_none ? r->mtu.value : 0;

	if (r->dtls_mtu.is_set && !r->dtls_mtu.is_none)
		return r->dtls_mtu.value;
	if (d->choice.mode == DTLS_MODE_PSK) {
		psk_cipher(&c, tls);
		return cstp_mtu_client_psk(d->base_mtu, d->addr.family, &c, cstp ? cstp : 65535);
	}
	/* A legacy suite without X-DTLS-MTU: the gateway's own arithmetic, worst-case padding. */
	if (cstp_mtu_cipher_of_name(&c, d->choice.name, strlen(d->choice.name)) != 0)
		return cstp;
	return cstp_mtu_gateway_dtls(d->base_mtu, d->addr.family, &c);
}

static int fail(const char **out_why, const char *why, int ret)
{
	*out_why = why;
	return ret;
}

/* The id of the session to resume or name, and the PSK. */
static int take_id(struct dtls_link *d, const struct cstp_response *r, struct tls_conn *tls,
		   const char **out_why)
{
	const struct cstp_hex *id = d->choice.mode == DTLS_MODE_PSK ? &r->app_id : &r->session_id;

	if (d->choice.mode == DTLS_MODE_RESUME && id->len != DTLS_SESSION_ID_LEN)
		return fail(out_why, "no 32-byte X-DTLS-Session-ID with a legacy suite",
			    VPN_ERR_INVALID);
	if (d->choice.mode == DTLS_MODE_PSK && (id->len == 0 || id->len > DTLS_APP_ID_MAX))
		return fail(out_why, "no usable X-DTLS-App-ID with PSK-NEGOTIATE", VPN_ERR_INVALID);
	memcpy(d->params.id, id->bytes, id->len);
	d->params.id_len = id->len;
	if (d->choice.mode == DTLS_MODE_PSK && tls_conn_export_psk(tls, d->params.psk) != 0)
		return fail(out_why, "cannot derive the PSK from the TLS session", VPN_ERR_TLS);
	return 0;
}

int dtls_link_answer(struct dtls_link *d, const struct cstp_response *r, struct tls_conn *tls,
		     const struct net_addr *gw, unsigned base_mtu, const char **out_why)
{
	int ret;

	*out_why = NULL;
	if (!d->is_offered)
		return VPN_ERR_NOT_FOUND;
	ret = dtls_answer_read(&d->choice, &d->offer, r->dtls_cipher, r->dtls12_cipher);
	if (ret == VPN_ERR_NOT_FOUND)
		return fail(out_why, "the gateway answered without DTLS", ret);
	if (ret != 0)
		return fail(out_why, "the gateway chose a DTLS cipher we did not offer", ret);
	ret = take_id(d, r, tls, out_why);
	if (ret != 0)
		return ret;
	d->params.mode = d->choice.mode;
	d->params.suite = d->choice.suite;
	d->params.retrans_ms = DTLS_LINK_RETRANS_MS;
	d->params.total_ms = DTLS_LINK_TOTAL_MS;
	d->addr = *gw;
	d->port = r->dtls_port.is_set && !r->dtls_port.is_none && r->dtls_port.value &&
		  r->dtls_port.value < 65536 ? (uint16_t)r->dtls_port.value : 443;
	d->dpd_ms = seconds_ms(&r->dtls_dpd);
	d->keepalive_ms = seconds_ms(&r->dtls_keepalive);
	d->base_mtu = r->base_mtu.is_set && !r->base_mtu.is_none && r->base_mtu.value < base_mtu
		      ? r->base_mtu.value : base_mtu;
	d->mtu = dtls_mtu(d, r, tls);
	if (d->mtu < 576)
		return fail(out_why, "no usable DTLS MTU", VPN_ERR_INVALID);
	return 0;
}
