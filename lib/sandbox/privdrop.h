/* SPDX-License-Identifier: ISC */
/*
 * Becoming an unprivileged user for good, and proving it. The parent forks
 * a worker or authd as root, opens what the child needs, then calls
 * sandbox_privdrop(): no supplementary groups, real/effective/saved ids all
 * the target's, no capabilities in any set, no new privileges through
 * exec, not dumpable (so another process of the same user cannot ptrace it
 * or read its memory). sandbox_privdrop_check() then tries to get root back
 * and fails unless every attempt is refused.
 *
 * gateway/privsep/drop.c does the same steps for sslgated today;
 * sandbox_privdrop_check() can follow it as an independent audit.
 */
#ifndef SANDBOX_PRIVDROP_H
#define SANDBOX_PRIVDROP_H

#include <sys/types.h>

struct sandbox_identity {
	uid_t uid;
	gid_t gid;
};

/*
 * The uid and primary group of user (a name, or a number); group (may be
 * NULL: the user's own) overrides the group. 0, VPN_ERR_NOT_FOUND, or
 * VPN_ERR_DENIED when the result would be uid 0 or gid 0.
 */
int sandbox_identity_lookup(struct sandbox_identity *out, const char *user, const char *group);

/*
 * Drops to id (the process must be root), sets PR_SET_NO_NEW_PRIVS and
 * PR_SET_DUMPABLE 0, then runs sandbox_privdrop_check(). 0, or
 * VPN_ERR_DENIED: the process is in an unknown state and must exit.
 */
int sandbox_privdrop(const struct sandbox_identity *id);

/*
 * 0 when the process is id in every uid/gid slot, has no supplementary
 * groups other than id->gid, holds no capability (effective, permitted,
 * inheritable, ambient), has no-new-privs set, and cannot become uid 0 or
 * gid 0 again; VPN_ERR_DENIED otherwise.
 */
int sandbox_privdrop_check(const struct sandbox_identity *id);

#endif
