/* SPDX-License-Identifier: ISC */
/* The worker test environment (see testenv.h). */
#include "gateway/worker/testenv.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/conf.h"
#include "gateway/worker/ipc.h"
#include "gateway/worker/session_io.h"
#include "gateway/worker/tun_io.h"
#include "lib/base/log.h"
#include "tests/vectors/vectors.h"

const char testenv_lab_profile[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<AnyConnectProfile xmlns=\"http://schemas.xmlsoap.org/encoding/\" "
	"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	"xsi:schemaLocation=\"http://schemas.xmlsoap.org/encoding/ AnyConnectProfile.xsd\">\n"
	"  <ServerList>\n"
	"    <HostEntry><HostName>vpnlab engineering</HostName><HostAddress>gw.vpnlab.test"
	"</HostAddress><UserGroup>engineering</UserGroup></HostEntry>\n"
	"    <HostEntry><HostName>vpnlab sales</HostName><HostAddress>gw.vpnlab.test"
	"</HostAddress><UserGroup>sales</UserGroup></HostEntry>\n"
	"  </ServerList>\n"
	"</AnyConnectProfile>\n";

/* The lab's ocserv.conf, trimmed to what the worker reads. */
static const char conf_text[] =
	"auth = \"plain[passwd=%s/ocpasswd]\"\n"
	"listen-host = 198.18.1.1\n"
	"tcp-port = 443\n"
	"run-as-user = nobody\n"
	"run-as-group = nogroup\n"
	"keepalive = 32400\n"
	"dpd = 30\n"
	"mobile-dpd = 1800\n"
	"auth-timeout = 240\n"
	"cookie-timeout = 300\n"
	"rekey-time = 172800\n"
	"rekey-method = ssl\n"
	"device = vpns\n"
	"default-domain = vpnlab.test\n"
	"ipv4-network = 198.19.10.0\n"
	"ipv4-netmask = 255.255.255.0\n"
	"dns = 198.18.2.53\n"
	"route = 198.18.2.0/24\n"
	"cisco-client-compat = true\n"
	"select-group = engineering[Engineering - full LAN]\n"
	"select-group = sales[Sales - LAN host only]\n"
	"default-select-group = DEFAULT\n"
	"config-per-group = %s/config-per-group/\n"
	"user-profile = profile.xml\n"
	"%s";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_config(struct testenv *t, const char *extra)
{
	char path[128], *text;
	int n;

	snprintf(path, sizeof(path), "%s/config-per-group", t->dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/config-per-group/engineering", t->dir);
	write_file(path, "route = 198.18.2.0/24\n");
	snprintf(path, sizeof(path), "%s/config-per-group/sales", t->dir);
	write_file(path, "route = 198.18.2.2/32\nrestrict-user-to-routes = true\n");
	n = asprintf(&text, conf_text, t->dir, t->dir, extra ? extra : "");
	if (n < 0)
		return -1;
	n = gw_config_load_text(&t->cfg, text, strlen(text), "test.conf");
	free(text);
	if (n != 0)
		return -1;
	/* What gw_config_load_resources would have read from the chroot. */
	t->cfg->profile_len = strlen(testenv_lab_profile);
	t->cfg->profile = malloc(t->cfg->profile_len);
	if (!t->cfg->profile)
		return -1;
	memcpy(t->cfg->profile, testenv_lab_profile, t->cfg->profile_len);
	return 0;
}

static int pair(int type, int *worker_end, int *test_end)
{
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	*worker_end = sv[0];
	*test_end = sv[1];
	return 0;
}

int testenv_config(struct testenv *t, const char *extra)
{
	memset(t, 0, sizeof(*t));
	if (getenv("TESTENV_LOG"))
		log_set_sink(log_sink_stderr, NULL, LOG_LEVEL_DEBUG);
	t->authd_peer = t->parent_peer = t->tun_peer = -1;
	for (size_t i = 0; i < MSG_COOKIE_LEN; i++)
		t->cookie[i] = (uint8_t)(0xa0 + i);
	for (size_t i = 0; i < MSG_SESSION_ID_LEN; i++)
		t->session_id[i] = (uint8_t)(i + 1);
	snprintf(t->dir, sizeof(t->dir), "/tmp/sslgated-worker-test-XXXXXX");
	if (!mkdtemp(t->dir) || make_config(t, extra) != 0)
		return -1;
	return 0;
}

int testenv_setup(struct testenv *t, const char *extra)
{
	int authd_fd, parent_fd;

	if (testenv_config(t, extra) != 0)
		return -1;
	if (worker_init(&t->w, t->cfg, 0) != 0)
		return -1;
	if (pair(SOCK_SEQPACKET, &authd_fd, &t->authd_peer) != 0 ||
	    pair(SOCK_SEQPACKET, &parent_fd, &t->parent_peer) != 0 ||
	    pair(SOCK_DGRAM, &t->w.tun_fd, &t->tun_peer) != 0)
		return -1;
	if (worker_chan_open(&t->w, &t->w.authd, "authd", authd_fd) != 0 ||
	    worker_chan_open(&t->w, &t->w.parent, "parent", parent_fd) != 0 ||
	    tun_io_start(&t->w, "vpns0") != 0)
		return -1;
	return 0;
}

static void remove_dir(const char *dir)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/config-per-group/engineering", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/config-per-group/sales", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/config-per-group", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/cert.pem", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	unlink(path);
	rmdir(dir);
}

void testenv_teardown(struct testenv *t)
{
	if (t->w.loop)
		worker_cleanup(&t->w);
	gw_config_free(t->cfg);
	if (t->authd_peer >= 0)
		close(t->authd_peer);
	if (t->parent_peer >= 0)
		close(t->parent_peer);
	if (t->tun_peer >= 0)
		close(t->tun_peer);
	if (t->dir[0])
		remove_dir(t->dir);
}

void testenv_new_session(struct testenv *t)
{
	struct net_addr remote;

	memset(&remote, 0, sizeof(remote));
	remote.family = AF_INET;
	remote.bytes[0] = 198;
	remote.bytes[1] = 18;
	remote.bytes[2] = 1;
	remote.bytes[3] = 2;
	assert_int_equal(session_new(&t->s, &t->w, -1, NULL, &remote, 40000), 0);
	session_set_phase(t->s, SESSION_PHASE_AUTH);
}

void testenv_feed(struct testenv *t, const void *data, size_t len)
{
	struct session *s = t->s;

	if (s->phase == SESSION_PHASE_CLOSING)
		return;
	if (s->in.cap - s->in.len < len &&
	    session_in_reserve(s, s->in.len + len) != 0) {
		/* Like the TLS reader: a full buffer the handler cannot use ends the session. */
		session_close(s, "input larger than any message we accept");
		return;
	}
	memcpy(s->in.data + s->in.len, data, len);
	s->in.len += len;
	session_process_input(s);
}

void testenv_feed_bytewise(struct testenv *t, const void *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		testenv_feed(t, (const uint8_t *)data + i, 1);
}

size_t testenv_output(struct testenv *t, char *out, size_t cap)
{
	struct outq_rec *rec;
	size_t n = 0;

	while ((rec = outq_pop(&t->s->out)) != NULL) {
		assert_true(n + rec->len < cap);
		memcpy(out + n, rec->data, rec->len);
		n += rec->len;
		outq_rec_put(&t->w.pool, rec);
	}
	out[n] = '\0';
	return n;
}

size_t testenv_records(const struct testenv *t)
{
	return t->s->out.count;
}

void testenv_run(struct testenv *t, int ms)
{
	uint64_t end = event_loop_now(t->w.loop) + (uint64_t)ms;

	do {
		event_loop_run_once(t->w.loop, ms ? 20 : 0);
	} while (ms && event_loop_now(t->w.loop) < end);
}

ssize_t testenv_recv(int fd, void *buf, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 1000) != 1)
		return -1;
	return recv(fd, buf, cap, 0);
}

void testenv_send(struct testenv *t, int fd, const void *msg, size_t len)
{
	assert_int_equal(send(fd, msg, len, 0), (ssize_t)len);
	/* With worker_main in its own thread there is no loop of ours to run. */
	if (!t->w.loop)
		return;
	testenv_run(t, 0);
	testenv_run(t, 0);
}

static void header(struct msg_header *h, uint16_t type, size_t len, uint32_t req_id)
{
	h->type = type;
	h->len = (uint16_t)len;
	h->req_id = req_id;
}

void testenv_answer_password(struct testenv *t, uint32_t status, uint32_t delay_ms,
			     struct msg_auth_password *out_req)
{
	struct msg_auth_password req;
	struct msg_auth_result res;

	assert_int_equal(testenv_recv(t->authd_peer, &req, sizeof(req)), sizeof(req));
	assert_int_equal(req.h.type, MSG_AUTH_PASSWORD);
	assert_int_equal(req.h.len, sizeof(req));
	memset(&res, 0, sizeof(res));
	header(&res.h, MSG_AUTH_RESULT, sizeof(res), req.h.req_id);
	res.status = status;
	res.delay_ms = delay_ms;
	if (status == MSG_AUTH_OK) {
		/* Every login is a new session: its own cookie and id (the last byte). */
		t->cookie[MSG_COOKIE_LEN - 1] = ++t->logins;
		t->session_id[MSG_SESSION_ID_LEN - 1] = t->logins;
		memcpy(res.cookie, t->cookie, sizeof(res.cookie));
		memcpy(res.session_id, t->session_id, sizeof(res.session_id));
		snprintf(res.user, sizeof(res.user), "%s", req.user);
		snprintf(res.group, sizeof(res.group), "%s", req.group);
	}
	if (out_req)
		*out_req = req;
	testenv_send(t, t->authd_peer, &res, sizeof(res));
}

void testenv_answer_cookie(struct testenv *t, uint32_t status, struct msg_cookie_check *out_req)
{
	struct msg_cookie_check req;
	struct msg_cookie_result res;

	assert_int_equal(testenv_recv(t->authd_peer, &req, sizeof(req)), sizeof(req));
	assert_int_equal(req.h.type, MSG_COOKIE_CHECK);
	memset(&res, 0, sizeof(res));
	header(&res.h, MSG_COOKIE_RESULT, sizeof(res), req.h.req_id);
	res.status = status;
	/* Any cookie this authd issued: the same bytes but the last, which numbers the login. */
	if (status == MSG_AUTH_OK &&
	    memcmp(req.cookie, t->cookie, sizeof(req.cookie) - 1) == 0) {
		memcpy(res.session_id, t->session_id, sizeof(res.session_id));
		res.session_id[MSG_SESSION_ID_LEN - 1] = req.cookie[MSG_COOKIE_LEN - 1];
		snprintf(res.user, sizeof(res.user), "alice");
		snprintf(res.group, sizeof(res.group), "engineering");
	} else {
		res.status = MSG_AUTH_BAD_CREDENTIALS;
	}
	if (out_req)
		*out_req = req;
	testenv_send(t, t->authd_peer, &res, sizeof(res));
}

void testenv_answer_lease(struct testenv *t, struct msg_lease_request *out_req)
{
	struct msg_lease_request req;
	struct msg_lease_result res;

	assert_int_equal(testenv_recv(t->parent_peer, &req, sizeof(req)), sizeof(req));
	assert_int_equal(req.h.type, MSG_LEASE_REQUEST);
	memset(&res, 0, sizeof(res));
	header(&res.h, MSG_LEASE_RESULT, sizeof(res), req.h.req_id);
	assert_int_equal(net_prefix_parse(&res.ipv4, "198.19.10.50/24", 15), 0);
	if (out_req)
		*out_req = req;
	testenv_send(t, t->parent_peer, &res, sizeof(res));
}

size_t testenv_request(char *out, size_t cap, const char *head_lines, const char *body)
{
	size_t n = 0;

	for (const char *p = head_lines; *p; p++) {
		if (*p == '\n') {
			assert_true(n + 2 < cap);
			out[n++] = '\r';
		}
		assert_true(n + 1 < cap);
		out[n++] = *p;
	}
	if (body)
		n += (size_t)snprintf(out + n, cap - n, "Content-Length: %zu\r\n\r\n%s",
				      strlen(body), body);
	else
		n += (size_t)snprintf(out + n, cap - n, "\r\n");
	assert_true(n < cap);
	return n;
}

/* A base64-looking STRAP key: the capture's placeholder is not base64. */
#define OC_STRAP_KEY "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
/* A stand-in for the CONNECT's master secret: bytes 0..47. */
#define OC_MASTER_SECRET \
	"000102030405060708090A0B0C0D0E0F101112131415161718191A1B" \
	"1C1D1E1F202122232425262728292A2B2C2D2E2F"

/* openconnect 9.01's login bodies (vectors 01, 03, 04), and the password
 * reply shaped the same way (the lab's capture of it holds a secret). */
const char testenv_oc_init[] = V01_BODY_TEXT;
const char testenv_oc_init_group[] = V03_BODY_TEXT;
const char testenv_oc_username[] = V04_BODY_TEXT;
const char testenv_oc_password[] = V01_XML_START("auth-reply")
	"<auth><password>correct-horse</password></auth></config-auth>\n";

size_t testenv_oc_post(char *out, size_t cap, const char *path, const char *body)
{
	int n = snprintf(out, cap, V01_POST_LINES("%s", OC_STRAP_KEY, V01_PAD)
			 "Content-Length: %zu\r\n\r\n%s", path, strlen(body), body);

	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

size_t testenv_oc_connect(char *out, size_t cap, const uint8_t cookie[MSG_COOKIE_LEN])
{
	char hex[2 * MSG_COOKIE_LEN + 1];
	int n;

	for (size_t i = 0; i < MSG_COOKIE_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", cookie[i]);
	n = snprintf(out, cap, V07_START_LINE V07_HTTP_LINES("%s")
		     V07_CSTP_LINES("", OC_MASTER_SECRET) "\r\n", hex);
	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

static char big[65536];

void testenv_login_and_connect(struct testenv *t)
{
	struct msg_session_event ev;
	size_t n;

	testenv_new_session(t);
	n = testenv_oc_post(big, sizeof(big), "/", testenv_oc_init);
	testenv_feed(t, big, n);
	testenv_output(t, big, sizeof(big));
	assert_non_null(strstr(big, "HTTP/1.1 200 OK\r\n"));
	n = testenv_oc_post(big, sizeof(big), "/auth", testenv_oc_username);
	testenv_feed(t, big, n);
	testenv_output(t, big, sizeof(big));
	assert_non_null(strstr(big, "name=\"password\""));
	n = testenv_oc_post(big, sizeof(big), "/auth", testenv_oc_password);
	testenv_feed(t, big, n);
	testenv_answer_password(t, MSG_AUTH_OK, 0, NULL);
	testenv_output(t, big, sizeof(big));
	assert_non_null(strstr(big, "type=\"complete\""));
	n = testenv_oc_connect(big, sizeof(big), t->cookie);
	testenv_feed(t, big, n);
	testenv_answer_cookie(t, MSG_AUTH_OK, NULL);
	testenv_answer_lease(t, NULL);
	testenv_output(t, big, sizeof(big));
	assert_memory_equal(big, "HTTP/1.1 200 CONNECTED\r\n", 24);
	assert_int_equal(t->s->phase, SESSION_PHASE_TUNNEL);
	assert_int_equal(testenv_recv(t->authd_peer, &ev, sizeof(ev)), sizeof(ev));
	assert_int_equal(ev.h.type, MSG_SESSION_ATTACHED);
}
