/* SPDX-License-Identifier: ISC */
/*
 * tun + rtnetlink in a private network namespace: a forked child unshares
 * one, makes a tun there, configures it through lib/net and checks the
 * result with ip(8) and /proc/net, then moves a packet each way through the
 * device. The namespace and the device die with the child. Needs root;
 * skipped otherwise. Addresses: 198.18.0.0/15 and 2001:db8::/32 only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/net/addr.h"
#include "lib/net/netlink.h"
#include "lib/net/tun.h"

#define CHILD_SKIP 77
#define CHILD_TIMEOUT_MS 20000

/* In the child, cmocka cannot report: print the failed check and exit 1. */
#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                \
			_exit(1);                                                \
		}                                                                \
	} while (0)

static char ip_cmd[32];

/* Whether the output of `ip ARGS` (in our namespace) contains needle. */
static bool ip_shows(const char *args, const char *needle)
{
	char cmd[256], out[8192];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", ip_cmd, args);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	return strstr(out, needle) != NULL;
}

static bool file_has(const char *path, const char *needle)
{
	char out[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return false;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	return strstr(out, needle) != NULL;
}

static struct net_prefix prefix(const char *text)
{
	struct net_prefix p;

	CHECK(net_prefix_parse(&p, text, strlen(text)) == 0);
	return p;
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A UDP socket's datagram, routed to the tun, comes out of net_tun_read. */
static void packet_out_of_tun(int tun)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct pollfd pfd = { .fd = tun, .events = POLLIN };
	uint8_t pkt[2048];
	size_t len = 0;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "198.18.201.5", &dst.sin_addr);
	CHECK(s >= 0);
	CHECK(sendto(s, "probe", 5, 0, (struct sockaddr *)&dst, sizeof(dst)) == 5);
	close(s);
	/* IPv6 router solicitations may come first: skip what is not ours */
	for (int i = 0; i < 20; i++) {
		CHECK(poll(&pfd, 1, 2000) == 1);
		CHECK(net_tun_read(tun, pkt, sizeof(pkt), &len) == 0);
		if (pkt[0] >> 4 == 4)
			break;
	}
	CHECK(len == 20 + 8 + 5);
	CHECK(pkt[9] == IPPROTO_UDP);
	CHECK(memcmp(pkt + 12, "\xc6\x12\xc8\x01", 4) == 0); /* 198.18.200.1 */
	CHECK(memcmp(pkt + 16, "\xc6\x12\xc9\x05", 4) == 0); /* 198.18.201.5 */
	CHECK(memcmp(pkt + 28, "probe", 5) == 0);
}

/* A packet written into the tun is delivered to a local socket. */
static void packet_into_tun(int tun)
{
	struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(40000) };
	struct pollfd pfd;
	uint8_t pkt[20 + 8 + 4] = {
		0x45, 0, 0, sizeof(pkt), 0, 0, 0x40, 0, 64, IPPROTO_UDP, 0, 0,
		198, 18, 201, 5, 198, 18, 200, 1,
		0x9c, 0x41, 0x9c, 0x40, 0, 8 + 4, 0, 0, /* 40001 -> 40000, no checksum */
		'p', 'o', 'n', 'g',
	};
	uint16_t sum = ip_checksum(pkt, 20);
	char buf[16];
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	pkt[10] = (uint8_t)(sum >> 8);
	pkt[11] = (uint8_t)sum;
	inet_pton(AF_INET, "198.18.200.1", &local.sin_addr);
	CHECK(s >= 0);
	CHECK(bind(s, (struct sockaddr *)&local, sizeof(local)) == 0);
	CHECK(net_tun_write(tun, pkt, sizeof(pkt)) == 0);
	pfd = (struct pollfd){ .fd = s, .events = POLLIN };
	CHECK(poll(&pfd, 1, 2000) == 1);
	CHECK(recv(s, buf, sizeof(buf), 0) == 4);
	CHECK(memcmp(buf, "pong", 4) == 0);
	close(s);
}

static void configure_ipv6(const char *name)
{
	struct net_prefix a6 = prefix("2001:db8:200::1/64"), r6 = prefix("2001:db8:201::/64");
	char args[64];

	CHECK(net_addr_change(name, &a6, true) == 0);
	CHECK(net_route_change(name, &r6, true) == 0);
	snprintf(args, sizeof(args), "-o -6 addr show dev %s", name);
	CHECK(ip_shows(args, "inet6 2001:db8:200::1/64"));
	snprintf(args, sizeof(args), "-6 route show dev %s", name);
	CHECK(ip_shows(args, "2001:db8:201::/64"));
	CHECK(net_route_change(name, &r6, false) == 0);
	CHECK(!ip_shows(args, "2001:db8:201::/64"));
	CHECK(net_addr_change(name, &a6, false) == 0);
}

static struct net_addr address(const char *text)
{
	struct net_addr a;

	CHECK(net_addr_parse(&a, text, strlen(text)) == 0);
	return a;
}

static int lookup(const char *text, struct net_route *out)
{
	struct net_addr a = address(text);

	return net_route_lookup(&a, out);
}

/*
 * Lookups as `ip route get` answers them; a host route pinned to the path a
 * lookup found (how a VPN client keeps its own packets off the tunnel);
 * routes put in front of another's and removed by owner.
 */
static void lookup_and_pin(const char *name)
{
	struct net_route far = { .dst = prefix("198.18.210.0/24"), .oif = if_nametoindex(name),
				 .has_gateway = true, .protocol = 85 };
	struct net_addr hop = address("198.18.200.254");
	struct net_route got, other;
	char args[64];

	far.gateway = hop;
	CHECK(net_route_add(&far) == 0);
	CHECK(lookup("198.18.210.7", &got) == 0);
	CHECK(got.oif == far.oif && got.dst.len == 32);
	CHECK(got.has_gateway && net_addr_equal(&got.gateway, &hop));
	got.protocol = 85;
	CHECK(net_route_add(&got) == 0);
	snprintf(args, sizeof(args), "-4 route show dev %s proto 85", name);
	CHECK(ip_shows(args, "198.18.210.7 via 198.18.200.254"));
	errno = 0;
	CHECK(net_route_add(&got) == VPN_ERR_IO && errno == EEXIST);
	/* another owner's route to the same prefix outlives ours */
	other = got;
	other.protocol = 4;
	other.has_gateway = false;
	CHECK(net_route_add(&other) == 0);
	CHECK(net_route_del(&got) == 0);
	CHECK(!ip_shows(args, "198.18.210.7"));
	snprintf(args, sizeof(args), "-4 route show dev %s proto 4", name);
	CHECK(ip_shows(args, "198.18.210.7 scope link"));
	CHECK(net_route_del(&(struct net_route){ .dst = got.dst, .protocol = 85 }) == VPN_ERR_NOT_FOUND);
	CHECK(net_route_del(&other) == 0);
	CHECK(net_route_del(&far) == 0);
	CHECK(lookup("198.18.201.9", &got) == 0);
	CHECK(got.oif == far.oif && !got.has_gateway); /* on-link: no next hop */
	/* our own address, and a destination with no route at all */
	CHECK(lookup("198.18.200.1", &got) == VPN_ERR_NOT_FOUND);
	CHECK(lookup("198.18.250.1", &got) == VPN_ERR_NOT_FOUND);
	far.gateway = address("2001:db8::1");
	CHECK(net_route_add(&far) == VPN_ERR_INVALID); /* family mix */
}

static void refusals(const char *name)
{
	struct net_prefix none = prefix("198.18.202.0/24");
	struct net_prefix other = prefix("198.18.200.9/24");

	CHECK(net_link_set("sgtnosuch0", true, 0) == VPN_ERR_NOT_FOUND);
	CHECK(net_route_change(name, &none, false) == VPN_ERR_NOT_FOUND);
	CHECK(net_addr_change(name, &other, false) == VPN_ERR_NOT_FOUND);
	CHECK(net_link_set(name, true, 20) == VPN_ERR_INVALID); /* under IPv4's 68 */
}

static void teardown(const char *name, const struct net_prefix *a, const struct net_prefix *r)
{
	char args[64];

	CHECK(net_route_change(name, r, false) == 0);
	snprintf(args, sizeof(args), "-4 route show dev %s", name);
	CHECK(!ip_shows(args, "198.18.201.0/24"));
	CHECK(net_addr_change(name, a, false) == 0);
	snprintf(args, sizeof(args), "-o -4 addr show dev %s", name);
	CHECK(!ip_shows(args, "198.18.200.1"));
	CHECK(net_link_set(name, false, 0) == 0);
	snprintf(args, sizeof(args), "-o link show dev %s", name);
	CHECK(!ip_shows(args, ",UP"));
}

static void child_body(void)
{
	struct net_prefix a = prefix("198.18.200.1/24"), r = prefix("198.18.201.0/24");
	char name[IFNAMSIZ], args[64];
	int tun;

	if (unshare(CLONE_NEWNET) != 0)
		_exit(CHILD_SKIP);
	if (net_tun_open("sgt%d", name, sizeof(name), &tun) != 0)
		_exit(CHILD_SKIP);
	CHECK(strncmp(name, "sgt", 3) == 0);
	CHECK(net_link_set(name, true, 1400) == 0);
	CHECK(net_addr_change(name, &a, true) == 0);
	CHECK(net_addr_change(name, &a, true) == 0); /* again: no error */
	CHECK(net_route_change(name, &r, true) == 0);

	snprintf(args, sizeof(args), "-o link show dev %s", name);
	CHECK(ip_shows(args, "mtu 1400"));
	CHECK(ip_shows(args, ",UP"));
	snprintf(args, sizeof(args), "-o -4 addr show dev %s", name);
	CHECK(ip_shows(args, "inet 198.18.200.1/24"));
	snprintf(args, sizeof(args), "-d -4 route show dev %s", name);
	CHECK(ip_shows(args, "unicast 198.18.201.0/24 proto boot scope link"));
	/* /proc/net/route: host-order hex, so 198.18.201.0/24 reads reversed */
	CHECK(file_has("/proc/net/route", "00C912C6\t00000000\t0001"));

	packet_out_of_tun(tun);
	packet_into_tun(tun);
	lookup_and_pin(name);
	if (file_has("/proc/net/if_inet6", name))
		configure_ipv6(name);
	refusals(name);
	teardown(name, &a, &r);
	close(tun);
	CHECK(if_nametoindex(name) == 0); /* not persistent: gone with its fd */
	_exit(0);
}

static int wait_child(pid_t pid)
{
	int status = 0;

	for (int i = 0; i < CHILD_TIMEOUT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void tun_and_netlink_in_netns(void **state)
{
	static const char *const candidates[] = { "/usr/sbin/ip", "/sbin/ip", "/bin/ip" };
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	for (size_t i = 0; i < 3 && ip_cmd[0] == '\0'; i++)
		if (access(candidates[i], X_OK) == 0)
			snprintf(ip_cmd, sizeof(ip_cmd), "%s", candidates[i]);
	if (ip_cmd[0] == '\0')
		skip();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_body();
	int code = wait_child(pid);

	if (code == CHILD_SKIP)
		skip();
	assert_int_equal(code, 0);
}

static void tun_name_too_long(void **state)
{
	char name[IFNAMSIZ];
	int fd;

	(void)state;
	assert_int_equal(net_tun_open("sgt-name-far-too-long", name, sizeof(name), &fd),
			 VPN_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tun_name_too_long),
		cmocka_unit_test(tun_and_netlink_in_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
