/* SPDX-License-Identifier: ISC */
/* Dropping root to a named user, then auditing that it cannot come back. */
#include "lib/sandbox/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/base/err.h"

static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0 && *out < (unsigned long)(uid_t)-1;
}

int sandbox_identity_lookup(struct sandbox_identity *out, const char *user, const char *group)
{
	struct passwd *pw = getpwnam(user);
	unsigned long n;

	if (pw) {
		out->uid = pw->pw_uid;
		out->gid = pw->pw_gid;
	} else if (parse_id(user, &n)) {
		out->uid = (uid_t)n;
		out->gid = (gid_t)n;
	} else {
		return VPN_ERR_NOT_FOUND;
	}
	if (group) {
		struct group *gr = getgrnam(group);

		if (gr)
			out->gid = gr->gr_gid;
		else if (parse_id(group, &n))
			out->gid = (gid_t)n;
		else
			return VPN_ERR_NOT_FOUND;
	}
	return out->uid == 0 || out->gid == 0 ? VPN_ERR_DENIED : 0;
}

/* capget(2) without libcap: three 32-bit words for each 64-bit set. */
static bool has_no_capabilities(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0, 0, 0 } };

	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable)
			return false;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
			return false;
	return true;
}

static bool ids_are(const struct sandbox_identity *id)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return false;
	return ru == id->uid && eu == id->uid && su == id->uid &&
	       rg == id->gid && eg == id->gid && sg == id->gid;
}

static bool groups_are(gid_t only)
{
	gid_t list[4];
	int n = getgroups(4, list);

	return n == 0 || (n == 1 && list[0] == only);
}

/* Every way back to root must fail; a success means the drop did not stick. */
static bool cannot_regain_root(void)
{
	gid_t zero = 0;

	return setuid(0) != 0 && seteuid(0) != 0 && setreuid(-1, 0) != 0 &&
	       setresuid(0, 0, 0) != 0 && setgid(0) != 0 && setegid(0) != 0 &&
	       setresgid(0, 0, 0) != 0 && setgroups(1, &zero) != 0;
}

int sandbox_privdrop_check(const struct sandbox_identity *id)
{
	if (!ids_are(id) || !groups_are(id->gid) || !has_no_capabilities())
		return VPN_ERR_DENIED;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return VPN_ERR_DENIED;
	if (!cannot_regain_root())
		return VPN_ERR_DENIED;
	/* the attempts above must not have changed anything either */
	return ids_are(id) ? 0 : VPN_ERR_DENIED;
}

int sandbox_privdrop(const struct sandbox_identity *id)
{
	if (id->uid == 0 || id->gid == 0)
		return VPN_ERR_DENIED;
	/* groups first: once the uid is gone, setgroups() is no longer allowed */
	if (setgroups(1, &id->gid) != 0 || setresgid(id->gid, id->gid, id->gid) != 0)
		return VPN_ERR_DENIED;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		return VPN_ERR_DENIED;
	if (setresuid(id->uid, id->uid, id->uid) != 0)
		return VPN_ERR_DENIED;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return VPN_ERR_DENIED;
	return sandbox_privdrop_check(id);
}
