/* SPDX-License-Identifier: ISC */
/*
 * Link, address and route changes over rtnetlink. Each call opens its own
 * socket, sends one request with NLM_F_ACK and returns what the kernel's
 * acknowledgement says: these run at session setup, not per packet, so a
 * socket per call keeps them stateless and safe to call from anywhere.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/netlink.h"

/* Requests are a header and a few attributes; answers an ack or an error. */
#define NL_BUF_LEN 8192

static int errno_to_err(int err)
{
	switch (err) {
	case ENODEV:
	case ESRCH:          /* route to delete not found */
	case EADDRNOTAVAIL:  /* address to delete not found */
		return VPN_ERR_NOT_FOUND;
	case EPERM:
	case EACCES:
		return VPN_ERR_DENIED;
	case EINVAL:
	case ERANGE:         /* e.g. an MTU the device refuses */
		return VPN_ERR_INVALID;
	case ENOMEM:
	case ENOBUFS:
		return VPN_ERR_NOMEM;
	default:
		return VPN_ERR_IO;
	}
}

/*
 * Sends nlh and waits for its ack, handing any answer before it to cb
 * (NULL: none expected); errno keeps the kernel's answer.
 */
static int transact_cb(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	uint8_t *buf;
	struct mnl_socket *nl;
	unsigned portid, seq = (unsigned)time(NULL);
	ssize_t n;
	int ret = -1, err;

	buf = malloc(NL_BUF_LEN);
	if (buf == NULL)
		return VPN_ERR_NOMEM;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	/* the ack (error 0) makes mnl_cb_run stop; an error sets errno */
	do {
		n = mnl_socket_recvfrom(nl, buf, NL_BUF_LEN);
		ret = n < 0 ? -1 : mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	} while (ret == MNL_CB_OK);
out:
	err = errno;
	if (nl != NULL)
		mnl_socket_close(nl);
	free(buf);
	errno = err;
	if (ret == MNL_CB_STOP)
		return 0;
	return errno_to_err(err);
}

static int transact(struct nlmsghdr *nlh)
{
	return transact_cb(nlh, NULL, NULL);
}

static int ifindex(const char *ifname, unsigned *out)
{
	*out = if_nametoindex(ifname);
	return *out == 0 ? VPN_ERR_NOT_FOUND : 0;
}

int net_link_set(const char *ifname, bool is_up, unsigned mtu)
{
	uint8_t buf[NL_BUF_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned index;
	int ret;

	if ((ret = ifindex(ifname, &index)) != 0)
		return ret;
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)index;
	ifi->ifi_flags = is_up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return transact(nlh);
}

int net_addr_change(const char *ifname, const struct net_prefix *addr, bool is_add)
{
	uint8_t buf[NL_BUF_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t size = net_addr_size(addr->addr.family);
	struct ifaddrmsg *ifa;
	unsigned index;
	int ret;

	if (size == 0 || addr->len > size * 8)
		return VPN_ERR_INVALID;
	if ((ret = ifindex(ifname, &index)) != 0)
		return ret;
	nlh->nlmsg_type = is_add ? RTM_NEWADDR : RTM_DELADDR;
	/* like "ip addr replace": adding what is there already is not an error */
	if (is_add)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)addr->addr.family;
	ifa->ifa_prefixlen = (uint8_t)addr->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	/* no peer: local and "address" are the same, as ip(8) sends them */
	mnl_attr_put(nlh, IFA_LOCAL, size, addr->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, size, addr->addr.bytes);
	return transact(nlh);
}

int net_route_change(const char *ifname, const struct net_prefix *dst, bool is_add)
{
	uint8_t buf[NL_BUF_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t size = net_addr_size(dst->addr.family);
	struct net_prefix net = *dst;
	struct rtmsg *rtm;
	unsigned index;
	int ret;

	if (size == 0 || dst->len > size * 8)
		return VPN_ERR_INVALID;
	if ((ret = ifindex(ifname, &index)) != 0)
		return ret;
	net_prefix_normalize(&net); /* the kernel refuses host bits in a route */
	nlh->nlmsg_type = is_add ? RTM_NEWROUTE : RTM_DELROUTE;
	if (is_add)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)net.addr.family;
	rtm->rtm_dst_len = (uint8_t)net.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (is_add) {
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_type = RTN_UNICAST;
		/* through a device, no gateway: link scope (IPv6 has no route scopes) */
		rtm->rtm_scope = net.addr.family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE; /* delete matches any scope */
	}
	if (net.len > 0)
		mnl_attr_put(nlh, RTA_DST, size, net.addr.bytes);
	mnl_attr_put_u32(nlh, RTA_OIF, index);
	return transact(nlh);
}

struct lookup {
	struct net_route *out;
	bool is_found;
	bool is_local;
};

static int on_route_attr(const struct nlattr *attr, void *data)
{
	struct lookup *l = data;
	size_t size = net_addr_size(l->out->dst.addr.family);

	switch (mnl_attr_get_type(attr)) {
	case RTA_OIF:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			l->out->oif = mnl_attr_get_u32(attr);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(attr) == size) {
			l->out->has_gateway = true;
			l->out->gateway.family = l->out->dst.addr.family;
			memcpy(l->out->gateway.bytes, mnl_attr_get_payload(attr), size);
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct lookup *l = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != l->out->dst.addr.family)
		return MNL_CB_OK;
	l->is_found = true;
	l->is_local = rtm->rtm_type != RTN_UNICAST;
	return mnl_attr_parse(nlh, sizeof(*rtm), on_route_attr, l);
}

int net_route_lookup(const struct net_addr *dst, struct net_route *out)
{
	uint8_t buf[NL_BUF_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t size = net_addr_size(dst->family);
	struct lookup l = { .out = out };
	struct rtmsg *rtm;
	int ret;

	memset(out, 0, sizeof(*out));
	if (size == 0)
		return VPN_ERR_INVALID;
	out->dst.addr = *dst;
	out->dst.len = (unsigned)size * 8;
	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = (uint8_t)(size * 8);
	mnl_attr_put(nlh, RTA_DST, size, dst->bytes);
	ret = transact_cb(nlh, on_route, &l);
	if (ret == VPN_ERR_IO && (errno == ENETUNREACH || errno == EHOSTUNREACH))
		return VPN_ERR_NOT_FOUND;
	if (ret != 0)
		return ret;
	/* local, broadcast, blackhole...: no path through another host to copy */
	if (!l.is_found || l.is_local || out->oif == 0)
		return VPN_ERR_NOT_FOUND;
	return 0;
}

static int route_change(const struct net_route *r, bool is_add)
{
	uint8_t buf[NL_BUF_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t size = net_addr_size(r->dst.addr.family);
	struct net_prefix net = r->dst;
	struct rtmsg *rtm;

	if (size == 0 || r->dst.len > size * 8 ||
	    (r->has_gateway && r->gateway.family != r->dst.addr.family) || (is_add && r->oif == 0))
		return VPN_ERR_INVALID;
	net_prefix_normalize(&net);
	nlh->nlmsg_type = is_add ? RTM_NEWROUTE : RTM_DELROUTE;
	/* neither EXCL nor REPLACE: "prepend", leaving another owner's route be */
	if (is_add)
		nlh->nlmsg_flags = NLM_F_CREATE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)net.addr.family;
	rtm->rtm_dst_len = (uint8_t)net.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = r->protocol;
	if (is_add) {
		rtm->rtm_type = RTN_UNICAST;
		rtm->rtm_scope = r->has_gateway || net.addr.family != AF_INET ? RT_SCOPE_UNIVERSE
									     : RT_SCOPE_LINK;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	}
	if (net.len > 0)
		mnl_attr_put(nlh, RTA_DST, size, net.addr.bytes);
	if (r->has_gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, size, r->gateway.bytes);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	if (r->priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->priority);
	return transact(nlh);
}

int net_route_add(const struct net_route *r)
{
	return route_change(r, true);
}

int net_route_del(const struct net_route *r)
{
	return route_change(r, false);
}
