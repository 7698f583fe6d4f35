/* SPDX-License-Identifier: ISC */
/*
 * sslgate: the wiring. Command line, log sink, signals, what standard
 * input carries (--passwd-on-stdin, --cookie-on-stdin), --background and
 * --pid-file, the XML parser child (forked before any of those secrets is
 * read), then one session (client/session.h) and, for
 * --authenticate, the lines front ends read.
 *
 * The only global state: the stop flag the signal handler sets.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/auth_exchange.h"
#include "client/auth_parser.h"
#include "client/link.h"
#include "client/memory.h"
#include "client/options.h"
#include "client/prompt.h"
#include "client/session.h"
#include "client/setup_choice.h"
#include "lib/auth/xml.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/tls/tls.h"

#define VERSION "0.1.0"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* No SA_RESTART: a signal interrupts any wait, and every wait checks the flag. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* stderr, with openconnect's "[YYYY-MM-DD HH:MM:SS] " in front when asked. */
static void log_sink(enum log_level level, const char *line, void *ctx)
{
	static const char *const prefixes[] = { "error: ", "warning: ", "", "" };
	const bool *has_timestamp = ctx;
	char stamp[32] = "";

	if (*has_timestamp) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "[%Y-%m-%d %H:%M:%S] ", &tm);
	}
	fprintf(stderr, "%s%s%s\n", stamp, prefixes[level], line);
}

static enum log_level log_level_of(enum options_verbosity v)
{
	switch (v) {
	case OPTIONS_VERBOSITY_ERR: return LOG_LEVEL_ERR;
	case OPTIONS_VERBOSITY_INFO: return LOG_LEVEL_INFO;
	default: return LOG_LEVEL_DEBUG;
	}
}

/*
 * The secrets standard input may carry, read before anything else uses it.
 * The cookie goes to the session's jar and is wiped here at once. The
 * login borrows the password (struct auth_answers) and wipes it once it has
 * answered the first password field with it; main wipes whatever is left
 * at the end (a login that never asked for it).
 */
struct stdin_secrets {
	char password[PROMPT_LINE_MAX];
	char cookie[PROMPT_LINE_MAX];
};

/*
 * One line of standard input into out, with the error named after option.
 * An empty password may be one; an empty cookie never is.
 */
static int read_secret(const char *option, const char *what, bool is_empty_ok, char *out,
		       size_t out_len)
{
	int ret = prompt_read_fd_line(STDIN_FILENO, &stop_requested, out, out_len);

	if (ret == 0 && (out[0] || is_empty_ok))
		return 0;
	if (ret == 0 || ret == VPN_ERR_CLOSED)
		log_err("%s: no %s on standard input", option, what);
	else if (ret == VPN_ERR_TOO_BIG)
		log_err("%s: the %s on standard input is longer than %zu bytes", option, what,
			out_len - 1);
	else if (ret == VPN_ERR_INVALID)
		log_err("%s: the %s on standard input holds a NUL byte", option, what);
	else
		log_err("%s: cannot read standard input: %s", option,
			stop_requested ? "interrupted" : strerror(errno));
	return VPN_ERR_INVALID;
}

/*
 * Straight from the descriptor (client/prompt.h): what stdio would read
 * ahead stays in the kernel for the prompts that come later.
 */
static int read_secrets(const struct options *o, struct stdin_secrets *sec)
{
	int ret = 0;

	if (o->is_passwd_on_stdin)
		ret = read_secret("--passwd-on-stdin", "password", true, sec->password,
				  sizeof(sec->password));
	if (ret == 0 && o->is_cookie_on_stdin)
		ret = read_secret("--cookie-on-stdin", "cookie", false, sec->cookie,
				  sizeof(sec->cookie));
	return ret;
}

/* --authenticate: what NetworkManager-style front ends read (openconnect's lines). */
static void print_authentication(const struct session *s)
{
	char url[1400];
	char addr[NET_ADDR_STRLEN];

	auth_exchange_url(s, s->gw.path, url, sizeof(url));
	net_addr_format(&s->gw.addr, addr, sizeof(addr));
	printf("COOKIE='%s'\n", auth_flow_cookie(&s->auth));
	printf("HOST='%s'\n", s->gw.host);
	printf("CONNECT_URL='%s'\n", url);
	printf("FINGERPRINT='%s'\n", s->peer_pin);
	printf("RESOLVE='%s:%s'\n", s->gw.host, addr);
	fflush(stdout);
}

/*
 * --background: the parent waits until the child reports the tunnel up (a
 * byte on the pipe) and exits 0, or sees the pipe close first and exits 1.
 */
static int go_background(int *out_notify_fd)
{
	int fds[2];
	pid_t pid;
	ssize_t n;
	char byte = 0;

	if (pipe(fds) != 0)
		return VPN_ERR_IO;
	pid = fork();
	if (pid < 0)
		return VPN_ERR_IO;
	if (pid == 0) {
		close(fds[0]);
		*out_notify_fd = fds[1];
		return 0;
	}
	close(fds[1]);
	do
		n = read(fds[0], &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && byte == 'u') {
		log_info("continuing in the background; pid %d", (int)pid);
		_exit(0);
	}
	_exit(1);
}

static void write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		log_warn("cannot write the pid file %s", path);
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/*
 * --net-setup=auto becomes the script or the built-in setup here, once,
 * before the login: a vpnc-script that cannot run is better said now than
 * at pre-init, after the user typed a password.
 */
static int choose_net_setup(struct options *o)
{
	static const struct setup_choice_paths system_paths = SETUP_CHOICE_SYSTEM_PATHS;
	struct setup_choice c;
	char why[512];

	setup_choice_decide(&c, &system_paths, o->net_setup, o->script != NULL);
	setup_choice_describe(&c, &system_paths, why, sizeof(why));
	if (c.is_script_missing) {
		log_err("network setup: %s; but the vpnc-script %s %s (%s): install vpnc-scripts, "
			"or give --script or --net-setup=builtin", why, system_paths.script,
			c.script_errno == ENOENT ? "is missing" : "cannot be run",
			strerror(c.script_errno));
		return VPN_ERR_NOT_FOUND;
	}
	log_info("network setup: %s", why);
	o->net_setup = c.setup;
	return 0;
}

/*
 * The XML parser child is forked here, before the client holds anything
 * worth stealing (client/auth_parser.h lists what it can see). Nothing to
 * parse when the cookie is given: no child then.
 */
static void start_parser(const struct options *o, struct auth_parser *parser)
{
	struct auth_xml_error err;

	auth_parser_init(parser);
	if (o->cookie || o->is_cookie_on_stdin)
		return;
	if (auth_parser_start_once(parser, &err) != 0)
		log_warn("%s", err.text);
}

/* The session takes over the parser child (fd and pid); parser forgets it. */
static int run(const struct options *opts, struct stdin_secrets *sec, int notify_fd,
	       struct auth_parser *parser)
{
	struct session s;
	int code;

	if (opts->pid_file)
		write_pid_file(opts->pid_file);
	session_init(&s, opts, &stop_requested);
	s.auth.parser = *parser;
	auth_parser_init(parser);
	s.tunnel.notify_fd = notify_fd;
	s.auth.answers.user = opts->user;
	s.auth.answers.password = opts->is_passwd_on_stdin ? sec->password : NULL;
	s.auth.answers.is_non_inter = opts->is_non_inter;
	s.auth.answers.in = stdin;
	if (link_set_gateway(&s, opts->server, opts->usergroup) != 0) {
		log_err("'%s' is not a gateway URL (https://host[:port][/group])", opts->server);
		session_cleanup(&s);
		return 1;
	}
	if (opts->cookie || sec->cookie[0]) {
		cookies_set(&s.auth.jar, "webvpn", opts->cookie ? opts->cookie : sec->cookie);
		s.auth.has_cookie = true;
	}
	/* The jar holds its own copy for the whole session. */
	buf_wipe(sec->cookie, sizeof(sec->cookie));
	code = session_run(&s);
	if (code == 0 && opts->action == OPTIONS_ACTION_AUTHENTICATE)
		print_authentication(&s);
	session_cleanup(&s);
	if (opts->pid_file)
		unlink(opts->pid_file);
	return code;
}

int main(int argc, char **argv)
{
	struct stdin_secrets secrets = { "", "" };
	struct auth_parser parser;
	struct options opts;
	char err[256];
	int notify_fd = -1;
	int code;

	memory_setup();
	/*
	 * The answers asked later (a group, a "yes", a password typed at the
	 * prompt) go through stdio; unbuffered, it reads them a byte at a time
	 * and keeps no block of standard input on the heap.
	 */
	setvbuf(stdin, NULL, _IONBF, 0);
	if (options_parse(&opts, argc, argv, err, sizeof(err)) != 0) {
		fprintf(stderr, "sslgate: %s\nTry 'sslgate --help'.\n", err);
		return 1;
	}
	if (opts.action == OPTIONS_ACTION_HELP) {
		fputs(options_usage(), stdout);
		return 0;
	}
	if (opts.action == OPTIONS_ACTION_VERSION) {
		printf("sslgate %s\n", VERSION);
		return 0;
	}
	log_set_sink(log_sink, &opts.has_timestamp, log_level_of(opts.verbosity));
	if (opts.was_mtu_raised)
		log_warn("an MTU below %d was raised to %d", OPTIONS_MIN_MTU, OPTIONS_MIN_MTU);
	if (opts.action == OPTIONS_ACTION_CONNECT && choose_net_setup(&opts) != 0)
		return 1;
	/* First, so the parser child is the background process's child. */
	if (opts.is_background && go_background(&notify_fd) != 0) {
		log_err("cannot continue in the background");
		return 1;
	}
	/* Before standard input is read and before TLS exists (its random state included). */
	start_parser(&opts, &parser);
	auth_xml_global_init();
	if (tls_global_init() != 0) {
		log_err("cannot initialise TLS");
		auth_parser_stop(&parser);
		return 1;
	}
	install_signals();
	code = read_secrets(&opts, &secrets) == 0 ? run(&opts, &secrets, notify_fd, &parser) : 1;
	auth_parser_stop(&parser);
	buf_wipe(&secrets, sizeof(secrets));
	tls_global_cleanup();
	return code;
}
