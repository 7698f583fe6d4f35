/* SPDX-License-Identifier: ISC */
/*
 * Which network setup a session uses, decided once at start-up, before
 * pre-init would run. --net-setup=auto (the default) takes the built-in
 * setup (client/setup_builtin.h: no shell, so connecting is fast) unless
 * something on this host needs the vpnc-script:
 *   - -s/--script was given: the user named a script;
 *   - resolv.conf is a symbolic link: a DNS manager (systemd-resolved,
 *     resolvconf) owns it, and only the script knows how to hand it DNS;
 *   - the admin has hooks in HOOKS/<reason>.d for a reason the script runs
 *     them for: only the script runs them.
 * The paths are parameters so tests can point them at a scratch directory;
 * main.c passes SETUP_CHOICE_SYSTEM_PATHS.
 */
#ifndef CLIENT_SETUP_CHOICE_H
#define CLIENT_SETUP_CHOICE_H

#include <stdbool.h>
#include <stddef.h>

#include "client/options.h"
#include "client/script.h"

/* HOOKS_DIR in Debian's vpnc-script */
#define SETUP_CHOICE_HOOKS_DIR "/etc/vpnc"
#define SETUP_CHOICE_RESOLV_CONF "/etc/resolv.conf"
/* Room for a symbolic link's target or a hook directory in the log line. */
#define SETUP_CHOICE_DETAIL_MAX 256

/* Everything the decision looks at; borrowed. */
struct setup_choice_paths {
	const char *resolv_conf; /* /etc/resolv.conf */
	const char *hooks_dir;   /* /etc/vpnc */
	const char *script;      /* the vpnc-script run when -s is not given */
};

#define SETUP_CHOICE_SYSTEM_PATHS                                       \
	{ .resolv_conf = SETUP_CHOICE_RESOLV_CONF,                      \
	  .hooks_dir = SETUP_CHOICE_HOOKS_DIR, .script = SCRIPT_DEFAULT }

/* Why the setup was chosen, for the log line. */
enum setup_choice_reason {
	SETUP_CHOICE_REASON_ASKED,        /* --net-setup=script or builtin */
	SETUP_CHOICE_REASON_SCRIPT_GIVEN, /* auto, -s/--script */
	SETUP_CHOICE_REASON_RESOLV_LINK,  /* auto, resolv.conf is a symbolic link */
	SETUP_CHOICE_REASON_HOOKS,        /* auto, a hook directory has hooks */
	SETUP_CHOICE_REASON_HOOKS_UNREADABLE, /* auto, a hook directory cannot be listed */
	SETUP_CHOICE_REASON_NOTHING,      /* auto, nothing needs the script */
};

struct setup_choice {
	enum options_net_setup setup;    /* SCRIPT or BUILTIN, never AUTO */
	enum setup_choice_reason reason;
	/* the link's target (RESOLV_LINK) or the hook directory (HOOKS*) */
	char detail[SETUP_CHOICE_DETAIL_MAX];
	bool is_resolv_absent;           /* NOTHING: there is no resolv.conf at all */
	/* the script would run, -s was not given, and paths->script cannot be run */
	bool is_script_missing;
	int script_errno;                /* why, when is_script_missing */
};

/*
 * Decides for the --net-setup value asked (AUTO, SCRIPT or BUILTIN) and
 * whether -s/--script was given. Reads only the paths; never fails: what
 * cannot be read is taken as needing the script, the cautious side.
 */
void setup_choice_decide(struct setup_choice *out, const struct setup_choice_paths *paths,
			 enum options_net_setup asked, bool has_script);

/*
 * The log line's text ("vpnc-script, /etc/resolv.conf is a symlink to ...
 * (a DNS manager)"), NUL-terminated and cut to out_len.
 */
void setup_choice_describe(const struct setup_choice *c, const struct setup_choice_paths *paths,
			   char *out, size_t out_len);

#endif
