/* SPDX-License-Identifier: ISC */
/* sslgatectl's output: text tables and occtl-shaped JSON. */
#include "ctl/render.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

void ctl_render_date(uint64_t unix_s, char *out, size_t out_len)
{
	time_t t = (time_t)unix_s;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, out_len, "%Y-%m-%d %H:%M", &tm);
}

void ctl_render_interval(uint64_t s, char *out, size_t out_len)
{
	char text[32];

	if (s < 60)
		snprintf(text, sizeof(text), "%us", (unsigned)s);
	else if (s < 3600)
		snprintf(text, sizeof(text), "%um:%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	else if (s < 86400)
		snprintf(text, sizeof(text), "%uh:%02um", (unsigned)(s / 3600),
			 (unsigned)(s % 3600 / 60));
	else
		snprintf(text, sizeof(text), "%ud:%02uh", (unsigned)(s / 86400),
			 (unsigned)(s % 86400 / 3600));
	snprintf(out, out_len, "%6s", text);
}

static const char *addr_text(const struct net_addr *a, char *out, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return "";
	return inet_ntop(a->family, a->bytes, out, (socklen_t)len) ? out : "";
}

static void bytes_text(uint64_t n, char *out, size_t len)
{
	static const char *const units[] = { "bytes", "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%" PRIu64 " bytes", n);
	else
		snprintf(out, len, "%.1f %s", v, units[u]);
}

void ctl_render_init(struct ctl_render *r, FILE *out, bool is_json,
		     enum ctl_command_view view, uint64_t now_unix)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->is_json = is_json;
	r->view = view;
	r->now_unix = now_unix;
	ctl_json_init(&r->json, out);
	if (is_json && view != CTL_VIEW_STATUS && view != CTL_VIEW_RESULT)
		ctl_json_begin_array(&r->json, NULL);
}

/* Ours, after occtl's: which channel carries data, and the bytes of each. */
static void channels_json(struct ctl_json *j, const struct msg_session_info *s)
{
	ctl_json_string(j, "Data channel", s->is_dtls ? "DTLS" : "TLS");
	ctl_json_string(j, "DTLS mode", s->dtls_mode[0] ? s->dtls_mode : "none");
	ctl_json_uint(j, "TLS RX", s->tls_rx_bytes);
	ctl_json_uint(j, "TLS TX", s->tls_tx_bytes);
	ctl_json_uint(j, "DTLS RX", s->dtls_rx_bytes);
	ctl_json_uint(j, "DTLS TX", s->dtls_tx_bytes);
	ctl_json_uint(j, "DTLS discarded", s->dtls_discarded);
	ctl_json_uint(j, "DTLS oversized", s->dtls_oversized);
}

/* The session fields occtl's "show users --json" prints, in its order. */
static void session_json(struct ctl_render *r, const struct msg_session_info *s)
{
	struct ctl_json *j = &r->json;
	char a[INET6_ADDRSTRLEN], text[64], id[24];
	uint64_t since = r->now_unix > s->since_unix ? r->now_unix - s->since_unix : 0;
	uint64_t rx = s->tls_rx_bytes + s->dtls_rx_bytes, tx = s->tls_tx_bytes + s->dtls_tx_bytes;

	ctl_json_begin_object(j, NULL);
	ctl_json_uint(j, "ID", msg_session_id_value(s->session_id));
	ctl_json_string(j, "Username", s->user);
	ctl_json_string(j, "Groupname", s->group[0] ? s->group : "(none)");
	ctl_json_string(j, "State", "connected");
	ctl_json_string(j, "vhost", "default");
	ctl_json_string(j, "Device", s->device);
	snprintf(text, sizeof(text), "%u", s->mtu);
	ctl_json_string(j, "MTU", text);
	ctl_json_string(j, "Remote IP", addr_text(&s->remote, a, sizeof(a)));
	ctl_json_string(j, "Location", "unknown");
	if (s->ipv4.family == AF_INET)
		ctl_json_string(j, "IPv4", addr_text(&s->ipv4, a, sizeof(a)));
	if (s->ipv6.family == AF_INET6)
		ctl_json_string(j, "IPv6", addr_text(&s->ipv6, a, sizeof(a)));
	ctl_json_string(j, "User-Agent", s->user_agent);
	snprintf(text, sizeof(text), "%" PRIu64, rx);
	ctl_json_string(j, "RX", text);
	snprintf(text, sizeof(text), "%" PRIu64, tx);
	ctl_json_string(j, "TX", text);
	bytes_text(rx, text, sizeof(text));
	ctl_json_string(j, "_RX", text);
	bytes_text(tx, text, sizeof(text));
	ctl_json_string(j, "_TX", text);
	snprintf(text, sizeof(text), "%u", s->dpd_s);
	ctl_json_string(j, "DPD", text);
	snprintf(text, sizeof(text), "%u", s->keepalive_s);
	ctl_json_string(j, "KeepAlive", text);
	ctl_json_string(j, "Hostname", s->hostname);
	ctl_render_date(s->since_unix, text, sizeof(text));
	ctl_json_string(j, "Connected at", text);
	ctl_render_interval(since, text, sizeof(text));
	ctl_json_string(j, "_Connected at", text);
	snprintf(id, sizeof(id), "%016" PRIx64, msg_session_id_value(s->session_id));
	ctl_json_string(j, "Full session", id);
	id[6] = '\0';
	ctl_json_string(j, "Session", id);
	ctl_json_string(j, "TLS ciphersuite", s->tls_cipher);
	if (s->dtls_cipher[0])
		ctl_json_string(j, "DTLS cipher", s->dtls_cipher);
	channels_json(j, s);
	ctl_json_words(j, "DNS", s->dns);
	ctl_json_words(j, "NBNS", "");
	ctl_json_words(j, "Split-DNS-Domains", "");
	if (s->routes[0])
		ctl_json_words(j, "Routes", s->routes);
	else
		ctl_json_string(j, "Routes", "defaultroute");
	ctl_json_words(j, "No-routes", "");
	ctl_json_words(j, "iRoutes", "");
	ctl_json_string(j, "Restricted to routes", s->is_restricted ? "True" : "False");
	ctl_json_words(j, "Restricted to ports", "");
	ctl_json_end_object(j);
}

static void session_row(struct ctl_render *r, const struct msg_session_info *s)
{
	char remote[INET6_ADDRSTRLEN], inner[INET6_ADDRSTRLEN], since[16];

	if (r->count == 0)
		fprintf(r->out, "%16s %10s %12s %15s %15s %7s %7s %10s %9s\n", "id", "user", "group",
			"ip", "vpn-ip", "device", "since", "dtls", "status");
	ctl_render_interval(r->now_unix > s->since_unix ? r->now_unix - s->since_unix : 0,
			    since, sizeof(since));
	fprintf(r->out, "%16" PRIu64 " %10s %12s %15s %15s %7s %7s %10s %9s\n",
		msg_session_id_value(s->session_id), s->user, s->group[0] ? s->group : "(none)",
		addr_text(&s->remote, remote, sizeof(remote)),
		s->ipv4.family ? addr_text(&s->ipv4, inner, sizeof(inner))
			       : addr_text(&s->ipv6, inner, sizeof(inner)),
		s->device, since, s->is_dtls ? "yes" : "(no-dtls)", "connected");
}

static void session_block(struct ctl_render *r, const struct msg_session_info *s)
{
	char a[INET6_ADDRSTRLEN], date[32], since[16], rx[32], tx[32];

	ctl_render_date(s->since_unix, date, sizeof(date));
	ctl_render_interval(r->now_unix > s->since_unix ? r->now_unix - s->since_unix : 0,
			    since, sizeof(since));
	bytes_text(s->tls_rx_bytes + s->dtls_rx_bytes, rx, sizeof(rx));
	bytes_text(s->tls_tx_bytes + s->dtls_tx_bytes, tx, sizeof(tx));
	fprintf(r->out, "%s\tID: %" PRIu64 " (0x%016" PRIx64 ")\n", r->count ? "\n" : "",
		msg_session_id_value(s->session_id), msg_session_id_value(s->session_id));
	fprintf(r->out, "\tUsername: %s   Groupname: %s\n", s->user,
		s->group[0] ? s->group : "(none)");
	fprintf(r->out, "\tState: connected\n\tDevice: %s   MTU: %u\n", s->device, s->mtu);
	fprintf(r->out, "\tRemote IP: %s:%u\n", addr_text(&s->remote, a, sizeof(a)),
		s->remote_port);
	if (s->ipv4.family == AF_INET)
		fprintf(r->out, "\tIPv4: %s\n", addr_text(&s->ipv4, a, sizeof(a)));
	if (s->ipv6.family == AF_INET6)
		fprintf(r->out, "\tIPv6: %s\n", addr_text(&s->ipv6, a, sizeof(a)));
	fprintf(r->out, "\tUser-Agent: %s\n\tRX: %s   TX: %s\n", s->user_agent, rx, tx);
	fprintf(r->out, "\tDPD: %u   KeepAlive: %u\n\tHostname: %s\n", s->dpd_s,
		s->keepalive_s, s->hostname);
	fprintf(r->out, "\tConnected at: %s (%s)\n\tWorker: %u\n", date, since, s->worker);
	fprintf(r->out, "\tTLS ciphersuite: %s\n\tDTLS cipher: %s\n", s->tls_cipher,
		s->dtls_cipher[0] ? s->dtls_cipher : "(no-dtls)");
	fprintf(r->out, "\tData channel: %s   DTLS mode: %s\n", s->is_dtls ? "DTLS" : "TLS",
		s->dtls_mode[0] ? s->dtls_mode : "none");
	fprintf(r->out, "\tTLS RX: %" PRIu64 "   TLS TX: %" PRIu64 "   DTLS RX: %" PRIu64
		"   DTLS TX: %" PRIu64 "\n\tDTLS discarded: %" PRIu64 "   DTLS oversized: %"
		PRIu64 "\n", s->tls_rx_bytes, s->tls_tx_bytes, s->dtls_rx_bytes, s->dtls_tx_bytes,
		s->dtls_discarded, s->dtls_oversized);
	fprintf(r->out, "\tDNS: %s\n\tRoutes: %s\n\tRestricted to routes: %s\n", s->dns,
		s->routes[0] ? s->routes : "defaultroute", s->is_restricted ? "True" : "False");
}

void ctl_render_session(struct ctl_render *r, const struct msg_session_info *s)
{
	if (r->is_json)
		session_json(r, s);
	else if (r->view == CTL_VIEW_USERS)
		session_row(r, s);
	else
		session_block(r, s);
	r->count++;
}

void ctl_render_ban(struct ctl_render *r, const struct msg_ban *b)
{
	char a[INET6_ADDRSTRLEN], date[32], left[16];
	uint64_t until = b->until_unix;

	addr_text(&b->source, a, sizeof(a));
	ctl_render_date(until, date, sizeof(date));
	ctl_render_interval(until > r->now_unix ? until - r->now_unix : 0, left, sizeof(left));
	if (r->is_json) {
		ctl_json_begin_object(&r->json, NULL);
		ctl_json_string(&r->json, "IP", a);
		if (r->view == CTL_VIEW_BANS) {
			ctl_json_string(&r->json, "Since", date);
			ctl_json_string(&r->json, "_Since", left);
		}
		ctl_json_uint(&r->json, "Score", b->score);
		ctl_json_end_object(&r->json);
	} else if (r->view == CTL_VIEW_BANS) {
		if (r->count == 0)
			fprintf(r->out, "%40s %8s %30s\n", "IP", "score", "expires");
		fprintf(r->out, "%40s %8u %20s (%s)\n", a, b->score, date, left);
	} else {
		if (r->count == 0)
			fprintf(r->out, "%40s %8s %8s\n", "IP", "score", "banned");
		fprintf(r->out, "%40s %8u %8s\n", a, b->score, until ? "yes" : "no");
	}
	r->count++;
}

void ctl_render_status(struct ctl_render *r, const struct msg_ctl_status *s)
{
	uint64_t up = r->now_unix > s->started_unix ? r->now_unix - s->started_unix : 0;
	char date[32], since[16];

	ctl_render_date(s->started_unix, date, sizeof(date));
	ctl_render_interval(up, since, sizeof(since));
	if (!r->is_json) {
		fprintf(r->out, "sslgated\nGeneral info:\n\tStatus: online\n\tServer PID: %u\n"
			"\tSec-mod PID: %u (authd)\n\tWorkers: %u\n\tUp since: %s (%s)\n"
			"\tActive sessions: %u\n\tAuthenticated sessions: %u\n\tAddress leases: %"
			PRIu64 "\n\tTotal authentication failures: %" PRIu64
			"\n\tIPs in ban list: %u\n", s->parent_pid, s->authd_pid, s->workers, date,
			since, s->sessions, s->auth_sessions, s->leases, s->auth_failures,
			s->banned);
		r->count++;
		return;
	}
	ctl_json_begin_object(&r->json, NULL);
	ctl_json_string(&r->json, "Status", "online");
	ctl_json_uint(&r->json, "Server PID", s->parent_pid);
	ctl_json_uint(&r->json, "Sec-mod PID", s->authd_pid);
	ctl_json_uint(&r->json, "Sec-mod instance count", 1);
	ctl_json_string(&r->json, "Up since", date);
	ctl_json_string(&r->json, "_Up since", since);
	ctl_json_uint(&r->json, "raw_up_since", s->started_unix);
	ctl_json_uint(&r->json, "uptime", up);
	ctl_json_uint(&r->json, "Active sessions", s->sessions);
	ctl_json_uint(&r->json, "Total authentication failures", s->auth_failures);
	ctl_json_uint(&r->json, "IPs in ban list", s->banned);
	ctl_json_uint(&r->json, "Workers", s->workers);
	ctl_json_uint(&r->json, "Authenticated sessions", s->auth_sessions);
	ctl_json_uint(&r->json, "Address leases", s->leases);
	ctl_json_end_object(&r->json);
	r->count++;
}

void ctl_render_finish(struct ctl_render *r)
{
	if (r->is_json && r->view != CTL_VIEW_STATUS && r->view != CTL_VIEW_RESULT)
		ctl_json_end_array(&r->json);
	else if (!r->is_json && r->count == 0 && r->view == CTL_VIEW_USER)
		fprintf(r->out, "user or ID not found\n");
}
