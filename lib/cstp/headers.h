/* SPDX-License-Identifier: ISC */
/*
 * The X-CSTP-* / X-DTLS-* header sets of CONNECT /CSCOSSLC/tunnel
 * (PROTOCOL.md §6.1-6.4): the request a client sends and the answer a
 * gateway gives, as plain structs, parsed from the header lines the HTTP
 * parser found and written back as "Name: value\r\n" lines.
 *
 * Parsing matches names case-insensitively and skips every header it does
 * not know (Host, Cookie, unknown X-CSTP-*). A repeated single-valued header
 * replaces the earlier value; repeated list headers accumulate up to the
 * bounds below, and one more is an error. Writing emits Cisco's spelling
 * (openconnect compares names case-sensitively) in the order the real peers
 * use (openconnect 9.01 for requests, ocserv 1.1.6 for answers), and only
 * values the parser would accept, so a value can never inject a line.
 *
 * Ownership: every struct str_view in these structs borrows; after a parse
 * it points into the header values given, for a write into whatever the
 * caller filled in. Addresses, numbers and secrets are copied in.
 */
#ifndef CSTP_HEADERS_H
#define CSTP_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/buf.h"
#include "lib/base/strview.h"
#include "lib/net/addr.h"

#define CSTP_MAX_ROUTES 512    /* split include + exclude, both families */
#define CSTP_MAX_DNS 8         /* per header name */
#define CSTP_MAX_SPLIT_DNS 64
#define CSTP_MAX_CIPHERS 32    /* names in one cipher-suite list */
#define CSTP_MAX_PREV_ADDRESSES 2 /* one per family, on reconnect */
#define CSTP_MASTER_SECRET_LEN 48
#define CSTP_SESSION_ID_LEN 32
#define CSTP_APP_ID_MAX 32
#define CSTP_HEX_MAX 48

/* A decimal header value; timeouts may also be the word "none". */
struct cstp_num {
	bool is_set;
	bool is_none;
	uint32_t value;
};

/* "true" / "false", or the header was not there. */
enum cstp_flag {
	CSTP_FLAG_ABSENT = 0,
	CSTP_FLAG_FALSE,
	CSTP_FLAG_TRUE,
};

enum cstp_rekey {
	CSTP_REKEY_ABSENT = 0,
	CSTP_REKEY_SSL,        /* renegotiate (or KeyUpdate) on the same connection */
	CSTP_REKEY_NEW_TUNNEL, /* reconnect with the cookie */
	CSTP_REKEY_NONE,       /* never sent to AnyConnect: Secure Client 5.1 refuses it */
};

/* Compression tokens; bits so that an accept list is a mask. */
enum cstp_encoding {
	CSTP_ENCODING_NONE = 0,
	CSTP_ENCODING_OC_LZ4 = 1 << 0,
	CSTP_ENCODING_LZS = 1 << 1,
	CSTP_ENCODING_DEFLATE = 1 << 2, /* TLS channel only */
};

/* X-CSTP-Address-Type bits. */
enum cstp_family {
	CSTP_FAMILY_IPV4 = 1 << 0,
	CSTP_FAMILY_IPV6 = 1 << 1,
};

/* Hex-coded bytes: master secret, DTLS session id, App-ID. */
struct cstp_hex {
	size_t len; /* 0: absent */
	uint8_t bytes[CSTP_HEX_MAX];
};

struct cstp_addr_list {
	size_t count;
	struct net_addr items[CSTP_MAX_DNS];
};

struct cstp_text_list {
	size_t count;
	struct str_view items[CSTP_MAX_SPLIT_DNS];
};

/* Cipher-suite names from a colon-separated list, in the peer's order. */
struct cstp_name_list {
	size_t count;
	struct str_view items[CSTP_MAX_CIPHERS];
};

/* One split route. IPv4 goes out as X-CSTP-Split-Include/Exclude with a
 * dotted mask, IPv6 as the -IP6 header with a length. */
struct cstp_route {
	struct net_prefix prefix;
	bool is_exclude;
};

struct cstp_route_list {
	size_t count;
	struct cstp_route items[CSTP_MAX_ROUTES];
};

/* Client -> gateway. */
struct cstp_request {
	struct cstp_num version;            /* X-CSTP-Version */
	struct str_view protocol;           /* X-CSTP-Protocol (Cisco copyright line) */
	struct str_view hostname;           /* X-CSTP-Hostname */
	struct str_view strap_verify;       /* X-AnyConnect-STRAP-Verify */
	struct str_view strap_pubkey;       /* X-AnyConnect-STRAP-Pubkey */
	unsigned accept_encoding;           /* X-CSTP-Accept-Encoding, cstp_encoding bits */
	struct cstp_num base_mtu;           /* X-CSTP-Base-MTU */
	struct cstp_num mtu;                /* X-CSTP-MTU */
	unsigned address_type;              /* X-CSTP-Address-Type, cstp_family bits */
	enum cstp_flag full_ipv6;           /* X-CSTP-Full-IPv6-Capability */
	struct cstp_addr_list prev_address; /* X-CSTP-Address, at most 2 */
	struct str_view license;            /* X-CSTP-License ("mobile") */
	struct cstp_hex master_secret;      /* X-DTLS-Master-Secret, 48 bytes; secret */
	struct cstp_name_list dtls_ciphers; /* X-DTLS-CipherSuite */
	struct cstp_name_list dtls12_ciphers; /* X-DTLS12-CipherSuite */
	unsigned dtls_accept_encoding;      /* X-DTLS-Accept-Encoding */
};

/* Gateway -> client. */
struct cstp_response {
	struct cstp_num version;            /* X-CSTP-Version */
	struct str_view server_name;        /* X-CSTP-Server-Name */
	struct str_view protocol;           /* X-CSTP-Protocol */
	struct str_view hostname;           /* X-CSTP-Hostname (echo) */
	struct cstp_num dpd;                /* X-CSTP-DPD */
	struct str_view default_domain;     /* X-CSTP-Default-Domain */
	bool has_address;                   /* X-CSTP-Address, IPv4 */
	struct net_addr address;
	bool has_netmask;                   /* X-CSTP-Netmask, IPv4 dotted */
	struct net_addr netmask;
	bool has_address6;                  /* X-CSTP-Address-IP6 "addr/len" */
	struct net_prefix address6;
	/* Without Full-IPv6-Capability ocserv sends the IPv6 address as a
	 * second X-CSTP-Address plus X-CSTP-Netmask "net/len". */
	bool is_address6_legacy;
	bool has_netmask6;
	struct net_prefix netmask6;
	struct cstp_addr_list dns;          /* X-CSTP-DNS (any family) */
	struct cstp_addr_list dns6;         /* X-CSTP-DNS-IP6 */
	struct cstp_addr_list nbns;         /* X-CSTP-NBNS */
	struct cstp_text_list split_dns;    /* X-CSTP-Split-DNS */
	struct cstp_route_list routes;      /* X-CSTP-Split-{Include,Exclude}[-IP6] */
	enum cstp_flag tunnel_all_dns;      /* X-CSTP-Tunnel-All-DNS */
	enum cstp_flag client_bypass_protocol; /* X-CSTP-Client-Bypass-Protocol */
	struct cstp_num keepalive;          /* X-CSTP-Keepalive */
	struct cstp_num idle_timeout;       /* X-CSTP-Idle-Timeout, or none */
	enum cstp_flag smartcard_removal_disconnect;
	enum cstp_flag dyndns;              /* X-CSTP-DynDNS */
	struct cstp_num rekey_time;         /* X-CSTP-Rekey-Time */
	enum cstp_rekey rekey_method;       /* X-CSTP-Rekey-Method */
	struct str_view proxy_pac_url;      /* X-CSTP-MSIE-Proxy-PAC-URL */
	struct cstp_num session_timeout;    /* X-CSTP-Session-Timeout, or none */
	struct cstp_num session_timeout_remaining;
	struct cstp_num session_timeout_alert_interval;
	struct cstp_num disconnected_timeout;
	enum cstp_flag keep;                /* X-CSTP-Keep */
	struct cstp_num lease_duration;     /* X-CSTP-Lease-Duration */
	enum cstp_flag tcp_keepalive;       /* X-CSTP-TCP-Keepalive */
	struct str_view license;            /* X-CSTP-License ("accept") */
	struct cstp_num dtls_dpd;           /* X-DTLS-DPD */
	struct cstp_num dtls_port;          /* X-DTLS-Port */
	struct cstp_num dtls_rekey_time;    /* X-DTLS-Rekey-Time */
	enum cstp_rekey dtls_rekey_method;  /* X-DTLS-Rekey-Method */
	struct cstp_num dtls_keepalive;     /* X-DTLS-Keepalive */
	struct cstp_hex app_id;             /* X-DTLS-App-ID, PSK mode, 1..32 bytes */
	struct cstp_hex session_id;         /* X-DTLS-Session-ID, legacy, exactly 32 */
	struct str_view dtls_cipher;        /* X-DTLS-CipherSuite (legacy name or PSK-NEGOTIATE) */
	struct str_view dtls12_cipher;      /* X-DTLS12-CipherSuite */
	struct cstp_num dtls_mtu;           /* X-DTLS-MTU */
	struct cstp_num base_mtu;           /* X-CSTP-Base-MTU */
	struct cstp_num mtu;                /* X-CSTP-MTU */
	struct str_view banner;             /* X-CSTP-Banner, still %-escaped */
	enum cstp_encoding dtls_content_encoding; /* X-DTLS-Content-Encoding */
	enum cstp_encoding content_encoding;      /* X-CSTP-Content-Encoding */
	struct str_view post_auth_xml;      /* X-CSTP-Post-Auth-XML, may hold the cookie */
};

/* Why a parse or write failed: the header (a view of its name as given, or
 * Cisco's spelling on a write) and a static reason. */
struct cstp_header_err {
	struct str_view header;
	const char *reason;
};

void cstp_request_init(struct cstp_request *req);
/* Wipes the master secret. */
void cstp_request_cleanup(struct cstp_request *req);
void cstp_response_init(struct cstp_response *resp);

/*
 * Fill *out from n header lines (wire order). 0; VPN_ERR_INVALID for a
 * malformed value, VPN_ERR_TOO_BIG for one too many values or an overlong
 * one, with *err naming the header (err may be NULL). *out is initialised
 * first, so it is safe to clean up after a failure.
 */
int cstp_request_parse(struct cstp_request *out, const struct header_view *headers,
		       size_t n, struct cstp_header_err *err);
int cstp_response_parse(struct cstp_response *out, const struct header_view *headers,
			size_t n, struct cstp_header_err *err);

/*
 * Append the X-CSTP-* / X-DTLS-* lines (no start line, no Host/Cookie, no
 * final blank line) to w. 0; VPN_ERR_INVALID or VPN_ERR_TOO_BIG for a field
 * the parser would refuse (named in *err); VPN_ERR_TOO_BIG when w is full.
 */
int cstp_request_write(struct buf_writer *w, const struct cstp_request *req,
		       struct cstp_header_err *err);
int cstp_response_write(struct buf_writer *w, const struct cstp_response *resp,
			struct cstp_header_err *err);

#endif
