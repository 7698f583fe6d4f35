# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# Network namespaces for the tests: the standard three-host topology, UDP
# blocking on the gateway, and one-shot servers on the lan host.
#
#  NS_CLI                       NS_GW                                NS_LAN
#  eth0 198.18.1.2/24 ─veth─ out0 198.18.1.1/24  (gateway :443 tcp+udp)
#  (default via gw)            lan0 198.18.2.1/24 ─veth─ eth0 198.18.2.2/24
#  tunnel: pool 198.19.10.0/24                         (default via gw)
#
# The gateway forwards only from tunnel devices (vpns+, tun+) to lan0 (FORWARD
# policy DROP) and masquerades the pool there, so the lan host is reachable
# only through a VPN tunnel. Every address is in 198.18.0.0/15 (RFC 2544).
# gw.sslgate.test resolves to the gateway in every namespace through
# /etc/netns/<ns>/hosts; each namespace also gets its own empty resolv.conf, so
# a vpnc-script that pushes DNS edits that copy and never the host's file.
#
# Names carry SG_RUN_ID (the test's PID): namespaces are
# <SG_NS_PREFIX><pid>-cli|-gw|-lan, and every veth end has the alias
# sslgate-<pid>. Interfaces are created directly inside the namespaces, so
# nothing is ever added to the host's own namespace.
#
# Every variable below may be set before sourcing; addresses outside
# 198.18.0.0/15 are refused.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -n "${_SG_NETNS_LOADED:-}" ] && return 0
_SG_NETNS_LOADED=1

: "${SG_NS_PREFIX:=sg}"
NS_CLI=${SG_NS_PREFIX}${SG_RUN_ID}-cli
NS_GW=${SG_NS_PREFIX}${SG_RUN_ID}-gw
NS_LAN=${SG_NS_PREFIX}${SG_RUN_ID}-lan
: "${ADDR_CLI:=198.18.1.2}"     # client, outside link
: "${ADDR_GW:=198.18.1.1}"      # gateway, outside link (where it listens)
: "${ADDR_GW_LAN:=198.18.2.1}"  # gateway, lan side
: "${ADDR_LAN:=198.18.2.2}"     # lan host (iperf3, sinks, sources)
: "${NET_OUT:=198.18.1.0/24}"
: "${NET_LAN:=198.18.2.0/24}"
: "${POOL_NET:=198.19.10.0}"    # addresses the gateway hands to clients
: "${POOL_MASK:=255.255.255.0}"
: "${POOL_CIDR:=198.19.10.0/24}"
: "${GW_NAME:=gw.sslgate.test}"
: "${GW_PORT:=443}"             # TCP and UDP
: "${GW_URL:=https://$GW_NAME$([ "$GW_PORT" = 443 ] || echo ":$GW_PORT")/}"
: "${NET_MTU:=1500}"
: "${IPERF_PORT:=5201}"
# The listeners' interpreter: Debian's python3 when present (not a shim that
# depends on the caller's home directory).
if [ -z "${SG_PYTHON:-}" ]; then
	SG_PYTHON=python3
	[ -x /usr/bin/python3 ] && SG_PYTHON=/usr/bin/python3
fi

_SG_NETNS=()    # namespaces this run created, in creation order
_SG_ALIAS=sslgate-$SG_RUN_ID

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

_ns_exists() {
	[ -e "/run/netns/$1" ]
}

# 198.18.0.0/15 is 198.18.x.x and 198.19.x.x; ADDR may carry a /prefix.
_in_test_range() {
	[[ ${1%/*} =~ ^198\.1[89]\.[0-9]{1,3}\.[0-9]{1,3}$ ]]
}

# netns_add NS: create a namespace with lo up and its /etc/netns overlay
# (hosts, resolv.conf). A stale one of the same name (a recycled PID) goes first.
netns_add() {
	local ns=$1
	_ns_exists "$ns" && netns_del "$ns"
	_SG_NETNS+=("$ns")
	on_exit netns_del "$ns"
	ip netns add "$ns" || fail "cannot create netns $ns"
	mkdir -p "/etc/netns/$ns"
	printf '127.0.0.1 localhost\n%s %s\n' "$ADDR_GW" "$GW_NAME" >"/etc/netns/$ns/hosts"
	echo "# sslgate test namespace $ns: no DNS server" >"/etc/netns/$ns/resolv.conf"
	in_ns "$ns" ip link set lo up
}

# netns_del NS: end every process inside NS (by PID, from `ip netns pids`:
# only a namespace this run made is ever passed here), then delete it and its
# /etc/netns overlay. Deleting it destroys the veth ends inside.
netns_del() {
	local ns=$1 pids
	if _ns_exists "$ns"; then
		mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
		if [ ${#pids[@]} -gt 0 ]; then
			kill -TERM "${pids[@]}" 2>/dev/null
			if ! wait_until 3 _ns_empty "$ns"; then
				mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
				kill -KILL "${pids[@]}" 2>/dev/null
				wait_until 2 _ns_empty "$ns"
			fi
		fi
		ip netns del "$ns" 2>/dev/null
	fi
	rm -rf -- "/etc/netns/$ns"
}

_ns_empty() {
	[ -z "$(ip netns pids "$1" 2>/dev/null)" ]
}

# netns_veth NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair between two
# namespaces, MTU NET_MTU, up; ADDR_* are CIDR ("" for none). Without UDP
# segmentation offload, as a network card without it: a UDP GSO buffer is
# cut into its datagrams as it leaves, and the other end receives them one
# by one. (A veth that keeps the offload carries the buffer whole to the
# receiving socket, sparing the receiver's stack per-datagram work a real
# link would cost it: sslgate -> sslgated over DTLS measured 5553 against
# 4184 Mbit/s client->LAN that way, in one pair of runs.)
netns_veth() {
	local a=$1 ifa=$2 addra=$3 b=$4 ifb=$5 addrb=$6
	ip link add "$ifa" netns "$a" mtu "$NET_MTU" type veth \
		peer name "$ifb" netns "$b" mtu "$NET_MTU" ||
		fail "cannot create veth $a:$ifa <-> $b:$ifb"
	in_ns "$a" ip link set dev "$ifa" alias "$_SG_ALIAS" up
	in_ns "$b" ip link set dev "$ifb" alias "$_SG_ALIAS" up
	in_ns "$a" ethtool -K "$ifa" tx-udp-segmentation off >/dev/null 2>&1 ||
		fail "cannot turn UDP segmentation offload off on $a:$ifa (ethtool)"
	in_ns "$b" ethtool -K "$ifb" tx-udp-segmentation off >/dev/null 2>&1 ||
		fail "cannot turn UDP segmentation offload off on $b:$ifb (ethtool)"
	[ -z "$addra" ] || in_ns "$a" ip addr add "$addra" dev "$ifa"
	[ -z "$addrb" ] || in_ns "$b" ip addr add "$addrb" dev "$ifb"
}

_ipt() {
	in_ns "$NS_GW" iptables -w 10 "$@"
}

# The gateway's firewall: forward only tunnel -> lan (and replies), NAT the
# pool behind lan0. (UDP to the gateway is counted by netns_udp_packets.)
_gw_firewall() {
	in_ns "$NS_GW" sysctl -qw net.ipv4.ip_forward=1
	_ipt -P FORWARD DROP
	_ipt -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
	_ipt -A FORWARD -i vpns+ -o lan0 -j ACCEPT
	_ipt -A FORWARD -i tun+ -o lan0 -j ACCEPT
	_ipt -t nat -A POSTROUTING -s "$POOL_CIDR" -o lan0 -j MASQUERADE
}

# netns_up: the three-host topology. Torn down at exit (or by netns_down).
netns_up() {
	local a
	for a in "$ADDR_CLI" "$ADDR_GW" "$ADDR_GW_LAN" "$ADDR_LAN" "$NET_OUT" "$NET_LAN" "$POOL_CIDR"; do
		_in_test_range "$a" || fail "address $a is outside 198.18.0.0/15"
	done
	netns_add "$NS_CLI"
	netns_add "$NS_GW"
	netns_add "$NS_LAN"
	netns_veth "$NS_CLI" eth0 "$ADDR_CLI/${NET_OUT#*/}" "$NS_GW" out0 "$ADDR_GW/${NET_OUT#*/}"
	netns_veth "$NS_GW" lan0 "$ADDR_GW_LAN/${NET_LAN#*/}" "$NS_LAN" eth0 "$ADDR_LAN/${NET_LAN#*/}"
	# Default routes make the firewall, not a missing route, what keeps the
	# client off the lan: a tunnel test then proves the gateway's forwarding.
	in_ns "$NS_CLI" ip route add default via "$ADDR_GW"
	in_ns "$NS_LAN" ip route add default via "$ADDR_GW_LAN"
	_gw_firewall || fail "cannot set up the gateway firewall"
	log "netns up: $NS_CLI $NS_GW $NS_LAN"
}

# netns_down: delete every namespace this run created, newest first.
netns_down() {
	local i
	for ((i = ${#_SG_NETNS[@]} - 1; i >= 0; i--)); do
		netns_del "${_SG_NETNS[i]}"
	done
	_SG_NETNS=()
	log "netns down"
}

# netns_leftovers: print what this run left behind (namespaces, /etc/netns
# dirs, veths, spawned processes still running); return 0 only if nothing.
netns_leftovers() {
	local found=0 ns f name
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ $ns == "${SG_NS_PREFIX}${SG_RUN_ID}-"* ]] && { echo "netns $ns"; found=1; }
	done
	for f in /etc/netns/"${SG_NS_PREFIX}${SG_RUN_ID}"-*; do
		[ -e "$f" ] && { echo "dir $f"; found=1; }
	done
	if ip -o link show 2>/dev/null | grep -q "alias $_SG_ALIAS\$"; then
		echo "link with alias $_SG_ALIAS in the host namespace"
		found=1
	fi
	for f in "$SG_SCRATCH"/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		is_running "$name" && { echo "process $name (pid $(pid_of "$name"))"; found=1; }
	done
	return "$found"
}

# netns_reap_stale: delete namespaces named <SG_NS_PREFIX><pid>-* whose test
# (pid) is no longer alive: leftovers of a run that was killed with SIGKILL.
# Not called automatically; handy after an interrupted debugging session.
netns_reap_stale() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ $ns =~ ^${SG_NS_PREFIX}([0-9]+)-(cli|gw|lan)$ ]] || continue
		pid=${BASH_REMATCH[1]}
		[ -d "/proc/$pid" ] && continue
		log "reaping stale netns $ns"
		netns_del "$ns"
	done
}

# ---- UDP to the gateway port ---------------------------------------------------

# netns_block_udp [PORT]: drop UDP to the gateway's PORT (GW_PORT) in its
# namespace, before the gateway sees it (a DTLS-blocking middlebox).
netns_block_udp() {
	_ipt -I INPUT 1 -p udp --dport "${1:-$GW_PORT}" \
		-m comment --comment sslgate-udp-block -j DROP
}

# netns_unblock_udp [PORT]: remove every block rule for PORT.
netns_unblock_udp() {
	local i
	for ((i = 0; i < 16; i++)); do
		_ipt -D INPUT -p udp --dport "${1:-$GW_PORT}" \
			-m comment --comment sslgate-udp-block -j DROP 2>/dev/null || return 0
	done
}

_rule_packets() {
	_ipt -L INPUT -v -x -n 2>/dev/null |
		awk -v c="/* $1 */" 'index($0, c) { n += $1 } END { print n + 0 }'
}

# netns_udp_drops: datagrams the block rule has dropped so far.
netns_udp_drops() {
	_rule_packets sslgate-udp-block
}

# netns_udp_packets: datagrams that reached the gateway's UDP port (past the
# block rule) since netns_up: how a test tells that a tunnel used DTLS
# without trusting either peer's log. A sender may hand its kernel a run of
# datagrams as one buffer (UDP GSO); that buffer crosses the veth and the
# firewall whole, so a rule would count one packet, and is cut into its
# datagrams only at the receiving socket. So the count is the gateway
# namespace's UDP receive counters, kept after the cut: datagrams a socket
# was read for plus those a full socket buffer refused (no socket but the
# gateway's, or a test's sink on its port, listens there). Read it once the
# traffic is over: a datagram still queued is not counted yet.
netns_udp_packets() {
	in_ns "$NS_GW" cat /proc/net/snmp /proc/net/snmp6 2>/dev/null | awk '
		$1 == "Udp:" && $2 !~ /^[0-9]+$/ { for (i = 2; i <= NF; i++) col[$i] = i; next }
		$1 == "Udp:" { n += $col["InDatagrams"] + $col["RcvbufErrors"] }
		$1 == "Udp6InDatagrams" || $1 == "Udp6RcvbufErrors" { n += $2 }
		END { print n + 0 }'
}

# netns_forward_drops: packets the gateway's FORWARD policy dropped.
netns_forward_drops() {
	_ipt -L FORWARD -v -x -n 2>/dev/null |
		awk 'NR == 1 { for (i = 1; i < NF; i++) if ($i == "DROP") print $(i + 1) + 0 }'
}

# ---- traffic helpers ---------------------------------------------------------------

# ping_ok NS HOST [COUNT]: COUNT (1) pings 0.2 s apart, each waiting at most 1 s; 0 if any
# reply came back.
ping_ok() {
	in_ns "$1" ping -n -q -i 0.2 -c "${3:-1}" -W 1 "$2" >/dev/null 2>&1
}

# udp_send NS HOST PORT TEXT: one datagram, from bash's /dev/udp.
udp_send() {
	# shellcheck disable=SC2016 # the inner bash expands its own $1..
	in_ns "$1" timeout 5 bash -c 'printf "%s\n" "$4" >"/dev/udp/$2/$3"' _ "$@"
}

# tcp_send NS HOST PORT FILE [TIMEOUT_S]: connect, send FILE, close.
tcp_send() {
	# shellcheck disable=SC2016
	in_ns "$1" timeout "${5:-20}" bash -c 'cat -- "$4" >"/dev/tcp/$2/$3"' _ "$@"
}

# tcp_recv NS HOST PORT OUTFILE [TIMEOUT_S]: connect, read until the peer
# closes, into OUTFILE.
tcp_recv() {
	# shellcheck disable=SC2016
	in_ns "$1" timeout "${5:-20}" bash -c 'cat <"/dev/tcp/$2/$3" >"$4"' _ "$@"
}

# listen_start NS NAME MODE ADDR PORT FILE [TIMEOUT_S]: a one-shot listener
# (tests/lib/xfer.py MODE: tcp-sink, tcp-source, udp-sink), started as process
# NAME; returns once it listens. A sink writes to FILE, a source sends FILE.
listen_start() {
	local ns=$1 name=$2 mode=$3 addr=$4 port=$5 file=$6 t=${7:-20}
	spawn_in_ns "$ns" "$name" "$SG_PYTHON" "$SG_LIB/xfer.py" "$mode" "$addr" "$port" "$file" "$t"
	wait_until 5 grep -q '^listening' "$(log_of "$name")" ||
		fail "$name: $mode did not listen on $addr:$port"
}

# lan_tcp_sink NAME PORT OUTFILE / lan_tcp_source NAME PORT FILE: one-shot
# TCP servers on the lan host (wait_exit NAME to know a sink has everything).
lan_tcp_sink() {
	listen_start "$NS_LAN" "$1" tcp-sink "$ADDR_LAN" "$2" "$3"
}

lan_tcp_source() {
	listen_start "$NS_LAN" "$1" tcp-source "$ADDR_LAN" "$2" "$3"
}

# lan_iperf3_start: iperf3 server on the lan host (ADDR_LAN:IPERF_PORT) as
# process lan-iperf3.
lan_iperf3_start() {
	spawn_in_ns "$NS_LAN" lan-iperf3 iperf3 -s -B "$ADDR_LAN" -p "$IPERF_PORT"
	wait_until 5 _listening "$NS_LAN" tcp "$IPERF_PORT" || fail "iperf3 did not listen"
}

# _listening NS tcp|udp PORT: a socket is bound to PORT in NS.
_listening() {
	local flag=-Hltn
	[ "$2" = udp ] && flag=-Hlun
	[ -n "$(in_ns "$1" ss "$flag" "sport = :$3" 2>/dev/null)" ]
}
