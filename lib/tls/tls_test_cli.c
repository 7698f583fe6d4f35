/* SPDX-License-Identifier: ISC */
/*
 * tls_test.c's outside witness for the exporter: gnutls-cli connects to our
 * server on 127.0.0.1 and prints its own --keymatexport value. Everything is
 * bounded in time; the child is waited for, or killed by its PID.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/tls/tls_test_util.h"

#define CLI_TIMEOUT_MS 5000

static int listen_loopback(int *out_fd, unsigned *out_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 1) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		close(fd);
		return -1;
	}
	*out_fd = fd;
	*out_port = ntohs(sin.sin_port);
	return 0;
}

static pid_t spawn_cli(unsigned port, const char *prio, int out_fd)
{
	char port_arg[32], prio_arg[256];
	pid_t pid;

	snprintf(port_arg, sizeof(port_arg), "--port=%u", port);
	snprintf(prio_arg, sizeof(prio_arg), "--priority=%s", prio);
	pid = fork();
	if (pid != 0)
		return pid;
	int null_fd = open("/dev/null", O_RDWR);

	dup2(null_fd, 0);
	dup2(out_fd, 1);
	dup2(null_fd, 2);
	execlp("gnutls-cli", "gnutls-cli", "--insecure", port_arg, prio_arg,
	       "--keymatexport=EXPORTER-openconnect-psk", "--keymatexportsize=32",
	       "127.0.0.1", (char *)NULL);
	_exit(127);
}

static bool wait_fd(int fd, bool is_write, int ms)
{
	struct pollfd p = { .fd = fd, .events = is_write ? POLLOUT : POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* At most 200 waits of 50 ms. */
static int handshake(struct tls_conn *c, int fd)
{
	for (int i = 0; i < 200; i++) {
		int ret = tls_conn_handshake(c);

		if (ret != VPN_ERR_AGAIN)
			return ret;
		wait_fd(fd, tls_conn_wants_write(c), 50);
	}
	return VPN_ERR_AGAIN;
}

static int serve_one(const struct tls_test_env *env, const char *prio, int fd, uint8_t out[32])
{
	struct tls_server_config cfg = { .cert_file = env->cert, .key_file = env->key,
					 .priorities = prio };
	struct tls_server_ctx *ctx = NULL;
	struct tls_conn *c = NULL;
	int ret;

	ret = tls_server_ctx_new(&ctx, &cfg);
	if (ret == 0)
		ret = tls_conn_new_server(&c, ctx, fd);
	if (ret == 0)
		ret = handshake(c, fd);
	if (ret == 0)
		ret = tls_conn_export_psk(c, out);
	if (c != NULL)
		tls_conn_bye(c);
	tls_conn_free(c);
	tls_server_ctx_free(ctx);
	return ret == 0 ? 0 : -1;
}

static int parse_key(const char *text, uint8_t out[32])
{
	const char *p = strstr(text, "Key material: ");

	if (p == NULL)
		return -1;
	p += strlen("Key material: ");
	for (size_t i = 0; i < 32; i++) {
		unsigned v;

		if (sscanf(p + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Reads the child's output until EOF, then reaps it (or kills it at the deadline). */
static int collect(pid_t pid, int fd, char *buf, size_t cap)
{
	size_t len = 0;
	int status = 0;
	ssize_t n = 1;

	while (n > 0 && len + 1 < cap && wait_fd(fd, false, CLI_TIMEOUT_MS)) {
		n = read(fd, buf + len, cap - 1 - len);
		if (n > 0)
			len += (size_t)n;
	}
	buf[len] = '\0';
	for (int i = 0; i < CLI_TIMEOUT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return 0;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int tls_test_cli_export(const struct tls_test_env *env, const char *prio,
			uint8_t ours[32], uint8_t theirs[32])
{
	char text[16384];
	int lfd, cfd = -1, pipefd[2];
	unsigned port;
	pid_t pid;
	int ret = -1;

	if (access("/usr/bin/gnutls-cli", X_OK) != 0)
		return 77;
	if (listen_loopback(&lfd, &port) != 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		close(lfd);
		return -1;
	}
	pid = spawn_cli(port, prio, pipefd[1]);
	close(pipefd[1]);
	if (pid > 0 && wait_fd(lfd, false, CLI_TIMEOUT_MS))
		cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd >= 0)
		ret = serve_one(env, prio, cfd, ours);
	if (cfd >= 0)
		close(cfd);
	if (pid > 0 && collect(pid, pipefd[0], text, sizeof(text)) != 0)
		ret = -1;
	if (ret == 0)
		ret = parse_key(text, theirs);
	close(pipefd[0]);
	close(lfd);
	return ret;
}
