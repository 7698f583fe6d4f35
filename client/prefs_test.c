/* SPDX-License-Identifier: ISC */
/*
 * The pin and the profile URI are the lab's: the server key pin format
 * openconnect prints, and ocserv's manifest URI /profiles/profile.xml with
 * the profile file the lab gateway serves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/prefs.h"
#include "lib/base/err.h"

static const char pin[] = "pin-sha256:xnGFJKpmV4F8Eqg0AdtOzAcjSkDCGhn+ZRS0hiL9RuM=";
static const char other_pin[] = "pin-sha256:AAAAKpmV4F8Eqg0AdtOzAcjSkDCGhn+ZRS0hiL9RuM=";

struct fixture {
	char root[64];
	struct prefs prefs;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char dir[128];

	strcpy(f->root, "/tmp/sslgate-prefs-XXXXXX");
	if (!f || !mkdtemp(f->root))
		return -1;
	/* A directory that does not exist yet: the first write creates it. */
	snprintf(dir, sizeof(dir), "%s/home/.config/sslgate", f->root);
	if (prefs_init_at(&f->prefs, dir) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void pins_are_per_server(void **state)
{
	struct fixture *f = *state;
	bool is_accepted = true;
	char key[128];
	char path[300];
	struct stat st;

	prefs_server_key(key, sizeof(key), "gw.vpnlab.test", 443);
	assert_string_equal(key, "gw.vpnlab.test:443");
	assert_int_equal(prefs_pin_is_accepted(&f->prefs, key, pin, &is_accepted), 0);
	assert_false(is_accepted);
	assert_int_equal(prefs_pin_accept(&f->prefs, key, pin), 0);
	assert_int_equal(prefs_pin_accept(&f->prefs, key, pin), 0); /* idempotent */
	assert_int_equal(prefs_pin_is_accepted(&f->prefs, key, pin, &is_accepted), 0);
	assert_true(is_accepted);
	assert_int_equal(prefs_pin_is_accepted(&f->prefs, key, other_pin, &is_accepted), 0);
	assert_false(is_accepted);
	/* another port is another server */
	assert_int_equal(prefs_pin_is_accepted(&f->prefs, "gw.vpnlab.test:8443", pin, &is_accepted), 0);
	assert_false(is_accepted);

	snprintf(path, sizeof(path), "%s/servers/gw.vpnlab.test_443", f->prefs.dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(f->prefs.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void pin_prefix_is_not_a_match(void **state)
{
	struct fixture *f = *state;
	bool is_accepted = true;

	assert_int_equal(prefs_pin_accept(&f->prefs, "gw:443", pin), 0);
	assert_int_equal(prefs_pin_is_accepted(&f->prefs, "gw:443", "pin-sha256:xnGF", &is_accepted), 0);
	assert_false(is_accepted);
	assert_int_equal(prefs_pin_accept(&f->prefs, "gw:443", "pin\nsha256:x"), VPN_ERR_INVALID);
}

static void hostile_names_stay_inside(void **state)
{
	struct fixture *f = *state;
	char path[PREFS_PATH_MAX];
	char want[PREFS_PATH_MAX];

	assert_int_equal(prefs_pin_accept(&f->prefs, "../../etc:443", pin), 0);
	snprintf(want, sizeof(want), "%s/servers/_._.._etc_443", f->prefs.dir);
	assert_int_equal(access(want, F_OK), 0);

	assert_int_equal(prefs_profile_path(&f->prefs, "gw:443", "/profiles/../../x/..", path,
					    sizeof(path)), VPN_ERR_INVALID);
	assert_int_equal(prefs_profile_path(&f->prefs, "gw:443", "/profiles/", path, sizeof(path)),
			 VPN_ERR_INVALID);
	assert_int_equal(prefs_profile_path(&f->prefs, "gw:443", "/CACHE/stc/profiles/corp.xml?x=/y",
					    path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/profiles/gw_443/corp.xml", f->prefs.dir);
	assert_string_equal(path, want);
}

static void profile_round_trip(void **state)
{
	static const char first[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnyConnectProfile/>\n";
	static const char second[] = "<AnyConnectProfile>changed</AnyConnectProfile>\n";
	struct fixture *f = *state;
	char buf[128];
	size_t len;

	assert_int_equal(prefs_profile_load(&f->prefs, "gw.vpnlab.test:443", "/profiles/profile.xml",
					    buf, sizeof(buf), &len), VPN_ERR_NOT_FOUND);
	assert_int_equal(prefs_profile_store(&f->prefs, "gw.vpnlab.test:443", "/profiles/profile.xml",
					     first, strlen(first)), 0);
	assert_int_equal(prefs_profile_load(&f->prefs, "gw.vpnlab.test:443", "/profiles/profile.xml",
					    buf, sizeof(buf), &len), 0);
	assert_int_equal(len, strlen(first));
	assert_memory_equal(buf, first, len);
	assert_int_equal(prefs_profile_store(&f->prefs, "gw.vpnlab.test:443", "/profiles/profile.xml",
					     second, strlen(second)), 0);
	assert_int_equal(prefs_profile_load(&f->prefs, "gw.vpnlab.test:443", "/profiles/profile.xml",
					    buf, sizeof(buf), &len), 0);
	assert_int_equal(len, strlen(second));
	assert_memory_equal(buf, second, len);
	/* a buffer too small is an error, not a silent truncation */
	assert_int_equal(prefs_profile_load(&f->prefs, "gw.vpnlab.test:443", "/profiles/profile.xml",
					    buf, 10, &len), VPN_ERR_TOO_BIG);
}

static void environment_decides_the_directory(void **state)
{
	struct prefs p;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *old_xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;

	(void)state;
	setenv("HOME", "/home/alice", 1);
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(prefs_init(&p), 0);
	assert_string_equal(p.dir, "/home/alice/.config/sslgate");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	assert_int_equal(prefs_init(&p), 0);
	assert_string_equal(p.dir, "/xdg/sslgate");
	setenv("XDG_CONFIG_HOME", "relative", 1);
	assert_int_equal(prefs_init(&p), 0);
	assert_string_equal(p.dir, "/home/alice/.config/sslgate");
	unsetenv("HOME");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(prefs_init(&p), VPN_ERR_NOT_FOUND);
	if (old_home)
		setenv("HOME", old_home, 1);
	if (old_xdg)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	free(old_home);
	free(old_xdg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pins_are_per_server, setup, teardown),
		cmocka_unit_test_setup_teardown(pin_prefix_is_not_a_match, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_names_stay_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(profile_round_trip, setup, teardown),
		cmocka_unit_test(environment_decides_the_directory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
