/* SPDX-License-Identifier: ISC */
/*
 * authd: the only process that reads the password file and the only one
 * that knows cookies. It runs under its own unprivileged user and answers
 * workers (logins, cookie checks, session events) and the parent (bans,
 * disconnects, reload) with the messages of gateway/privsep/msg.h.
 *
 * The password file is opened by the parent (it is usually readable by
 * root only) and passed in; when it changes on disk (ocpasswd replaces it),
 * authd asks the parent for a fresh descriptor before it answers the login
 * that noticed, so a locked or deleted user is refused at once.
 */
#ifndef GATEWAY_AUTHD_AUTHD_H
#define GATEWAY_AUTHD_AUTHD_H

struct gw_config;

/*
 * Runs authd until the parent's socket closes. Takes ownership of cfg (it
 * replaces it on reload), parent_fd and passwd_fd (-1 when the file could
 * not be opened: every login then fails). The caller has dropped
 * privileges. Returns 0, or a negative vpn_err when authd could not start.
 */
int authd_main(struct gw_config *cfg, int parent_fd, int passwd_fd);

#endif
