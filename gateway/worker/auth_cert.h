/* SPDX-License-Identifier: ISC */
/*
 * Logins by client certificate (PROTOCOL.md §1.3, §4.6): the TLS handshake
 * asked for a certificate; at the init of a login into a group whose
 * methods involve one, this decides from what arrived: a login by the
 * certificate alone, the password round for the certificate's user, a
 * <client-cert-request/>, or a refusal the client shows. Later connections
 * are known by their cookie and never asked again.
 */
#ifndef GATEWAY_WORKER_AUTH_CERT_H
#define GATEWAY_WORKER_AUTH_CERT_H

#include <stdbool.h>
#include <stddef.h>

struct session;
struct gw_config;
struct tls_client_cert;

/*
 * At an init: true when the certificate decided this round (s has been
 * answered or authd asked); false when certificates play no part and the
 * password dialogue goes on. has_cert_fail: the init carried
 * <client-cert-fail/>.
 */
bool auth_cert_on_init(struct session *s, bool has_cert_fail);

/*
 * A later round of a login that needs a certificate, maybe on a new
 * connection (openconnect opens one per request at times): takes this
 * connection's valid certificate as the login's identity, quietly. True
 * when the login is now (or was already) a certificate login.
 */
bool auth_cert_adopt(struct session *s);

/*
 * openconnect may send each round of a login on a new connection, where the
 * group picked earlier is unknown; the webvpncontext cookie it sends back
 * carries it for certificate logins. Only a hint: authd checks the group.
 * _hint appends ".GROUP-HEX" to a new context of a certificate login;
 * _group sets a group not chosen otherwise from the request's cookie.
 */
struct http_request;
void auth_cert_context_hint(struct session *s);
void auth_cert_context_group(struct session *s, const struct http_request *req);

/* A certificate login into s's group still needs the user's password. */
bool auth_cert_needs_password(const struct session *s);

/* Sends authd the certificate's identity, with the password when the group wants both. */
void auth_cert_ask_authd(struct session *s, const char *password);

/*
 * The user a certificate names: cert-user-oid's field (or, for ocserv's
 * "SAN(rfc822name)", the e-mail), else the CN, else the SAN e-mail; "" when
 * none. Borrowed from cc.
 */
const char *auth_cert_user(const struct gw_config *cfg, const struct tls_client_cert *cc);

#endif
