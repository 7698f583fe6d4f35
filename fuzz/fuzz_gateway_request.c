/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target "gateway_request": the worker's whole request path in
 * process, without TLS. The input is what a client sends on one connection
 * (HTTP requests, then CSTP frames once a CONNECT succeeds); its first byte
 * picks how the rest is cut into reads (whole, or pieces of 1..255 bytes),
 * so the resumable parsers see every split. The target plays authd and the
 * parent: any password is right, the cookie of the seeds is valid, leases
 * are granted, so inputs reach the complete document, CONNECT and the
 * tunnel. Output is drained and dropped; sanitizers watch the rest.
 *
 * Built by gateway/worker/meson.build (it needs libgateway, which
 * fuzz/meson.build does not link): a libFuzzer binary with -Dfuzz=true,
 * otherwise the corpus replay test corpus_gateway_request.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/conf.h"
#include "gateway/privsep/msg.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/session.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/tun_io.h"
#include "gateway/worker/worker_internal.h"
#include "lib/auth/xml.h"
#include "lib/base/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The cookie authd "issues": 64 hex digits of 0x5a in the seeds. */
#define FUZZ_COOKIE_BYTE 0x5a
/* Rounds of message exchange after each read; each answers what is pending. */
#define PEER_ROUNDS 4

static const char conf_text[] =
	"auth = \"plain[passwd=/nonexistent/ocpasswd]\"\n"
	"run-as-user = nobody\n"
	"run-as-group = nogroup\n"
	"ipv4-network = 198.19.10.0\n"
	"ipv4-netmask = 255.255.255.0\n"
	"dns = 198.18.2.53\n"
	"route = 198.18.2.0/24\n"
	"no-route = 198.18.2.128/25\n"
	"default-domain = fuzz.test\n"
	"banner = Welcome, fuzzer\n"
	"select-group = engineering[Engineering - full LAN]\n"
	"select-group = sales[Sales]\n"
	"default-select-group = DEFAULT\n"
	"user-profile = profile.xml\n";

static const char profile[] = "<?xml version=\"1.0\"?>\n<AnyConnectProfile/>\n";

static struct gw_config *load_config(void)
{
	struct gw_config *cfg = NULL;

	/* Quiet by default: libFuzzer's own output is what matters. */
	if (getenv("FUZZ_GATEWAY_LOG"))
		log_set_sink(log_sink_stderr, NULL, LOG_LEVEL_DEBUG);
	auth_xml_global_init();
	if (gw_config_load_text(&cfg, conf_text, sizeof(conf_text) - 1, "fuzz.conf") != 0)
		abort();
	cfg->profile_len = sizeof(profile) - 1;
	cfg->profile = malloc(cfg->profile_len);
	if (!cfg->profile)
		abort();
	memcpy(cfg->profile, profile, cfg->profile_len);
	return cfg;
}

struct peers {
	int authd, parent, tun;
};

static void answer_authd(int fd, const uint8_t *buf, size_t len)
{
	struct msg_header h;

	memcpy(&h, buf, sizeof(h));
	if (h.type == MSG_AUTH_PASSWORD && len == sizeof(struct msg_auth_password)) {
		const struct msg_auth_password *m = (const void *)buf;
		struct msg_auth_result r;

		memset(&r, 0, sizeof(r));
		msg_init(&r.h, MSG_AUTH_RESULT, sizeof(r), h.req_id);
		/* Vary the outcome with the password so failure paths are reached too. */
		r.status = m->password[0] == 'x' ? MSG_AUTH_BAD_CREDENTIALS :
			   m->password[0] == 'g' ? MSG_AUTH_NOT_IN_GROUP : MSG_AUTH_OK;
		memset(r.cookie, FUZZ_COOKIE_BYTE, sizeof(r.cookie));
		memcpy(r.user, m->user, sizeof(r.user));
		memcpy(r.group, m->group, sizeof(r.group));
		send(fd, &r, sizeof(r), MSG_DONTWAIT);
	} else if (h.type == MSG_COOKIE_CHECK && len == sizeof(struct msg_cookie_check)) {
		const struct msg_cookie_check *m = (const void *)buf;
		struct msg_cookie_result r;

		memset(&r, 0, sizeof(r));
		msg_init(&r.h, MSG_COOKIE_RESULT, sizeof(r), h.req_id);
		r.status = m->cookie[0] == FUZZ_COOKIE_BYTE ? MSG_AUTH_OK : MSG_AUTH_BAD_CREDENTIALS;
		snprintf(r.user, sizeof(r.user), "alice");
		snprintf(r.group, sizeof(r.group), "%s",
			 m->cookie[1] == FUZZ_COOKIE_BYTE ? "engineering" : "sales");
		send(fd, &r, sizeof(r), MSG_DONTWAIT);
	}
}

static void answer_parent(int fd, const uint8_t *buf, size_t len)
{
	struct msg_header h;
	struct msg_lease_result r;

	memcpy(&h, buf, sizeof(h));
	if (h.type != MSG_LEASE_REQUEST || len != sizeof(struct msg_lease_request))
		return;
	memset(&r, 0, sizeof(r));
	msg_init(&r.h, MSG_LEASE_RESULT, sizeof(r), h.req_id);
	net_prefix_parse(&r.ipv4, "198.19.10.50/24", 15);
	send(fd, &r, sizeof(r), MSG_DONTWAIT);
}

static void serve(struct worker *w, const struct peers *p)
{
	uint8_t buf[MSG_MAX_SIZE];

	for (int round = 0; round < PEER_ROUNDS; round++) {
		ssize_t n;

		while ((n = recv(p->authd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			answer_authd(p->authd, buf, (size_t)n);
		while ((n = recv(p->parent, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			answer_parent(p->parent, buf, (size_t)n);
		while (recv(p->tun, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		event_loop_run_once(w->loop, 0);
	}
}

static void drain(struct worker *w, struct session *s)
{
	outq_clear(&s->out, &w->pool);
}

static int pair(int type, int *mine, int *theirs)
{
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	*mine = sv[0];
	*theirs = sv[1];
	return 0;
}

static void feed(struct worker *w, struct session *s, const struct peers *p,
		 const uint8_t *data, size_t len)
{
	if (s->phase == SESSION_PHASE_CLOSING)
		return;
	if (s->in.cap - s->in.len < len && session_in_reserve(s, s->in.len + len) != 0) {
		session_close(s, "input larger than any message we accept");
		return;
	}
	memcpy(s->in.data + s->in.len, data, len);
	s->in.len += len;
	session_process_input(s);
	serve(w, p);
	drain(w, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_config *cfg;
	struct worker *w = calloc(1, sizeof(*w));
	struct peers p = { -1, -1, -1 };
	struct net_addr remote = { .family = AF_INET, .bytes = { 198, 18, 1, 2 } };
	struct session *s;
	int authd_fd = -1, parent_fd = -1;
	size_t step;

	if (!cfg)
		cfg = load_config();
	if (!w || size == 0 || worker_init(w, cfg, 0) != 0) {
		free(w);
		return 0;
	}
	if (pair(SOCK_SEQPACKET, &authd_fd, &p.authd) != 0 ||
	    pair(SOCK_SEQPACKET, &parent_fd, &p.parent) != 0)
		goto out;
	/* The worker owns its ends from here: worker_cleanup closes them. */
	w->authd.fd = authd_fd;
	w->parent.fd = parent_fd;
	if (pair(SOCK_DGRAM, &w->tun_fd, &p.tun) != 0 ||
	    worker_chan_open(w, &w->authd, "authd", authd_fd) != 0 ||
	    worker_chan_open(w, &w->parent, "parent", parent_fd) != 0 ||
	    tun_io_start(w, "fuzz0") != 0 ||
	    session_new(&s, w, -1, NULL, &remote, 40000) != 0)
		goto out;
	session_set_phase(s, SESSION_PHASE_AUTH);
	step = data[0] ? data[0] : size;
	for (size_t off = 1; off < size; off += step)
		feed(w, s, &p, data + off, size - off < step ? size - off : step);
out:
	if (authd_fd >= 0 && w->authd.fd < 0)
		close(authd_fd);
	if (parent_fd >= 0 && w->parent.fd < 0)
		close(parent_fd);
	worker_cleanup(w);
	free(w);
	if (p.authd >= 0)
		close(p.authd);
	if (p.parent >= 0)
		close(p.parent);
	if (p.tun >= 0)
		close(p.tun);
	return 0;
}
