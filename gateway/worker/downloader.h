/* SPDX-License-Identifier: ISC */
/*
 * Phase 4, the downloader (PROTOCOL.md §5): the profile XML at the path the
 * complete document advertised, for holders of a valid cookie, and the
 * stubs that keep Cisco clients from trying to "upgrade" themselves.
 */
#ifndef GATEWAY_WORKER_DOWNLOADER_H
#define GATEWAY_WORKER_DOWNLOADER_H

#include <stdbool.h>

#include "gateway/privsep/msg.h"
#include "gateway/worker/http_serve.h"

struct session;

/* GET paths served here: /profiles/... and the stub URLs. */
bool download_matches(const struct session *s, struct str_view path);
void download_on_request(struct session *s, const struct http_exchange *x);
/* authd answered the cookie check of a profile download. */
void download_on_cookie_result(struct session *s, const struct msg_cookie_result *m);

#endif
