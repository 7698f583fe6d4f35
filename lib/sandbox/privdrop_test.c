/* SPDX-License-Identifier: ISC */
/*
 * Dropping root, checked from outside as well as inside: a forked child
 * drops to "nobody", then the kernel's own view of it (/proc/PID/status:
 * Uid, Gid, Groups, capability sets, NoNewPrivs) is read by the parent, and
 * the child tries to get root back and to read root-only files. Needs root;
 * skipped otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/sandbox/privdrop.h"
#include "lib/sandbox/sandbox_test_util.h"
#include "lib/sandbox/seccomp.h"
#include "lib/base/err.h"

/* A stand-in for the ocpasswd file: root's, mode 0600. */
static char secret[] = "/tmp/sandbox-passwd-XXXXXX";
static struct sandbox_identity nobody;

static void child_drop(void)
{
	gid_t zero = 0;

	CHILD_CHECK(sandbox_privdrop(&nobody) == 0);
	CHILD_CHECK(getuid() == nobody.uid && geteuid() == nobody.uid);
	CHILD_CHECK(getgid() == nobody.gid && getegid() == nobody.gid);
	CHILD_CHECK(setuid(0) == -1 && errno == EPERM);
	CHILD_CHECK(seteuid(0) == -1 && errno == EPERM);
	CHILD_CHECK(setgid(0) == -1 && errno == EPERM);
	CHILD_CHECK(setgroups(1, &zero) == -1 && errno == EPERM);
	CHILD_CHECK(open(secret, O_RDONLY) == -1 && errno == EACCES);
	CHILD_CHECK(open("/etc/shadow", O_RDONLY) == -1 && errno == EACCES);
	CHILD_CHECK(mknod("/tmp/sandbox-dev-null", S_IFCHR | 0666, makedev(1, 3)) == -1 &&
		    errno == EPERM);
	sandbox_child_pause();
}

static void drops_to_nobody_for_good(void **state)
{
	struct sandbox_child c;
	char want[64], v[128];

	(void)state;
	sandbox_child_run(&c, child_drop);
	sandbox_assert_child_ok(&c);
	/* the kernel's view, read by the parent while the child waited */
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", nobody.uid, nobody.uid, nobody.uid,
		 nobody.uid);
	sandbox_proc_field(c.proc, "Uid", v, sizeof(v));
	assert_string_equal(v, want);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", nobody.gid, nobody.gid, nobody.gid,
		 nobody.gid);
	sandbox_proc_field(c.proc, "Gid", v, sizeof(v));
	assert_string_equal(v, want);
	snprintf(want, sizeof(want), "%u", nobody.gid);
	sandbox_proc_field(c.proc, "Groups", v, sizeof(v));
	assert_string_equal(v, want);
	for (size_t i = 0; i < 4; i++) {
		static const char *const sets[] = { "CapInh", "CapPrm", "CapEff", "CapAmb" };

		sandbox_proc_field(c.proc, sets[i], v, sizeof(v));
		assert_string_equal(v, "0000000000000000");
	}
	sandbox_proc_field(c.proc, "NoNewPrivs", v, sizeof(v));
	assert_string_equal(v, "1");
	assert_int_equal(access("/tmp/sandbox-dev-null", F_OK), -1);
}

/* The control: the same checks pass for root, so the child's failures are the drop's. */
static void child_still_root(void)
{
	int fd = open(secret, O_RDONLY);

	CHILD_CHECK(fd >= 0);
	close(fd);
	CHILD_CHECK(setuid(0) == 0);
}

static void root_can_do_what_nobody_cannot(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_still_root);
	sandbox_assert_child_ok(&c);
}

/* The audit must catch a drop that is only half done. */
static void child_half_dropped(void)
{
	/* effective uid only: the saved uid 0 lets root come back */
	CHILD_CHECK(setresgid(nobody.gid, nobody.gid, nobody.gid) == 0);
	CHILD_CHECK(setresuid(nobody.uid, nobody.uid, 0) == 0);
	CHILD_CHECK(sandbox_privdrop_check(&nobody) == VPN_ERR_DENIED);
}

static void check_catches_saved_uid(void **state)
{
	struct sandbox_child c;

	(void)state;
	sandbox_child_run(&c, child_half_dropped);
	sandbox_assert_child_ok(&c);
}

/* What a worker is: dropped, then filtered; the password file stays shut. */
static void child_worker(void)
{
	CHILD_CHECK(sandbox_privdrop(&nobody) == 0);
	sandbox_child_trap_sigsys();
	CHILD_CHECK(sandbox_seccomp_worker(SANDBOX_DEFAULT_TRAP, 0) == 0);
	CHILD_CHECK(open(secret, O_RDONLY) == -1 && errno == EPERM);
	CHILD_CHECK(open("/etc/passwd", O_RDONLY) == -1 && errno == EPERM);
	CHILD_CHECK(mknodat(AT_FDCWD, "/tmp/sandbox-dev-null", S_IFCHR | 0666, makedev(1, 3)) == -1 &&
		    errno == EPERM);
}

static void worker_drop_then_filter(void **state)
{
	struct sandbox_child c;

	(void)state;
	if (!sandbox_seccomp_is_supported())
		skip();
	sandbox_child_run(&c, child_worker);
	sandbox_assert_child_ok(&c);
}

static void lookup_by_name_and_number(void **state)
{
	struct sandbox_identity id;
	struct passwd *pw = getpwnam("nobody");

	(void)state;
	assert_non_null(pw);
	assert_int_equal(sandbox_identity_lookup(&id, "nobody", NULL), 0);
	assert_int_equal(id.uid, pw->pw_uid);
	assert_int_equal(id.gid, pw->pw_gid);
	assert_int_equal(sandbox_identity_lookup(&id, "65533", "65533"), 0);
	assert_int_equal(id.uid, 65533);
	assert_int_equal(id.gid, 65533);
	assert_int_equal(sandbox_identity_lookup(&id, "root", NULL), VPN_ERR_DENIED);
	assert_int_equal(sandbox_identity_lookup(&id, "nobody", "root"), VPN_ERR_DENIED);
	assert_int_equal(sandbox_identity_lookup(&id, "0", "100"), VPN_ERR_DENIED);
	assert_int_equal(sandbox_identity_lookup(&id, "no-such-user-sslgate", NULL),
			 VPN_ERR_NOT_FOUND);
	assert_int_equal(sandbox_identity_lookup(&id, "nobody", "no-such-group-sslgate"),
			 VPN_ERR_NOT_FOUND);
	assert_int_equal(sandbox_identity_lookup(&id, "12x", NULL), VPN_ERR_NOT_FOUND);
}

static int setup(void **state)
{
	int fd;

	(void)state;
	if (sandbox_identity_lookup(&nobody, "nobody", NULL) != 0)
		return -1;
	fd = mkstemp(secret);
	if (fd < 0)
		return -1;
	if (write(fd, "alice:*:$5$x$y\n", 15) != 15 || fchmod(fd, 0600) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(secret);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_by_name_and_number),
		cmocka_unit_test(drops_to_nobody_for_good),
		cmocka_unit_test(root_can_do_what_nobody_cannot),
		cmocka_unit_test(check_catches_saved_uid),
		cmocka_unit_test(worker_drop_then_filter),
	};

	if (geteuid() != 0) {
		puts("1..0 # SKIP dropping privileges needs root");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
