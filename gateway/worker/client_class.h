/* SPDX-License-Identifier: ISC */
/*
 * Which document shapes a client gets, decided from its User-Agent
 * (PROTOCOL.md §2.3). The class only picks quirks: every client is served.
 */
#ifndef GATEWAY_WORKER_CLIENT_CLASS_H
#define GATEWAY_WORKER_CLIENT_CLASS_H

#include "lib/base/strview.h"

enum session_client {
	SESSION_CLIENT_OPENCONNECT = 0, /* and anything unknown: ocserv's shapes */
	SESSION_CLIENT_ANYCONNECT,      /* Cisco clients: ASA shapes */
	SESSION_CLIENT_LEGACY,          /* openconnect v3 and older: bare <auth> */
};

enum session_client client_class_of(struct str_view user_agent);

#endif
