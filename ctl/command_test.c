/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ctl/command.h"

static int parse(struct ctl_command *c, const char *line)
{
	char copy[256], *argv[8];
	int argc = 0;
	const char *why;

	strcpy(copy, line);
	for (char *w = strtok(copy, " "); w && argc < 8; w = strtok(NULL, " "))
		argv[argc++] = w;
	return ctl_command_parse(c, argc, argv, &why);
}

/* occtl's words and sslgatectl's own land on the same requests. */
static void occtl_and_own_words(void **state)
{
	static const struct { const char *line; uint32_t command; enum ctl_command_view view; } cases[] = {
		{ "list", MSG_CTL_CMD_LIST, CTL_VIEW_USERS },
		{ "show users", MSG_CTL_CMD_LIST, CTL_VIEW_USERS },
		{ "show user alice", MSG_CTL_CMD_SHOW_USER, CTL_VIEW_USER },
		{ "show id 12889", MSG_CTL_CMD_SHOW_ID, CTL_VIEW_USER },
		{ "show 12889", MSG_CTL_CMD_SHOW_ID, CTL_VIEW_USER },
		{ "show status", MSG_CTL_CMD_STATUS, CTL_VIEW_STATUS },
		{ "status", MSG_CTL_CMD_STATUS, CTL_VIEW_STATUS },
		{ "show ip bans", MSG_CTL_CMD_BANS, CTL_VIEW_BANS },
		{ "bans", MSG_CTL_CMD_BANS, CTL_VIEW_BANS },
		{ "show ip ban points", MSG_CTL_CMD_BANS, CTL_VIEW_BAN_POINTS },
		{ "bans all", MSG_CTL_CMD_BANS, CTL_VIEW_BAN_POINTS },
		{ "disconnect user alice", MSG_CTL_CMD_DISCONNECT_USER, CTL_VIEW_RESULT },
		{ "disconnect id 12889", MSG_CTL_CMD_DISCONNECT_ID, CTL_VIEW_RESULT },
		{ "disconnect session 12889", MSG_CTL_CMD_DISCONNECT_ID, CTL_VIEW_RESULT },
		{ "unban ip 198.18.1.2", MSG_CTL_CMD_UNBAN, CTL_VIEW_RESULT },
		{ "unban 198.18.1.2", MSG_CTL_CMD_UNBAN, CTL_VIEW_RESULT },
		{ "reload", MSG_CTL_CMD_RELOAD, CTL_VIEW_RESULT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_command c;

		assert_int_equal(parse(&c, cases[i].line), 0);
		assert_int_equal(c.req.command, cases[i].command);
		assert_int_equal(c.view, cases[i].view);
		assert_int_equal(c.req.h.type, MSG_CTL_REQUEST);
		assert_int_equal(c.req.h.len, sizeof(c.req));
	}
}

static void arguments_land_in_the_request(void **state)
{
	struct ctl_command c;

	(void)state;
	assert_int_equal(parse(&c, "show user alice"), 0);
	assert_string_equal(c.req.user, "alice");
	assert_int_equal(parse(&c, "disconnect id 12889"), 0);
	assert_true(msg_session_id_value(c.req.session_id) == 12889);
	/* a 16-digit decimal ID is decimal; hex ("Full session") needs 0x */
	assert_int_equal(parse(&c, "show 4950297731015598"), 0);
	assert_true(msg_session_id_value(c.req.session_id) == 4950297731015598u);
	assert_int_equal(parse(&c, "show 0x0019eb988a20b54d"), 0);
	assert_true(msg_session_id_value(c.req.session_id) == 0x0019eb988a20b54du);
	assert_int_equal(parse(&c, "unban ip 2001:db8::1"), 0);
	assert_int_equal(c.req.addr.family, AF_INET6);
	assert_int_equal(c.req.addr.bytes[15], 1);
	assert_int_equal(parse(&c, "show ip ban points"), 0);
	assert_int_equal(c.req.is_all, 1);
	assert_int_equal(parse(&c, "show ip bans"), 0);
	assert_int_equal(c.req.is_all, 0);
}

static void rejects_bad_commands(void **state)
{
	struct ctl_command c;

	(void)state;
	assert_int_equal(parse(&c, "frobnicate"), -1);
	assert_int_equal(parse(&c, "show user"), -1);
	assert_int_equal(parse(&c, "disconnect id zero"), -1);
	assert_int_equal(parse(&c, "disconnect id -5"), -1);
	assert_int_equal(parse(&c, "show 0019eb988a20b54d"), -1);
	assert_int_equal(parse(&c, "disconnect id 0"), -1);
	assert_int_equal(parse(&c, "disconnect id 9007199254740992"), -1); /* 2^53 */
	assert_int_equal(parse(&c, "unban ip 198.18.1"), -1);
	assert_int_equal(parse(&c, "reload now"), -1);
	assert_int_equal(parse(&c, "show user aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(occtl_and_own_words),
		cmocka_unit_test(arguments_land_in_the_request),
		cmocka_unit_test(rejects_bad_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
