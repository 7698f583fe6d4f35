/* SPDX-License-Identifier: ISC */
/*
 * sslgatectl's side of the control socket: one request, then every answer
 * until MSG_CTL_DONE, each checked with msg_check like any privsep message.
 */
#ifndef CTL_CLIENT_H
#define CTL_CLIENT_H

#include "gateway/privsep/msg.h"

#define CTL_CLIENT_TIMEOUT_MS 10000

/* Called for each MSG_CTL_SESSION, MSG_CTL_BAN or MSG_CTL_STATUS. */
typedef void (*ctl_client_fn)(void *ctx, const struct msg_header *m);

/* 0 with *out_fd, or VPN_ERR_IO (errno set). */
int ctl_client_connect(const char *path, int *out_fd);

/*
 * Sends req and hands every answer to on_answer until the final one, which
 * lands in *out_done. 0, VPN_ERR_CLOSED (the gateway hung up),
 * VPN_ERR_AGAIN (no answer in time), VPN_ERR_INVALID (a malformed answer).
 */
int ctl_client_run(int fd, const struct msg_ctl_request *req, ctl_client_fn on_answer,
		   void *ctx, struct msg_ctl_done *out_done);

#endif
