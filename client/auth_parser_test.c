/* SPDX-License-Identifier: ISC */
/*
 * The parser child, linked as the client links libxml2 (loaded at run
 * time): real gateway documents come back with their values; the parent
 * never maps libxml2, ICU or anything else new while the child does; the
 * child keeps only its socket and stderr, under seccomp; a child killed
 * mid-login, a hanging one and one that answers garbage each fail the
 * parse with an error naming the cause, and the next parse starts afresh;
 * a child started once (the client's way) holds no secret learnt after
 * its fork and is never replaced.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "client/auth_parser.h"
#include "lib/auth/test_docs.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "tests/vectors/vectors.h"

static void parse_ok(struct auth_parser *p, struct auth_doc *doc, const char *xml)
{
	struct auth_xml_error err;
	int rc;

	auth_doc_init(doc);
	rc = auth_parser_parse(p, doc, xml, strlen(xml), &err);
	if (rc != 0)
		fail_msg("%s (%s)", err.text, vpn_err_str(rc));
}

static void real_documents(void **state)
{
	struct auth_parser p;
	struct auth_doc doc;
	pid_t old;

	auth_parser_init(&p);
	parse_ok(&p, &doc, V02_BODY);
	assert_int_equal(doc.type, AUTH_DOC_AUTH_REQUEST);
	assert_string_equal(doc.message.text, "Please enter your username.");
	assert_string_equal(doc.form.fields[0].name, "username");
	assert_string_equal(doc.form.fields[1].options[2].value, "sales");
	assert_string_equal(doc.form.fields[1].options[2].label, "Sales - LAN host only");
	auth_doc_cleanup(&doc);

	parse_ok(&p, &doc, V05_BODY);
	assert_int_equal(doc.form.fields[0].type, AUTH_FIELD_PASSWORD);
	assert_string_equal(doc.form.fields[0].label, "Password:");
	auth_doc_cleanup(&doc);

	parse_ok(&p, &doc, V06_BODY);
	assert_int_equal(doc.type, AUTH_DOC_COMPLETE);
	assert_string_equal(doc.auth_id, "success");
	assert_string_equal(doc.files[0].uri, "/profiles/profile.xml");
	assert_string_equal(doc.files[0].hash, "C54090310389BE94B95DD234707D5E2B0FDD71F9");
	auth_doc_cleanup(&doc);

	parse_ok(&p, &doc, ASA_COMPLETE);
	assert_string_equal(doc.session_token, "3A1B2C@12288@6E7F@9A8B7C6D5E4F");
	auth_doc_cleanup(&doc);
	old = p.pid;
	auth_parser_stop(&p);
	assert_int_equal(p.fd, -1);
	/* The next login's child; the old one is reaped on the way. */
	assert_int_equal(auth_parser_start(&p, NULL), 0);
	assert_true(p.pid > 0 && p.pid != old);
	assert_int_equal(waitpid(old, NULL, WNOHANG), -1);
	auth_parser_stop(&p);
}

/* A refused document is the document's fault: the same codes and text as in-process. */
static void refused_documents(void **state)
{
	static const char html[] = "<html><body>Login</body></html>";
	struct auth_xml_error err;
	struct auth_parser p;
	struct auth_doc doc;
	pid_t pid;

	auth_parser_init(&p);
	auth_doc_init(&doc);
	assert_int_equal(auth_parser_parse(&p, &doc, html, strlen(html), &err), VPN_ERR_INVALID);
	assert_string_equal(err.text, "auth xml: line 1: unknown root element 'html'");
	assert_int_equal(doc.type, AUTH_DOC_NONE);
	pid = p.pid;
	assert_true(pid > 0);
	assert_int_equal(auth_parser_parse(&p, &doc, html, 64 * 1024 + 1, &err), VPN_ERR_TOO_BIG);
	assert_string_equal(err.text, "auth xml: document is 65537 bytes, limit 65536");
	/* Same child: a refusal is no reason to replace it. */
	parse_ok(&p, &doc, V05_BODY);
	assert_int_equal(p.pid, pid);
	auth_doc_cleanup(&doc);
	auth_parser_stop(&p);
}

/* Names of the shared objects in a maps file, one per line, in a static buffer. */
static const char *mapped_objects(pid_t pid)
{
	static char out[16384];
	char path[64], line[512];
	size_t used = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	assert_non_null(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '/');

		if (!name || !strstr(name, ".so"))
			continue;
		name[strcspn(name, "\n")] = '\0';
		if (strstr(out, name))
			continue;
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s\n", name);
		assert_true(used < sizeof(out));
	}
	fclose(f);
	return out;
}

static void parent_never_maps_libxml2(void **state)
{
	char before[16384];
	struct auth_parser p;
	struct auth_doc doc;
	const char *child, *after;

	snprintf(before, sizeof(before), "%s", mapped_objects(getpid()));
	auth_parser_init(&p);
	parse_ok(&p, &doc, V02_BODY);
	auth_doc_cleanup(&doc);
	child = mapped_objects(p.pid);
	assert_non_null(strstr(child, "/libxml2.so"));
	parse_ok(&p, &doc, V06_BODY);
	auth_doc_cleanup(&doc);
	after = mapped_objects(getpid());
	assert_null(strstr(after, "libxml2"));
	assert_null(strstr(after, "libicu"));
	/* Nothing at all was added: libstdc++ comes with ICU and would never leave. */
	assert_string_equal(after, before);
	auth_parser_stop(&p);
}

static void child_is_confined(void **state)
{
	struct auth_parser p;
	struct auth_doc doc;
	char path[64], target[256], line[256];
	unsigned n_fds = 0;
	unsigned n_confined = 0;
	FILE *f;

	auth_parser_init(&p);
	parse_ok(&p, &doc, V05_BODY);
	auth_doc_cleanup(&doc);
	for (int fd = 0; fd < 1024; fd++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)p.pid, fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		n_fds++;
		if (fd < 2)
			assert_string_equal(target, "/dev/null");
		else if (fd == 3)
			assert_non_null(strstr(target, "socket:"));
		else
			assert_int_equal(fd, 2);
	}
	assert_int_equal(n_fds, 4);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)p.pid);
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strcmp(line, "NoNewPrivs:\t1\n") == 0 || strcmp(line, "Seccomp:\t2\n") == 0)
			n_confined++;
	fclose(f);
	assert_int_equal(n_confined, 2);
	auth_parser_stop(&p);
}

/* Kills the child with sig and waits until it is dead, without reaping it. */
static void kill_child(pid_t pid, int sig)
{
	siginfo_t info;

	assert_int_equal(kill(pid, sig), 0);
	assert_int_equal(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
}

static void child_killed_mid_login(void **state)
{
	static const struct {
		int sig;
		const char *cause;
	} cases[] = {
		{ SIGKILL, "the XML parser process closed its socket (killed by signal 9, Killed)" },
		{ SIGSEGV, "the XML parser process closed its socket (killed by signal 11, "
			   "Segmentation fault)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct auth_xml_error err;
		struct auth_parser p;
		struct auth_doc doc;

		auth_parser_init(&p);
		parse_ok(&p, &doc, V02_BODY);
		auth_doc_cleanup(&doc);
		kill_child(p.pid, cases[i].sig);
		assert_int_equal(auth_parser_parse(&p, &doc, V05_BODY, strlen(V05_BODY), &err),
				 VPN_ERR_IO);
		assert_string_equal(err.text, cases[i].cause);
		assert_int_equal(doc.type, AUTH_DOC_NONE);
		assert_int_equal(p.pid, 0);
		/* The next document gets a new child. */
		parse_ok(&p, &doc, V05_BODY);
		auth_doc_cleanup(&doc);
		auth_parser_stop(&p);
	}
}

/* A stand-in child that reads one document and answers with the given bytes. */
static void fake_child(struct auth_parser *p, const void *answer, size_t len, int exit_code)
{
	int sv[2];
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint8_t head[4];
		static uint8_t body[64 * 1024];
		size_t body_len;

		close(sv[0]);
		if (read(sv[1], head, 4) != 4)
			_exit(1);
		body_len = (size_t)head[0] << 24 | (size_t)head[1] << 16 | head[2] << 8 | head[3];
		if (recv(sv[1], body, body_len, MSG_WAITALL) != (ssize_t)body_len)
			_exit(1);
		if (len > 0 && write(sv[1], answer, len) != (ssize_t)len)
			_exit(1);
		if (exit_code < 0)
			pause(); /* hangs until killed */
		_exit(exit_code);
	}
	close(sv[1]);
	p->fd = sv[0];
	p->pid = pid;
}

static int parse_with_fake(const void *answer, size_t len, int exit_code,
			   struct auth_xml_error *err)
{
	struct auth_parser p;
	struct auth_doc doc;
	int rc;

	auth_parser_init(&p);
	p.timeout_ms = 300;
	fake_child(&p, answer, len, exit_code);
	auth_doc_init(&doc);
	rc = auth_parser_parse(&p, &doc, V05_BODY, strlen(V05_BODY), err);
	if (rc != 0) {
		assert_int_equal(doc.type, AUTH_DOC_NONE);
		assert_null(doc.version);
	}
	auth_doc_cleanup(&doc);
	auth_parser_stop(&p);
	return rc;
}

#define ANSWER(len, result) \
	(uint8_t)((len) >> 24), (uint8_t)((len) >> 16), (uint8_t)((len) >> 8), (uint8_t)(len), \
	(uint8_t)((uint32_t)(result) >> 24), (uint8_t)((uint32_t)(result) >> 16), \
	(uint8_t)((uint32_t)(result) >> 8), (uint8_t)(result)

static void garbage_answers(void **state)
{
	static const uint8_t fine_refusal[] = { ANSWER(10, VPN_ERR_INVALID), 'a', 'u', 't', 'h', ' ',
						'x', 'm', 'l', ':', ' ' };
	static const uint8_t bad_doc[] = { ANSWER(5, 0), 1, 4, 0, 0, 0 };
	static const uint8_t bad_result[] = { ANSWER(0, VPN_ERR_TLS) };
	static const uint8_t huge[] = { ANSWER(2u * 1024 * 1024, 0) };
	static const uint8_t escape[] = { ANSWER(4, VPN_ERR_INVALID), 0x1b, '[', '2', 'J' };
	static const uint8_t cut[] = { ANSWER(100, 0), 1, 4 };
	struct auth_xml_error err;

	assert_int_equal(parse_with_fake(fine_refusal, sizeof(fine_refusal), 0, &err),
			 VPN_ERR_INVALID);
	assert_string_equal(err.text, "auth xml: ");
	assert_int_equal(parse_with_fake(bad_doc, sizeof(bad_doc), -1, &err), VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process sent a document that fails the "
			    "checks (it was still running and has been stopped)");
	assert_int_equal(parse_with_fake(bad_result, sizeof(bad_result), -1, &err), VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process sent a malformed answer "
			    "(it was still running and has been stopped)");
	assert_int_equal(parse_with_fake(huge, sizeof(huge), -1, &err), VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process sent a malformed answer "
			    "(it was still running and has been stopped)");
	assert_int_equal(parse_with_fake(escape, sizeof(escape), -1, &err), VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process sent a malformed refusal "
			    "(it was still running and has been stopped)");
	assert_int_equal(parse_with_fake(cut, sizeof(cut), 3, &err), VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process closed its socket "
			    "(exited with status 3)");
	assert_int_equal(parse_with_fake(NULL, 0, -1, &err), VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process did not answer in time "
			    "(it was still running and has been stopped)");
}

/* What a child's memory holds at &secret (the same address after fork); -1 if unreadable. */
static int read_child_memory(pid_t pid, const void *addr, void *out, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, out, len, (off_t)(uintptr_t)addr);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * The client's child is forked before any secret: one the parent learns
 * later is not in the child's memory (a child forked afterwards, the
 * control, has it), and once that child is gone no other is forked.
 */
static void started_once_never_forks_again(void **state)
{
	static char secret[32];
	static const char password[] = "correct horse battery staple";
	struct auth_parser once, late;
	struct auth_xml_error err;
	struct auth_doc doc;
	char seen[sizeof(secret)];

	(void)state;
	auth_parser_init(&once);
	assert_int_equal(auth_parser_start_once(&once, &err), 0);
	memcpy(secret, password, sizeof(password));
	auth_parser_init(&late);
	assert_int_equal(auth_parser_start(&late, NULL), 0);
	if (read_child_memory(late.pid, secret, seen, sizeof(seen)) == 0) {
		assert_memory_equal(seen, password, sizeof(password));
		assert_int_equal(read_child_memory(once.pid, secret, seen, sizeof(seen)), 0);
		for (size_t i = 0; i < sizeof(seen); i++)
			assert_int_equal(seen[i], 0);
	} else {
		print_message("/proc/PID/mem unreadable here: memory not compared\n");
	}
	auth_parser_stop(&late);
	buf_wipe(secret, sizeof(secret));

	parse_ok(&once, &doc, V05_BODY);
	assert_int_equal(doc.form.fields[0].type, AUTH_FIELD_PASSWORD);
	auth_doc_cleanup(&doc);
	auth_parser_stop(&once);
	auth_doc_init(&doc);
	assert_int_equal(auth_parser_parse(&once, &doc, V05_BODY, strlen(V05_BODY), &err),
			 VPN_ERR_IO);
	assert_string_equal(err.text, "the XML parser process has ended and is not started "
			    "again once the client may hold secrets");
	assert_int_equal(once.pid, 0);
	assert_int_equal(once.fd, -1);
	auth_doc_cleanup(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parent_never_maps_libxml2),
		cmocka_unit_test(real_documents),
		cmocka_unit_test(refused_documents),
		cmocka_unit_test(child_is_confined),
		cmocka_unit_test(child_killed_mid_login),
		cmocka_unit_test(garbage_answers),
		cmocka_unit_test(started_once_never_forks_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
