/* SPDX-License-Identifier: ISC */
/*
 * The CONNECT answer's header set (gateway -> client): its table, in the
 * order ocserv 1.1.6 writes (vectors/08, 09), and the rows that need more
 * than one value codec: the tunnel addresses and the split routes.
 */
#include <string.h>

#include "lib/base/err.h"
#include "lib/cstp/headers.h"
#include "lib/cstp/headers_internal.h"
#include "lib/net/addr.h"

#define U32_ALL 0, 0xffffffffu
#define MTU_RANGE 0, 65535
#define VERSION_RANGE 0, 1000
#define PORT_RANGE 1, 65535
#define SHORT_TEXT 255
#define LONG_TEXT 1024
/* A banner or an ASA's one-line Post-Auth-XML document. */
#define HUGE_TEXT 16384

/* Spellings the address and route writers share with their rows. */
#define H_ADDRESS "X-CSTP-Address"
#define H_NETMASK "X-CSTP-Netmask"
#define H_ADDRESS_IP6 "X-CSTP-Address-IP6"
#define H_INCLUDE "X-CSTP-Split-Include"
#define H_INCLUDE_IP6 "X-CSTP-Split-Include-IP6"
#define H_EXCLUDE "X-CSTP-Split-Exclude"
#define H_EXCLUDE_IP6 "X-CSTP-Split-Exclude-IP6"

/* Route row flags (beyond headers_internal.h's). */
enum {
	ROUTE_EXCLUDE = 1 << 8,
	ROUTE_IPV6_ONLY = 1 << 9,
};

/* A dotted IPv4 netmask: ones contiguous from the top, as ocserv sends. */
static bool is_netmask(const struct net_addr *a)
{
	uint32_t m;

	if (a->family != AF_INET)
		return false;
	m = (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	    (uint32_t)a->bytes[2] << 8 | a->bytes[3];
	/* ~m is then a run of low ones, so adding one clears it completely. */
	return (~m & (~m + 1)) == 0;
}

/* The address rows span several members: their slot is the whole struct. */
static int address_parse(void *slot, const struct cstp_field *f, struct str_view v,
			 const char **reason)
{
	struct cstp_response *r = slot;
	struct net_addr a;

	if (net_addr_parse(&a, v.ptr, v.len) != 0) {
		*reason = "expected an IP address";
		return VPN_ERR_INVALID;
	}
	if (a.family == AF_INET) {
		r->address = a;
		r->has_address = true;
		return 0;
	}
	/* ocserv's form for clients without Full-IPv6-Capability. */
	r->address6.addr = a;
	r->address6.len = 128;
	r->has_address6 = true;
	r->is_address6_legacy = true;
	return 0;
}

static int netmask_parse(void *slot, const struct cstp_field *f, struct str_view v,
			 const char **reason)
{
	struct cstp_response *r = slot;
	struct net_addr mask;

	if (memchr(v.ptr, ':', v.len)) {
		if (net_prefix_parse(&r->netmask6, v.ptr, v.len) != 0 ||
		    r->netmask6.addr.family != AF_INET6) {
			*reason = "expected an IPv6 net/len";
			return VPN_ERR_INVALID;
		}
		r->has_netmask6 = true;
		return 0;
	}
	if (net_addr_parse(&mask, v.ptr, v.len) != 0 || !is_netmask(&mask)) {
		*reason = "expected a dotted netmask";
		return VPN_ERR_INVALID;
	}
	r->netmask = mask;
	r->has_netmask = true;
	return 0;
}

static int address6_parse(void *slot, const struct cstp_field *f, struct str_view v,
			  const char **reason)
{
	struct cstp_response *r = slot;

	if (net_prefix_parse(&r->address6, v.ptr, v.len) != 0 ||
	    r->address6.addr.family != AF_INET6) {
		r->has_address6 = false;
		*reason = "expected an IPv6 addr/len";
		return VPN_ERR_INVALID;
	}
	r->has_address6 = true;
	r->is_address6_legacy = false;
	return 0;
}

static void write_line(struct buf_writer *w, const char *name, const char *value)
{
	cstp_line_start(w, name);
	buf_write_str(w, value);
	cstp_line_end(w);
}

static bool is_family(const struct net_addr *a, int family)
{
	return a->family == family;
}

/* Address, Netmask and the IPv6 address in one of its two forms, in
 * ocserv's order. */
static int address_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
			 const char **reason)
{
	const struct cstp_response *r = slot;
	char text[NET_PREFIX_STRLEN];

	if ((r->has_address && !is_family(&r->address, AF_INET)) ||
	    (r->has_netmask && (!is_family(&r->netmask, AF_INET) ||
				!is_netmask(&r->netmask))) ||
	    (r->has_address6 && (!is_family(&r->address6.addr, AF_INET6) ||
				 r->address6.len > 128)) ||
	    (r->has_netmask6 && (!is_family(&r->netmask6.addr, AF_INET6) ||
				 r->netmask6.len > 128))) {
		*reason = "address of the wrong family";
		return VPN_ERR_INVALID;
	}
	if (r->has_address) {
		net_addr_format(&r->address, text, sizeof(text));
		write_line(w, H_ADDRESS, text);
	}
	if (r->has_netmask) {
		net_addr_format(&r->netmask, text, sizeof(text));
		write_line(w, H_NETMASK, text);
	}
	if (!r->has_address6)
		return 0;
	if (!r->is_address6_legacy) {
		net_prefix_format(&r->address6, text, sizeof(text));
		write_line(w, H_ADDRESS_IP6, text);
		return 0;
	}
	net_addr_format(&r->address6.addr, text, sizeof(text));
	write_line(w, H_ADDRESS, text);
	if (r->has_netmask6) {
		net_prefix_format(&r->netmask6, text, sizeof(text));
		write_line(w, H_NETMASK, text);
	}
	return 0;
}

static int route_parse(void *slot, const struct cstp_field *f, struct str_view v,
		       const char **reason)
{
	struct cstp_route_list *l = slot;
	struct cstp_route *route;

	if (l->count >= CSTP_MAX_ROUTES) {
		*reason = "too many routes";
		return VPN_ERR_TOO_BIG;
	}
	route = &l->items[l->count];
	if (net_prefix_parse(&route->prefix, v.ptr, v.len) != 0) {
		*reason = "expected addr/mask or addr/len";
		return VPN_ERR_INVALID;
	}
	if ((f->flags & ROUTE_IPV6_ONLY) && route->prefix.addr.family != AF_INET6) {
		*reason = "expected an IPv6 prefix";
		return VPN_ERR_INVALID;
	}
	route->is_exclude = (f->flags & ROUTE_EXCLUDE) != 0;
	l->count++;
	return 0;
}

/* Every route of one direction, each under the name for its family, in
 * list order; IPv4 with a dotted mask as ocserv and the ASA send it. */
static int route_write(struct buf_writer *w, const void *slot, const struct cstp_field *f,
		       const char **reason)
{
	const struct cstp_route_list *l = slot;
	bool is_exclude = (f->flags & ROUTE_EXCLUDE) != 0;
	char text[NET_PREFIX_STRLEN];

	if (l->count > CSTP_MAX_ROUTES) {
		*reason = "too many routes";
		return VPN_ERR_TOO_BIG;
	}
	for (size_t i = 0; i < l->count; i++) {
		const struct cstp_route *route = &l->items[i];
		bool is_v6 = route->prefix.addr.family == AF_INET6;

		if (route->is_exclude != is_exclude)
			continue;
		if ((!is_v6 && route->prefix.addr.family != AF_INET) ||
		    route->prefix.len > (is_v6 ? 128u : 32u)) {
			*reason = "malformed route";
			return VPN_ERR_INVALID;
		}
		net_prefix_format_mask(&route->prefix, text, sizeof(text));
		if (is_exclude)
			write_line(w, is_v6 ? H_EXCLUDE_IP6 : H_EXCLUDE, text);
		else
			write_line(w, is_v6 ? H_INCLUDE_IP6 : H_INCLUDE, text);
	}
	return 0;
}

/* The rows that need more than one value codec. An address row reads one
 * header each; the first writes all three, in ocserv's order. A route row
 * reads one header each; the IPv4 row of each direction writes its IPv6
 * routes too, keeping the list's order. */
static const struct cstp_codec address_codec = { address_parse, address_write };
static const struct cstp_codec netmask_codec = { netmask_parse, NULL };
static const struct cstp_codec address6_codec = { address6_parse, NULL };
static const struct cstp_codec route_codec = { route_parse, route_write };
static const struct cstp_codec route6_codec = { route_parse, NULL };

#define ROW(hdr, codec, field, lo, hi, fl) \
	{ hdr, &cstp_codec_##codec, offsetof(struct cstp_response, field), lo, hi, fl }
#define NUM(hdr, field, range) ROW(hdr, num, field, range, 0)
#define TIMEOUT(hdr, field) ROW(hdr, timeout, field, 0, 0xffffffffu, 0)
#define FLAG(hdr, field) ROW(hdr, flag, field, 0, 0, 0)
#define TEXT(hdr, field, max) ROW(hdr, text, field, 0, max, 0)
#define ADDRESS(hdr, codec) { hdr, &codec, 0, 0, 0, 0 }
#define ROUTE(hdr, codec, fl) \
	{ hdr, &codec, offsetof(struct cstp_response, routes), 0, 0, fl }
#define ALL_ENCODINGS (CSTP_ENCODING_OC_LZ4 | CSTP_ENCODING_LZS | CSTP_ENCODING_DEFLATE)
#define DTLS_ENCODINGS (CSTP_ENCODING_OC_LZ4 | CSTP_ENCODING_LZS)

static const struct cstp_field response_rows[] = {
	NUM("X-CSTP-Version", version, VERSION_RANGE),
	TEXT("X-CSTP-Server-Name", server_name, SHORT_TEXT),
	TEXT("X-CSTP-Protocol", protocol, LONG_TEXT),
	TEXT("X-CSTP-Hostname", hostname, SHORT_TEXT),
	NUM("X-CSTP-DPD", dpd, U32_ALL),
	TEXT("X-CSTP-Default-Domain", default_domain, LONG_TEXT),
	ADDRESS(H_ADDRESS, address_codec),
	ADDRESS(H_NETMASK, netmask_codec),
	ADDRESS(H_ADDRESS_IP6, address6_codec),
	ROW("X-CSTP-DNS", addrs, dns, 0, CSTP_MAX_DNS, 0),
	ROW("X-CSTP-DNS-IP6", addrs, dns6, 0, CSTP_MAX_DNS, 0),
	ROW("X-CSTP-NBNS", addrs, nbns, 0, CSTP_MAX_DNS, 0),
	ROW("X-CSTP-Split-DNS", texts, split_dns, 0, CSTP_MAX_SPLIT_DNS, 0),
	ROUTE(H_INCLUDE, route_codec, 0),
	ROUTE(H_INCLUDE_IP6, route6_codec, ROUTE_IPV6_ONLY),
	FLAG("X-CSTP-Tunnel-All-DNS", tunnel_all_dns),
	FLAG("X-CSTP-Client-Bypass-Protocol", client_bypass_protocol),
	ROUTE(H_EXCLUDE, route_codec, ROUTE_EXCLUDE),
	ROUTE(H_EXCLUDE_IP6, route6_codec, ROUTE_EXCLUDE | ROUTE_IPV6_ONLY),
	NUM("X-CSTP-Keepalive", keepalive, U32_ALL),
	TIMEOUT("X-CSTP-Idle-Timeout", idle_timeout),
	FLAG("X-CSTP-Smartcard-Removal-Disconnect", smartcard_removal_disconnect),
	FLAG("X-CSTP-DynDNS", dyndns),
	NUM("X-CSTP-Rekey-Time", rekey_time, U32_ALL),
	ROW("X-CSTP-Rekey-Method", rekey, rekey_method, 0, 0, 0),
	/* openconnect matches this spelling; ocserv writes "-Pac-URL". */
	TEXT("X-CSTP-MSIE-Proxy-PAC-URL", proxy_pac_url, LONG_TEXT),
	TIMEOUT("X-CSTP-Session-Timeout", session_timeout),
	TIMEOUT("X-CSTP-Session-Timeout-Remaining", session_timeout_remaining),
	NUM("X-CSTP-Session-Timeout-Alert-Interval", session_timeout_alert_interval, U32_ALL),
	TIMEOUT("X-CSTP-Disconnected-Timeout", disconnected_timeout),
	FLAG("X-CSTP-Keep", keep),
	NUM("X-CSTP-Lease-Duration", lease_duration, U32_ALL),
	FLAG("X-CSTP-TCP-Keepalive", tcp_keepalive),
	TEXT("X-CSTP-License", license, SHORT_TEXT),
	NUM("X-DTLS-DPD", dtls_dpd, U32_ALL),
	NUM("X-DTLS-Port", dtls_port, PORT_RANGE),
	NUM("X-DTLS-Rekey-Time", dtls_rekey_time, U32_ALL),
	ROW("X-DTLS-Rekey-Method", rekey, dtls_rekey_method, 0, 0, 0),
	NUM("X-DTLS-Keepalive", dtls_keepalive, U32_ALL),
	ROW("X-DTLS-App-ID", hex, app_id, 1, CSTP_APP_ID_MAX, 0),
	/* openconnect aborts the whole CONNECT unless this is 64 hex digits. */
	ROW("X-DTLS-Session-ID", hex, session_id, CSTP_SESSION_ID_LEN,
	    CSTP_SESSION_ID_LEN, 0),
	ROW("X-DTLS-CipherSuite", token, dtls_cipher, 0, 0, 0),
	ROW("X-DTLS12-CipherSuite", token, dtls12_cipher, 0, 0, 0),
	NUM("X-DTLS-MTU", dtls_mtu, MTU_RANGE),
	NUM("X-CSTP-Base-MTU", base_mtu, MTU_RANGE),
	NUM("X-CSTP-MTU", mtu, MTU_RANGE),
	TEXT("X-CSTP-Banner", banner, HUGE_TEXT),
	ROW("X-DTLS-Content-Encoding", encoding, dtls_content_encoding, 0,
	    DTLS_ENCODINGS, 0),
	ROW("X-CSTP-Content-Encoding", encoding, content_encoding, 0,
	    ALL_ENCODINGS, 0),
	TEXT("X-CSTP-Post-Auth-XML", post_auth_xml, HUGE_TEXT),
};

static const struct cstp_field_table response_table = {
	response_rows, sizeof(response_rows) / sizeof(response_rows[0]),
};

void cstp_response_init(struct cstp_response *resp)
{
	memset(resp, 0, sizeof(*resp));
}

int cstp_response_parse(struct cstp_response *out, const struct header_view *headers,
			size_t n, struct cstp_header_err *err)
{
	cstp_response_init(out);
	return cstp_fields_parse(out, &response_table, headers, n, err);
}

int cstp_response_write(struct buf_writer *w, const struct cstp_response *resp,
			struct cstp_header_err *err)
{
	return cstp_fields_write(w, resp, &response_table, err);
}
