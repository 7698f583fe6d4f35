/* SPDX-License-Identifier: ISC */
/*
 * authd as a process: the test plays the parent and one worker over the
 * same sockets sslgated uses, with a password file written by Debian's
 * ocpasswd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gateway/authd/authd.h"
#include "gateway/conf.h"
#include "gateway/privsep/msg.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

/* ocpasswd -g engineering,sales alice (correct-horse); ocpasswd -l carol (s3cret pass) */
#define LINE_ALICE "alice:engineering,sales:$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1\n"
#define LINE_CAROL "carol:sales:!$5$FUs3Wky2eEQSg1HZ$3gSpKD.V1CVe0vvW/sCf/0pBMMueV2afgQsbnbE8ebD\n"
/* openssl passwd -5 -salt Yb0qN3vJq7w2Lk9a tr0ub4dor */
#define LINE_BOB "bob::$5$Yb0qN3vJq7w2Lk9a$7RwjfxVXnXXSuOcMqjK7q6iaMWG6kT4RDUPVnKj/676\n"

struct env {
	char dir[64];
	char passwd[96];
	pid_t pid;
	int parent;     /* our end of authd's parent socket */
	int worker;     /* our end of worker 0's authd socket */
	uint32_t req;
};

static void write_passwd(struct env *e, const char *text)
{
	char tmp[128];
	FILE *f;

	/* like ocpasswd: a new file renamed over the old one */
	snprintf(tmp, sizeof(tmp), "%s.tmp", e->passwd);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, e->passwd), 0);
}

static void recv_msg(int fd, void *out, size_t size, uint16_t type, int *out_fd)
{
	uint8_t buf[MSG_MAX_SIZE];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len;
	int got_fd;

	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(msg_recv(fd, buf, sizeof(buf), &len, &got_fd), 0);
	assert_int_equal(msg_check(buf, len), 0);
	assert_int_equal(((struct msg_header *)buf)->type, type);
	assert_int_equal(len, size);
	memcpy(out, buf, size);
	if (out_fd)
		*out_fd = got_fd;
	else if (got_fd >= 0)
		close(got_fd);
}

/* has_plain: the config names the password file (else it is certificate-only). */
static void spawn_authd(struct env *e, const char *extra, bool has_plain)
{
	int ps[2], ws[2], fd;
	char text[512];
	struct msg_worker attach;

	strcpy(e->dir, "/tmp/sslgate-authd-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->passwd, sizeof(e->passwd), "%s/ocpasswd", e->dir);
	write_passwd(e, LINE_ALICE LINE_CAROL LINE_BOB);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ps), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ws), 0);
	e->pid = fork();
	assert_true(e->pid >= 0);
	if (e->pid == 0) {
		struct gw_config *cfg = NULL;

		close(ps[0]);
		close(ws[0]);
		close(ws[1]);
		snprintf(text, sizeof(text), "%s%s%s"
			 "ipv4-network = 198.19.10.0/24\n%s", has_plain ? "auth = \"plain[passwd=" : "",
			 has_plain ? e->passwd : "", has_plain ? "]\"\n" : "", extra);
		if (gw_config_load_text(&cfg, text, strlen(text), "authd-test.conf") < 0)
			_exit(3);
		fd = has_plain ? open(e->passwd, O_RDONLY | O_CLOEXEC) : -1;
		_exit(authd_main(cfg, ps[1], fd) == 0 ? 0 : 1);
	}
	close(ps[1]);
	e->parent = ps[0];
	e->worker = ws[0];
	msg_init(&attach.h, MSG_WORKER_ATTACH, sizeof(attach), 0);
	attach.worker = 0;
	assert_int_equal(msg_send(e->parent, &attach, sizeof(attach), ws[1]), 0);
	close(ws[1]);
	e->req = 1;
}

static void start_authd(struct env *e, const char *extra)
{
	spawn_authd(e, extra, true);
}

static void stop_authd(struct env *e)
{
	char cmd[128];
	int status;

	close(e->parent);
	close(e->worker);
	assert_int_equal(waitpid(e->pid, &status, 0), e->pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
}

static void send_login(struct env *e, const char *user, const char *group, const char *pw)
{
	struct msg_auth_password m;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_AUTH_PASSWORD, sizeof(m), ++e->req);
	m.source.family = AF_INET;
	memcpy(m.source.bytes, (uint8_t[]){ 198, 18, 1, 2 }, 4);
	snprintf(m.user, sizeof(m.user), "%s", user);
	snprintf(m.group, sizeof(m.group), "%s", group);
	snprintf(m.password, sizeof(m.password), "%s", pw);
	assert_int_equal(msg_send(e->worker, &m, sizeof(m), -1), 0);
}

static struct msg_auth_result login(struct env *e, const char *user, const char *group,
				    const char *pw)
{
	struct msg_auth_result r;

	send_login(e, user, group, pw);
	recv_msg(e->worker, &r, sizeof(r), MSG_AUTH_RESULT, NULL);
	assert_int_equal(r.h.req_id, e->req);
	return r;
}

static struct msg_cookie_result check_cookie(struct env *e, const uint8_t *cookie)
{
	struct msg_cookie_check m;
	struct msg_cookie_result r;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_COOKIE_CHECK, sizeof(m), ++e->req);
	m.source.family = AF_INET;
	memcpy(m.cookie, cookie, sizeof(m.cookie));
	assert_int_equal(msg_send(e->worker, &m, sizeof(m), -1), 0);
	recv_msg(e->worker, &r, sizeof(r), MSG_COOKIE_RESULT, NULL);
	return r;
}

static void logins_and_groups(void **state)
{
	struct env e;
	struct msg_auth_result r;
	static const uint8_t zero[MSG_COOKIE_LEN];

	(void)state;
	start_authd(&e, "");
	r = login(&e, "alice", "", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_OK);
	assert_string_equal(r.user, "alice");
	assert_string_equal(r.group, "engineering"); /* the first group is the default */
	assert_memory_not_equal(r.cookie, zero, sizeof(zero));
	r = login(&e, "alice", "sales", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_OK);
	assert_string_equal(r.group, "sales");
	r = login(&e, "alice", "admins", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_NOT_IN_GROUP);
	r = login(&e, "alice", "", "wrong");
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS);
	assert_int_equal(r.delay_ms, 250);
	assert_memory_equal(r.cookie, zero, sizeof(zero));
	r = login(&e, "alice", "", "wrong again");
	assert_int_equal(r.delay_ms, 500);
	r = login(&e, "carol", "", "s3cret pass"); /* locked */
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS);
	r = login(&e, "mallory", "", "x");
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS);
	stop_authd(&e);
}

/* A login the worker vouches for by certificate (MSG_AUTH_CERT). */
static struct msg_auth_result cert_login(struct env *e, const char *user, const char *group,
					 const char *cert_group, const char *pw)
{
	struct msg_auth_cert m;
	struct msg_auth_result r;

	memset(&m, 0, sizeof(m));
	msg_init(&m.h, MSG_AUTH_CERT, sizeof(m), ++e->req);
	m.source.family = AF_INET;
	memcpy(m.source.bytes, (uint8_t[]){ 198, 18, 1, 2 }, 4);
	snprintf(m.user, sizeof(m.user), "%s", user);
	snprintf(m.group, sizeof(m.group), "%s", group);
	snprintf(m.cert_group, sizeof(m.cert_group), "%s", cert_group);
	snprintf(m.subject, sizeof(m.subject), "CN=%s", user);
	if (pw) {
		m.has_password = 1;
		snprintf(m.password, sizeof(m.password), "%s", pw);
	}
	assert_int_equal(msg_send(e->worker, &m, sizeof(m), -1), 0);
	recv_msg(e->worker, &r, sizeof(r), MSG_AUTH_RESULT, NULL);
	assert_int_equal(r.h.req_id, e->req);
	return r;
}

/* auth = plain and certificate: both are needed, and the certificate's group rules. */
static void certificate_and_password(void **state)
{
	struct env e;
	struct msg_auth_result r;

	(void)state;
	start_authd(&e, "auth = \"certificate\"\nca-cert = /dev/null\n"
		    "cert-group-oid = 2.5.4.11\n");
	r = cert_login(&e, "alice", "", "sales", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_OK);
	assert_string_equal(r.user, "alice");
	assert_string_equal(r.group, "sales");
	r = cert_login(&e, "alice", "", "sales", NULL);
	assert_int_equal(r.status, MSG_AUTH_NOT_IN_GROUP); /* the password is missing */
	r = cert_login(&e, "alice", "", "sales", "wrong");
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS);
	r = cert_login(&e, "alice", "engineering", "sales", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_NOT_IN_GROUP); /* not the certificate's group */
	r = login(&e, "alice", "sales", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_NOT_IN_GROUP); /* the certificate is missing */
	stop_authd(&e);
}

/* enable-auth = certificate: a certificate alone is enough, passwords still work. */
static void certificate_as_alternative(void **state)
{
	struct env e;
	struct msg_auth_result r;

	(void)state;
	start_authd(&e, "enable-auth = \"certificate\"\nca-cert = /dev/null\n");
	r = cert_login(&e, "dave", "", "", NULL); /* not in the password file */
	assert_int_equal(r.status, MSG_AUTH_OK);
	assert_string_equal(r.user, "dave");
	r = cert_login(&e, "alice", "", "", NULL); /* in it: its first group */
	assert_int_equal(r.status, MSG_AUTH_OK);
	assert_string_equal(r.group, "engineering");
	r = login(&e, "alice", "sales", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_OK);
	stop_authd(&e);
}

/*
 * auth = "certificate" alone: no password file exists, so a password login is
 * refused at once instead of waiting for the parent to reopen a file it has
 * no name for.
 */
static void certificate_only(void **state)
{
	struct env e;
	struct msg_auth_result r;
	struct pollfd p;

	(void)state;
	spawn_authd(&e, "auth = \"certificate\"\nca-cert = /dev/null\n", false);
	r = cert_login(&e, "dave", "", "", NULL);
	assert_int_equal(r.status, MSG_AUTH_OK);
	assert_string_equal(r.user, "dave");
	r = login(&e, "alice", "", "correct-horse");
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS);
	r = cert_login(&e, "dave", "", "", "a password nobody asked for");
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS);
	/* nothing was asked of the parent */
	p = (struct pollfd){ .fd = e.parent, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 100), 0);
	stop_authd(&e);
}

static void cookies_and_session_end(void **state)
{
	struct env e;
	struct msg_auth_result r;
	struct msg_cookie_result c;
	struct msg_session_event ev;
	uint8_t other[MSG_COOKIE_LEN];

	(void)state;
	start_authd(&e, "");
	r = login(&e, "alice", "sales", "correct-horse");
	c = check_cookie(&e, r.cookie);
	assert_int_equal(c.status, MSG_AUTH_OK);
	assert_string_equal(c.user, "alice");
	assert_string_equal(c.group, "sales");
	assert_memory_equal(c.session_id, r.session_id, MSG_SESSION_ID_LEN);
	assert_int_equal(c.last_ipv4.family, AF_UNSPEC);
	memcpy(other, r.cookie, sizeof(other));
	other[0] ^= 0x80;
	assert_int_equal(check_cookie(&e, other).status, MSG_AUTH_BAD_CREDENTIALS);

	/* a tunnel on 198.19.10.50, then the client logs out: the lease goes */
	memset(&ev, 0, sizeof(ev));
	msg_init(&ev.h, MSG_SESSION_ATTACHED, sizeof(ev), 0);
	memcpy(ev.session_id, r.session_id, sizeof(ev.session_id));
	ev.ipv4.family = AF_INET;
	memcpy(ev.ipv4.bytes, (uint8_t[]){ 198, 19, 10, 50 }, 4);
	ev.ipv6.family = AF_UNSPEC;
	assert_int_equal(msg_send(e.worker, &ev, sizeof(ev), -1), 0);
	c = check_cookie(&e, r.cookie);
	assert_int_equal(c.last_ipv4.bytes[3], 50);
	msg_init(&ev.h, MSG_SESSION_END, sizeof(ev), 0);
	assert_int_equal(msg_send(e.worker, &ev, sizeof(ev), -1), 0);
	recv_msg(e.parent, &ev, sizeof(ev), MSG_SESSION_EXPIRED, NULL);
	assert_memory_equal(ev.session_id, r.session_id, MSG_SESSION_ID_LEN);
	assert_int_equal(ev.ipv4.bytes[3], 50);
	assert_int_equal(check_cookie(&e, r.cookie).status, MSG_AUTH_BAD_CREDENTIALS);
	stop_authd(&e);
}

static void attach(struct env *e, const uint8_t *session_id)
{
	struct msg_session_event ev;

	memset(&ev, 0, sizeof(ev));
	msg_init(&ev.h, MSG_SESSION_ATTACHED, sizeof(ev), 0);
	memcpy(ev.session_id, session_id, sizeof(ev.session_id));
	ev.ipv4.family = AF_UNSPEC;
	ev.ipv6.family = AF_UNSPEC;
	assert_int_equal(msg_send(e->worker, &ev, sizeof(ev), -1), 0);
}

/*
 * max-clients = 2: a full table gives up the oldest cookie that never
 * carried a tunnel, and only such a cookie; the parent hears of it.
 */
static void full_table_gives_up_unused_cookies(void **state)
{
	struct env e;
	struct msg_auth_result r1, r2, r3, r4;
	struct msg_session_event ev;

	(void)state;
	start_authd(&e, "max-clients = 2\n");
	r1 = login(&e, "alice", "", "correct-horse");
	assert_int_equal(r1.status, MSG_AUTH_OK);
	attach(&e, r1.session_id);
	r2 = login(&e, "alice", "", "correct-horse"); /* never used */
	assert_int_equal(r2.status, MSG_AUTH_OK);
	r3 = login(&e, "alice", "", "correct-horse");
	assert_int_equal(r3.status, MSG_AUTH_OK);
	recv_msg(e.parent, &ev, sizeof(ev), MSG_SESSION_EXPIRED, NULL);
	assert_memory_equal(ev.session_id, r2.session_id, MSG_SESSION_ID_LEN);
	assert_int_equal(check_cookie(&e, r2.cookie).status, MSG_AUTH_BAD_CREDENTIALS);
	assert_int_equal(check_cookie(&e, r1.cookie).status, MSG_AUTH_OK);
	/* both have had a tunnel now (r3's came and went): no room at all */
	attach(&e, r3.session_id);
	memset(&ev, 0, sizeof(ev));
	msg_init(&ev.h, MSG_SESSION_DETACHED, sizeof(ev), 0);
	memcpy(ev.session_id, r3.session_id, sizeof(ev.session_id));
	assert_int_equal(msg_send(e.worker, &ev, sizeof(ev), -1), 0);
	r4 = login(&e, "alice", "", "correct-horse");
	assert_int_equal(r4.status, MSG_AUTH_TOO_MANY);
	assert_int_equal(check_cookie(&e, r3.cookie).status, MSG_AUTH_OK);
	stop_authd(&e);
}

static void expect_expired(struct env *e, const uint8_t *session_id)
{
	struct msg_session_event ev;

	recv_msg(e->parent, &ev, sizeof(ev), MSG_SESSION_EXPIRED, NULL);
	assert_memory_equal(ev.session_id, session_id, MSG_SESSION_ID_LEN);
}

/*
 * max-clients = 3 with bob's cookie fetched first and never used (as by
 * --authenticate): alice's further logins give up her own unused cookies,
 * not bob's; only when every cookie of hers has carried a tunnel does her
 * login take bob's place.
 */
static void full_table_spares_other_users(void **state)
{
	struct env e;
	struct msg_auth_result rb, ra[4];

	(void)state;
	start_authd(&e, "max-clients = 3\n");
	rb = login(&e, "bob", "", "tr0ub4dor");
	assert_int_equal(rb.status, MSG_AUTH_OK);
	for (int i = 0; i < 4; i++) {
		ra[i] = login(&e, "alice", "", "correct-horse");
		assert_int_equal(ra[i].status, MSG_AUTH_OK);
	}
	/* logins 3 and 4 of alice found the table full: her 1st and 2nd gave way */
	expect_expired(&e, ra[0].session_id);
	expect_expired(&e, ra[1].session_id);
	assert_int_equal(check_cookie(&e, ra[0].cookie).status, MSG_AUTH_BAD_CREDENTIALS);
	assert_int_equal(check_cookie(&e, ra[1].cookie).status, MSG_AUTH_BAD_CREDENTIALS);
	assert_int_equal(check_cookie(&e, rb.cookie).status, MSG_AUTH_OK);
	/* the fallback: alice's cookies all carried tunnels, bob's is the unused one */
	attach(&e, ra[2].session_id);
	attach(&e, ra[3].session_id);
	ra[0] = login(&e, "alice", "", "correct-horse");
	assert_int_equal(ra[0].status, MSG_AUTH_OK);
	expect_expired(&e, rb.session_id);
	assert_int_equal(check_cookie(&e, rb.cookie).status, MSG_AUTH_BAD_CREDENTIALS);
	assert_int_equal(check_cookie(&e, ra[2].cookie).status, MSG_AUTH_OK);
	stop_authd(&e);
}

static void bans_and_unban(void **state)
{
	struct env e;
	struct msg_header h;
	struct msg_ban b;
	struct msg_ban_list_end end;
	struct msg_status st;

	(void)state;
	start_authd(&e, "max-ban-score = 20\nmin-reauth-time = 600\n");
	login(&e, "alice", "", "bad");
	login(&e, "alice", "", "bad"); /* 2 x 10 points */
	assert_int_equal(login(&e, "alice", "", "correct-horse").status, MSG_AUTH_BANNED);
	msg_init(&h, MSG_CTL_BANS, sizeof(h), 77);
	assert_int_equal(msg_send(e.parent, &h, sizeof(h), -1), 0);
	recv_msg(e.parent, &b, sizeof(b), MSG_BAN_ITEM, NULL);
	assert_int_equal(b.h.req_id, 77);
	assert_int_equal(b.score, 20);
	assert_int_equal(b.source.bytes[3], 2);
	assert_true(b.until_unix > (uint64_t)time(NULL) + 590);
	recv_msg(e.parent, &end, sizeof(end), MSG_BAN_LIST_END, NULL);
	assert_int_equal(end.banned, 1);
	assert_int_equal(end.auth_failures, 2);
	memset(&b, 0, sizeof(b));
	msg_init(&b.h, MSG_CTL_UNBAN, sizeof(b), 78);
	b.source.family = AF_INET;
	memcpy(b.source.bytes, (uint8_t[]){ 198, 18, 1, 2 }, 4);
	assert_int_equal(msg_send(e.parent, &b, sizeof(b), -1), 0);
	recv_msg(e.parent, &st, sizeof(st), MSG_UNBAN_RESULT, NULL);
	assert_int_equal(st.status, 0);
	assert_int_equal(login(&e, "alice", "", "correct-horse").status, MSG_AUTH_OK);
	stop_authd(&e);
}

/* ocpasswd -l replaces the file: the next login waits for a fresh descriptor. */
static void password_file_replaced(void **state)
{
	struct env e;
	struct msg_header h;
	struct msg_status st;
	struct msg_auth_result r;
	int fd;

	(void)state;
	start_authd(&e, "");
	assert_int_equal(login(&e, "alice", "", "correct-horse").status, MSG_AUTH_OK);
	write_passwd(&e, "alice:engineering:!$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1\n");
	send_login(&e, "alice", "", "correct-horse");
	recv_msg(e.parent, &h, sizeof(h), MSG_PASSWD_REOPEN, NULL);
	fd = open(e.passwd, O_RDONLY | O_CLOEXEC);
	msg_init(&st.h, MSG_PASSWD_FD, sizeof(st), 0);
	st.status = 0;
	assert_int_equal(msg_send(e.parent, &st, sizeof(st), fd), 0);
	close(fd);
	recv_msg(e.worker, &r, sizeof(r), MSG_AUTH_RESULT, NULL);
	assert_int_equal(r.status, MSG_AUTH_BAD_CREDENTIALS); /* locked now */
	stop_authd(&e);
}

static void malformed_messages_are_dropped(void **state)
{
	struct env e;
	uint8_t junk[40] = { MSG_AUTH_PASSWORD, 0, 40, 0 };

	(void)state;
	start_authd(&e, "");
	assert_int_equal(send(e.worker, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	assert_int_equal(login(&e, "alice", "", "correct-horse").status, MSG_AUTH_OK);
	stop_authd(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logins_and_groups),
		cmocka_unit_test(certificate_and_password),
		cmocka_unit_test(certificate_as_alternative),
		cmocka_unit_test(certificate_only),
		cmocka_unit_test(cookies_and_session_end),
		cmocka_unit_test(full_table_gives_up_unused_cookies),
		cmocka_unit_test(full_table_spares_other_users),
		cmocka_unit_test(bans_and_unban),
		cmocka_unit_test(password_file_replaced),
		cmocka_unit_test(malformed_messages_are_dropped),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
