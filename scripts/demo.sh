#!/bin/bash
# SPDX-License-Identifier: ISC
#
# The demo behind `make demo`: a client, a gateway and a host behind it, each
# in a network namespace of its own (the tests' topology, addresses from
# 198.18.0.0/15). sslgated starts with its built-in configuration and one
# demo user, sslgate connects pinning the key the gateway logged, -v shows
# the client's phases, then a ping and a transfer rate through the tunnel,
# the gateway's session list, and everything removed again: when done, on
# Ctrl-C, or on a failure. Run as root:  ./scripts/demo.sh [BUILDDIR]
#
# Why a config file at all: sslgated without -c would keep the demo user in
# /etc/sslgated/passwd, its self-signed certificate in /var/lib/sslgated and
# its control socket in /run, all on the host, and hand out 10.99.0.0/16,
# outside the range the test namespaces may use. No option moves those, so
# the gateway reads a file with just those four settings, plus udp-port: a
# file replaces the built-in text, which is the only place that turns UDP
# on. Every other setting keeps its built-in value (gateway/conf_default.c,
# docs/gateway-config.md).
#
# Programs: sslgated, sslgate and sslgatectl from BUILDDIR (default build/)
# when built; until then, or with DEMO_PEERS=reference, Debian's ocserv,
# openconnect and occtl stand in. ocserv has no built-in configuration, so it
# runs from the tests' ocserv.conf and their PKI instead. GATEWAY_BIN and
# CLIENT_BIN override either program.
# DEMO_PAUSE=1 waits for Enter (at most 10 minutes) before tearing down, to
# look around; DEMO_VERBOSE=1 also prints the harness's progress lines.
# shellcheck disable=SC2317 # functions run from traps and wait_until
set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" 2>/dev/null && pwd) || BUILD=${1:-$SRC/build}
export SSLGATE_SRC=$SRC SSLGATE_BUILD=$BUILD
: "${DEMO_PEERS:=ours}"
: "${DEMO_PAUSE:=0}"
: "${DEMO_VERBOSE:=0}"
DEMO_USER=demo
DEMO_PASS=demo-password
if [ "$DEMO_PAUSE" = 1 ]; then
	SG_TEST_TIMEOUT=900
else
	SG_TEST_TIMEOUT=${SG_TEST_TIMEOUT:-90}
fi

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces)" >&2
	exit 1
fi

# pick VAR OURS REFERENCE: our program when built (and wanted), else the peer.
pick() {
	local var=$1 ours=$2 ref=$3
	[ -n "${!var:-}" ] && return
	if [ "$DEMO_PEERS" != reference ] && [ -x "$ours" ]; then
		printf -v "$var" %s "$ours"
	else
		printf -v "$var" %s "$ref"
	fi
}
pick GATEWAY_BIN "$BUILD/gateway/sslgated" /usr/sbin/ocserv
pick CLIENT_BIN "$BUILD/client/sslgate" /usr/sbin/openconnect
pick GATEWAY_CTL_BIN "$BUILD/ctl/sslgatectl" occtl
pick PASSWD_BIN "$BUILD/gateway/sslgate-passwd" ocpasswd
IS_OUR_GATEWAY=0
[ "${GATEWAY_BIN##*/}" = sslgated ] && IS_OUR_GATEWAY=1

. "$SRC/tests/lib/ocserv.sh"
. "$SRC/tests/lib/openconnect.sh"

# ---- output ------------------------------------------------------------------

# The harness's timestamped progress lines would bury the demo's own.
log() {
	[ "$DEMO_VERBOSE" = 1 ] && printf '   | %(%T)T %s\n' -1 "$*" >&2
	return 0
}

step() {
	printf '\n== %s\n' "$*"
}

say() {
	printf '   %s\n' "$*"
}

# indent: standard input, indented under the current step.
indent() {
	sed 's/^/     /'
}

# fail MSG: what went wrong, the end of each peer's log, then the teardown.
fail() {
	local name f
	step "FAILED: $*"
	for name in gateway client0 iperf-up iperf-down sink; do
		f=$(log_of "$name")
		[ -s "$f" ] || continue
		say "last lines of the $name log:"
		tail -n 15 "$f" | indent
	done
	teardown
	exit 1
}

# ---- teardown ------------------------------------------------------------------

TORN_DOWN=0

# Stops everything by PID, removes the namespaces and the scratch directory,
# then looks for anything left. Runs once, whatever called it, and cannot be
# interrupted halfway (every wait in it is bounded).
teardown() {
	local left client_pid
	(( TORN_DOWN )) && return 0
	TORN_DOWN=1
	trap '' INT TERM
	step "teardown"
	client_pid=$(pid_of client0)
	client_stop 0
	# Debian's vpnc-script keeps the replaced default route on the host, in
	# /run/vpnc/*.<client PID>, until the client's disconnect call: a client
	# that died without one leaves it there.
	[ -n "$client_pid" ] && rm -f -- /var/run/vpnc/*."$client_pid"
	(( IS_OUR_GATEWAY )) && is_running gateway &&
		wait_until 2 grep -q 'closed in ' "$(log_of gateway)"
	show_phases
	gateway_stop
	stop_proc iperf-up 2
	stop_proc iperf-down 2
	stop_proc sink 2
	netns_down
	if ! left=$(netns_leftovers); then
		say "left behind: $left"
		return 1
	fi
	[ "$SG_KEEP" = 1 ] || rm -rf -- "$SG_SCRATCH"
	if [ "$SG_KEEP" != 1 ] && [ -e "$SG_SCRATCH" ]; then
		say "left behind: $SG_SCRATCH"
		return 1
	fi
	say "processes stopped, namespaces and files removed: nothing left behind"
}

on_signal() {
	trap '' INT TERM
	printf '\n'
	say "interrupted"
	teardown
	exit 130
}
trap on_signal INT TERM

# ---- steps -------------------------------------------------------------------------

show_network() {
	step "network: three hosts, each in its own namespace"
	netns_up
	say "client $NS_CLI $ADDR_CLI  --  $ADDR_GW $NS_GW $ADDR_GW_LAN  --  $ADDR_LAN $NS_LAN lan host"
	if ping_ok "$NS_CLI" "$ADDR_LAN"; then
		fail "the lan host answers without a tunnel"
	fi
	say "ping $ADDR_LAN from the client: no answer; only a tunnel leads there"
}

# add_demo_user FILE [GROUPS]: the demo user in an ocserv-format password
# file (both tools read the password from standard input, ocpasswd twice).
add_demo_user() {
	local file=$1 groups=()
	[ -n "${2:-}" ] && groups=(-g "$2")
	printf '%s\n%s\n' "$DEMO_PASS" "$DEMO_PASS" |
		"$PASSWD_BIN" -c "$file" "${groups[@]}" "$DEMO_USER" >/dev/null 2>&1 ||
		fail "$PASSWD_BIN could not add $DEMO_USER to $file"
	say "user $DEMO_USER, password $DEMO_PASS, added to $file by ${PASSWD_BIN##*/}"
}

# sslgated: built-in defaults plus the lines the header explains.
gateway_ours() {
	GW_CONF=$GW_DIR/sslgated.conf
	mkdir -p "$GW_DIR"
	chmod 755 "$GW_DIR"
	add_demo_user "$GW_DIR/passwd"
	cat >"$GW_CONF" <<-EOF
		auth = "plain[passwd=$GW_DIR/passwd]"
		state-dir = $GW_DIR/state
		occtl-socket-file = $GW_DIR/occtl.sock
		ipv4-network = $POOL_CIDR
		udp-port = $GW_PORT
	EOF
	say "the built-in configuration, and on top of it (scripts/demo.sh says why):"
	indent <"$GW_CONF"
	gateway_start
	wait_until 5 grep -q 'pin-sha256:' "$(log_of gateway)" || fail "the gateway logged no pin"
	GW_PIN=$(grep -o 'pin-sha256:[A-Za-z0-9+/=]*' "$(log_of gateway)" | head -n 1)
	say "the gateway's log:"
	grep -E 'certificate|listening|running' "$(log_of gateway)" | indent
}

# ocserv: the tests' configuration and PKI, and the demo user in its group.
gateway_reference() {
	pki_make
	ocserv_write_conf
	add_demo_user "$GW_DIR/ocpasswd" engineering
	say "configuration: $GW_CONF (the tests' own; ocserv has no built-in one)"
	gateway_start
	GW_PIN=$SERVER_PIN
	say "server certificate from the test CA, $GW_PIN"
}

start_gateway() {
	step "gateway: ${GATEWAY_BIN}"
	# -d 3: debug lines, which include each session's phase moves.
	(( IS_OUR_GATEWAY )) && GATEWAY_ARGS=${GATEWAY_ARGS:--d 3}
	if (( IS_OUR_GATEWAY )); then
		gateway_ours
	else
		gateway_reference
	fi
}

# The phase lines already shown, as a line count of each log (new_lines
# updates them by name).
# shellcheck disable=SC2034
CLIENT_SHOWN=0 GATEWAY_SHOWN=0

# new_lines FILE VAR ERE: NEW_LINES = the lines of FILE past line $VAR that
# match ERE; VAR becomes the count of lines read.
new_lines() {
	local file=$1 var=$2 ere=$3 n
	NEW_LINES=
	[ -s "$file" ] || return 0
	n=$(wc -l <"$file")
	NEW_LINES=$(tail -n "+$((${!var} + 1))" "$file" | head -n "$((n - ${!var}))" | grep -E -- "$ere")
	printf -v "$var" %s "$n"
}

# show_lines HEADING: standard input under HEADING, if there is any.
show_lines() {
	local lines
	lines=$(cat)
	[ -n "$lines" ] || return 0
	say "$1"
	indent <<<"$lines"
}

# show_phases: the phase moves both peers logged since last time (sslgated
# logs them at -d 3, sslgate at -v), with the values that matter. openconnect
# and ocserv log no phases; their milestones stand in.
show_phases() {
	local f ere
	f=$(log_of client0)
	ere='Connected to HTTPS|Got CONNECT response|CSTP connected|Established DTLS|Configured as|BYE|exiting'
	grep -q 'phase ' "$f" 2>/dev/null &&
		ere='phase [A-Z_]+ -> |TLS: server key|AUTH: logged in|CONNECT: tun |DTLS: connected'
	new_lines "$f" CLIENT_SHOWN "$ere"
	show_lines "client log (${CLIENT_BIN##*/} -v):" <<<"$NEW_LINES"
	(( IS_OUR_GATEWAY )) || return 0
	new_lines "$(log_of gateway)" GATEWAY_SHOWN ': [A-Z_]+ -> |closed in |stopping'
	show_lines "gateway log (${GATEWAY_BIN##*/} $GATEWAY_ARGS):" <<<"$NEW_LINES"
}

connect_client() {
	local group=
	step "client: ${CLIENT_BIN} logs in as $DEMO_USER, pinning the gateway's key"
	(( IS_OUR_GATEWAY )) || group=engineering
	say "${CLIENT_BIN##*/} -v --user $DEMO_USER --passwd-on-stdin --servercert $GW_PIN $GW_URL"
	CLIENT_USER=$DEMO_USER CLIENT_PASS=$DEMO_PASS CLIENT_AUTHGROUP=$group \
		CLIENT_PIN=$GW_PIN CLIENT_ROUTES=1 client_start 0
	wait_tunnel 0 15 || fail "no tunnel"
	(( IS_OUR_GATEWAY )) && wait_until 2 grep -q -- '-> TUNNEL' "$(log_of gateway)"
	show_phases
	say "tunnel $(client_ifname 0) has $TUNNEL_ADDR; the client's routes now:"
	in_ns "$NS_CLI" ip route | indent
}

show_ping() {
	local out
	out=$(in_ns "$NS_CLI" ping -n -c 3 -i 0.2 -w 5 "$ADDR_LAN" 2>&1)
	grep -E 'bytes from|packet loss' <<<"$out" | indent
	grep -q 'bytes from' <<<"$out" || fail "no ping reply through the tunnel"
}

iperf_listening() {
	[ -n "$(in_ns "$NS_LAN" ss -Hltn "sport = :$IPERF_PORT" 2>/dev/null)" ]
}

# show_rate NAME LABEL [ARGS]: a one-test iperf3 server NAME on the lan host,
# two seconds of TCP to it from the client; prints the receiver's rate.
show_rate() {
	local name=$1 label=$2 out rate
	shift 2
	spawn_in_ns "$NS_LAN" "$name" iperf3 -s -1 -B "$ADDR_LAN" -p "$IPERF_PORT"
	wait_until 5 iperf_listening || fail "iperf3 did not listen on $ADDR_LAN"
	# --foreground: Ctrl-C must reach iperf3 too, or it would wait out the
	# timeout on a tunnel that the interrupted peers have just closed.
	out=$(in_ns "$NS_CLI" timeout --foreground 15 iperf3 -c "$ADDR_LAN" -p "$IPERF_PORT" -t 2 -f m "$@" 2>&1)
	rate=$(grep receiver <<<"$out" | grep -Eo '[0-9.]+ [KMG]bits/sec' | tail -n 1)
	[ -n "$rate" ] || { printf '%s\n' "$out" | indent; fail "iperf3 $label: no rate"; }
	say "$label $rate"
	wait_exit "$name" 5 || stop_proc "$name" 2
}

# Without iperf3: the harness's one-shot sink, 8 MiB, timed, checksummed.
show_rate_xfer() {
	local t0 ms
	head -c 8388608 /dev/urandom >"$SG_SCRATCH/payload"
	lan_tcp_sink sink 5001 "$SG_SCRATCH/received"
	t0=${EPOCHREALTIME/./}
	tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$SG_SCRATCH/payload" || fail "upload failed"
	wait_exit sink 20 || fail "the lan host did not receive everything"
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	cmp -s "$SG_SCRATCH/payload" "$SG_SCRATCH/received" || fail "what arrived differs"
	say "upload (client -> lan host): 8 MiB in ${ms} ms, $((67109 / (ms + 1))) Mbits/sec, same bytes"
}

traffic() {
	step "through the tunnel: ping, then TCP to the lan host"
	show_ping
	if command -v iperf3 >/dev/null; then
		show_rate iperf-up "upload   (client -> lan host):"
		show_rate iperf-down "download (lan host -> client):" -R
	else
		show_rate_xfer
	fi
	say "datagrams the gateway got on UDP $GW_PORT: $(netns_udp_packets) (DTLS when > 0)"
	show_phases
}

sessions() {
	step "the session on the gateway: ${GATEWAY_CTL_BIN##*/} show users"
	gateway_ctl show users 2>&1 | indent
}

# ---- the demo -----------------------------------------------------------------------

show_network
start_gateway
connect_client
traffic
sessions
if [ "$DEMO_PAUSE" = 1 ]; then
	step "look around: ip netns exec $NS_CLI ping $ADDR_LAN   (Enter ends the demo)"
	read -r -t 600 || true
fi
teardown || exit 1
exit 0
