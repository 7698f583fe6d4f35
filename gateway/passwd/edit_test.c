/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/authd/passwd.h"
#include "gateway/passwd/edit.h"
#include "lib/base/err.h"

/* Written by Debian 12's ocpasswd 1.1.6 (see gateway/authd/passwd_test.c). */
#define LINE_ALICE "alice:engineering,sales:$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1\n"
#define LINE_BOB "bob:*:$5$kV6VQAx8gYcZShko$0vngRJjT/mpBc1wbkViBzHmk9jfBFMErfe1MzE/Qjp4\n"
#define LINE_CAROL "carol:sales:!$5$FUs3Wky2eEQSg1HZ$3gSpKD.V1CVe0vvW/sCf/0pBMMueV2afgQsbnbE8ebD\n"
/* what `ocpasswd -l alice` makes of LINE_ALICE */
#define LINE_ALICE_LOCKED "alice:engineering,sales:!$5$dti0Bdm5R4Hv.GCS$FSy062clQyM8Q/MKfmb8fvJlmlOczbHDbHGJTwjyr.1\n"

static char dir[64], path[96];

static void put(const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static char *get(void)
{
	static char text[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n = read(fd, text, sizeof(text) - 1);

	close(fd);
	text[n < 0 ? 0 : n] = '\0';
	return text;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/sslgate-passwd-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ocpasswd", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void lock_unlock_like_ocpasswd(void **state)
{
	struct passwd_edit lock = { .op = PASSWD_EDIT_LOCK, .user = "alice" };
	struct passwd_edit unlock = { .op = PASSWD_EDIT_UNLOCK, .user = "alice" };

	(void)state;
	put(LINE_ALICE LINE_BOB LINE_CAROL, 0640);
	assert_int_equal(passwd_edit_apply(path, &lock), 0);
	assert_string_equal(get(), LINE_ALICE_LOCKED LINE_BOB LINE_CAROL);
	assert_int_equal(passwd_edit_apply(path, &lock), 0); /* twice: still one '!' */
	assert_string_equal(get(), LINE_ALICE_LOCKED LINE_BOB LINE_CAROL);
	assert_int_equal(passwd_edit_apply(path, &unlock), 0);
	assert_string_equal(get(), LINE_ALICE LINE_BOB LINE_CAROL);
	unlock.user = "mallory";
	assert_int_equal(passwd_edit_apply(path, &unlock), VPN_ERR_NOT_FOUND);
	assert_string_equal(get(), LINE_ALICE LINE_BOB LINE_CAROL);
}

static void delete_keeps_the_others(void **state)
{
	struct passwd_edit del = { .op = PASSWD_EDIT_DELETE, .user = "bob" };
	struct stat st;

	(void)state;
	put(LINE_ALICE LINE_BOB LINE_CAROL, 0640);
	assert_int_equal(passwd_edit_apply(path, &del), 0);
	assert_string_equal(get(), LINE_ALICE LINE_CAROL);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640); /* the file keeps its mode */
	/* "ali" is not "alice" */
	del.user = "ali";
	assert_int_equal(passwd_edit_apply(path, &del), VPN_ERR_NOT_FOUND);
}

static void set_password_that_authd_accepts(void **state)
{
	struct passwd_edit set = { .op = PASSWD_EDIT_SET, .user = "dave", .groups = "sales" };
	struct authd_passwd_entry e;
	char hash[AUTHD_PASSWD_HASH_MAX];
	int fd;

	(void)state;
	unlink(path);
	assert_int_equal(passwd_edit_hash("hunter2 with spaces", hash, sizeof(hash)), 0);
	assert_int_equal(strncmp(hash, "$6$", 3), 0);
	set.hash = hash;
	assert_int_equal(passwd_edit_apply(path, &set), 0);
	fd = open(path, O_RDONLY);
	assert_int_equal(authd_passwd_lookup(fd, "dave", &e), 0);
	close(fd);
	assert_true(authd_passwd_verify(e.hash, "hunter2 with spaces"));
	assert_false(authd_passwd_verify(e.hash, "hunter2"));
	assert_string_equal(e.groups[0], "sales");
	/* a new password without -g keeps the groups; a new user without -g has "*" */
	put(LINE_ALICE, 0600);
	set.user = "alice";
	set.groups = NULL;
	assert_int_equal(passwd_edit_apply(path, &set), 0);
	assert_int_equal(strncmp(get(), "alice:engineering,sales:$6$", 27), 0);
	set.user = "erin";
	assert_int_equal(passwd_edit_apply(path, &set), 0);
	assert_non_null(strstr(get(), "\nerin:*:$6$"));
}

static void busy_file_and_bad_names(void **state)
{
	struct passwd_edit lock = { .op = PASSWD_EDIT_LOCK, .user = "alice" };
	struct passwd_edit bad = { .op = PASSWD_EDIT_SET, .user = "ev:il", .hash = "$6$x$y" };
	char tmp[128];

	(void)state;
	put(LINE_ALICE, 0600);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	close(open(tmp, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(passwd_edit_apply(path, &lock), VPN_ERR_AGAIN);
	assert_string_equal(get(), LINE_ALICE);
	unlink(tmp);
	assert_int_equal(passwd_edit_apply(path, &bad), VPN_ERR_INVALID);
	bad.user = "eve";
	bad.groups = "a\nmallory:x";
	assert_int_equal(passwd_edit_apply(path, &bad), VPN_ERR_INVALID);
	assert_int_equal(access(tmp, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lock_unlock_like_ocpasswd),
		cmocka_unit_test(delete_keeps_the_others),
		cmocka_unit_test(set_password_that_authd_accepts),
		cmocka_unit_test(busy_file_and_bad_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
