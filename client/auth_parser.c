/* SPDX-License-Identifier: ISC */
/*
 * The XML parser child and the parent's side of its socket
 * (client/auth_parser.h). The child's half is short on purpose: read a
 * document, parse it, answer, and exit at the first thing that is off.
 * The parent's half bounds every wait and checks every byte it gets.
 */
#include "client/auth_parser.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/sandbox/seccomp.h"
#include "lib/auth/doc_wire.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

enum {
	ANSWER_HEAD_LEN = 8, /* u32 payload length, i32 result */
	CHILD_FD = 3,        /* where the child keeps its socket */
	REAP_TRIES = 50,     /* 2 ms apart: a child whose socket closed is gone by then */
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The child */

/*
 * All of buf read from, or sent to, the parent; false once it is gone or
 * on an error. Blocking: the parent bounds the wait on its side.
 */
static bool child_transfer(int fd, uint8_t *buf, size_t len, bool is_send)
{
	while (len > 0) {
		ssize_t n = is_send ? send(fd, buf, len, MSG_NOSIGNAL) : read(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Ctrl-C and hang-ups are for the client: it closes the socket and the
 * child follows. A child killed with it would look like a crash mid-login.
 * A crash, though, must end the child as a crash, whatever handler the
 * parent had installed for it.
 */
static void child_signals(void)
{
	static const int ignored[] = { SIGINT, SIGHUP, SIGTERM, SIGPIPE };
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		sigaction(ignored[i], &sa, NULL);
	sa.sa_handler = SIG_DFL;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

/* The socket moves to CHILD_FD; stdin and stdout become /dev/null; stderr stays. */
static void child_fds(int fd)
{
	int null_fd;

	if (fd != CHILD_FD && dup2(fd, CHILD_FD) != CHILD_FD)
		_exit(1);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0) {
		close(0);
		close(1);
	}
	if (close_range(CHILD_FD + 1, ~0u, 0) != 0)
		for (int i = CHILD_FD + 1; i < 1024; i++)
			close(i);
}

/*
 * Loads libxml2 (and sets up its parser) by reading a probe, before the
 * sandbox forbids opening files. The probe is no login document, so its
 * refusal is the good outcome; anything else says the library is missing.
 */
static int child_warm_up(struct auth_xml_error *err)
{
	static const char probe[] = "<warm-up/>";
	struct auth_doc doc;
	int rc;

	auth_doc_init(&doc);
	rc = auth_xml_read(&doc, probe, sizeof(probe) - 1, err);
	auth_doc_cleanup(&doc);
	return rc == VPN_ERR_INVALID ? 0 : rc;
}

/*
 * The parser's own filter (lib/sandbox/seccomp.h): its socket and
 * stderr are its only way out; no new socket, no send to an address, no
 * exec, no files, no ptrace, no new privileges.
 */
static void child_sandbox(void)
{
	int rc = sandbox_seccomp_parser(SANDBOX_DEFAULT_EPERM, sandbox_seccomp_default_flags());

	if (rc != 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		log_debug("XML parser process: no seccomp filter (%s)", vpn_err_str(rc));
	}
}

/* Parses body and lays out the answer in answer[]; returns its length. */
static size_t child_answer(uint8_t *answer, const uint8_t *body, size_t len, int load_rc,
			   const struct auth_xml_error *load_err)
{
	struct auth_xml_error err = *load_err;
	struct auth_doc doc;
	struct buf_writer w;
	int rc = load_rc;

	auth_doc_init(&doc);
	buf_writer_init(&w, answer + ANSWER_HEAD_LEN, AUTH_DOC_WIRE_MAX_SIZE);
	if (rc == 0)
		rc = auth_xml_read(&doc, body, len, &err);
	if (rc == 0) {
		rc = auth_doc_wire_encode(&w, &doc);
		if (rc != 0)
			snprintf(err.text, sizeof(err.text), "auth xml: the document is too large "
				 "to hand over (%s)", vpn_err_str(rc));
	}
	auth_doc_cleanup(&doc);
	if (rc != 0) {
		buf_wipe(answer + ANSWER_HEAD_LEN, w.len);
		buf_writer_init(&w, answer + ANSWER_HEAD_LEN, sizeof(err.text) - 1);
		buf_write_str(&w, err.text[0] ? err.text : "auth xml: refused");
	}
	put_be32(answer, (uint32_t)w.len);
	put_be32(answer + 4, (uint32_t)rc);
	return ANSWER_HEAD_LEN + w.len;
}

/* One document in, one answer out; false when the parent is gone or off. */
static bool child_serve_one(uint8_t *answer, int load_rc, const struct auth_xml_error *load_err)
{
	uint8_t head[4];
	uint8_t *body;
	size_t len, answer_len;
	bool is_sent;

	if (!child_transfer(CHILD_FD, head, sizeof(head), false))
		return false;
	len = get_be32(head);
	if (len > AUTH_XML_MAX_SIZE)
		return false; /* the parent never sends more */
	body = malloc(len ? len : 1);
	if (!body || !child_transfer(CHILD_FD, body, len, false)) {
		free(body);
		return false;
	}
	answer_len = child_answer(answer, body, len, load_rc, load_err);
	buf_wipe(body, len);
	free(body);
	is_sent = child_transfer(CHILD_FD, answer, answer_len, true);
	buf_wipe(answer, answer_len);
	return is_sent;
}

static __attribute__((noreturn)) void child_main(int fd)
{
	struct auth_xml_error load_err = { "" };
	uint8_t *answer;
	int load_rc;

	child_signals();
	child_fds(fd);
	load_rc = child_warm_up(&load_err);
	child_sandbox();
	answer = malloc(ANSWER_HEAD_LEN + AUTH_DOC_WIRE_MAX_SIZE);
	while (answer && child_serve_one(answer, load_rc, &load_err))
		;
	/* _exit: the parent's atexit handlers and stdio buffers are not ours. */
	_exit(answer ? 0 : 1);
}

/* The parent */

void auth_parser_init(struct auth_parser *p)
{
	p->fd = -1;
	p->pid = 0;
	p->timeout_ms = AUTH_PARSER_TIMEOUT_MS;
	p->is_once = false;
}

static int fail(struct auth_xml_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct auth_xml_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return code;
}

/* A child stopped earlier that was still on its way out: it has been killed, so this is short. */
static void reap_stopped(struct auth_parser *p)
{
	if (p->fd < 0 && p->pid > 0) {
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
		p->pid = 0;
	}
}

int auth_parser_start(struct auth_parser *p, struct auth_xml_error *err)
{
	int sv[2];
	pid_t pid;

	if (p->fd >= 0)
		return 0;
	reap_stopped(p);
	if (p->is_once)
		return fail(err, VPN_ERR_IO, "the XML parser process has ended and is not "
			    "started again once the client may hold secrets");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return fail(err, VPN_ERR_IO, "cannot start the XML parser process: socketpair: %s",
			    strerror(errno));
	pid = fork();
	if (pid < 0) {
		int saved = errno;

		close(sv[0]);
		close(sv[1]);
		return fail(err, VPN_ERR_IO, "cannot start the XML parser process: fork: %s",
			    strerror(saved));
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(sv[1]);
	}
	close(sv[1]);
	p->fd = sv[0];
	p->pid = pid;
	return 0;
}

int auth_parser_start_once(struct auth_parser *p, struct auth_xml_error *err)
{
	int rc = auth_parser_start(p, err);

	p->is_once = true;
	return rc;
}

void auth_parser_stop(struct auth_parser *p)
{
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
		/*
		 * Nothing in it is worth an orderly exit. Its address space is
		 * torn down on the other core while the login goes on: waiting
		 * here cost 0.4 ms (median) of every connect.
		 */
		kill(p->pid, SIGKILL);
	}
	if (p->pid > 0 && waitpid(p->pid, NULL, WNOHANG) != 0)
		p->pid = 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* 0 once fd is ready for events, VPN_ERR_AGAIN at the deadline, VPN_ERR_IO. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		uint64_t now = now_ms();
		int n;

		if (now >= deadline)
			return VPN_ERR_AGAIN;
		n = poll(&pfd, 1, (int)(deadline - now));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return VPN_ERR_IO;
	}
}

/* Sends or receives all of buf before the deadline; VPN_ERR_CLOSED when the child is gone. */
static int transfer(int fd, uint8_t *buf, size_t len, bool is_send, uint64_t deadline)
{
	while (len > 0) {
		int rc = wait_fd(fd, is_send ? POLLOUT : POLLIN, deadline);
		ssize_t n;

		if (rc != 0)
			return rc;
		n = is_send ? send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT)
			    : recv(fd, buf, len, MSG_DONTWAIT);
		if (n == 0 && !is_send)
			return VPN_ERR_CLOSED;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? VPN_ERR_CLOSED : VPN_ERR_IO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* How the child ended, after closing our end; kills it unless it is known to be ending. */
static void reap(struct auth_parser *p, bool is_ending, char *out, size_t out_len)
{
	int status = 0;
	pid_t got = 0;

	close(p->fd);
	for (int i = 0; is_ending && i < REAP_TRIES && got == 0; i++) {
		got = waitpid(p->pid, &status, WNOHANG);
		if (got == 0)
			nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	if (got <= 0) {
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
		snprintf(out, out_len, "it was still running and has been stopped");
	} else if (WIFSIGNALED(status)) {
		snprintf(out, out_len, "killed by signal %d, %s", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	} else {
		snprintf(out, out_len, "exited with status %d", WEXITSTATUS(status));
	}
	p->fd = -1;
	p->pid = 0;
}

/* The child failed us: it is stopped, err says what happened and how it ended. */
static int broken(struct auth_parser *p, struct auth_xml_error *err, int io_rc, const char *what)
{
	char how[96];

	if (io_rc == VPN_ERR_CLOSED)
		what = "closed its socket";
	else if (io_rc == VPN_ERR_AGAIN)
		what = "did not answer in time";
	else if (io_rc == VPN_ERR_IO)
		what = "cannot be reached";
	reap(p, io_rc == VPN_ERR_CLOSED, how, sizeof(how));
	return fail(err, VPN_ERR_IO, "the XML parser process %s (%s)", what, how);
}

/* What the child may report: auth_xml_read's results. */
static bool is_known_result(int rc)
{
	return rc == 0 || rc == VPN_ERR_INVALID || rc == VPN_ERR_TOO_BIG ||
	       rc == VPN_ERR_NOMEM || rc == VPN_ERR_NOT_FOUND;
}

/* A refusal's text goes to the log: printable ASCII, and nothing else. */
static bool take_refusal(struct auth_xml_error *err, const uint8_t *text, size_t len)
{
	if (len == 0 || len >= sizeof(err->text))
		return false;
	for (size_t i = 0; i < len; i++)
		if (text[i] < 0x20 || text[i] >= 0x7f)
			return false;
	memcpy(err->text, text, len);
	err->text[len] = '\0';
	return true;
}

/* The answer's payload: a doc or a refusal, checked; payload is wiped by the caller. */
static int take_payload(struct auth_doc *out, struct auth_xml_error *err, int result,
			const uint8_t *payload, size_t len, const char **out_what)
{
	int rc;

	if (result != 0) {
		*out_what = "sent a malformed refusal";
		return take_refusal(err, payload, len) ? result : VPN_ERR_IO;
	}
	rc = auth_doc_wire_decode(out, payload, len);
	*out_what = "sent a document that fails the checks";
	return rc == 0 ? 0 : VPN_ERR_IO;
}

static int receive(struct auth_parser *p, struct auth_doc *out, struct auth_xml_error *err,
		   uint64_t deadline)
{
	uint8_t head[ANSWER_HEAD_LEN];
	const char *what = "sent a malformed answer";
	uint8_t *payload;
	uint32_t len;
	int result, rc;

	rc = transfer(p->fd, head, sizeof(head), false, deadline);
	if (rc != 0)
		return broken(p, err, rc, NULL);
	len = get_be32(head);
	result = (int)(int32_t)get_be32(head + 4);
	if (!is_known_result(result) ||
	    len > (result == 0 ? AUTH_DOC_WIRE_MAX_SIZE : sizeof(err->text) - 1))
		return broken(p, err, 0, what);
	payload = malloc(len ? len : 1);
	if (!payload)
		return broken(p, err, 0, "answered, and there is no memory for the answer");
	rc = transfer(p->fd, payload, len, false, deadline);
	if (rc == 0)
		rc = take_payload(out, err, result, payload, len, &what);
	else
		what = NULL;
	buf_wipe(payload, len);
	free(payload);
	if (rc == VPN_ERR_IO || rc == VPN_ERR_CLOSED || rc == VPN_ERR_AGAIN)
		return broken(p, err, what ? 0 : rc, what);
	return rc;
}

int auth_parser_parse(struct auth_parser *p, struct auth_doc *out, const void *body,
		      size_t len, struct auth_xml_error *err)
{
	struct auth_xml_error local;
	uint8_t head[4];
	uint64_t deadline;
	int rc;

	if (!err)
		err = &local;
	err->text[0] = '\0';
	/* The child would refuse it too, after a pointless trip. */
	if (len > AUTH_XML_MAX_SIZE)
		return fail(err, VPN_ERR_TOO_BIG, "auth xml: document is %zu bytes, limit %d",
			    len, AUTH_XML_MAX_SIZE);
	rc = auth_parser_start(p, err);
	if (rc != 0)
		return rc;
	deadline = now_ms() + (uint64_t)p->timeout_ms;
	put_be32(head, (uint32_t)len);
	rc = transfer(p->fd, head, sizeof(head), true, deadline);
	if (rc == 0)
		rc = transfer(p->fd, (uint8_t *)body, len, true, deadline);
	if (rc != 0)
		return broken(p, err, rc, NULL);
	return receive(p, out, err, deadline);
}
