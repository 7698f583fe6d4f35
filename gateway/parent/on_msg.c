/* SPDX-License-Identifier: ISC */
/*
 * What the parent does for its children: address leases and routes for
 * workers, the password file and lease clean-up for authd, and the answers
 * both give to control requests. Every message was checked by the chan;
 * each is accepted only from the process it is meant to come from.
 */
#include "gateway/parent/parent_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

static const char *addr_text(const struct net_addr *a, char out[INET6_ADDRSTRLEN])
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return "none";
	return inet_ntop(a->family, a->bytes, out, INET6_ADDRSTRLEN) ? out : "?";
}

static void answer_lease(struct parent_proc *w, uint32_t req_id, int status,
			 const struct parent_lease *x)
{
	struct msg_lease_result r;

	memset(&r, 0, sizeof(r));
	msg_init(&r.h, MSG_LEASE_RESULT, sizeof(r), req_id);
	r.status = (uint32_t)status;
	r.ipv4.addr.family = AF_UNSPEC;
	r.ipv6.addr.family = AF_UNSPEC;
	if (status == 0) {
		r.ipv4 = x->ipv4;
		r.ipv6 = x->ipv6;
	}
	chan_send(&w->chan, &r, sizeof(r), -1);
}

static void on_lease_request(struct parent *p, struct parent_proc *w,
			     const struct msg_lease_request *m)
{
	struct gw_net_settings net;
	struct parent_lease_ask ask;
	const struct parent_lease *x = NULL;
	char a4[INET6_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	int r;

	gw_config_settings(p->cfg, m->user, m->group, &net);
	memset(&ask, 0, sizeof(ask));
	ask.session_id = m->session_id;
	ask.user = m->user;
	ask.group = m->group;
	ask.pool4 = &net.ipv4_pool;
	ask.pool6 = &net.ipv6_pool;
	ask.ipv6_len = net.ipv6_subnet_prefix;
	ask.is_want4_required = net.explicit_ipv4.family == AF_INET;
	ask.is_want6_required = net.explicit_ipv6.family == AF_INET6;
	ask.want4 = ask.is_want4_required ? &net.explicit_ipv4 : &m->want_ipv4;
	ask.want6 = ask.is_want6_required ? &net.explicit_ipv6 : &m->want_ipv6;
	ask.wants_ipv6 = m->wants_ipv6 != 0;
	ask.is_predictable = p->cfg->is_predictable_ips;
	ask.worker = (int)w->index;
	ask.tun = w->tun;
	r = parent_leases_get(&p->leases, &ask, &x);
	if (r < 0)
		log_err("session %llu of '%s': no address (%s)",
			(unsigned long long)msg_session_id_value(m->session_id), m->user,
			vpn_err_str(r));
	else
		log_info("session %llu of '%s': %s %s on %s",
			 (unsigned long long)msg_session_id_value(m->session_id), m->user,
			 addr_text(&x->ipv4.addr, a4), addr_text(&x->ipv6.addr, a6), x->tun);
	answer_lease(w, m->h.req_id, r, x);
}

void parent_on_worker_msg(struct chan *c, void *msg, size_t len, int fd)
{
	struct parent_proc *w = c->owner;
	struct parent *p = w->p;
	struct msg_header *h = msg;

	(void)len;
	if (fd >= 0)
		close(fd);
	switch (h->type) {
	case MSG_LEASE_REQUEST:
		on_lease_request(p, w, msg);
		break;
	case MSG_LEASE_RELEASE:
		parent_leases_park(&p->leases, ((struct msg_lease_release *)msg)->session_id,
				   (int)w->index);
		break;
	case MSG_SESSION_LIST_ITEM:
		parent_ctl_on_session(p, w, msg);
		break;
	case MSG_SESSION_LIST_END:
		parent_ctl_on_list_end(p, w, h->req_id);
		break;
	case MSG_DTLS_HELLO:
		parent_dtls_forward(p, w, msg);
		break;
	default:
		log_warn("worker %u sent %s, which is not for the parent", w->index,
			 msg_type_name(h->type));
	}
}

static void on_expired(struct parent *p, const struct msg_session_event *m)
{
	if (parent_leases_free(&p->leases, m->session_id))
		log_debug("session %llu: address lease freed (%s)",
			  (unsigned long long)msg_session_id_value(m->session_id), m->reason);
}

void parent_on_authd_msg(struct chan *c, void *msg, size_t len, int fd)
{
	struct parent_proc *a = c->owner;
	struct parent *p = a->p;
	struct msg_header *h = msg;

	(void)len;
	if (fd >= 0)
		close(fd);
	switch (h->type) {
	case MSG_SESSION_EXPIRED:
		on_expired(p, msg);
		break;
	case MSG_PASSWD_REOPEN:
		parent_send_passwd(p, h->req_id);
		break;
	case MSG_BAN_ITEM:
		parent_ctl_on_ban(p, msg);
		break;
	case MSG_BAN_LIST_END:
		parent_ctl_on_ban_end(p, msg);
		break;
	case MSG_UNBAN_RESULT:
		parent_ctl_on_unban(p, msg);
		break;
	default:
		log_warn("authd sent %s, which is not for the parent", msg_type_name(h->type));
	}
}
