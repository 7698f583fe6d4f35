/* SPDX-License-Identifier: ISC */
/*
 * sslgatectl: occtl's options (-s SOCKET, -j/--json) and command words,
 * plus sslgatectl's own, against the gateway's root-only control socket.
 * Exit status as occtl: 0 done, 1 failed or refused, 2 no such user or ID.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/client.h"
#include "ctl/command.h"
#include "ctl/render.h"
#include "lib/base/err.h"

#define DEFAULT_SOCKET "/run/sslgated.socket"

static void usage(FILE *out)
{
	fprintf(out, "Usage: sslgatectl [-s SOCKET] [-j|--json] COMMAND\n"
		"  -s, --socket-file SOCKET  the gateway's control socket (occtl-socket-file;\n"
		"                            default " DEFAULT_SOCKET ")\n"
		"  -j, --json                print JSON with occtl's field names\n\n%s",
		ctl_command_usage);
}

static void on_answer(void *ctx, const struct msg_header *h)
{
	struct ctl_render *r = ctx;

	if (h->type == MSG_CTL_SESSION)
		ctl_render_session(r, (const struct msg_session_info *)h);
	else if (h->type == MSG_CTL_BAN)
		ctl_render_ban(r, (const struct msg_ban *)h);
	else if (h->type == MSG_CTL_STATUS)
		ctl_render_status(r, (const struct msg_ctl_status *)h);
}

/* The one line occtl prints for commands that change something. */
static void result_text(const struct ctl_command *c, const struct msg_ctl_done *d, char *out,
			size_t len)
{
	bool is_ok = d->status == 0;

	switch (c->req.command) {
	case MSG_CTL_CMD_DISCONNECT_USER:
		snprintf(out, len, is_ok ? "user '%s' was disconnected" :
			 "could not disconnect user '%s'", c->arg);
		break;
	case MSG_CTL_CMD_DISCONNECT_ID:
		snprintf(out, len, is_ok ? "connection ID '%s' was disconnected" :
			 "could not disconnect ID '%s'", c->arg);
		break;
	case MSG_CTL_CMD_UNBAN:
		snprintf(out, len, is_ok ? "IP '%s' was unbanned" : "could not unban IP '%s'",
			 c->arg);
		break;
	default:
		snprintf(out, len, is_ok ? "Server scheduled to reload" : "Error scheduling reload");
	}
}

static int print_result(const struct ctl_command *c, const struct msg_ctl_done *d,
			bool is_json)
{
	struct ctl_json j;
	char text[320];

	result_text(c, d, text, sizeof(text));
	if (!is_json) {
		printf("%s\n", text);
	} else {
		ctl_json_init(&j, stdout);
		ctl_json_begin_object(&j, NULL);
		ctl_json_string(&j, "Status", d->status == 0 ? "ok" : "error");
		ctl_json_string(&j, "Message", text);
		ctl_json_uint(&j, "Count", d->count);
		ctl_json_end_object(&j);
	}
	return d->status == 0 ? 0 : 1;
}

static int run(const char *socket_path, const struct ctl_command *c, bool is_json)
{
	struct ctl_render r;
	struct msg_ctl_done done;
	int fd, err;

	if (ctl_client_connect(socket_path, &fd) < 0) {
		fprintf(stderr, "sslgatectl: cannot connect to %s: %s\n", socket_path,
			strerror(errno));
		return 1;
	}
	ctl_render_init(&r, stdout, is_json, c->view, (uint64_t)time(NULL));
	err = ctl_client_run(fd, &c->req, on_answer, &r, &done);
	close(fd);
	if (err < 0) {
		fprintf(stderr, "sslgatectl: no answer from the gateway: %s\n", vpn_err_str(err));
		return 1;
	}
	if (c->view == CTL_VIEW_RESULT)
		return print_result(c, &done, is_json);
	ctl_render_finish(&r);
	if (done.status != 0) {
		fprintf(stderr, "sslgatectl: %s\n", done.text[0] ? done.text : vpn_err_str(done.status));
		return 1;
	}
	return c->view == CTL_VIEW_USER && r.count == 0 ? 2 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "socket-file", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *socket_path = DEFAULT_SOCKET, *why;
	struct ctl_command c;
	bool is_json = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "+s:jhv", longs, NULL)) != -1) {
		switch (opt) {
		case 's': socket_path = optarg; break;
		case 'j': is_json = true; break;
		case 'h': usage(stdout); return 0;
		case 'v': printf("sslgatectl %s\n", SSLGATE_VERSION); return 0;
		default: usage(stderr); return 1;
		}
	}
	/* occtl also takes --json after the command words */
	if (argc > optind && strcmp(argv[argc - 1], "--json") == 0) {
		is_json = true;
		argc--;
	}
	if (ctl_command_parse(&c, argc - optind, argv + optind, &why) < 0) {
		fprintf(stderr, "sslgatectl: %s\n\n", why);
		usage(stderr);
		return 1;
	}
	return run(socket_path, &c, is_json);
}
