/* SPDX-License-Identifier: ISC */
/*
 * sslgatectl's command words: its own ("list", "show SESSION", "bans",
 * ...) and occtl's ("show users", "show user NAME", "show ip bans", ...),
 * both turned into one control request for the parent.
 */
#ifndef CTL_COMMAND_H
#define CTL_COMMAND_H

#include <stdbool.h>

#include "gateway/privsep/msg.h"

/* How the answer is to be printed: occtl's shapes where occtl has the command. */
enum ctl_command_view {
	CTL_VIEW_USERS,       /* a table of sessions, or occtl's user array in JSON */
	CTL_VIEW_USER,        /* every field of the matching sessions */
	CTL_VIEW_STATUS,
	CTL_VIEW_BANS,        /* banned addresses, with expiry */
	CTL_VIEW_BAN_POINTS,  /* every scored address */
	CTL_VIEW_RESULT,      /* one line saying what happened */
};

struct ctl_command {
	struct msg_ctl_request req;
	enum ctl_command_view view;
	const char *arg;      /* the name, id or address as typed, for messages */
};

/*
 * Parses the words after the options. 0, or -1 with a reason in *out_why
 * (a static string) when the words are not a command.
 */
int ctl_command_parse(struct ctl_command *out, int argc, char **argv, const char **out_why);

/* Session ids are typed in decimal (occtl's "ID"), or in hex after "0x". */
bool ctl_command_parse_id(const char *s, uint8_t out[MSG_SESSION_ID_LEN]);

/* The usage text listing every command. */
extern const char ctl_command_usage[];

#endif
