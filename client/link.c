/* SPDX-License-Identifier: ISC */
/*
 * RESOLVE and TLS: from the gateway name to a TLS connection we trust.
 * The trust policy is client/trust.h's; here the user is asked (when
 * allowed) and the answer stored in the preferences directory.
 */
#include "client/link.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "client/identities.h"
#include "client/phases.h"
#include "client/prompt.h"
#include "client/trust.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/http/url.h"

struct conn_wait link_wait(const struct session *s)
{
	struct conn_wait w = { .deadline_ms = s->deadline_ms, .stop = s->stop };
	uint64_t give_up;

	/* While reconnecting, no single attempt may outlast --reconnect-timeout. */
	if (s->is_reconnecting) {
		give_up = s->reconnect_started_ms + (uint64_t)s->opts->reconnect_timeout * 1000;
		if (!w.deadline_ms || give_up < w.deadline_ms)
			w.deadline_ms = give_up;
	}
	return w;
}

int link_set_gateway(struct session *s, const char *url, const char *usergroup)
{
	struct http_url u;
	struct session_gateway *gw = &s->gw;

	if (http_url_parse(&u, str_view_of(url)) != 0 || u.host.len == 0 ||
	    u.host.len >= sizeof(gw->host) || u.path.len >= sizeof(gw->path))
		return VPN_ERR_INVALID;
	memcpy(gw->host, u.host.ptr, u.host.len);
	gw->host[u.host.len] = '\0';
	gw->port = u.port;
	/* openconnect: a path in the URL wins over --usergroup. */
	if (u.path.len > 1 || !usergroup)
		snprintf(gw->path, sizeof(gw->path), "%.*s", (int)u.path.len, u.path.ptr);
	else
		snprintf(gw->path, sizeof(gw->path), "/%s", usergroup);
	snprintf(gw->server_key, sizeof(gw->server_key), "%s:%u", gw->host, gw->port);
	return 0;
}

void link_host_header(const struct session *s, char *out, size_t out_len)
{
	struct http_url u = { .host = str_view_of(s->gw.host), .port = s->gw.port,
			      .is_ipv6 = strchr(s->gw.host, ':') != NULL };
	struct buf_writer w;

	buf_writer_init(&w, out, out_len - 1);
	http_url_write_host(&w, &u);
	out[buf_writer_error(&w) ? 0 : w.len] = '\0';
}

static int resolve(struct session_gateway *gw)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int ret = VPN_ERR_NOT_FOUND;

	if (getaddrinfo(gw->host, NULL, &hints, &res) != 0)
		return VPN_ERR_NOT_FOUND;
	for (struct addrinfo *ai = res; ai && ret != 0; ai = ai->ai_next) {
		memset(&gw->addr, 0, sizeof(gw->addr));
		gw->addr.family = ai->ai_family;
		if (ai->ai_family == AF_INET) {
			memcpy(gw->addr.bytes, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
			ret = 0;
		} else if (ai->ai_family == AF_INET6) {
			memcpy(gw->addr.bytes, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
			ret = 0;
		}
	}
	freeaddrinfo(res);
	gw->is_resolved = ret == 0;
	return ret;
}

enum session_phase link_resolve(struct session *s)
{
	char text[NET_ADDR_STRLEN];

	/* A reconnect keeps the address, as openconnect does without X-CSTP-DynDNS. */
	if (!s->gw.is_resolved && resolve(&s->gw) != 0) {
		if (s->is_reconnecting)
			return SESSION_PHASE_RECONNECT;
		return session_close(s, "cannot resolve the gateway's name");
	}
	net_addr_format(&s->gw.addr, text, sizeof(text));
	log_debug("RESOLVE: %s is %s, port %u", s->gw.host, text, s->gw.port);
	return SESSION_PHASE_TLS;
}

/* A PKCS#12 passphrase or token PIN, asked on the terminal (tls_secret_prompt). */
static int ask_secret(void *arg, const char *what, unsigned attempt, char *out, size_t out_len)
{
	char question[320];

	(void)arg;
	snprintf(question, sizeof(question), "%s%s: ", attempt ? "Wrong; " : "Enter the ", what);
	return prompt_line(stdin, question, true, out, out_len) == 0 ? 0 : -1;
}

static int make_ctx(struct session *s)
{
	struct tls_client_config cfg = {
		.ca_file = s->opts->cafile,
		/* With --servercert the pin alone decides (client/trust.h): no anchors needed. */
		.is_pinned = s->opts->servercert_count > 0,
		.hostname = s->gw.host,
		.key_password = s->opts->key_password,
	};
	struct identities ids;
	const char *why = NULL;
	int ret;

	if (s->tls_ctx)
		return 0;
	ret = identities_collect(&ids, s->opts, &why);
	if (ret != 0) {
		log_err("client certificate %s: %s", why ? why : "?",
			ret == VPN_ERR_TOO_BIG ? "too many identities" : vpn_err_str(ret));
		identities_cleanup(&ids);
		return ret;
	}
	cfg.identities = ids.list;
	cfg.n_identities = ids.n;
	/* stdin carries the password with --passwd-on-stdin: nothing else may read it */
	if (!s->opts->is_non_inter && !s->opts->is_passwd_on_stdin)
		cfg.prompt.ask = ask_secret;
	ret = tls_client_ctx_new(&s->tls_ctx, &cfg);
	identities_cleanup(&ids);
	return ret;
}

/* Which identity went out, or why none could (PROTOCOL.md §1.3). */
static void log_identity(const struct conn *c)
{
	const char *why = tls_conn_identity_error(c->tls);
	const char *sent = tls_conn_identity_sent(c->tls);

	if (why[0])
		log_err("%s", why);
	else if (sent[0])
		log_debug("TLS: sent the client certificate %s", sent);
}

/* Asks whether to trust an unknown certificate; true when the user said yes. */
static bool ask_user(struct session *s, const struct tls_peer *peer)
{
	char answer[16];

	if (s->opts->is_non_inter)
		return false;
	fprintf(stderr, "Certificate from %s failed verification: %s\n"
		"Its key is %s\n", s->gw.host, peer->reason, peer->pin);
	if (prompt_line(stdin, "Enter 'yes' to accept, 'no' to abort: ", false,
			answer, sizeof(answer)) != 0)
		return false;
	return strcasecmp(answer, "yes") == 0;
}

/* The certificate was not validated; the user may accept it now. */
static int trust_unknown(struct session *s, const struct tls_peer *peer)
{
	if (!ask_user(s, peer)) {
		log_err("server certificate verify failed: %s", peer->reason);
		log_err("to trust this server, add --servercert %s", peer->pin);
		return VPN_ERR_DENIED;
	}
	if (!s->has_prefs || prefs_pin_accept(&s->prefs, s->gw.server_key, peer->pin) != 0)
		log_warn("could not store the accepted key in the preferences directory");
	log_warn("accepted the server certificate of %s (%s) at your request", s->gw.host,
		 peer->pin);
	return 0;
}

static int check_trust(struct session *s, const struct conn *c)
{
	struct tls_peer peer;
	bool is_remembered = false;

	if (tls_conn_peer(c->tls, &peer) != 0) {
		log_err("the gateway sent no usable certificate");
		return VPN_ERR_DENIED;
	}
	/* The same key again in this run (another connection): decided already. */
	if (s->peer_pin[0] && strcmp(peer.pin, s->peer_pin) == 0)
		return 0;
	if (!peer.is_trusted && s->opts->servercert_count == 0 && s->has_prefs)
		prefs_pin_is_accepted(&s->prefs, s->gw.server_key, peer.pin, &is_remembered);
	switch (trust_check(&peer, s->opts->servercert, s->opts->servercert_count, is_remembered)) {
	case TRUST_ACCEPT:
		break;
	case TRUST_ACCEPT_REMEMBERED:
		log_warn("the server certificate of %s is not trusted (%s); "
			 "continuing because you accepted %s before", s->gw.host, peer.reason, peer.pin);
		break;
	case TRUST_ASK:
		if (trust_unknown(s, &peer) != 0)
			return VPN_ERR_DENIED;
		break;
	case TRUST_REFUSE_PIN:
		log_err("server certificate does not match --servercert; its key is %s", peer.pin);
		return VPN_ERR_DENIED;
	}
	snprintf(s->peer_pin, sizeof(s->peer_pin), "%s", peer.pin);
	snprintf(s->peer_sha1, sizeof(s->peer_sha1), "%s", peer.sha1);
	return 0;
}

int link_open(struct session *s, struct conn *c)
{
	struct conn_wait w = link_wait(s);
	struct tls_cipher_info cipher;
	char addr[NET_ADDR_STRLEN];
	int ret = make_ctx(s);

	net_addr_format(&s->gw.addr, addr, sizeof(addr));
	if (ret != 0) {
		log_err("cannot set up TLS (CA file or client certificate unusable)");
		return ret;
	}
	ret = conn_open(c, &s->gw.addr, s->gw.port, s->tls_ctx, &w);
	if (ret != 0) {
		log_err("cannot connect to %s (%s port %u): %s", s->gw.host, addr, s->gw.port,
			c->why ? c->why : vpn_err_str(ret));
		return ret;
	}
	if (tls_conn_cipher(c->tls, &cipher) == 0)
		log_debug("TLS: connected to %s port %u, %s", addr, s->gw.port, cipher.description);
	log_identity(c);
	ret = check_trust(s, c);
	if (ret != 0)
		conn_close(c, false);
	return ret;
}

int link_ensure(struct session *s)
{
	if (s->conn.is_open)
		return 0;
	log_debug("the gateway closed the connection; opening a new one");
	return link_open(s, &s->conn);
}

enum session_phase link_tls(struct session *s)
{
	int ret = link_open(s, &s->conn);

	if (ret != 0) {
		/* A refused certificate is not a network hiccup: never retried. */
		if (s->is_reconnecting && ret != VPN_ERR_DENIED && !(s->stop && *s->stop))
			return SESSION_PHASE_RECONNECT;
		return session_close(s, "no secure connection to the gateway");
	}
	log_debug("TLS: server key %s", s->peer_pin);
	if (s->is_reconnecting || s->auth.has_cookie)
		return SESSION_PHASE_CONNECT;
	return SESSION_PHASE_GROUP;
}
