/* SPDX-License-Identifier: ISC */
/*
 * The parent's control requests (sslgatectl / occtl words arrive there and
 * are fanned out to the workers): list this worker's tunnels, and end the
 * ones an administrator names.
 */
#ifndef GATEWAY_WORKER_CTL_H
#define GATEWAY_WORKER_CTL_H

#include "gateway/privsep/msg.h"

struct worker;

/* Answers with one MSG_SESSION_LIST_ITEM per tunnel, then MSG_SESSION_LIST_END. */
void ctl_on_list(struct worker *w, const struct msg_header *req);
/* Terminates every tunnel of the named user, or the one with the session id. */
void ctl_on_disconnect(struct worker *w, const struct msg_ctl_disconnect *req);

#endif
