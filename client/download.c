/* SPDX-License-Identifier: ISC */
/*
 * DOWNLOAD (seed phase 4): the profile the complete document advertised.
 * As AnyConnect does, on a TLS connection of its own (which passes the
 * trust check again), only when the stored copy is missing or its SHA-1
 * differs, and a failed download abandons the connection: the profile is
 * mandatory once a gateway advertises it (PROTOCOL.md §5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/link.h"
#include "client/phases.h"
#include "client/request.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/http/url.h"
#include "lib/tls/digest.h"

/* The path to GET: a relative URI as is, an absolute one only on our gateway. */
static int profile_path(const struct session *s, const char *uri, char *out, size_t out_len)
{
	struct http_url u;

	if (uri[0] == '/') {
		snprintf(out, out_len, "%s", uri);
		return 0;
	}
	if (http_url_parse(&u, str_view_of(uri)) != 0 || u.host.len != strlen(s->gw.host) ||
	    strncasecmp(u.host.ptr, s->gw.host, u.host.len) != 0 || u.port != s->gw.port)
		return VPN_ERR_INVALID;
	snprintf(out, out_len, "%.*s", (int)u.path.len, u.path.ptr);
	return 0;
}

/* Whether the stored copy already has the advertised hash. */
static bool is_current(struct session *s, uint8_t *buf, size_t cap)
{
	char hex[TLS_DIGEST_SHA1_HEX_LEN];
	size_t len = 0;

	if (prefs_profile_load(&s->prefs, s->gw.server_key, s->auth.profile_uri, buf, cap, &len) != 0)
		return false;
	return tls_digest_sha1_hex(buf, len, hex) == 0 && strcasecmp(hex, s->auth.profile_sha1) == 0;
}

/* GETs the profile on c; 0 with the body in c, else a reason. */
static const char *fetch(struct session *s, struct conn *c, const char *path)
{
	uint8_t req[4096 + 2 * COOKIES_VALUE_MAX];
	char host[300];
	struct request_common common = {
		.host = host, .jar = &s->auth.jar, .is_aggregate = !s->auth.is_legacy,
		.useragent = s->opts->useragent ? s->opts->useragent : REQUEST_DEFAULT_USERAGENT,
	};
	struct conn_wait w = link_wait(s);
	struct buf_writer bw;
	char hex[TLS_DIGEST_SHA1_HEX_LEN];
	int ret;

	link_host_header(s, host, sizeof(host));
	buf_writer_init(&bw, req, sizeof(req));
	request_get(&bw, &common, path);
	if (buf_writer_error(&bw) != 0)
		return "the request does not fit";
	ret = conn_exchange(c, req, bw.len, "GET", &w);
	buf_wipe(req, bw.len);
	if (ret != 0)
		return c->why ? c->why : vpn_err_str(ret);
	if (c->resp.status != 200)
		return "the gateway did not send it";
	if (tls_digest_sha1_hex(c->body, c->body_len, hex) != 0)
		return "cannot compute its hash";
	if (strcasecmp(hex, s->auth.profile_sha1) != 0) {
		log_err("the profile's SHA-1 is %s, the gateway announced %s", hex, s->auth.profile_sha1);
		return "the file does not match its announced hash";
	}
	return NULL;
}

static enum session_phase next_phase(const struct session *s)
{
	return s->opts->action == OPTIONS_ACTION_AUTHENTICATE ? SESSION_PHASE_CLOSING
							      : SESSION_PHASE_CONNECT;
}

enum session_phase download_run(struct session *s)
{
	uint8_t *stored;
	struct conn c;
	char path[AUTH_FLOW_PATH_MAX];
	const char *why = NULL;
	bool is_ok;

	if (!s->has_prefs) {
		log_warn("no preferences directory (HOME is not set): the profile is not kept");
		return next_phase(s);
	}
	if (profile_path(s, s->auth.profile_uri, path, sizeof(path)) != 0)
		return session_close(s, "profile download failed: the gateway gave an unusable URI");
	stored = malloc(PREFS_PROFILE_MAX_BYTES);
	if (!stored)
		return session_close(s, "out of memory");
	is_ok = is_current(s, stored, PREFS_PROFILE_MAX_BYTES);
	free(stored);
	if (is_ok) {
		log_debug("DOWNLOAD: the stored profile is current");
		return next_phase(s);
	}
	conn_init(&c);
	if (link_open(s, &c) != 0)
		why = "no connection to the gateway";
	else
		why = fetch(s, &c, path);
	if (!why && prefs_profile_store(&s->prefs, s->gw.server_key, s->auth.profile_uri,
					c.body, c.body_len) != 0)
		why = "cannot store it in the preferences directory";
	if (!why)
		log_info("downloaded the profile %s (%zu bytes)", path, c.body_len);
	conn_close(&c, true);
	if (why) {
		log_err("profile download failed: %s: %s", path, why);
		return session_close(s, "the gateway's profile is mandatory and could not be downloaded");
	}
	return next_phase(s);
}
