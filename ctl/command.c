/* SPDX-License-Identifier: ISC */
/* Command words -> control requests, as a table of word patterns. */
#include "ctl/command.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ctl_command_usage[] =
	"Commands (sslgatectl words, then occtl's words for the same):\n"
	"  list                            show users\n"
	"  show SESSION                    show id ID\n"
	"  show user NAME                  show user NAME\n"
	"  disconnect user NAME            disconnect user NAME\n"
	"  disconnect session ID           disconnect id ID\n"
	"  status                          show status\n"
	"  bans [all]                      show ip bans | show ip ban points\n"
	"  unban ADDR                      unban ip ADDR\n"
	"  reload                          reload\n";

enum arg_kind { ARG_NONE, ARG_USER, ARG_ID, ARG_ADDR };

struct pattern {
	const char *words[3];   /* fixed words; NULL ends them */
	enum arg_kind arg;      /* one argument after them */
	uint32_t command;
	enum ctl_command_view view;
	bool is_all;
};

static const struct pattern patterns[] = {
	{ { "list" }, ARG_NONE, MSG_CTL_CMD_LIST, CTL_VIEW_USERS, false },
	{ { "show", "users" }, ARG_NONE, MSG_CTL_CMD_LIST, CTL_VIEW_USERS, false },
	{ { "show", "user" }, ARG_USER, MSG_CTL_CMD_SHOW_USER, CTL_VIEW_USER, false },
	{ { "show", "id" }, ARG_ID, MSG_CTL_CMD_SHOW_ID, CTL_VIEW_USER, false },
	{ { "show", "session" }, ARG_ID, MSG_CTL_CMD_SHOW_ID, CTL_VIEW_USER, false },
	{ { "show", "status" }, ARG_NONE, MSG_CTL_CMD_STATUS, CTL_VIEW_STATUS, false },
	{ { "show", "ip", "bans" }, ARG_NONE, MSG_CTL_CMD_BANS, CTL_VIEW_BANS, false },
	{ { "show", "ip", "ban" }, ARG_NONE, 0, CTL_VIEW_BAN_POINTS, true }, /* + "points" */
	{ { "show" }, ARG_ID, MSG_CTL_CMD_SHOW_ID, CTL_VIEW_USER, false },
	{ { "disconnect", "user" }, ARG_USER, MSG_CTL_CMD_DISCONNECT_USER, CTL_VIEW_RESULT, false },
	{ { "disconnect", "id" }, ARG_ID, MSG_CTL_CMD_DISCONNECT_ID, CTL_VIEW_RESULT, false },
	{ { "disconnect", "session" }, ARG_ID, MSG_CTL_CMD_DISCONNECT_ID, CTL_VIEW_RESULT, false },
	{ { "status" }, ARG_NONE, MSG_CTL_CMD_STATUS, CTL_VIEW_STATUS, false },
	{ { "bans", "all" }, ARG_NONE, MSG_CTL_CMD_BANS, CTL_VIEW_BAN_POINTS, true },
	{ { "bans" }, ARG_NONE, MSG_CTL_CMD_BANS, CTL_VIEW_BANS, false },
	{ { "unban", "ip" }, ARG_ADDR, MSG_CTL_CMD_UNBAN, CTL_VIEW_RESULT, false },
	{ { "unban" }, ARG_ADDR, MSG_CTL_CMD_UNBAN, CTL_VIEW_RESULT, false },
	{ { "reload" }, ARG_NONE, MSG_CTL_CMD_RELOAD, CTL_VIEW_RESULT, false },
};

bool ctl_command_parse_id(const char *s, uint8_t out[MSG_SESSION_ID_LEN])
{
	bool is_hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned long long v;
	char *end;

	if (is_hex)
		s += 2;
	if (*s < '0' || (*s > '9' && !is_hex))
		return false;
	errno = 0;
	v = strtoull(s, &end, is_hex ? 16 : 10);
	if (*end || errno || v == 0 || v > MSG_SESSION_ID_MAX)
		return false;
	msg_session_id_from_value(out, v);
	return true;
}

static bool parse_addr(const char *s, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	return inet_pton(out->family, s, out->bytes) == 1;
}

/* The fixed words of p start argv; returns how many, or -1. */
static int match_words(const struct pattern *p, int argc, char **argv)
{
	int n = 0;

	while (n < 3 && p->words[n]) {
		if (n >= argc || strcmp(argv[n], p->words[n]) != 0)
			return -1;
		n++;
	}
	return n;
}

static int take_arg(struct ctl_command *out, const struct pattern *p, const char *arg,
		    const char **out_why)
{
	out->arg = arg;
	switch (p->arg) {
	case ARG_USER:
		if (strlen(arg) >= sizeof(out->req.user))
			return *out_why = "user name too long", -1;
		snprintf(out->req.user, sizeof(out->req.user), "%s", arg);
		return 0;
	case ARG_ID:
		if (!ctl_command_parse_id(arg, out->req.session_id))
			return *out_why = "a session ID is a decimal number (or 0x and hex digits)", -1;
		return 0;
	case ARG_ADDR:
		if (!parse_addr(arg, &out->req.addr))
			return *out_why = "not an IP address", -1;
		return 0;
	case ARG_NONE:
		break;
	}
	return 0;
}

int ctl_command_parse(struct ctl_command *out, int argc, char **argv, const char **out_why)
{
	memset(out, 0, sizeof(*out));
	msg_init(&out->req.h, MSG_CTL_REQUEST, sizeof(out->req), 1);
	out->req.addr.family = AF_UNSPEC;
	*out_why = "unknown command";
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		const struct pattern *p = &patterns[i];
		int n = match_words(p, argc, argv);
		int want = n + (p->arg != ARG_NONE);

		if (n < 0)
			continue;
		/* occtl's "show ip ban points" */
		if (p->command == 0) {
			if (argc != 4 || strcmp(argv[3], "points") != 0)
				continue;
			out->req.command = MSG_CTL_CMD_BANS;
			out->req.is_all = 1;
			out->view = p->view;
			return 0;
		}
		if (argc != want) {
			*out_why = argc < want ? "missing argument" : "too many words";
			continue;
		}
		out->req.command = p->command;
		out->req.is_all = p->is_all;
		out->view = p->view;
		return p->arg != ARG_NONE ? take_arg(out, p, argv[n], out_why) : 0;
	}
	return -1;
}
