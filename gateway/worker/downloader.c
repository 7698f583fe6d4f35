/* SPDX-License-Identifier: ISC */
/* The profile download and the downloader stubs. */
#include "gateway/worker/downloader.h"

#include <string.h>

#include "gateway/worker/cookie.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/reply.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"
#include "lib/base/buf.h"
#include "lib/base/log.h"

#define PROFILE_PREFIX "/profiles/"

static const char empty_manifest[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vpn rev=\"1.0\">\n</vpn>\n";
static const char empty_html[] = "<html></html>\n";
static const char no_update[] = "0,0,0000\n";
static const char noop_script[] = "#!/bin/sh\n\nexit 0\n";

/* What ocserv answers so that AnyConnect finds nothing newer to install. */
static const struct stub {
	const char *path;
	const char *content_type;
	const char *body;
} stubs[] = {
	{ "/1/binaries/update.txt", "text/plain", no_update },
	{ "/1/binaries/vpndownloader.sh", "application/x-shellscript", noop_script },
	{ "/VPNManifest.xml", "text/xml", empty_manifest },
	{ "/1/VPNManifest.xml", "text/xml", empty_manifest },
	{ "/+CSCOT+/translation-table", "text/xml", empty_manifest },
	{ "/+CSCOT+/oem-customization", "text/xml", empty_manifest },
	{ "/1/index.html", "text/html", empty_html },
	{ "/1/Linux", "text/html", empty_html },
	{ "/1/Linux_64", "text/html", empty_html },
	{ "/1/Windows", "text/html", empty_html },
	{ "/1/Windows_ARM64", "text/html", empty_html },
	{ "/1/Darwin_i386", "text/html", empty_html },
	{ "/logout", "text/html", empty_html },
};

static const struct stub *find_stub(struct str_view path)
{
	for (size_t i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++)
		if (str_view_eq(path, stubs[i].path))
			return &stubs[i];
	return NULL;
}

static bool is_profile_path(struct str_view path)
{
	size_t n = strlen(PROFILE_PREFIX);

	return path.len > n && memcmp(path.ptr, PROFILE_PREFIX, n) == 0;
}

bool download_matches(const struct session *s, struct str_view path)
{
	(void)s;
	return is_profile_path(path) || find_stub(path) != NULL;
}

static void ask_cookie(struct session *s, const uint8_t cookie[MSG_COOKIE_LEN])
{
	struct msg_cookie_check m;
	uint32_t req_id = worker_req_id(s->w, s);
	int rc;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_COOKIE_CHECK, sizeof(m), req_id);
	m.source = s->remote;
	memcpy(m.cookie, cookie, sizeof(m.cookie));
	rc = worker_chan_send(s->w, &s->w->authd, &m, sizeof(m), true);
	buf_wipe(&m, sizeof(m));
	if (rc != 0) {
		reply_error(s, 503, "authentication service unavailable");
		return;
	}
	session_wait_begin(s, SESSION_WAIT_COOKIE_FETCH, req_id);
}

void download_on_request(struct session *s, const struct http_exchange *x)
{
	const struct stub *stub = find_stub(x->path);
	uint8_t cookie[MSG_COOKIE_LEN];

	if (stub) {
		reply_ok(s, stub->content_type, NULL, stub->body, strlen(stub->body), false);
		return;
	}
	/* The profile is the only item that needs a session. */
	if (!s->w->profile.data || cookie_from_request(cookie, &x->req->headers) != 0) {
		log_info("%s: profile download without a usable cookie", s->label);
		s->is_close_logged = true;
		reply_not_found(s);
		return;
	}
	ask_cookie(s, cookie);
	buf_wipe(cookie, sizeof(cookie));
}

void download_on_cookie_result(struct session *s, const struct msg_cookie_result *m)
{
	if (m->status != MSG_AUTH_OK) {
		log_info("%s: profile download with an unknown or expired cookie", s->label);
		s->is_close_logged = true;
		reply_not_found(s);
		session_wait_done(s);
		return;
	}
	log_info("%s: user %s downloaded the profile", s->label, m->user);
	reply_ok(s, "text/xml", NULL, s->w->profile.data, s->w->profile.len, false);
	session_wait_done(s);
}
