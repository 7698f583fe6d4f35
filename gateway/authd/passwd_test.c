/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gateway/authd/passwd.h"
#include "lib/base/err.h"
#include "lib/base/testutil.h"

/*
 * Written by Debian 12's ocpasswd 1.1.6:
 *   ocpasswd -c F -g engineering,sales alice   (password "correct-horse")
 *   ocpasswd -c F bob                          ("hunter2"; no -g gives "*")
 *   ocpasswd -c F -g sales carol; ocpasswd -c F -l carol   ("s3cret pass")
 */
#define LINE_ALICE "alice:engineering,sales:$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1\n"
#define LINE_BOB "bob:*:$5$kV6VQAx8gYcZShko$0vngRJjT/mpBc1wbkViBzHmk9jfBFMErfe1MzE/Qjp4\n"
#define LINE_CAROL "carol:sales:!$5$FUs3Wky2eEQSg1HZ$3gSpKD.V1CVe0vvW/sCf/0pBMMueV2afgQsbnbE8ebD\n"
#define HASH_ALICE "$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1"
#define HASH_CAROL_UNLOCKED "$5$FUs3Wky2eEQSg1HZ$3gSpKD.V1CVe0vvW/sCf/0pBMMueV2afgQsbnbE8ebD"

static void parse_whole(const char *line, struct authd_passwd_entry *e)
{
	struct guarded g;
	size_t used;

	assert_int_equal(guarded_init(&g, line, strlen(line)), 0);
	assert_int_equal(authd_passwd_parse(e, (const char *)g.data, strlen(line), false, &used),
			 PARSE_DONE);
	assert_int_equal(used, strlen(line));
	guarded_cleanup(&g);
}

static void parses_real_lines(void **state)
{
	struct authd_passwd_entry e;

	(void)state;
	parse_whole(LINE_ALICE, &e);
	assert_string_equal(e.user, "alice");
	assert_int_equal(e.n_groups, 2);
	assert_string_equal(e.groups[0], "engineering");
	assert_string_equal(e.groups[1], "sales");
	assert_string_equal(e.hash, HASH_ALICE);
	assert_false(e.is_locked);

	parse_whole(LINE_BOB, &e);
	assert_string_equal(e.user, "bob");
	assert_int_equal(e.n_groups, 0);

	parse_whole(LINE_CAROL, &e);
	assert_true(e.is_locked);
	assert_int_equal(e.n_groups, 1);
	assert_true(authd_passwd_has_group(&e, "sales"));
	assert_false(authd_passwd_has_group(&e, "engineering"));
}

/* Every prefix short of the line end asks for more; the whole line parses. */
static void parses_byte_by_byte(void **state)
{
	static const char line[] = LINE_ALICE;
	size_t len = strlen(line);

	(void)state;
	for (size_t k = 0; k <= len; k++) {
		struct authd_passwd_entry e;
		struct guarded g;
		size_t used = 99;
		int r;

		assert_int_equal(guarded_init(&g, line, k), 0);
		r = authd_passwd_parse(&e, (const char *)g.data, k, false, &used);
		if (k < len) {
			assert_int_equal(r, PARSE_NEED_MORE);
			assert_int_equal(used, 0);
		} else {
			assert_int_equal(r, PARSE_DONE);
			assert_string_equal(e.user, "alice");
		}
		guarded_cleanup(&g);
	}
}

static void final_line_needs_no_newline(void **state)
{
	static const char line[] = "bob:*:$5$x$y\r";
	struct authd_passwd_entry e;
	size_t used;

	(void)state;
	assert_int_equal(authd_passwd_parse(&e, line, strlen(line), true, &used), PARSE_DONE);
	assert_int_equal(used, strlen(line));
	assert_string_equal(e.hash, "$5$x$y"); /* CR dropped */
}

static void rejects_oversized(void **state)
{
	char *big = malloc(AUTHD_PASSWD_LINE_MAX + 10);
	struct authd_passwd_entry e;
	size_t used;

	(void)state;
	memset(big, 'a', AUTHD_PASSWD_LINE_MAX + 10);
	assert_int_equal(authd_passwd_parse(&e, big, AUTHD_PASSWD_LINE_MAX + 10, false, &used),
			 PARSE_INVALID);
	/* a NUL in a line would make "ali" match "ali\0ce": the line is no entry */
	assert_int_equal(authd_passwd_parse(&e, "ali\0ce:g:$5$h\n", 14, false, &used), PARSE_DONE);
	assert_int_equal(used, 14);
	assert_int_equal(e.user[0], 0);
	/* a user name longer than the message field cannot be any user */
	memcpy(big + MSG_USER_MAX + 1, ":g:$5$h\n", 8);
	assert_int_equal(authd_passwd_parse(&e, big, MSG_USER_MAX + 9, false, &used),
			 PARSE_INVALID);
	free(big);
}

static void verifies_crypt_hashes(void **state)
{
	(void)state;
	assert_true(authd_passwd_verify(HASH_ALICE, "correct-horse"));
	assert_false(authd_passwd_verify(HASH_ALICE, "correct-horsf"));
	assert_false(authd_passwd_verify(HASH_ALICE, ""));
	/* locked: the right password is refused; without the '!' it would pass */
	assert_false(authd_passwd_verify("!" HASH_CAROL_UNLOCKED, "s3cret pass"));
	assert_true(authd_passwd_verify(HASH_CAROL_UNLOCKED, "s3cret pass"));
	assert_false(authd_passwd_verify(NULL, "anything"));
	assert_false(authd_passwd_verify("", ""));
	assert_false(authd_passwd_verify("*", "*"));
}

/*
 * Hashes written by libxcrypt 4.4.33 (Debian 12's crypt_rn) for other
 * methods and forms: "$6$", "$5$rounds=N$" take the GnuTLS path; MD5-crypt,
 * yescrypt and a "$5$" salt with '=' (which that path refuses) fall back
 * to libxcrypt, and must verify all the same.
 */
static void verifies_every_method(void **state)
{
	static const char sha512[] = "$6$Wm3kP0sQz8Lr.tYe$Draf21ZZU6lc1LPX7VJ2ypqwdlpjge.mDo/qq89/"
				     "qMCHm2qqof3YFJWNqpzUNYGKOYt53115dM8dYfNc/kYBs1";
	static const char rounds[] = "$5$rounds=1000$abcdefgh$"
				     "4wI9.clRVJ.W5nMV2NMAb.lSgYHghdC8AK6fw4X8aX1";
	static const char md5[] = "$1$abcdefgh$vhxKZ/s1ygZHyCEDPyqtQ/";
	static const char yescrypt[] = "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$"
				       "PmNgGTLMFjJn.URBv11CpTEm5RwlKtPjRtztKe6.b33";
	static const char odd_salt[] = "$5$a=b$kwlu/Bj4SDOyE0MuallDZJWYkitP4KwQyxkr36aZIy4";

	(void)state;
	assert_true(authd_passwd_verify(sha512, "hunter2"));
	assert_false(authd_passwd_verify(sha512, "hunter3"));
	assert_true(authd_passwd_verify(rounds, "s3cret pass"));
	assert_false(authd_passwd_verify(rounds, "s3cret pas"));
	assert_true(authd_passwd_verify(md5, "hunter2"));
	assert_false(authd_passwd_verify(md5, "hunter"));
	assert_true(authd_passwd_verify(yescrypt, "hunter2"));
	assert_false(authd_passwd_verify(yescrypt, "Hunter2"));
	assert_true(authd_passwd_verify(odd_salt, "hunter2"));
	assert_false(authd_passwd_verify(odd_salt, "hunter22"));
	/* a stored hash with junk after it matches nothing, whichever path */
	assert_false(authd_passwd_verify(HASH_ALICE "x", "correct-horse"));
	assert_false(authd_passwd_verify(HASH_ALICE "$", "correct-horse"));
}

static int file_with(const char *text)
{
	int fd = memfd_create("passwd", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

static void looks_up_in_file(void **state)
{
	static char text[3 * AUTHD_PASSWD_LINE_MAX];
	struct authd_passwd_entry e;
	int fd;

	(void)state;
	/* a junk line longer than any line, then the real ones; no final newline */
	memset(text, 'x', 2 * AUTHD_PASSWD_LINE_MAX);
	strcpy(text + 2 * AUTHD_PASSWD_LINE_MAX, "\n" LINE_BOB LINE_CAROL "alice:engineering,sales:"
	       HASH_ALICE);
	fd = file_with(text);
	assert_int_equal(authd_passwd_lookup(fd, "alice", &e), 0);
	assert_string_equal(e.hash, HASH_ALICE);
	assert_true(authd_passwd_verify(e.hash, "correct-horse"));
	assert_int_equal(authd_passwd_lookup(fd, "carol", &e), 0);
	assert_true(e.is_locked);
	assert_int_equal(authd_passwd_lookup(fd, "mallory", &e), VPN_ERR_NOT_FOUND);
	assert_int_equal(e.user[0], 0);
	assert_int_equal(authd_passwd_lookup(fd, "ali", &e), VPN_ERR_NOT_FOUND);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_real_lines),
		cmocka_unit_test(parses_byte_by_byte),
		cmocka_unit_test(final_line_needs_no_newline),
		cmocka_unit_test(rejects_oversized),
		cmocka_unit_test(verifies_crypt_hashes),
		cmocka_unit_test(verifies_every_method),
		cmocka_unit_test(looks_up_in_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
