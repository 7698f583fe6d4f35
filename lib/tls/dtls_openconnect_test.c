/* SPDX-License-Identifier: ISC */
/*
 * Interop: Debian's openconnect (9.01, GnuTLS) against our DTLS server in
 * each mode, on loopback. The test plays a minimal gateway: our TLS server,
 * a CONNECT answer built from dtls_choose() over the lists openconnect
 * sent, then our DTLS server started from the first ClientHello taken off
 * the shared UDP socket, echoing openconnect's DPD/MTU probes. openconnect
 * runs with --cookie (no login: this is about DTLS) and --script-tun (no tun
 * device), and must log "Established DTLS connection" with the same
 * ciphersuite description our side reports.
 *
 * A real gateway of ours against Debian's ocserv needs a login and a tun
 * device for CONNECT first; that belongs to the integration tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/dtls.h"
#include "lib/tls/tls_test_util.h"

#define OPENCONNECT "/usr/sbin/openconnect"
#define STEP_MS 15000     /* bound of each wait for openconnect */
#define PROBE_MS 8000     /* how long DPD/MTU probes are served after the handshake */

extern char **environ;

static struct tls_test_env env;

struct gateway {
	int listen_fd, tcp_fd, udp_fd;
	uint16_t tcp_port, udp_port;
	struct tls_server_ctx *ctx;
	struct tls_conn *tls;
	struct dtls_conn *dtls;
	struct dtls_params params;
	struct dtls_choice choice;
	pid_t pid;
	char log[160];
	char request[8192];
};

static int loopback_socket(int type, uint16_t *out_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*out_port = ntohs(a.sin_port);
	return fd;
}

static bool wait_fd(int fd, short events, unsigned ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, (int)ms) == 1;
}

static void spawn_openconnect(struct gateway *g, const char *dtls_ciphers)
{
	char url[64], pin[TLS_PIN_LEN], cert_opt[TLS_PIN_LEN + 16], ciphers_opt[128];
	char *argv[16];
	int argc = 0;
	posix_spawn_file_actions_t fa;

	tls_server_ctx_pin(g->ctx, pin);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/", g->tcp_port);
	snprintf(cert_opt, sizeof(cert_opt), "--servercert=%s", pin);
	argv[argc++] = OPENCONNECT;
	argv[argc++] = "-v";
	argv[argc++] = "--non-inter";
	argv[argc++] = cert_opt;
	argv[argc++] = "--cookie=sslgate-dtls-test";
	argv[argc++] = "--script-tun";
	/* reads the tunnel socket until openconnect closes it: gone when openconnect is */
	argv[argc++] = "--script=exec cat <&\"$VPNFD\" >/dev/null";
	if (dtls_ciphers != NULL) {
		snprintf(ciphers_opt, sizeof(ciphers_opt), "--dtls-ciphers=%s", dtls_ciphers);
		argv[argc++] = ciphers_opt;
	}
	argv[argc++] = url;
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, g->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	assert_int_equal(posix_spawn(&g->pid, OPENCONNECT, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
}

static void accept_tls(struct gateway *g)
{
	uint64_t end = tls_test_now_ms() + STEP_MS;
	int ret = VPN_ERR_AGAIN;

	assert_true(wait_fd(g->listen_fd, POLLIN, STEP_MS));
	g->tcp_fd = accept4(g->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	assert_true(g->tcp_fd >= 0);
	assert_int_equal(tls_conn_new_server(&g->tls, g->ctx, g->tcp_fd), 0);
	while (ret == VPN_ERR_AGAIN && tls_test_now_ms() < end) {
		ret = tls_conn_handshake(g->tls);
		if (ret == VPN_ERR_AGAIN)
			wait_fd(g->tcp_fd, tls_conn_wants_write(g->tls) ? POLLOUT : POLLIN, 100);
	}
	assert_int_equal(ret, 0);
}

static void read_request(struct gateway *g)
{
	uint64_t end = tls_test_now_ms() + STEP_MS;
	size_t len = 0, n;

	while (strstr(g->request, "\r\n\r\n") == NULL && tls_test_now_ms() < end) {
		int ret = tls_conn_read(g->tls, g->request + len, sizeof(g->request) - 1 - len, &n);

		if (ret == VPN_ERR_AGAIN) {
			wait_fd(g->tcp_fd, POLLIN, 100);
			continue;
		}
		assert_int_equal(ret, 0);
		len += n;
		g->request[len] = '\0';
	}
	assert_non_null(strstr(g->request, "\r\n\r\n"));
	assert_memory_equal(g->request, "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n", 35);
}

/* The value of header name in the request, as a view; .ptr NULL when absent. */
static struct str_view header(const struct gateway *g, const char *name)
{
	char key[64];
	const char *p;
	struct str_view v = { NULL, 0 };

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	p = strstr(g->request, key);
	if (p != NULL) {
		v.ptr = p + strlen(key);
		v.len = strcspn(v.ptr, "\r");
	}
	return v;
}

static size_t split(struct str_view value, struct str_view *out, size_t max)
{
	size_t n = 0, pos = 0;

	while (value.ptr != NULL && pos < value.len && n < max) {
		const char *colon = memchr(value.ptr + pos, ':', value.len - pos);
		size_t end = colon ? (size_t)(colon - value.ptr) : value.len;

		out[n++] = (struct str_view){ value.ptr + pos, end - pos };
		pos = end + 1;
	}
	return n;
}

static void hex(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static void unhex(uint8_t *out, struct str_view in, size_t len)
{
	assert_true(in.len >= 2 * len);
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		assert_int_equal(sscanf(in.ptr + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* Chooses as a gateway would and answers the CONNECT. */
static void answer_connect(struct gateway *g, const struct dtls_policy *policy)
{
	struct str_view legacy[16], dtls12[16];
	struct dtls_offer_view offer = { legacy, 0, dtls12, 0 };
	char id_hex[2 * DTLS_SESSION_ID_LEN + 1], resp[2048];
	const char *mtu;

	offer.legacy_count = split(header(g, "X-DTLS-CipherSuite"), legacy, 16);
	offer.dtls12_count = split(header(g, "X-DTLS12-CipherSuite"), dtls12, 16);
	assert_int_equal(dtls_choose(&g->choice, policy, &offer, g->tls), 0);
	memset(&g->params, 0, sizeof(g->params));
	g->params.mode = g->choice.mode;
	g->params.suite = g->choice.suite;
	for (size_t i = 0; i < DTLS_SESSION_ID_LEN; i++)
		g->params.id[i] = (uint8_t)(0x31 * i + 7);
	g->params.id_len = DTLS_SESSION_ID_LEN;
	g->params.tls = g->tls;
	unhex(g->params.master_secret, header(g, "X-DTLS-Master-Secret"), DTLS_MASTER_SECRET_LEN);
	assert_int_equal(tls_conn_export_psk(g->tls, g->params.psk), 0);
	hex(id_hex, g->params.id, DTLS_SESSION_ID_LEN);
	mtu = g->choice.mode == DTLS_MODE_RESUME ? "X-DTLS-MTU: 1406\r\n" : "";
	snprintf(resp, sizeof(resp),
		 "HTTP/1.1 200 CONNECTED\r\nX-CSTP-Version: 1\r\nX-CSTP-Address: 198.18.0.10\r\n"
		 "X-CSTP-Netmask: 255.255.255.0\r\nX-CSTP-DPD: 30\r\nX-CSTP-Keepalive: 20\r\n"
		 "X-CSTP-Idle-Timeout: none\r\nX-DTLS-DPD: 30\r\nX-DTLS-Keepalive: 20\r\n"
		 "X-DTLS-Port: %u\r\n%s: %s\r\n%s: %s\r\n%sX-CSTP-Base-MTU: 1500\r\n"
		 "X-CSTP-MTU: 1406\r\n\r\n",
		 g->udp_port, g->choice.mode == DTLS_MODE_PSK ? "X-DTLS-App-ID" : "X-DTLS-Session-ID",
		 id_hex, g->choice.header == DTLS_LIST_DTLS12 ? "X-DTLS12-CipherSuite" :
		 "X-DTLS-CipherSuite", g->choice.name, mtu);
	assert_int_equal(tls_conn_write(g->tls, resp, strlen(resp)), 0);
}

/* The demultiplexer's part: the first hello names our session. */
static void accept_dtls(struct gateway *g)
{
	struct sockaddr_in peer;
	socklen_t peer_len = sizeof(peer);
	uint8_t hello[4096];
	struct dtls_hello h;
	const uint8_t *key;
	size_t consumed, key_len;
	uint64_t end = tls_test_now_ms() + STEP_MS;
	ssize_t n;
	int ret = VPN_ERR_AGAIN;

	assert_true(wait_fd(g->udp_fd, POLLIN, STEP_MS));
	n = recvfrom(g->udp_fd, hello, sizeof(hello), 0, (struct sockaddr *)&peer, &peer_len);
	assert_true(n > 0);
	assert_int_equal(dtls_hello_parse(&h, &consumed, hello, (size_t)n), PARSE_DONE);
	assert_int_equal(dtls_hello_session_key(&h, &key, &key_len), 0);
	assert_int_equal(key_len, DTLS_SESSION_ID_LEN);
	assert_memory_equal(key, g->params.id, DTLS_SESSION_ID_LEN);
	assert_int_equal(connect(g->udp_fd, (struct sockaddr *)&peer, peer_len), 0);
	assert_int_equal(dtls_conn_new_server(&g->dtls, g->udp_fd, &g->params, hello, (size_t)n), 0);
	while (ret == VPN_ERR_AGAIN && tls_test_now_ms() < end) {
		ret = dtls_conn_handshake(g->dtls);
		if (ret == VPN_ERR_AGAIN)
			wait_fd(g->udp_fd, POLLIN, dtls_conn_timeout_ms(g->dtls) + 1);
	}
	if (ret != 0)
		fail_msg("DTLS handshake: %d (%s)", ret, dtls_conn_error_str(g->dtls));
}

static bool log_has(const struct gateway *g, const char *text)
{
	char buf[65536];
	FILE *f = fopen(g->log, "r");
	size_t n;

	if (f == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/* Echoes DPD requests (MTU probes included) until openconnect says DTLS is up. */
static unsigned serve_probes(struct gateway *g, const char *established)
{
	uint64_t end = tls_test_now_ms() + PROBE_MS;
	static uint8_t rec[DTLS_RECORD_MAX];
	unsigned dpd = 0;
	size_t n;

	while (tls_test_now_ms() < end &&
	       !(dpd > 0 && log_has(g, established) && log_has(g, "SSL connected and DTLS"))) {
		int ret = dtls_conn_read(g->dtls, rec, sizeof(rec), &n);

		if (ret == VPN_ERR_AGAIN) {
			wait_fd(g->udp_fd, POLLIN, 50);
			continue;
		}
		assert_int_equal(ret, 0);
		if (rec[0] == 0x03) {
			rec[0] = 0x04;
			assert_int_equal(dtls_conn_write(g->dtls, rec, n), 0);
			dpd++;
		}
	}
	return dpd;
}

static void stop_openconnect(struct gateway *g)
{
	int status;

	if (g->pid <= 0)
		return;
	kill(g->pid, SIGTERM);
	for (int i = 0; i < 50 && waitpid(g->pid, &status, WNOHANG) == 0; i++)
		usleep(100 * 1000);
	if (waitpid(g->pid, &status, WNOHANG) == 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, &status, 0);
	}
	g->pid = 0;
}

/* Everything a run made, also after a failed assertion (the test's teardown). */
static struct gateway gw;

static void gateway_cleanup(struct gateway *g)
{
	stop_openconnect(g);
	dtls_conn_free(g->dtls);
	tls_conn_free(g->tls);
	tls_server_ctx_free(g->ctx);
	dtls_params_wipe(&g->params);
	if (g->tcp_fd >= 0)
		close(g->tcp_fd);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->udp_fd >= 0)
		close(g->udp_fd);
	if (g->log[0] != '\0')
		unlink(g->log);
	memset(g, 0, sizeof(*g));
	g->tcp_fd = g->listen_fd = g->udp_fd = -1;
}

static void run(const struct dtls_policy *policy, const char *dtls_ciphers,
		const char *expect_name, const char *expect_desc)
{
	struct tls_server_config scfg = { .cert_file = env.cert, .key_file = env.key };
	struct gateway *g = &gw;
	char established[256];

	if (access(OPENCONNECT, X_OK) != 0)
		skip();
	snprintf(g->log, sizeof(g->log), "%s/openconnect.log", env.dir);
	assert_int_equal(tls_server_ctx_new(&g->ctx, &scfg), 0);
	g->listen_fd = loopback_socket(SOCK_STREAM, &g->tcp_port);
	assert_int_equal(listen(g->listen_fd, 4), 0);
	g->udp_fd = loopback_socket(SOCK_DGRAM, &g->udp_port);
	spawn_openconnect(g, dtls_ciphers);
	accept_tls(g);
	read_request(g);
	answer_connect(g, policy);
	assert_string_equal(g->choice.name, expect_name);
	accept_dtls(g);
	assert_string_equal(dtls_conn_description(g->dtls), expect_desc);
	/* the probes come at the full MTU: 1500 less IPv4 and UDP */
	dtls_conn_set_mtu(g->dtls, 1500 - 20 - 8);
	snprintf(established, sizeof(established),
		 "Established DTLS connection (using GnuTLS). Ciphersuite %s.", expect_desc);
	assert_true(serve_probes(g, established) > 0);
	if (!log_has(g, established))
		fail_msg("openconnect did not log: %s", established);
	/* its MTU probes were echoed at full size, so it kept the MTU it was given */
	assert_true(log_has(g, "No change in MTU after detection (was 1406)"));
	/* "connected" or "established", depending on when its main loop first ran */
	assert_true(log_has(g, "with SSL connected and DTLS connected") ||
		    log_has(g, "with SSL connected and DTLS established"));
}

static int run_setup(void **state)
{
	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.tcp_fd = gw.listen_fd = gw.udp_fd = -1;
	return 0;
}

static int run_teardown(void **state)
{
	(void)state;
	gateway_cleanup(&gw);
	return 0;
}

static const struct dtls_policy psk_on = { .is_legacy_enabled = true, .is_psk_enabled = true };
static const struct dtls_policy psk_off = { .is_legacy_enabled = true };

static void openconnect_psk(void **state)
{
	(void)state;
	run(&psk_on, NULL, "PSK-NEGOTIATE", "(DTLS1.2)-(PSK)-(AES-256-GCM)");
}

static void openconnect_dtls12(void **state)
{
	(void)state;
	run(&psk_off, NULL, "AES256-GCM-SHA384", "(DTLS1.2)-(RSA)-(AES-256-GCM)");
}

static void openconnect_legacy_aes256(void **state)
{
	(void)state;
	run(&psk_on, "AES256-SHA", "AES256-SHA", "(DTLS0.9)-(RSA)-(AES-256-CBC)-(SHA1)");
}

static void openconnect_legacy_aes128(void **state)
{
	(void)state;
	run(&psk_on, "AES128-SHA", "AES128-SHA", "(DTLS0.9)-(RSA)-(AES-128-CBC)-(SHA1)");
}

static void openconnect_oc_dtls12(void **state)
{
	(void)state;
	run(&psk_on, "OC-DTLS1_2-AES128-GCM", "OC-DTLS1_2-AES128-GCM",
	    "(DTLS1.2)-(RSA)-(AES-128-GCM)");
}

static int setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return tls_test_env_init(&env, "vpn.example.test");
}

static int teardown(void **state)
{
	(void)state;
	tls_test_env_cleanup(&env);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(openconnect_psk, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(openconnect_dtls12, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(openconnect_legacy_aes256, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(openconnect_legacy_aes128, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(openconnect_oc_dtls12, run_setup, run_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
