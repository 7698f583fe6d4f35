/* SPDX-License-Identifier: ISC */
/* Session listing and administrative disconnects for the parent. */
#include "gateway/worker/ctl.h"

#include <stdio.h>
#include <string.h>

#include "gateway/worker/dtls_link.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/session.h"
#include "gateway/worker/tunnel.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/log.h"
#include "lib/tls/tls.h"

static void fill_info(struct msg_session_info *m, const struct session *s, uint32_t req_id)
{
	struct tls_cipher_info ci;

	memset(m, 0, sizeof(*m));
	msg_init(&m->h, MSG_SESSION_LIST_ITEM, sizeof(*m), req_id);
	memcpy(m->session_id, s->ident.session_id, sizeof(m->session_id));
	snprintf(m->user, sizeof(m->user), "%s", s->ident.user);
	snprintf(m->group, sizeof(m->group), "%s", s->ident.group);
	snprintf(m->user_agent, sizeof(m->user_agent), "%s", s->auth.user_agent);
	m->remote = s->remote;
	m->remote_port = s->remote_port;
	m->ipv4 = s->tun.ipv4.addr;
	m->ipv6 = s->tun.ipv6.addr;
	m->worker = s->w->index;
	m->since_unix = s->since_unix;
	m->tls_rx_bytes = s->tun.rx_bytes;
	m->tls_tx_bytes = s->tun.tx_bytes;
	m->mtu = s->tun.mtu;
	snprintf(m->hostname, sizeof(m->hostname), "%s", s->creq.hostname);
	if (s->tls && tls_conn_cipher(s->tls, &ci) == 0 && ci.description)
		snprintf(m->tls_cipher, sizeof(m->tls_cipher), "%s", ci.description);
	dtls_link_fill_info(s, m);
}

void ctl_on_list(struct worker *w, const struct msg_header *req)
{
	struct msg_session_info item;
	struct msg_header end;

	for (struct session *s = w->sessions; s; s = s->next) {
		if (s->phase != SESSION_PHASE_TUNNEL)
			continue;
		fill_info(&item, s, req->req_id);
		worker_chan_send(w, &w->parent, &item, sizeof(item), false);
	}
	msg_init(&end, MSG_SESSION_LIST_END, sizeof(end), req->req_id);
	worker_chan_send(w, &w->parent, &end, sizeof(end), false);
}

static bool matches(const struct session *s, const struct msg_ctl_disconnect *req)
{
	if (!s->ident.is_known || s->phase == SESSION_PHASE_CLOSING)
		return false;
	if (req->user[0])
		return strcmp(s->ident.user, req->user) == 0;
	return memcmp(s->ident.session_id, req->session_id, sizeof(req->session_id)) == 0;
}

void ctl_on_disconnect(struct worker *w, const struct msg_ctl_disconnect *req)
{
	unsigned count = 0;

	for (struct session *s = w->sessions; s; s = s->next) {
		if (!matches(s, req))
			continue;
		tunnel_terminate(s, "disconnected by the administrator");
		count++;
	}
	if (count)
		log_info("worker %u: disconnected %u session(s) on request", w->index, count);
}
