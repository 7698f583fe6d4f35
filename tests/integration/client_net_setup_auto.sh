#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate's default network setup (--net-setup=auto) against sslgated (or,
# with SSLGATE_GATEWAY_BIN, another gateway), started with neither -s nor
# --net-setup, on three hosts:
#   plain    resolv.conf is a plain file, no hooks: the built-in setup runs
#            (routes tagged proto 85, resolv.conf rewritten, then restored
#            byte for byte, no script);
#   symlink  resolv.conf is a symbolic link (as a DNS manager makes it): the
#            vpnc-script runs and hands DNS as it does (here its generic
#            handler, which writes through the link), no proto 85 route;
#   hook     /etc/vpnc/connect.d holds a hook: the vpnc-script runs, and so
#            does the hook (it leaves a marker in the scratch directory).
# Each client sees its host through an overlay over /etc in a mount
# namespace of its own (unshare -m), whose upper layer is in the scratch
# directory: the host's /etc is never written, which the end checks.

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
GATEWAY_BIN=${SSLGATE_GATEWAY_BIN:-$SSLGATE_BUILD/gateway/sslgated}
GATEWAY_CTL_BIN=${GATEWAY_CTL_BIN:-$SSLGATE_BUILD/ctl/sslgatectl}
. "$SSLGATE_SRC/tests/lib/ocserv.sh"
# shellcheck source=tests/lib/openconnect.sh
. "$SG_LIB/openconnect.sh"
CLIENT_BIN=$SSLGATE_BUILD/client/sslgate
require_root
require_cmd ip iptables ping ss python3 certtool openssl unshare mount
[ -x "$GATEWAY_BIN" ] || skip "no gateway ($GATEWAY_BIN)"
[ -x "$CLIENT_BIN" ] || skip "sslgate is not built ($CLIENT_BIN)"
[ -x "$VPNC_SCRIPT" ] || skip "missing $VPNC_SCRIPT (vpnc-scripts)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

export HOME=$SG_SCRATCH/home
unset XDG_CONFIG_HOME
mkdir -p "$HOME"
TUN=$(client_ifname 0)
MARKER=$SG_SCRATCH/hook.marker
STUB=$SG_SCRATCH/stub-resolv.conf

# What this test must never change on the host.
host_etc() {
	stat -c '%F %s %Y' /etc/resolv.conf
	sha256sum /etc/resolv.conf 2>/dev/null
	ls -lA /etc/vpnc 2>/dev/null
	grep -c ' /etc ' /proc/self/mountinfo
}
host_before=$(host_etc)

_overlay_works() {
	local d=$SG_SCRATCH/probe
	mkdir -p "$d/upper" "$d/work"
	unshare -m mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc
}
_overlay_works || skip "cannot mount an overlay over /etc in a mount namespace"

# make_etc CASE: the upper layer of the client's /etc. It starts with what
# ip netns exec would have bound over /etc (hosts, resolv.conf: the overlay
# hides those mounts), hides a host /etc/vpnc (a whiteout), then adds the
# case's own: a link for resolv.conf, or a hook.
make_etc() {
	local up=$SG_SCRATCH/$1/upper
	mkdir -p "$up" "$SG_SCRATCH/$1/work"
	cp -a "/etc/netns/$NS_CLI/." "$up/"
	printf '# sslgate test host %s\nsearch old.test\noptions ndots:1\n' "$1" >"$up/resolv.conf"
	[ -e /etc/vpnc ] && mknod "$up/vpnc" c 0 0
	case $1 in
	symlink)
		cp "$up/resolv.conf" "$STUB"
		rm "$up/resolv.conf"
		ln -s "$STUB" "$up/resolv.conf"
		;;
	hook)
		rm -f "$up/vpnc"
		mkdir -p "$up/vpnc/connect.d"
		# sourced by the script (run_hooks), with its variables
		# shellcheck disable=SC2016 # expanded by the script, not here
		printf 'echo "$reason $TUNDEV" >>%s\n' "$MARKER" >"$up/vpnc/connect.d/50-marker"
		;;
	esac
	# through the link, if it is one: what the setup will rewrite
	cat "$up/resolv.conf" >"$SG_SCRATCH/$1/resolv.before"
}

# start_default CASE: sslgate with no -s and no --net-setup, on CASE's /etc.
start_default() {
	local c=$1 pass=$SG_SCRATCH/client.pass
	local lower=/etc up=$SG_SCRATCH/$1/upper work=$SG_SCRATCH/$1/work
	(umask 077 && printf '%s\n' "$TEST_PASS" >"$pass")
	# shellcheck disable=SC2016 # the inner shell expands them
	spawn_in_ns --stdin "$pass" "$NS_CLI" client0 unshare -m sh -c \
		'mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" /etc && shift 3 && exec "$@"' \
		sh "$lower" "$up" "$work" "$CLIENT_BIN" --non-inter --timestamp --passwd-on-stdin \
		--user "$TEST_USER" --authgroup engineering --servercert "$SERVER_PIN" \
		--interface "$TUN" -v "$GW_URL"
	wait_tunnel 0 20 || fail "$c: no tunnel"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$c: no ping reply through the tunnel"
	rm -f "$pass"
}

proto85() {
	in_ns "$NS_CLI" ip -4 route show proto 85
}

# stop_default CASE FILE: SIGTERM; status 0, no tun, no proto 85 route, FILE
# (the resolv.conf the setup wrote) back byte for byte.
stop_default() {
	local c=$1 file=$2
	kill -TERM "$(pid_of client0)"
	wait_exit client0 10 || fail "$c: the client did not exit after SIGTERM"
	assert_eq 0 "$EXIT_CODE" "$c: exit status after SIGTERM"
	refute in_ns "$NS_CLI" ip link show dev "$TUN" 2>/dev/null
	assert_eq "" "$(proto85)" "$c: proto 85 routes after the end"
	cmp -s "$SG_SCRATCH/$c/resolv.before" "$file" ||
		fail "$c: $file not restored byte for byte"
}

netns_up
pki_make
gateway_start

# plain: the built-in setup.
make_etc plain
resolv=$SG_SCRATCH/plain/upper/resolv.conf
start_default plain
assert_grep "$(log_of client0)" 'network setup: built-in, /etc/resolv.conf is not a symlink and /etc/vpnc/\*\.d hold no hooks' "plain: the choice"
refute_grep "$(log_of client0)" 'vpnc-script: reason=' "plain: no script ran"
proto85 | grep -q "^${NET_LAN//./\\.} dev $TUN " || fail "plain: no split route tagged proto 85"
proto85 | grep -q "^${ADDR_GW//./\\.} dev eth0 " || fail "plain: no gateway route tagged proto 85"
assert_grep "$resolv" '^# generated by sslgate' "plain: resolv.conf rewritten"
assert_grep "$resolv" "^nameserver $ADDR_LAN\$" "plain: DNS"
assert_grep "$resolv" '^search old.test sslgate.test$' "plain: domains"
stop_default plain "$resolv"

# symlink: a DNS manager's resolv.conf; the vpnc-script hands it DNS.
make_etc symlink
start_default symlink
assert_grep "$(log_of client0)" "network setup: vpnc-script, /etc/resolv.conf is a symlink to $STUB \\(a DNS manager\\)" "symlink: the choice"
assert_grep "$(log_of client0)" 'vpnc-script: reason=connect' "symlink: the script ran"
assert_eq "" "$(proto85)" "symlink: no built-in route"
assert_grep "$STUB" '^#@VPNC_GENERATED@' "symlink: the script wrote DNS through the link"
assert_grep "$STUB" "^nameserver $ADDR_LAN\$" "symlink: DNS"
[ -L "$SG_SCRATCH/symlink/upper/resolv.conf" ] || fail "symlink: the link was replaced"
stop_default symlink "$STUB"

# hook: an admin's hook in /etc/vpnc/connect.d; the script runs it.
make_etc hook
resolv=$SG_SCRATCH/hook/upper/resolv.conf
start_default hook
assert_grep "$(log_of client0)" 'network setup: vpnc-script, /etc/vpnc/connect\.d holds hooks' "hook: the choice"
assert_eq "connect $TUN" "$(cat "$MARKER" 2>/dev/null)" "hook: the hook ran once, for connect"
assert_eq "" "$(proto85)" "hook: no built-in route"
assert_grep "$resolv" '^#@VPNC_GENERATED@' "hook: the script wrote resolv.conf"
assert_grep "$resolv" "^nameserver $ADDR_LAN\$" "hook: DNS"
stop_default hook "$resolv"

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
assert_eq "$host_before" "$(host_etc)" "the host's /etc"
log "the default setup is built-in on a plain host, the vpnc-script under a DNS manager or with hooks"
exit 0
