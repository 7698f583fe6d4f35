/* SPDX-License-Identifier: ISC */
/*
 * The password file parser over arbitrary bytes, the way authd walks a file:
 * line after line until it needs more; the first byte says whether the
 * input is the end of the file. A parsed entry must be well-formed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/authd/passwd.h"
#include "lib/base/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t left = size ? size - 1 : 0;
	bool is_final;

	if (size == 0)
		return 0;
	is_final = data[0] & 1;
	while (left) {
		struct authd_passwd_entry e;
		size_t used = 0;
		int r = authd_passwd_parse(&e, p, left, is_final, &used);

		if (r != PARSE_DONE)
			break;
		if (used == 0 || used > left || e.n_groups > AUTHD_PASSWD_GROUPS_MAX ||
		    strnlen(e.user, sizeof(e.user)) == sizeof(e.user) ||
		    strnlen(e.hash, sizeof(e.hash)) == sizeof(e.hash) ||
		    e.is_locked != (e.hash[0] == '!'))
			abort();
		for (unsigned i = 0; i < e.n_groups; i++)
			if (strlen(e.groups[i]) < 2 || strchr(e.groups[i], ','))
				abort();
		p += used;
		left -= used;
	}
	return 0;
}
