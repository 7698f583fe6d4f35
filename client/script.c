/* SPDX-License-Identifier: ISC */
/*
 * vpnc-script environment and invocation. Variable names, list formats and
 * the numbering of split routes follow what openconnect's script.c hands
 * to the script, so Debian's vpnc-script needs no change.
 */
#include "client/script.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/hex.h"
#include "lib/base/log.h"

static const char *const reason_names[] = {
	[SCRIPT_REASON_PRE_INIT] = "pre-init",
	[SCRIPT_REASON_CONNECT] = "connect",
	[SCRIPT_REASON_DISCONNECT] = "disconnect",
	[SCRIPT_REASON_ATTEMPT_RECONNECT] = "attempt-reconnect",
	[SCRIPT_REASON_RECONNECT] = "reconnect",
};

const char *script_reason_name(enum script_reason reason)
{
	return reason_names[reason];
}

void script_env_init(struct script_env *env)
{
	memset(env, 0, sizeof(*env));
}

static void free_value(char *value)
{
	if (value) {
		buf_wipe(value, strlen(value));
		free(value);
	}
}

void script_env_cleanup(struct script_env *env)
{
	for (size_t i = 0; i < env->count; i++) {
		free(env->vars[i].name);
		free_value(env->vars[i].value);
	}
	free(env->vars);
	env->vars = NULL;
	env->count = 0;
	env->cap = 0;
}

/* Room for one more variable: 0, VPN_ERR_TOO_BIG or VPN_ERR_NOMEM. */
static int make_room(struct script_env *env)
{
	struct script_var *grown;
	size_t cap;

	if (env->count < env->cap)
		return 0;
	if (env->cap == SCRIPT_MAX_VARS)
		return VPN_ERR_TOO_BIG;
	cap = env->cap ? env->cap * 2 : 64;
	if (cap > SCRIPT_MAX_VARS)
		cap = SCRIPT_MAX_VARS;
	grown = realloc(env->vars, cap * sizeof(*grown));
	if (!grown)
		return VPN_ERR_NOMEM;
	env->vars = grown;
	env->cap = cap;
	return 0;
}

static struct script_var *find(const struct script_env *env, const char *name)
{
	for (size_t i = 0; i < env->count; i++)
		if (strcmp(env->vars[i].name, name) == 0)
			return (struct script_var *)&env->vars[i];
	return NULL;
}

/* Takes ownership of value (which may be NULL). */
static int put(struct script_env *env, const char *name, char *value)
{
	struct script_var *v = find(env, name);

	if (!v) {
		int ret = make_room(env);

		if (ret != 0) {
			free_value(value);
			return ret;
		}
		v = &env->vars[env->count];
		v->name = strdup(name);
		if (!v->name) {
			free_value(value);
			return VPN_ERR_NOMEM;
		}
		v->value = NULL;
		env->count++;
	}
	free_value(v->value);
	v->value = value;
	return 0;
}

int script_env_set(struct script_env *env, const char *name, const char *value)
{
	char *copy = NULL;

	if (value && !(copy = strdup(value)))
		return VPN_ERR_NOMEM;
	return put(env, name, copy);
}

int script_env_setf(struct script_env *env, const char *name, const char *fmt, ...)
{
	char *value;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (n < 0)
		return VPN_ERR_NOMEM;
	return put(env, name, value);
}

int script_env_append(struct script_env *env, const char *name, const char *value)
{
	const char *old = script_env_get(env, name);

	if (!old)
		return script_env_set(env, name, value);
	return script_env_setf(env, name, "%s %s", old, value);
}

const char *script_env_get(const struct script_env *env, const char *name)
{
	const struct script_var *v = find(env, name);

	return v ? v->value : NULL;
}

/* Leading one bits of a contiguous IPv4 mask, or -1. */
static int ipv4_mask_len(const struct net_addr *mask)
{
	uint32_t m = (uint32_t)mask->bytes[0] << 24 | (uint32_t)mask->bytes[1] << 16 |
		     (uint32_t)mask->bytes[2] << 8 | mask->bytes[3];
	int len = 0;

	while (len < 32 && (m & (0x80000000u >> len)))
		len++;
	if (len < 32 && (m << len) != 0)
		return -1;
	return len;
}

static int fill_ipv4(struct script_env *env, const struct script_tunnel *t)
{
	char text[NET_ADDR_STRLEN];
	struct net_prefix net;
	static const char *const derived[] = { "INTERNAL_IP4_ADDRESS", "INTERNAL_IP4_NETMASK",
					       "INTERNAL_IP4_NETMASKLEN", "INTERNAL_IP4_NETADDR" };
	int len;
	int ret = 0;

	for (size_t i = 0; i < 4 && ret == 0; i++)
		ret = script_env_set(env, derived[i], NULL);
	if (ret != 0 || !t->addr4)
		return ret;
	net_addr_format(t->addr4, text, sizeof(text));
	ret = script_env_set(env, "INTERNAL_IP4_ADDRESS", text);
	if (ret != 0 || !t->netmask4)
		return ret;
	len = ipv4_mask_len(t->netmask4);
	if (t->netmask4->family != AF_INET || len < 0)
		return VPN_ERR_INVALID;
	net.addr = *t->addr4;
	net.len = (unsigned)len;
	net_prefix_normalize(&net);
	net_addr_format(&net.addr, text, sizeof(text));
	ret = script_env_set(env, "INTERNAL_IP4_NETADDR", text);
	net_addr_format(t->netmask4, text, sizeof(text));
	ret = ret ? ret : script_env_set(env, "INTERNAL_IP4_NETMASK", text);
	return ret ? ret : script_env_setf(env, "INTERNAL_IP4_NETMASKLEN", "%d", len);
}

static int fill_ipv6(struct script_env *env, const struct script_tunnel *t)
{
	char text[NET_PREFIX_STRLEN];
	int ret = script_env_set(env, "INTERNAL_IP6_ADDRESS", NULL);

	ret = ret ? ret : script_env_set(env, "INTERNAL_IP6_NETMASK", NULL);
	if (ret != 0 || !t->addr6)
		return ret;
	net_addr_format(&t->addr6->addr, text, sizeof(text));
	ret = script_env_set(env, "INTERNAL_IP6_ADDRESS", text);
	/* The vpnc-script convention: the "netmask" is address and length. */
	net_prefix_format(t->addr6, text, sizeof(text));
	return ret ? ret : script_env_set(env, "INTERNAL_IP6_NETMASK", text);
}

/* A space-separated list of at most three servers; 0.0.0.0 is noise some gateways send. */
static int fill_servers(struct script_env *env, const char *name,
			const struct net_addr *list, size_t count)
{
	static const struct net_addr zero = { .family = AF_INET };
	char text[NET_ADDR_STRLEN];
	size_t used = 0;
	int ret = script_env_set(env, name, NULL);

	for (size_t i = 0; i < count && used < SCRIPT_MAX_SERVERS && ret == 0; i++) {
		if (net_addr_equal(&list[i], &zero))
			continue;
		net_addr_format(&list[i], text, sizeof(text));
		ret = script_env_append(env, name, text);
		used++;
	}
	return ret;
}

/* X-CSTP-Banner is %XX-escaped; a '%' not followed by two hex digits stays. */
static int fill_banner(struct script_env *env, const char *banner)
{
	char *out;
	size_t o = 0;
	int ret;

	if (!banner)
		return script_env_set(env, "CISCO_BANNER", NULL);
	out = malloc(strlen(banner) + 1);
	if (!out)
		return VPN_ERR_NOMEM;
	for (const char *p = banner; *p; p++) {
		if (*p == '%' && hex_digit_value((unsigned char)p[1]) >= 0 && hex_digit_value((unsigned char)p[2]) >= 0) {
			out[o++] = (char)(hex_digit_value((unsigned char)p[1]) << 4 | hex_digit_value((unsigned char)p[2]));
			p += 2;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	ret = script_env_set(env, "CISCO_BANNER", out);
	free_value(out);
	return ret;
}

static int fill_split_dns(struct script_env *env, const struct script_tunnel *t)
{
	char list[4096];
	struct buf_writer w;

	if (t->split_dns_count == 0)
		return 0;
	buf_writer_init(&w, list, sizeof(list));
	for (size_t i = 0; i < t->split_dns_count; i++)
		buf_printf(&w, "%s%s", i ? "," : "", t->split_dns[i]);
	if (buf_writer_error(&w) != 0)
		return VPN_ERR_TOO_BIG;
	return script_env_set(env, "CISCO_SPLIT_DNS", list);
}

/* One split route as CISCO_[IPV6_]SPLIT_{INC,EXC}_<n>_*; host bits are cleared, as openconnect does. */
static int fill_route(struct script_env *env, const struct net_prefix *route, bool is_exclude)
{
	bool is_ipv6 = route->addr.family == AF_INET6;
	const char *group = is_ipv6 ? (is_exclude ? "CISCO_IPV6_SPLIT_EXC" : "CISCO_IPV6_SPLIT_INC")
				    : (is_exclude ? "CISCO_SPLIT_EXC" : "CISCO_SPLIT_INC");
	int n = env->split_counts[is_exclude][is_ipv6];
	struct net_prefix net = *route;
	char name[64];
	char text[NET_ADDR_STRLEN];
	int ret;

	net_prefix_normalize(&net);
	if (!net_addr_equal(&net.addr, &route->addr))
		log_warn("split %s route has host bits set; using the network address",
			 is_exclude ? "exclude" : "include");
	net_addr_format(&net.addr, text, sizeof(text));
	snprintf(name, sizeof(name), "%s_%d_ADDR", group, n);
	ret = script_env_set(env, name, text);
	snprintf(name, sizeof(name), "%s_%d_MASKLEN", group, n);
	ret = ret ? ret : script_env_setf(env, name, "%u", net.len);
	if (!is_ipv6) {
		net_ipv4_mask_format(net.len, text, sizeof(text));
		snprintf(name, sizeof(name), "%s_%d_MASK", group, n);
		ret = ret ? ret : script_env_set(env, name, text);
		/* vpnc's per-route filters; nothing in the protocol sets them. */
		static const char *const zeros[] = { "PROTOCOL", "SPORT", "DPORT" };
		for (size_t i = 0; i < 3 && ret == 0; i++) {
			snprintf(name, sizeof(name), "%s_%d_%s", group, n, zeros[i]);
			ret = script_env_set(env, name, "0");
		}
	}
	env->split_counts[is_exclude][is_ipv6]++;
	return ret ? ret : script_env_setf(env, group, "%d", n + 1);
}

static int fill_routes(struct script_env *env, const struct script_tunnel *t)
{
	static const char *const counts[] = { "CISCO_SPLIT_INC", "CISCO_SPLIT_EXC",
					      "CISCO_IPV6_SPLIT_INC", "CISCO_IPV6_SPLIT_EXC" };
	int ret = 0;

	memset(env->split_counts, 0, sizeof(env->split_counts));
	for (size_t i = 0; i < 4 && ret == 0; i++)
		ret = script_env_set(env, counts[i], NULL);
	for (size_t i = 0; i < t->split_include_count && ret == 0; i++)
		ret = fill_route(env, &t->split_include[i], false);
	for (size_t i = 0; i < t->split_exclude_count && ret == 0; i++)
		ret = fill_route(env, &t->split_exclude[i], true);
	return ret;
}

static int fill_process(struct script_env *env, const struct script_tunnel *t)
{
	char text[NET_ADDR_STRLEN];
	int ret = script_env_set(env, "TUNDEV", t->tundev);

	if (t->gateway) {
		net_addr_format(t->gateway, text, sizeof(text));
		ret = ret ? ret : script_env_set(env, "VPNGATEWAY", text);
	}
	ret = ret ? ret : script_env_setf(env, "VPNPID", "%d", (int)t->pid);
	ret = ret ? ret : script_env_setf(env, "LOG_LEVEL", "%d", t->log_level);
	if (t->mtu)
		ret = ret ? ret : script_env_setf(env, "INTERNAL_IP4_MTU", "%u", t->mtu);
	if (t->idle_timeout)
		ret = ret ? ret : script_env_setf(env, "IDLE_TIMEOUT", "%u", t->idle_timeout);
	else
		ret = ret ? ret : script_env_set(env, "IDLE_TIMEOUT", NULL);
	return ret;
}

int script_env_fill(struct script_env *env, const struct script_tunnel *t)
{
	int ret = fill_process(env, t);

	ret = ret ? ret : fill_ipv4(env, t);
	ret = ret ? ret : fill_ipv6(env, t);
	ret = ret ? ret : fill_servers(env, "INTERNAL_IP4_DNS", t->dns, t->dns_count);
	ret = ret ? ret : fill_servers(env, "INTERNAL_IP4_NBNS", t->nbns, t->nbns_count);
	ret = ret ? ret : script_env_set(env, "CISCO_DEF_DOMAIN", t->domain);
	ret = ret ? ret : fill_banner(env, t->banner);
	if (t->proxy_pac)
		ret = ret ? ret : script_env_set(env, "CISCO_PROXY_PAC", t->proxy_pac);
	ret = ret ? ret : fill_split_dns(env, t);
	ret = ret ? ret : fill_routes(env, t);
	if (t->cstp_options)
		ret = ret ? ret : script_env_set(env, "CISCO_CSTP_OPTIONS", t->cstp_options);
	return ret;
}

/* An absolute path the shell would not change: no blanks, quotes, $, ;, and so on. */
static bool is_bare_path(const char *command)
{
	if (command[0] != '/')
		return false;
	for (const char *c = command; *c; c++)
		if (!(isalnum((unsigned char)*c) || strchr("/._-+,:@", *c)))
			return false;
	return true;
}

/* In the child, between fork and exec: only async-signal-safe-enough calls. */
static void exec_script(const struct script_env *env, const char *command, enum script_reason reason)
{
	setpgid(0, 0);
	for (size_t i = 0; i < env->count; i++) {
		if (env->vars[i].value)
			setenv(env->vars[i].name, env->vars[i].value, 1);
		else
			unsetenv(env->vars[i].name);
	}
	setenv("reason", script_reason_name(reason), 1);
	/*
	 * A bare path (the usual --script) is run as it is: a shell in front
	 * costs a fork and exec per run, on the way to a working tunnel. A
	 * file the kernel cannot run (no #! line) still goes to the shell.
	 */
	if (is_bare_path(command)) {
		execl(command, command, (char *)NULL);
		if (errno != ENOEXEC && errno != EACCES)
			_exit(127);
	}
	execl("/bin/sh", "/bin/sh", "-c", command, (char *)NULL);
	_exit(127);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Sleeps until pid may have exited or deadline passed: on a pidfd, which
 * becomes readable the moment the child exits, else (kernels before 5.3)
 * a short pause.
 */
static void wait_exit(int pidfd, uint64_t deadline)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	uint64_t now = now_ms();
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0) {
		nanosleep(&pause, NULL);
		return;
	}
	if (now < deadline)
		poll(&p, 1, (int)(deadline - now));
}

/* Waits for pid at most timeout_ms; kills its process group after that. */
static int wait_bounded(pid_t pid, unsigned timeout_ms, int *out_status)
{
	uint64_t deadline = now_ms() + timeout_ms;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ret = VPN_ERR_IO;
	pid_t got;

	for (;;) {
		got = waitpid(pid, out_status, WNOHANG);
		if (got == pid) {
			ret = 0;
			goto out;
		}
		if (got < 0 && errno != EINTR)
			goto out;
		if (now_ms() >= deadline)
			break;
		wait_exit(pidfd, deadline);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, out_status, 0);
out:
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

int script_run(const struct script_env *env, const char *command, enum script_reason reason,
	       unsigned timeout_ms, int *out_status)
{
	pid_t pid;
	int ret;

	*out_status = -1;
	pid = fork();
	if (pid < 0)
		return VPN_ERR_IO;
	if (pid == 0)
		exec_script(env, command, reason);
	/* Also from here, so a kill after a timeout never races the child's own setpgid. */
	setpgid(pid, pid);
	ret = wait_bounded(pid, timeout_ms, out_status);
	if (ret != 0)
		return ret;
	if (!WIFEXITED(*out_status) || WEXITSTATUS(*out_status) != 0)
		return VPN_ERR_IO;
	return 0;
}
