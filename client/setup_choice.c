/* SPDX-License-Identifier: ISC */
/*
 * The start-up choice between the built-in setup and the vpnc-script:
 * a look at resolv.conf and at the script's hook directories.
 */
#include "client/setup_choice.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Every name Debian's vpnc-script hands to run_hooks, for every reason it
 * is called with (the post-* hooks run after the script's own work).
 */
static const char *const hook_names[] = {
	"pre-init", "connect", "post-connect", "disconnect", "post-disconnect",
	"attempt-reconnect", "post-attempt-reconnect", "reconnect",
};

/*
 * Whether the script would source something in dir: it globs every name,
 * which skips dot files, and sources what test -f accepts (a regular
 * file, through symbolic links). 1: yes; 0: no (or no such directory);
 * -1: it cannot be listed (errno), so we cannot tell.
 */
static int has_hooks(const char *dir)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	int found = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		found = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	}
	closedir(d);
	return found;
}

/* The first hook directory the script would find something in; 0 when none. */
static int find_hooks(struct setup_choice *out, const char *hooks_dir)
{
	for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++) {
		int ret;

		snprintf(out->detail, sizeof(out->detail), "%s/%s.d", hooks_dir, hook_names[i]);
		ret = has_hooks(out->detail);
		if (ret != 0) {
			out->reason = ret > 0 ? SETUP_CHOICE_REASON_HOOKS
					      : SETUP_CHOICE_REASON_HOOKS_UNREADABLE;
			return 1;
		}
	}
	out->detail[0] = '\0';
	return 0;
}

/* Whether resolv_conf is a symbolic link; its target goes to out->detail. */
static bool is_resolv_link(struct setup_choice *out, const char *resolv_conf)
{
	struct stat st;
	ssize_t n;

	if (lstat(resolv_conf, &st) != 0) {
		out->is_resolv_absent = errno == ENOENT;
		return false;
	}
	if (!S_ISLNK(st.st_mode))
		return false;
	n = readlink(resolv_conf, out->detail, sizeof(out->detail) - 1);
	out->detail[n > 0 ? n : 0] = '\0';
	return true;
}

static void decide_auto(struct setup_choice *out, const struct setup_choice_paths *paths,
			bool has_script)
{
	out->setup = OPTIONS_NET_SETUP_SCRIPT;
	if (has_script)
		out->reason = SETUP_CHOICE_REASON_SCRIPT_GIVEN;
	else if (is_resolv_link(out, paths->resolv_conf))
		out->reason = SETUP_CHOICE_REASON_RESOLV_LINK;
	else if (!find_hooks(out, paths->hooks_dir)) {
		out->setup = OPTIONS_NET_SETUP_BUILTIN;
		out->reason = SETUP_CHOICE_REASON_NOTHING;
	}
}

void setup_choice_decide(struct setup_choice *out, const struct setup_choice_paths *paths,
			 enum options_net_setup asked, bool has_script)
{
	memset(out, 0, sizeof(*out));
	if (asked == OPTIONS_NET_SETUP_AUTO) {
		decide_auto(out, paths, has_script);
	} else {
		out->setup = asked;
		out->reason = SETUP_CHOICE_REASON_ASKED;
	}
	/* say so now, not after the login when pre-init cannot start */
	if (out->setup == OPTIONS_NET_SETUP_SCRIPT && !has_script &&
	    access(paths->script, X_OK) != 0) {
		out->is_script_missing = true;
		out->script_errno = errno;
	}
}

void setup_choice_describe(const struct setup_choice *c, const struct setup_choice_paths *paths,
			   char *out, size_t out_len)
{
	const char *how = c->setup == OPTIONS_NET_SETUP_BUILTIN ? "built-in" : "vpnc-script";

	switch (c->reason) {
	case SETUP_CHOICE_REASON_ASKED:
		snprintf(out, out_len, "%s, as --net-setup asks", how);
		break;
	case SETUP_CHOICE_REASON_SCRIPT_GIVEN:
		snprintf(out, out_len, "%s, -s/--script names one", how);
		break;
	case SETUP_CHOICE_REASON_RESOLV_LINK:
		snprintf(out, out_len, "%s, %s is a symlink to %s (a DNS manager)", how,
			 paths->resolv_conf, c->detail);
		break;
	case SETUP_CHOICE_REASON_HOOKS:
		snprintf(out, out_len, "%s, %s holds hooks only the script runs", how, c->detail);
		break;
	case SETUP_CHOICE_REASON_HOOKS_UNREADABLE:
		snprintf(out, out_len, "%s, %s cannot be listed (it may hold hooks)", how, c->detail);
		break;
	case SETUP_CHOICE_REASON_NOTHING:
		snprintf(out, out_len, "%s, %s %s and %s/*.d hold no hooks", how, paths->resolv_conf,
			 c->is_resolv_absent ? "is absent" : "is not a symlink", paths->hooks_dir);
		break;
	}
}
