/* SPDX-License-Identifier: ISC */
/* User-Agent -> client class, in ocserv's order of tests. */
#include "gateway/worker/client_class.h"

#include <string.h>
#include <strings.h>

static bool starts_nocase(struct str_view v, const char *prefix)
{
	size_t n = strlen(prefix);

	return v.len >= n && strncasecmp(v.ptr, prefix, n) == 0;
}

enum session_client client_class_of(struct str_view ua)
{
	static const char oc_old[] = "Open AnyConnect VPN Agent v";

	/* Order matters: the openconnect strings contain "AnyConnect" too. */
	if (starts_nocase(ua, oc_old)) {
		size_t i = sizeof(oc_old) - 1;
		unsigned major = 0;

		while (i < ua.len && ua.ptr[i] >= '0' && ua.ptr[i] <= '9' && major < 1000)
			major = major * 10 + (unsigned)(ua.ptr[i++] - '0');
		return major > 0 && major <= 3 ? SESSION_CLIENT_LEGACY : SESSION_CLIENT_OPENCONNECT;
	}
	if (starts_nocase(ua, "AnyConnect-compatible OpenConnect") ||
	    starts_nocase(ua, "OpenConnect VPN Agent"))
		return SESSION_CLIENT_OPENCONNECT;
	if (starts_nocase(ua, "Cisco AnyConnect") || starts_nocase(ua, "AnyConnect"))
		return SESSION_CLIENT_ANYCONNECT;
	return SESSION_CLIENT_OPENCONNECT;
}

