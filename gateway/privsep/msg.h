/* SPDX-License-Identifier: ISC */
/*
 * Every message that crosses a process boundary in sslgated, in one place.
 *
 * Processes (DESIGN.md): the parent (root: sockets, tun devices, routes,
 * address pools), authd (its own uid: password file, cookies, sessions,
 * failed-login scoring) and N workers (their own uid: TLS, HTTP, CSTP, the
 * data path). The parent creates one SOCK_SEQPACKET socketpair per pair of
 * processes that talk: parent<->authd, parent<->worker, worker<->authd.
 * One datagram is one message: a struct msg_header and its fixed payload.
 * Requests carry a req_id the answer echoes, so a worker can have many
 * requests in flight for different sessions.
 *
 * Strings are NUL-terminated inside fixed arrays; a receiver checks the
 * length of the datagram against the type and forces the last byte of each
 * string to NUL before use (a worker is not trusted by authd or the parent).
 */
#ifndef GATEWAY_PRIVSEP_MSG_H
#define GATEWAY_PRIVSEP_MSG_H

#include <stdint.h>

#include "lib/net/addr.h"

#define MSG_USER_MAX 64
#define MSG_GROUP_MAX 64
#define MSG_PASSWORD_MAX 256
#define MSG_TEXT_MAX 256
#define MSG_COOKIE_LEN 32     /* random bytes; the webvpn cookie is their hex */
#define MSG_SESSION_ID_LEN 8  /* random; printed as hex, and as a number in XML */

enum msg_type {
	/* worker -> authd */
	MSG_AUTH_PASSWORD = 1,   /* struct msg_auth_password */
	MSG_COOKIE_CHECK,        /* struct msg_cookie_check */
	MSG_SESSION_ATTACHED,    /* struct msg_session_event: tunnel up, with its address */
	MSG_SESSION_DETACHED,    /* struct msg_session_event: TLS gone, session kept for reconnect */
	MSG_SESSION_END,         /* struct msg_session_event: logout/terminate, cookie dies */
	MSG_BAD_REQUEST,         /* struct msg_bad_request: score a source for a malformed request */
	MSG_AUTH_CERT,           /* struct msg_auth_cert: a login by a verified client certificate */
	/* authd -> worker */
	MSG_AUTH_RESULT = 32,    /* struct msg_auth_result */
	MSG_COOKIE_RESULT,       /* struct msg_cookie_result */
	/* worker -> parent */
	MSG_LEASE_REQUEST = 64,  /* struct msg_lease_request */
	MSG_LEASE_RELEASE,       /* struct msg_lease_release: the tunnel is down; the parent
				    drops the route but keeps the address for the session
				    until authd reports it expired (MSG_SESSION_EXPIRED) */
	MSG_SESSION_LIST_ITEM,   /* struct msg_session_info: answer to MSG_CTL_LIST, one per session */
	MSG_SESSION_LIST_END,    /* struct msg_header only */
	MSG_DTLS_HELLO = 80,     /* struct msg_dtls_hello: a first ClientHello for another
				    worker's (or this worker's) session; the parent answers
				    the owner with MSG_DTLS_SOCKET */
	/* parent -> worker */
	MSG_LEASE_RESULT = 96,   /* struct msg_lease_result */
	MSG_CTL_LIST,            /* struct msg_header only: report every session */
	MSG_CTL_DISCONNECT,      /* struct msg_ctl_disconnect */
	MSG_RELOAD,              /* struct msg_header only: config was re-read (SIGHUP) and new
				    workers serve new connections: close the listener, keep
				    serving your sessions, exit(0) once the last one is gone.
				    To authd: re-read the configuration file. */
	MSG_DTLS_SOCKET = 112,   /* struct msg_dtls_hello, with a UDP socket (fd) bound to the
				    DTLS port and connected to the client: run the handshake */
	/* parent <-> authd */
	MSG_SESSION_EXPIRED = 128, /* authd -> parent: struct msg_session_event; free its lease */
	MSG_CTL_BANS,            /* parent -> authd: list bans; answered by MSG_BAN_ITEM... END */
	MSG_BAN_ITEM,            /* struct msg_ban */
	MSG_BAN_LIST_END,        /* struct msg_ban_list_end: counts for "status" */
	MSG_CTL_UNBAN,           /* struct msg_ban: clear one (or all with an AF_UNSPEC address) */
	MSG_WORKER_ATTACH,       /* parent -> authd: struct msg_worker, with the worker's socket (fd) */
	MSG_WORKER_GONE,         /* parent -> authd: struct msg_worker; its sessions detach */
	MSG_PASSWD_REOPEN,       /* authd -> parent: header only; the password file changed */
	MSG_PASSWD_FD,           /* parent -> authd: struct msg_status, with the file (fd) on 0 */
	MSG_UNBAN_RESULT,        /* authd -> parent: struct msg_status: 0, or NOT_FOUND */
	/* sslgatectl <-> parent (the control socket; the same framing) */
	MSG_CTL_REQUEST = 160,   /* struct msg_ctl_request */
	MSG_CTL_SESSION,         /* struct msg_session_info, device and settings filled in */
	MSG_CTL_BAN,             /* struct msg_ban */
	MSG_CTL_STATUS,          /* struct msg_ctl_status */
	MSG_CTL_DONE,            /* struct msg_ctl_done: the last answer to every request */
};

struct msg_header {
	uint16_t type;      /* enum msg_type */
	uint16_t len;       /* whole datagram, header included */
	uint32_t req_id;    /* echoed in the answer; 0 for one-way messages */
};

struct msg_auth_password {
	struct msg_header h;
	struct net_addr source;            /* the client's outer address, for scoring and bans */
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];         /* "" = the user's default group */
	char password[MSG_PASSWORD_MAX];   /* wiped by both sides after use */
	char user_agent[MSG_TEXT_MAX];
};

/*
 * A login whose TLS client certificate the worker verified (chain to
 * ca-cert, dates, crl): user from the certificate, and, for groups that
 * want both, the password the user typed next. authd decides the group and
 * answers with MSG_AUTH_RESULT.
 */
struct msg_auth_cert {
	struct msg_header h;
	struct net_addr source;
	char user[MSG_USER_MAX];           /* CN, cert-user-oid's field or the SAN e-mail */
	char group[MSG_GROUP_MAX];         /* the group the client picked; "" = default */
	char cert_group[MSG_GROUP_MAX];    /* cert-group-oid's field; "" = not configured */
	char subject[MSG_TEXT_MAX];        /* the certificate's subject DN, for the log */
	char user_agent[MSG_TEXT_MAX];
	uint32_t has_password;             /* certificate then password: check it too */
	char password[MSG_PASSWORD_MAX];   /* wiped by both sides after use */
};

enum msg_auth_status {
	MSG_AUTH_OK = 0,
	MSG_AUTH_BAD_CREDENTIALS,  /* wrong user or password: show the form again */
	MSG_AUTH_NOT_IN_GROUP,     /* the user may not pick that group */
	MSG_AUTH_LOCKED,           /* account locked in the password file */
	MSG_AUTH_BANNED,           /* the source address is banned for now */
	MSG_AUTH_TOO_MANY,         /* the user already has max-same-clients sessions */
	MSG_AUTH_INTERNAL,         /* authd failed; log says why */
};

struct msg_auth_result {
	struct msg_header h;
	uint32_t status;                   /* enum msg_auth_status */
	uint32_t delay_ms;                 /* answer the client only after this (slows guessing) */
	uint8_t cookie[MSG_COOKIE_LEN];    /* valid when status is OK */
	uint8_t session_id[MSG_SESSION_ID_LEN];
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];         /* the group the session belongs to */
};

struct msg_cookie_check {
	struct msg_header h;
	struct net_addr source;
	uint8_t cookie[MSG_COOKIE_LEN];
};

struct msg_cookie_result {
	struct msg_header h;
	uint32_t status;                   /* MSG_AUTH_OK, or BAD_CREDENTIALS for unknown/expired */
	uint8_t session_id[MSG_SESSION_ID_LEN];
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];
	struct net_addr last_ipv4;         /* AF_UNSPEC when the session never had a tunnel */
	struct net_addr last_ipv6;
	uint64_t created_unix;             /* login time, for session timeouts */
};

struct msg_session_event {
	struct msg_header h;
	uint8_t session_id[MSG_SESSION_ID_LEN];
	struct net_addr ipv4;              /* ATTACHED: the addresses in use */
	struct net_addr ipv6;
	char reason[MSG_TEXT_MAX];         /* static reason text, for the log */
};

struct msg_bad_request {
	struct msg_header h;
	struct net_addr source;
	uint32_t points;                   /* how bad: malformed request, hostile XML, ... */
};

struct msg_lease_request {
	struct msg_header h;
	uint8_t session_id[MSG_SESSION_ID_LEN];
	char group[MSG_GROUP_MAX];         /* selects the pool */
	char user[MSG_USER_MAX];           /* per-user settings, predictable-ips */
	struct net_addr want_ipv4;         /* previous address on reconnect, or AF_UNSPEC */
	struct net_addr want_ipv6;
	uint32_t wants_ipv6;               /* the client sent X-CSTP-Full-IPv6-Capability */
};

struct msg_lease_result {
	struct msg_header h;
	uint32_t status;                   /* 0, or a negative enum vpn_err */
	struct net_prefix ipv4;            /* address and the pool's prefix length */
	struct net_prefix ipv6;            /* AF_UNSPEC when none */
};

struct msg_lease_release {
	struct msg_header h;
	uint8_t session_id[MSG_SESSION_ID_LEN];
};

struct msg_session_info {
	struct msg_header h;
	uint8_t session_id[MSG_SESSION_ID_LEN];
	char user[MSG_USER_MAX];
	char group[MSG_GROUP_MAX];
	char user_agent[MSG_TEXT_MAX];
	struct net_addr remote;            /* outer address of the client */
	uint16_t remote_port;
	struct net_addr ipv4;              /* inner addresses */
	struct net_addr ipv6;
	uint32_t worker;                   /* index of the owning worker */
	uint32_t is_dtls;                  /* data currently moves over DTLS */
	uint64_t since_unix;
	uint64_t tls_rx_bytes, tls_tx_bytes;
	uint64_t dtls_rx_bytes, dtls_tx_bytes;
	char tls_cipher[MSG_TEXT_MAX];
	char dtls_cipher[MSG_TEXT_MAX];
	uint32_t mtu;
	char hostname[MSG_USER_MAX];       /* X-CSTP-Hostname the client sent, or "" */
	/* Filled in by the parent for sslgatectl (workers leave them zero): */
	char device[32];                   /* the worker's tun */
	uint32_t dpd_s, keepalive_s;       /* the session's settings */
	uint32_t is_restricted;            /* restrict-user-to-routes */
	char routes[512];                  /* split-include, space-separated, "" = default route */
	char dns[160];                     /* DNS servers, space-separated */
	char dtls_mode[16];                /* "psk", "resume", "" without a DTLS channel */
	uint64_t dtls_discarded;           /* DTLS records dropped: replays, forgeries, garbage */
	uint64_t dtls_oversized;           /* DTLS datagrams dropped: longer than a receive slot */
};

struct msg_ctl_disconnect {
	struct msg_header h;
	char user[MSG_USER_MAX];                 /* "" = match by session id */
	uint8_t session_id[MSG_SESSION_ID_LEN];
};

struct msg_ban {
	struct msg_header h;
	struct net_addr source;
	uint32_t score;
	uint64_t until_unix;                     /* 0 = scored, not banned */
};

struct msg_ban_list_end {
	struct msg_header h;
	uint32_t banned;                         /* addresses banned now */
	uint32_t sessions;                       /* authd's session records */
	uint64_t auth_failures;                  /* failed logins since start */
};

struct msg_worker {
	struct msg_header h;
	uint32_t worker;                         /* index of the worker */
};

struct msg_status {
	struct msg_header h;
	int32_t status;                          /* 0 or a negative enum vpn_err */
};

enum msg_ctl_command {
	MSG_CTL_CMD_LIST = 1,        /* every session */
	MSG_CTL_CMD_SHOW_ID,         /* session_id */
	MSG_CTL_CMD_SHOW_USER,       /* user */
	MSG_CTL_CMD_DISCONNECT_USER, /* user */
	MSG_CTL_CMD_DISCONNECT_ID,   /* session_id */
	MSG_CTL_CMD_STATUS,
	MSG_CTL_CMD_BANS,            /* banned addresses (with is_all: scored ones too) */
	MSG_CTL_CMD_UNBAN,           /* addr */
	MSG_CTL_CMD_RELOAD,
};

struct msg_ctl_request {
	struct msg_header h;
	uint32_t command;                        /* enum msg_ctl_command */
	uint32_t is_all;
	uint8_t session_id[MSG_SESSION_ID_LEN];
	char user[MSG_USER_MAX];
	struct net_addr addr;
};

struct msg_ctl_status {
	struct msg_header h;
	uint64_t started_unix;                   /* the parent's start */
	uint64_t reloaded_unix;                  /* last reload, or 0 */
	uint32_t parent_pid;
	uint32_t authd_pid;
	uint32_t workers;                        /* workers running now */
	uint32_t sessions;                       /* tunnels up */
	uint32_t auth_sessions;                  /* authd's records (with detached ones) */
	uint32_t banned;
	uint64_t auth_failures;
	uint64_t leases;
};

struct msg_ctl_done {
	struct msg_header h;
	int32_t status;                          /* 0 or a negative enum vpn_err */
	uint32_t count;                          /* how many it affected */
	char text[MSG_TEXT_MAX];                 /* what went wrong, for the admin */
};

#define MSG_DTLS_HELLO_MAX 1500      /* larger first datagrams are dropped */

/*
 * DTLS demux (DESIGN.md): the session key of a ClientHello (X-DTLS-Session-ID
 * or X-DTLS-App-ID) starts with the owning worker's index, so the worker
 * whose UDP socket received it can name the owner; only the parent can bind
 * a socket to the DTLS port, so it makes the connected one and hands it to
 * the owner with the datagram, which the owner's handshake reads first.
 */
struct msg_dtls_hello {
	struct msg_header h;
	uint32_t owner;                          /* worker index from the session key */
	struct net_addr remote;                  /* the client's address and port */
	uint16_t remote_port;
	uint16_t len;                            /* bytes of data used */
	uint8_t data[MSG_DTLS_HELLO_MAX];        /* the datagram as received */
};

/* The largest message; receive buffers are this big. */
#define MSG_MAX_SIZE 2048

/* Fills a header: type, the length of the whole message, req_id. */
void msg_init(struct msg_header *h, enum msg_type type, size_t len, uint32_t req_id);

/*
 * Sends one message on a SOCK_SEQPACKET socket, with fd passed along when
 * fd >= 0 (SCM_RIGHTS). Never blocks: 0, VPN_ERR_AGAIN (nothing sent),
 * VPN_ERR_CLOSED, VPN_ERR_IO.
 */
int msg_send(int sock, const void *msg, size_t len, int fd);

/*
 * Receives one datagram into buf (cap >= MSG_MAX_SIZE). A passed descriptor
 * lands in *out_fd (else -1); the caller owns it. 0, VPN_ERR_AGAIN,
 * VPN_ERR_CLOSED (peer gone), VPN_ERR_INVALID (truncated), VPN_ERR_IO.
 */
int msg_recv(int sock, void *buf, size_t cap, size_t *out_len, int *out_fd);

/*
 * Checks a received datagram before anyone reads it: its length is what its
 * type needs, its strings end inside their arrays (the last byte is forced
 * to NUL) and its addresses have a known family. 0 or VPN_ERR_INVALID.
 */
int msg_check(void *buf, size_t len);

/* The name of a message type, for log lines. */
const char *msg_type_name(unsigned type);

/*
 * A session id is 8 bytes, big-endian, kept below 2^53 by authd so that it
 * stays exact as a JSON number (occtl prints "ID" as one).
 */
static inline uint64_t msg_session_id_value(const uint8_t id[MSG_SESSION_ID_LEN])
{
	uint64_t v = 0;

	for (int i = 0; i < MSG_SESSION_ID_LEN; i++)
		v = v << 8 | id[i];
	return v;
}

static inline void msg_session_id_from_value(uint8_t out[MSG_SESSION_ID_LEN], uint64_t v)
{
	for (int i = MSG_SESSION_ID_LEN - 1; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

#define MSG_SESSION_ID_MAX ((UINT64_C(1) << 53) - 1)

#endif
