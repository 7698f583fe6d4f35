/* SPDX-License-Identifier: ISC */
/*
 * Printing what the gateway answered, as text for people or as JSON with
 * occtl's field names ("ID", "Username", "Remote IP", "IPv4", "RX", ...;
 * "IP", "Since", "Score" for bans; "Status", "Server PID", "Active
 * sessions", ... for status) so that scripts written for occtl --json keep
 * working. Fields occtl prints that sslgated has no value for are left out.
 */
#ifndef CTL_RENDER_H
#define CTL_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl/command.h"
#include "ctl/json.h"
#include "gateway/privsep/msg.h"

struct ctl_render {
	FILE *out;                 /* borrowed */
	bool is_json;
	enum ctl_command_view view;
	uint64_t now_unix;         /* for "since" intervals; tests fix it */
	size_t count;              /* items printed */
	struct ctl_json json;
};

void ctl_render_init(struct ctl_render *r, FILE *out, bool is_json,
		     enum ctl_command_view view, uint64_t now_unix);
void ctl_render_session(struct ctl_render *r, const struct msg_session_info *s);
void ctl_render_ban(struct ctl_render *r, const struct msg_ban *b);
void ctl_render_status(struct ctl_render *r, const struct msg_ctl_status *s);
/* Closes what init opened (the JSON array, the table). */
void ctl_render_finish(struct ctl_render *r);

/* "2026-11-27 05:28" in local time, as occtl prints dates. */
void ctl_render_date(uint64_t unix_s, char *out, size_t out_len);
/* An interval right-aligned in 6 characters, as occtl prints it: "    4s", "3m:02s", "2h:03m". */
void ctl_render_interval(uint64_t seconds, char *out, size_t out_len);

#endif
