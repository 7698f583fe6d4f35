/* SPDX-License-Identifier: ISC */
/*
 * The settings ocserv allows in per-group and per-user files (and in the
 * main file, as the global defaults): pools, DNS, routes, timers. Each file
 * fills its own gw_net_settings, marking what it set; gw_config_settings()
 * lays them over each other.
 */
#include "gateway/conf_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/cstp/headers.h"

void conf_net_init(struct gw_net_settings *n)
{
	memset(n, 0, sizeof(*n));
	n->ipv4_pool.addr.family = AF_UNSPEC;
	n->ipv6_pool.addr.family = AF_UNSPEC;
	n->explicit_ipv4.family = AF_UNSPEC;
	n->explicit_ipv6.family = AF_UNSPEC;
}

void conf_net_cleanup(struct gw_net_settings *n)
{
	free(n->dns);
	free(n->nbns);
	for (size_t i = 0; i < n->n_split_dns; i++)
		free(n->split_dns[i]);
	free(n->split_dns);
	free(n->routes);
	free(n->no_routes);
	free(n->default_domain);
	conf_net_init(n);
}

/* Grows *array by one element of size; NULL (after an error) when full. */
static void *append(struct conf_loader *l, void **array, size_t *count, size_t size, size_t max)
{
	void *grown;

	if (*count >= max) {
		conf_error(l, "more than %zu entries of this setting", max);
		return NULL;
	}
	grown = realloc(*array, (*count + 1) * size);
	if (!grown) {
		conf_error(l, "out of memory");
		return NULL;
	}
	*array = grown;
	return (char *)grown + (*count)++ * size;
}

static void clear_host_bits(struct net_prefix *p)
{
	unsigned bits = p->addr.family == AF_INET ? 32 : 128;

	for (unsigned i = p->len; i < bits; i++)
		p->addr.bytes[i / 8] &= (uint8_t)~(1 << (7 - i % 8));
}

static int set_ipv4_network(struct conf_loader *l, const char *v)
{
	struct net_prefix p;

	if (conf_parse_prefix(l, v, &p) < 0)
		return -1;
	if (p.addr.family != AF_INET) {
		conf_error(l, "ipv4-network needs an IPv4 network");
		return -1;
	}
	l->has_ipv4_len = strchr(v, '/') != NULL;
	l->ipv4_line = l->line;
	l->net->ipv4_pool = p;
	l->net->set |= GW_SET_IPV4_POOL;
	return 0;
}

static int set_ipv4_netmask(struct conf_loader *l, const char *v)
{
	struct net_addr m;

	if (conf_parse_addr(l, v, &m) < 0)
		return -1;
	if (m.family != AF_INET) {
		conf_error(l, "ipv4-netmask needs a dotted IPv4 mask");
		return -1;
	}
	l->ipv4_netmask = m;
	return 0;
}

static int set_ipv6_network(struct conf_loader *l, const char *v)
{
	struct net_prefix p;

	if (conf_parse_prefix(l, v, &p) < 0)
		return -1;
	if (p.addr.family != AF_INET6) {
		conf_error(l, "ipv6-network needs an IPv6 network");
		return -1;
	}
	l->has_ipv6_len = strchr(v, '/') != NULL;
	l->ipv6_line = l->line;
	l->net->ipv6_pool = p;
	l->net->set |= GW_SET_IPV6_POOL;
	return 0;
}

static int set_ipv6_prefix(struct conf_loader *l, const char *v)
{
	return conf_parse_uint(l, v, 128, &l->ipv6_prefix);
}

static int set_ipv6_subnet(struct conf_loader *l, const char *v)
{
	l->net->set |= GW_SET_IPV6_SUBNET;
	return conf_parse_uint(l, v, 128, &l->net->ipv6_subnet_prefix);
}

static int add_addr(struct conf_loader *l, const char *v, struct net_addr **list, size_t *n,
		    uint32_t bit)
{
	struct net_addr a, *slot;

	if (conf_parse_addr(l, v, &a) < 0)
		return -1;
	slot = append(l, (void **)list, n, sizeof(a), GW_DNS_MAX);
	if (!slot)
		return -1;
	*slot = a;
	l->net->set |= bit;
	return 0;
}

static int add_dns(struct conf_loader *l, const char *v)
{
	return add_addr(l, v, &l->net->dns, &l->net->n_dns, GW_SET_DNS);
}

static int add_nbns(struct conf_loader *l, const char *v)
{
	return add_addr(l, v, &l->net->nbns, &l->net->n_nbns, GW_SET_NBNS);
}

static int add_split_dns(struct conf_loader *l, const char *v)
{
	char **slot, *copy = strdup(v);

	if (!copy) {
		conf_error(l, "out of memory");
		return -1;
	}
	slot = append(l, (void **)&l->net->split_dns, &l->net->n_split_dns, sizeof(*slot),
		      GW_DOMAINS_MAX);
	if (!slot) {
		free(copy);
		return -1;
	}
	*slot = copy;
	l->net->set |= GW_SET_SPLIT_DNS;
	return 0;
}

/*
 * One split route. Includes and excludes share one bound, what a CONNECT
 * answer can carry (CSTP_MAX_ROUTES): past it a session would silently
 * lose routes, so the file is refused at the line instead. ocserv counts
 * none, and sends what it is given.
 */
static int add_prefix(struct conf_loader *l, const char *v, struct net_prefix **list, size_t *n)
{
	struct net_prefix p, *slot;

	if (conf_parse_prefix(l, v, &p) < 0)
		return -1;
	clear_host_bits(&p);
	if (l->net->n_routes + l->net->n_no_routes >= CSTP_MAX_ROUTES) {
		conf_error(l, "more than %d route and no-route lines: one CONNECT answer "
			   "carries at most that many split routes", CSTP_MAX_ROUTES);
		return -1;
	}
	slot = append(l, (void **)list, n, sizeof(p), CSTP_MAX_ROUTES);
	if (!slot)
		return -1;
	*slot = p;
	return 0;
}

static int add_route(struct conf_loader *l, const char *v)
{
	struct net_prefix p;

	l->net->set |= GW_SET_ROUTES;
	/* "default", 0.0.0.0/0 and ::/0 all mean: everything through the tunnel */
	if (strcasecmp(v, "default") == 0) {
		l->net->is_default_route = true;
		return 0;
	}
	if (conf_parse_prefix(l, v, &p) < 0)
		return -1;
	if (p.len == 0) {
		l->net->is_default_route = true;
		return 0;
	}
	return add_prefix(l, v, &l->net->routes, &l->net->n_routes);
}

static int add_no_route(struct conf_loader *l, const char *v)
{
	l->net->set |= GW_SET_NO_ROUTES;
	return add_prefix(l, v, &l->net->no_routes, &l->net->n_no_routes);
}

static int set_domain(struct conf_loader *l, const char *v)
{
	l->net->set |= GW_SET_DOMAIN;
	return conf_set_string(l, &l->net->default_domain, v);
}

#define UINT_SETTER(fn, field, bit, max) \
	static int fn(struct conf_loader *l, const char *v) \
	{ \
		l->net->set |= (bit); \
		return conf_parse_uint(l, v, (max), &l->net->field); \
	}

#define BOOL_SETTER(fn, field, bit) \
	static int fn(struct conf_loader *l, const char *v) \
	{ \
		l->net->set |= (bit); \
		return conf_parse_bool(l, v, &l->net->field); \
	}

/* A year is plenty for any timer; it keeps now + value far from overflow. */
#define TIME_MAX (366u * 86400u)

UINT_SETTER(set_keepalive, keepalive_s, GW_SET_KEEPALIVE, TIME_MAX)
UINT_SETTER(set_dpd, dpd_s, GW_SET_DPD, TIME_MAX)
UINT_SETTER(set_mobile_dpd, mobile_dpd_s, GW_SET_MOBILE_DPD, TIME_MAX)
UINT_SETTER(set_idle, idle_timeout_s, GW_SET_IDLE, TIME_MAX)
UINT_SETTER(set_mobile_idle, mobile_idle_timeout_s, GW_SET_MOBILE_IDLE, TIME_MAX)
UINT_SETTER(set_session_timeout, session_timeout_s, GW_SET_SESSION_TIMEOUT, TIME_MAX)
UINT_SETTER(set_max_same, max_same_clients, GW_SET_MAX_SAME, GW_SESSIONS_LIMIT)
BOOL_SETTER(set_tunnel_all_dns, is_tunnel_all_dns, GW_SET_TUNNEL_ALL_DNS)
BOOL_SETTER(set_deny_roaming, is_deny_roaming, GW_SET_DENY_ROAMING)
BOOL_SETTER(set_no_udp, is_no_udp, GW_SET_NO_UDP)
BOOL_SETTER(set_restrict, is_restrict_to_routes, GW_SET_RESTRICT)

static int set_mtu(struct conf_loader *l, const char *v)
{
	if (conf_parse_uint(l, v, 65535, &l->net->mtu) < 0)
		return -1;
	if (l->net->mtu && l->net->mtu < 576) {
		conf_error(l, "mtu %u is below 576", l->net->mtu);
		return -1;
	}
	l->net->set |= GW_SET_MTU;
	return 0;
}

static int set_explicit(struct conf_loader *l, const char *v, int family)
{
	struct net_addr a;

	if (conf_parse_addr(l, v, &a) < 0)
		return -1;
	if (a.family != family) {
		conf_error(l, "'%s' is not an IPv%c address", v, family == AF_INET ? '4' : '6');
		return -1;
	}
	if (family == AF_INET) {
		l->net->explicit_ipv4 = a;
		l->net->set |= GW_SET_EXPLICIT_IPV4;
	} else {
		l->net->explicit_ipv6 = a;
		l->net->set |= GW_SET_EXPLICIT_IPV6;
	}
	return 0;
}

static int set_explicit_ipv4(struct conf_loader *l, const char *v)
{
	return set_explicit(l, v, AF_INET);
}

static int set_explicit_ipv6(struct conf_loader *l, const char *v)
{
	return set_explicit(l, v, AF_INET6);
}

#define BOTH (CONF_MAIN | CONF_PER)
#define NO_LIMITS "bandwidth limits are not implemented"

const struct conf_key conf_net_keys[] = {
	{ "ipv4-network", BOTH, CONF_APPLY, set_ipv4_network, NULL },
	{ "ipv4-netmask", BOTH, CONF_APPLY, set_ipv4_netmask, NULL },
	{ "ipv6-network", BOTH, CONF_APPLY, set_ipv6_network, NULL },
	{ "ipv6-prefix", BOTH, CONF_APPLY, set_ipv6_prefix, NULL },
	{ "ipv6-subnet-prefix", BOTH, CONF_APPLY, set_ipv6_subnet, NULL },
	{ "dns", BOTH, CONF_APPLY, add_dns, NULL },
	{ "ipv4-dns", BOTH, CONF_APPLY, add_dns, NULL },
	{ "ipv6-dns", BOTH, CONF_APPLY, add_dns, NULL },
	{ "nbns", BOTH, CONF_APPLY, add_nbns, NULL },
	{ "ipv4-nbns", BOTH, CONF_APPLY, add_nbns, NULL },
	{ "ipv6-nbns", BOTH, CONF_APPLY, add_nbns, NULL },
	{ "split-dns", BOTH, CONF_APPLY, add_split_dns, NULL },
	{ "route", BOTH, CONF_APPLY, add_route, NULL },
	{ "no-route", BOTH, CONF_APPLY, add_no_route, NULL },
	{ "default-domain", BOTH, CONF_APPLY, set_domain, NULL },
	{ "keepalive", BOTH, CONF_APPLY, set_keepalive, NULL },
	{ "dpd", BOTH, CONF_APPLY, set_dpd, NULL },
	{ "mobile-dpd", BOTH, CONF_APPLY, set_mobile_dpd, NULL },
	{ "idle-timeout", BOTH, CONF_APPLY, set_idle, NULL },
	{ "mobile-idle-timeout", BOTH, CONF_APPLY, set_mobile_idle, NULL },
	{ "session-timeout", BOTH, CONF_APPLY, set_session_timeout, NULL },
	{ "mtu", BOTH, CONF_APPLY, set_mtu, NULL },
	{ "tunnel-all-dns", BOTH, CONF_APPLY, set_tunnel_all_dns, NULL },
	{ "deny-roaming", BOTH, CONF_APPLY, set_deny_roaming, NULL },
	{ "no-udp", BOTH, CONF_APPLY, set_no_udp, NULL },
	{ "restrict-user-to-routes", BOTH, CONF_APPLY, set_restrict, NULL },
	{ "max-same-clients", BOTH, CONF_APPLY, set_max_same, NULL },
	{ "explicit-ipv4", CONF_PER, CONF_APPLY, set_explicit_ipv4, NULL },
	{ "explicit-ipv6", CONF_PER, CONF_APPLY, set_explicit_ipv6, NULL },
	{ "restrict-user-to-ports", BOTH, CONF_ERROR, NULL,
	  "per-port restrictions are not implemented: the user would reach every port" },
	{ "rx-data-per-sec", BOTH, CONF_WARN_IF_ON, NULL, NO_LIMITS },
	{ "tx-data-per-sec", BOTH, CONF_WARN_IF_ON, NULL, NO_LIMITS },
	{ "iroute", BOTH, CONF_WARN, NULL, "routes to networks behind a client are not implemented" },
	{ "net-priority", BOTH, CONF_WARN, NULL, "packet priorities are not implemented" },
	{ "cgroup", BOTH, CONF_WARN, NULL, "cgroups are not implemented" },
	{ "stats-report-time", BOTH, CONF_WARN, NULL, "accounting is not implemented" },
	{ "hostname", CONF_PER, CONF_WARN, NULL, "the client's host name is not overridden" },
};
const size_t conf_net_keys_count = sizeof(conf_net_keys) / sizeof(conf_net_keys[0]);

void conf_net_begin(struct conf_loader *l)
{
	memset(&l->ipv4_netmask, 0, sizeof(l->ipv4_netmask));
	l->has_ipv4_len = false;
	l->ipv4_line = l->ipv6_line = 0;
	l->ipv6_prefix = 0;
	l->has_ipv6_len = false;
}

/* A netmask ocserv accepts is contiguous: count its ones. */
static int netmask_len(const struct net_addr *m)
{
	int n = 0;

	for (int i = 0; i < 32; i++) {
		if (m->bytes[i / 8] & (1 << (7 - i % 8))) {
			if (n != i)
				return -1;
			n++;
		}
	}
	return n;
}

static int finish_ipv4(struct conf_loader *l, struct gw_net_settings *n)
{
	int len;

	if (!(n->set & GW_SET_IPV4_POOL) || l->has_ipv4_len)
		goto check;
	if (l->ipv4_netmask.family != AF_INET) {
		conf_error(l, "ipv4-network has no prefix length and there is no ipv4-netmask");
		return -1;
	}
	len = netmask_len(&l->ipv4_netmask);
	if (len < 0) {
		conf_error(l, "ipv4-netmask is not a contiguous mask");
		return -1;
	}
	n->ipv4_pool.len = (unsigned)len;
check:
	if ((n->set & GW_SET_IPV4_POOL) && n->ipv4_pool.len > 30) {
		conf_error(l, "ipv4-network /%u leaves no address for clients", n->ipv4_pool.len);
		return -1;
	}
	clear_host_bits(&n->ipv4_pool);
	return 0;
}

static int finish_ipv6(struct conf_loader *l, struct gw_net_settings *n)
{
	if (!(n->set & GW_SET_IPV6_POOL))
		return 0;
	if (!l->has_ipv6_len) {
		if (!l->ipv6_prefix) {
			conf_error(l, "ipv6-network has no prefix length");
			return -1;
		}
		n->ipv6_pool.len = l->ipv6_prefix;
	}
	if (n->ipv6_pool.len >= 127) {
		conf_error(l, "ipv6-network /%u leaves no address for clients", n->ipv6_pool.len);
		return -1;
	}
	clear_host_bits(&n->ipv6_pool);
	return 0;
}

int conf_net_finish(struct conf_loader *l, struct gw_net_settings *n)
{
	unsigned line = l->line;
	int r;

	l->line = l->ipv4_line;
	r = finish_ipv4(l, n);
	l->line = l->ipv6_line;
	if (finish_ipv6(l, n) < 0)
		r = -1;
	l->line = line;
	return r;
}

void conf_net_overlay(struct gw_net_settings *dst, const struct gw_net_settings *src)
{
	uint32_t s = src->set;

#define TAKE(bit, field) \
	do { if (s & (bit)) dst->field = src->field; } while (0)
	TAKE(GW_SET_IPV4_POOL, ipv4_pool);
	TAKE(GW_SET_IPV6_POOL, ipv6_pool);
	TAKE(GW_SET_IPV6_SUBNET, ipv6_subnet_prefix);
	TAKE(GW_SET_DOMAIN, default_domain);
	TAKE(GW_SET_KEEPALIVE, keepalive_s);
	TAKE(GW_SET_DPD, dpd_s);
	TAKE(GW_SET_MOBILE_DPD, mobile_dpd_s);
	TAKE(GW_SET_IDLE, idle_timeout_s);
	TAKE(GW_SET_MOBILE_IDLE, mobile_idle_timeout_s);
	TAKE(GW_SET_SESSION_TIMEOUT, session_timeout_s);
	TAKE(GW_SET_MTU, mtu);
	TAKE(GW_SET_TUNNEL_ALL_DNS, is_tunnel_all_dns);
	TAKE(GW_SET_DENY_ROAMING, is_deny_roaming);
	TAKE(GW_SET_NO_UDP, is_no_udp);
	TAKE(GW_SET_RESTRICT, is_restrict_to_routes);
	TAKE(GW_SET_MAX_SAME, max_same_clients);
	TAKE(GW_SET_EXPLICIT_IPV4, explicit_ipv4);
	TAKE(GW_SET_EXPLICIT_IPV6, explicit_ipv6);
#undef TAKE
	if (s & GW_SET_DNS) {
		dst->dns = src->dns;
		dst->n_dns = src->n_dns;
	}
	if (s & GW_SET_NBNS) {
		dst->nbns = src->nbns;
		dst->n_nbns = src->n_nbns;
	}
	if (s & GW_SET_SPLIT_DNS) {
		dst->split_dns = src->split_dns;
		dst->n_split_dns = src->n_split_dns;
	}
	if (s & GW_SET_ROUTES) {
		dst->routes = src->routes;
		dst->n_routes = src->n_routes;
		dst->is_default_route = src->is_default_route;
	}
	if (s & GW_SET_NO_ROUTES) {
		dst->no_routes = src->no_routes;
		dst->n_no_routes = src->n_no_routes;
	}
	dst->set |= s;
}
