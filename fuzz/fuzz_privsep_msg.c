/* SPDX-License-Identifier: ISC */
/*
 * msg_check, the gate every datagram from a worker passes before authd or
 * the parent reads a field: over arbitrary bytes it must accept only a
 * datagram of exactly its type's size, leave every string NUL-terminated
 * and every address of a known family.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/privsep/msg.h"
#include "lib/base/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	struct msg_header h;

	if (size > MSG_MAX_SIZE)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	if (size)
		memcpy(buf, data, size);
	if (msg_check(buf, size) == 0) {
		memcpy(&h, buf, sizeof(h));
		if (h.len != size || strcmp(msg_type_name(h.type), "unknown") == 0)
			abort();
		if (h.type == MSG_AUTH_PASSWORD) {
			const struct msg_auth_password *m = (const void *)buf;

			if (strlen(m->user) >= sizeof(m->user) ||
			    strlen(m->password) >= sizeof(m->password))
				abort();
		}
	}
	free(buf);
	return 0;
}
