/* SPDX-License-Identifier: ISC */
/*
 * Dropping root in a freshly forked child: an optional chroot, then the
 * configured group and user with no supplementary groups, no way back
 * (setresuid, PR_SET_NO_NEW_PRIVS) and no core dumps or ptrace from its
 * own uid (PR_SET_DUMPABLE 0), so a worker cannot read authd's memory.
 */
#ifndef GATEWAY_PRIVSEP_DROP_H
#define GATEWAY_PRIVSEP_DROP_H

#include <sys/types.h>

struct privsep_drop_id {
	uid_t uid;
	gid_t gid;
};

/* Resolves names (or numbers); 0 or VPN_ERR_NOT_FOUND. */
int privsep_drop_lookup(const char *user, const char *group, struct privsep_drop_id *out);

/*
 * Becomes id for good, after chroot(chroot_dir) when it is not NULL.
 * 0, or VPN_ERR_DENIED when any step failed (the child must then exit).
 */
int privsep_drop(const struct privsep_drop_id *id, const char *chroot_dir);

#endif
