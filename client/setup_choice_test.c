/* SPDX-License-Identifier: ISC */
/*
 * The start-up choice of network setup, on a private directory laid out
 * like a host's /etc: resolv.conf as a plain file, a symbolic link as
 * systemd-resolved makes it (../run/systemd/resolve/stub-resolv.conf), or
 * absent; /etc/vpnc with hook directories empty, holding only what
 * Debian's vpnc-script skips (dot files, directories), or holding a hook
 * for one of the names its run_hooks is called with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/setup_choice.h"

struct fixture {
	char root[64];
	char resolv[128];
	char hooks[128];
	char script[128];
	struct setup_choice_paths paths;
};

/* root/path made from printf-style parts; asserts it fits. */
static const char *at(const struct fixture *f, char *out, size_t out_len, const char *rel)
{
	assert_true((size_t)snprintf(out, out_len, "%s/%s", f->root, rel) < out_len);
	return out;
}

static void write_file(const struct fixture *f, const char *rel, const char *text, mode_t mode)
{
	char path[256];
	FILE *fp = fopen(at(f, path, sizeof(path), rel), "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void make_dir(const struct fixture *f, const char *rel)
{
	char path[256];

	assert_int_equal(mkdir(at(f, path, sizeof(path), rel), 0755), 0);
}

/* A host with a plain resolv.conf, an empty /etc/vpnc and an executable script. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/sslgate-setup-choice.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	at(f, f->resolv, sizeof(f->resolv), "resolv.conf");
	at(f, f->hooks, sizeof(f->hooks), "vpnc");
	at(f, f->script, sizeof(f->script), "vpnc-script");
	write_file(f, "resolv.conf", "nameserver 198.18.0.53\n", 0644);
	write_file(f, "vpnc-script", "#!/bin/sh\nexit 0\n", 0755);
	make_dir(f, "vpnc");
	f->paths = (struct setup_choice_paths){
		.resolv_conf = f->resolv, .hooks_dir = f->hooks, .script = f->script,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void decide(const struct fixture *f, struct setup_choice *c, enum options_net_setup asked,
		   bool has_script)
{
	setup_choice_decide(c, &f->paths, asked, has_script);
}

static void plain_file_is_builtin(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;
	char line[512];

	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_BUILTIN);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_NOTHING);
	assert_false(c.is_resolv_absent);
	assert_false(c.is_script_missing);
	setup_choice_describe(&c, &f->paths, line, sizeof(line));
	assert_non_null(strstr(line, "built-in, "));
	assert_non_null(strstr(line, "resolv.conf is not a symlink"));
}

static void symlink_is_script(void **state)
{
	struct fixture *f = *state;
	const char *target = "../run/systemd/resolve/stub-resolv.conf";
	struct setup_choice c;
	char line[512];
	char want[256];

	assert_int_equal(unlink(f->resolv), 0);
	/* dangling, as it is until the manager runs: lstat, not stat, must see it */
	assert_int_equal(symlink(target, f->resolv), 0);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_RESOLV_LINK);
	assert_string_equal(c.detail, target);
	setup_choice_describe(&c, &f->paths, line, sizeof(line));
	snprintf(want, sizeof(want), "vpnc-script, %s is a symlink to %s (a DNS manager)", f->resolv,
		 target);
	assert_string_equal(line, want);
}

static void missing_file_is_builtin(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;
	char line[512];

	assert_int_equal(unlink(f->resolv), 0);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_BUILTIN);
	assert_true(c.is_resolv_absent);
	setup_choice_describe(&c, &f->paths, line, sizeof(line));
	assert_non_null(strstr(line, "resolv.conf is absent"));
}

/* Directories with nothing the script would source. */
static void empty_hook_dirs_are_builtin(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;

	make_dir(f, "vpnc/connect.d");
	make_dir(f, "vpnc/post-disconnect.d");
	/* the script's glob skips dot files; test -f skips directories */
	write_file(f, "vpnc/connect.d/.placeholder", "echo hidden\n", 0644);
	make_dir(f, "vpnc/post-disconnect.d/sub");
	/* a name run_hooks is never called with */
	make_dir(f, "vpnc/other.d");
	write_file(f, "vpnc/other.d/hook", "echo other\n", 0644);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_BUILTIN);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_NOTHING);
}

static void check_hook(const struct fixture *f, const char *reason)
{
	struct setup_choice c;
	char dir[128];
	char file[160];
	char line[512];
	char want[300];

	snprintf(dir, sizeof(dir), "vpnc/%s.d", reason);
	snprintf(file, sizeof(file), "%s/50-mark", dir);
	make_dir(f, dir);
	/* sourced, not run: no execute bit needed */
	write_file(f, file, "echo hook\n", 0644);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_HOOKS);
	snprintf(want, sizeof(want), "%s/%s.d", f->hooks, reason);
	assert_string_equal(c.detail, want);
	setup_choice_describe(&c, &f->paths, line, sizeof(line));
	assert_non_null(strstr(line, "vpnc-script, "));
	assert_non_null(strstr(line, want));
}

static void connect_hook_is_script(void **state)
{
	check_hook(*state, "connect");
}

/* the last name of the script's list, so every name is looked at */
static void reconnect_hook_is_script(void **state)
{
	check_hook(*state, "reconnect");
}

static void post_attempt_reconnect_hook_is_script(void **state)
{
	check_hook(*state, "post-attempt-reconnect");
}

static void script_given_is_script(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;
	char line[512];

	/* -s wins even where built-in would do, and its script is not ours to check */
	assert_int_equal(unlink(f->script), 0);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, true);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_SCRIPT_GIVEN);
	assert_false(c.is_script_missing);
	setup_choice_describe(&c, &f->paths, line, sizeof(line));
	assert_non_null(strstr(line, "-s/--script"));
}

/* Needed but not there: said at start-up, with the reason for needing it. */
static void missing_script_is_reported(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;

	assert_int_equal(unlink(f->script), 0);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_BUILTIN);
	assert_false(c.is_script_missing);
	assert_int_equal(unlink(f->resolv), 0);
	assert_int_equal(symlink("/run/resolvconf/resolv.conf", f->resolv), 0);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_true(c.is_script_missing);
	assert_int_equal(c.script_errno, ENOENT);
	decide(f, &c, OPTIONS_NET_SETUP_SCRIPT, false);
	assert_true(c.is_script_missing);
	/* there but not executable: script_run would fail to start it */
	write_file(f, "vpnc-script", "#!/bin/sh\n", 0644);
	decide(f, &c, OPTIONS_NET_SETUP_SCRIPT, false);
	assert_true(c.is_script_missing);
	assert_int_equal(c.script_errno, EACCES);
}

/* A hook directory that cannot be listed might hold hooks: the script, to be safe. */
static void unlistable_hook_dir_is_script(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;
	char path[256];
	char line[512];

	/* a link to itself: opendir fails with ELOOP, even for root */
	assert_int_equal(symlink("disconnect.d", at(f, path, sizeof(path), "vpnc/disconnect.d")), 0);
	decide(f, &c, OPTIONS_NET_SETUP_AUTO, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_HOOKS_UNREADABLE);
	assert_string_equal(c.detail, path);
	setup_choice_describe(&c, &f->paths, line, sizeof(line));
	assert_non_null(strstr(line, "cannot be listed"));
}

/* script and builtin are taken as asked, whatever the host looks like. */
static void asked_setups_stand(void **state)
{
	struct fixture *f = *state;
	struct setup_choice c;

	assert_int_equal(unlink(f->resolv), 0);
	assert_int_equal(symlink("../run/systemd/resolve/stub-resolv.conf", f->resolv), 0);
	decide(f, &c, OPTIONS_NET_SETUP_BUILTIN, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_BUILTIN);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_ASKED);
	assert_false(c.is_script_missing);
	assert_int_equal(unlink(f->resolv), 0);
	write_file(f, "resolv.conf", "nameserver 198.18.0.53\n", 0644);
	decide(f, &c, OPTIONS_NET_SETUP_SCRIPT, false);
	assert_int_equal(c.setup, OPTIONS_NET_SETUP_SCRIPT);
	assert_int_equal(c.reason, SETUP_CHOICE_REASON_ASKED);
	assert_false(c.is_script_missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(plain_file_is_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_is_script, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_file_is_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_hook_dirs_are_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(connect_hook_is_script, setup, teardown),
		cmocka_unit_test_setup_teardown(reconnect_hook_is_script, setup, teardown),
		cmocka_unit_test_setup_teardown(post_attempt_reconnect_hook_is_script, setup, teardown),
		cmocka_unit_test_setup_teardown(unlistable_hook_dir_is_script, setup, teardown),
		cmocka_unit_test_setup_teardown(script_given_is_script, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_script_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(asked_setups_stand, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
