/* SPDX-License-Identifier: ISC */
/* Giving up root in a child process, with checks that it is gone. */
#include "gateway/privsep/drop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/base/log.h"

static bool parse_number(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0;
}

int privsep_drop_lookup(const char *user, const char *group, struct privsep_drop_id *out)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr = getgrnam(group);
	unsigned long n;

	if (pw)
		out->uid = pw->pw_uid;
	else if (parse_number(user, &n))
		out->uid = (uid_t)n;
	else
		return VPN_ERR_NOT_FOUND;
	if (gr)
		out->gid = gr->gr_gid;
	else if (parse_number(group, &n))
		out->gid = (gid_t)n;
	else
		return VPN_ERR_NOT_FOUND;
	/* uid 0 would keep everything this is meant to take away */
	return out->uid == 0 || out->gid == 0 ? VPN_ERR_DENIED : 0;
}

int privsep_drop(const struct privsep_drop_id *id, const char *chroot_dir)
{
	if (chroot_dir && (chroot(chroot_dir) != 0 || chdir("/") != 0)) {
		log_err("chroot %s: %s", chroot_dir, strerror(errno));
		return VPN_ERR_DENIED;
	}
	if (setgroups(1, &id->gid) != 0 || setresgid(id->gid, id->gid, id->gid) != 0 ||
	    setresuid(id->uid, id->uid, id->uid) != 0) {
		log_err("cannot become uid %u gid %u: %s", (unsigned)id->uid, (unsigned)id->gid,
			strerror(errno));
		return VPN_ERR_DENIED;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		log_err("prctl: %s", strerror(errno));
		return VPN_ERR_DENIED;
	}
	/* Paranoia: if root can be had back, something above did not stick. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		log_err("privileges were not dropped");
		return VPN_ERR_DENIED;
	}
	return 0;
}
