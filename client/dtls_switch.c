/* SPDX-License-Identifier: ISC */
/* The session following its DTLS link: phase, adapter MTU, log lines. */
#include "client/dtls_switch.h"

#include "client/memory.h"
#include "client/netcfg.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/cstp/mtu.h"
#include "lib/net/netlink.h"

/*
 * The adapter's MTU after CONNECT. On a reconnect the adapter keeps what it
 * has while DTLS may still come (on_change sets it when DTLS comes up or
 * fails); without DTLS it takes the TLS figure at once.
 */
static void pick_mtu(struct session *s, bool has_dtls)
{
	struct tunnel *t = &s->tunnel;
	bool is_first = t->tun_fd < 0;
	unsigned mtu = has_dtls ? t->dtls.mtu : s->settings.mtu;

	if (!is_first && has_dtls)
		return;
	if (!is_first && t->mtu != mtu && net_link_set(t->ifname, true, mtu) != 0)
		log_warn("cannot set the MTU of %s to %u", t->ifname, mtu);
	t->mtu = mtu;
	t->is_mtu_tls = !has_dtls;
}

void dtls_switch_answer(struct session *s)
{
	struct tunnel *t = &s->tunnel;
	const char *why = NULL;
	unsigned base = cstp_mtu_client_base(s->opts->base_mtu ? s->opts->base_mtu
							       : conn_path_mtu(&s->conn));
	int ret = dtls_link_answer(&t->dtls, &s->settings.cstp, s->conn.tls, &s->gw.addr, base,
				   &why);

	if (ret != 0) {
		if (t->dtls.is_offered)
			log_info("DTLS: %s; data goes over TLS", why);
		dtls_link_reset(&t->dtls);
		pick_mtu(s, false);
		return;
	}
	pick_mtu(s, true);
	log_debug("DTLS: the gateway chose %s (%s mode), port %u, MTU %u, DPD %u s, keepalive %u s",
		  t->dtls.choice.name, dtls_mode_name(t->dtls.choice.mode), t->dtls.port,
		  t->dtls.mtu, t->dtls.dpd_ms / 1000, t->dtls.keepalive_ms / 1000);
}

/*
 * The adapter gets a new MTU: by netlink (the vpnc-script's reconnect does
 * not touch it), then the script hears of it as a reconnect.
 */
static void set_adapter_mtu(struct session *s, unsigned mtu, bool is_tls)
{
	struct tunnel *t = &s->tunnel;
	int ret;

	t->mtu = mtu;
	t->is_mtu_tls = is_tls;
	ret = net_link_set(t->ifname, true, mtu);
	if (ret != 0)
		log_warn("cannot set the MTU of %s to %u: %s", t->ifname, mtu, vpn_err_str(ret));
	log_info("reconnect: tun %s MTU %u for data over %s", t->ifname, mtu, is_tls ? "TLS" : "DTLS");
	netcfg_mtu_changed(s);
}

static void on_change(struct dtls_link *d, enum dtls_link_state old)
{
	struct session *s = d->owner;
	struct tunnel *t = &s->tunnel;

	log_debug("DTLS: %s -> %s", dtls_link_state_name(old), dtls_link_state_name(d->state));
	if (d->state == DTLS_LINK_UP) {
		session_set_phase(s, SESSION_PHASE_TUNNEL_DTLS);
		if (t->is_mtu_tls || t->mtu != d->mtu)
			set_adapter_mtu(s, d->mtu, false);
		/* The handshake's temporaries are freed: their pages go back. */
		memory_trim();
		return;
	}
	if (old == DTLS_LINK_UP)
		session_set_phase(s, SESSION_PHASE_TUNNEL);
	/* AnyConnect's fallback (PROTOCOL.md §8.7): the TLS figure once DTLS failed. */
	if ((d->state == DTLS_LINK_WAITING || d->state == DTLS_LINK_OFF) && !t->is_mtu_tls)
		set_adapter_mtu(s, s->settings.mtu, true);
	/*
	 * The first attempt given up (UDP blocked): its handshake is freed as
	 * surely as when it succeeds, and the tunnel may run on TLS for hours;
	 * later attempts come back to the depth this one reached.
	 */
	if (old == DTLS_LINK_CONNECTING && d->attempts == 1)
		memory_trim();
}

void dtls_switch_start(struct session *s)
{
	struct tunnel *t = &s->tunnel;

	if (t->dtls.params.mode == DTLS_MODE_NONE)
		return;
	t->dtls.owner = s;
	t->dtls.on_change = on_change;
	if (dtls_link_start(&t->dtls, t->loop, t->tun_fd) != 0)
		log_warn("DTLS: cannot start; data goes over TLS");
}

void dtls_switch_stop(struct session *s)
{
	struct tunnel *t = &s->tunnel;

	/*
	 * DTLS closes first (close_notify), as openconnect does; whatever
	 * comes next (the goodbye, a reconnect) goes over TLS, and the phase
	 * says so.
	 */
	t->dtls.on_change = NULL;
	if (s->phase == SESSION_PHASE_TUNNEL_DTLS)
		session_set_phase(s, SESSION_PHASE_TUNNEL);
	log_debug("DTLS: %llu packets in (%llu bytes), %llu out (%llu bytes)",
		  (unsigned long long)t->dtls.packets_in, (unsigned long long)t->dtls.bytes_in,
		  (unsigned long long)t->dtls.packets_out, (unsigned long long)t->dtls.bytes_out);
	dtls_link_reset(&t->dtls);
}
