#!/bin/bash
# SPDX-License-Identifier: ISC
#
# make bench: every pairing of client and gateway in one run, on the test
# harness's namespaces (tests/lib), then a table of figures with ratios to
# openconnect -> ocserv and the issue's targets, and the raw figures as JSON.
#
#   sudo ./bench/run.sh [BUILD_DIR]          (BUILD_DIR: build)
#
# Knobs (environment):
#   BENCH_PAIRS     pairings to run, "<client>-<gateway>" (all four)
#   BENCH_FIGURES   connect tput memory udp-blocked udp-drop logins load (all)
#   BENCH_TRIES     connect tries per mode (5)
#   BENCH_IPERF_T   seconds per iperf3 run (5); BENCH_IPERF_REPS runs (3)
#   BENCH_SESSIONS  real client processes for the memory figure (20)
#   BENCH_LOAD_SESSIONS  load-generator session counts ("100 1000")
#   BENCH_LOAD_PAR  load-generator set-ups in flight (16); BENCH_LOAD_MAX
#                   seconds for all of them to be up and checked (180)
#   BENCH_LOAD_HOLD, BENCH_LOAD_DPD  seconds the sessions are then held (20),
#                   under a gateway DPD of that many seconds (5)
#   BENCH_LOGIN_T, BENCH_LOGIN_PAR  login test seconds (10), connections (16)
#   BENCH_CONNECT_MAX  seconds a client has to reach the lan host (30)
#   BENCH_FALLBACK_MAX  bound on the UDP-dropped outage, seconds (150)
#   BENCH_MAX_CLIENTS  max-clients in the gateways' config (8192)
#   BENCH_OUT       the JSON file (BUILD_DIR/bench-results.json)
#   OPENCONNECT_BIN OCSERV_BIN SSLGATE_BIN SSLGATED_BIN LOAD_BIN  programs
#   SG_KEEP=1       keep the scratch directory (logs, configs, records)
# Everything it starts is stopped, and the namespaces removed, on any exit
# including Ctrl-C. Progress goes to stderr, the table to stdout.

set -u
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=$(cd "${1:-build}" 2>/dev/null && pwd) || {
	echo "bench: no build directory ${1:-build} (run make build)" >&2
	exit 1
}
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root for network namespaces (sudo make bench)" >&2
	exit 1
fi

export SSLGATE_SRC=${BENCH_DIR%/bench}
export SSLGATE_BUILD=$BUILD_DIR
: "${BENCH_PAIRS:=openconnect-ocserv sslgate-sslgated openconnect-sslgated sslgate-ocserv}"
: "${BENCH_FIGURES:=connect tput memory udp-blocked udp-drop logins load}"
: "${BENCH_TRIES:=5}"
: "${BENCH_IPERF_T:=5}"
: "${BENCH_IPERF_REPS:=3}"
: "${BENCH_SESSIONS:=20}"
: "${BENCH_LOAD_SESSIONS:=100 1000}"
: "${BENCH_LOAD_PAR:=16}"
: "${BENCH_LOAD_MAX:=180}"
: "${BENCH_LOAD_DPD:=5}"
: "${BENCH_LOAD_HOLD:=20}"
: "${BENCH_LOGIN_T:=10}"
: "${BENCH_LOGIN_PAR:=16}"
: "${BENCH_CONNECT_MAX:=30}"
: "${BENCH_FALLBACK_MAX:=150}"
: "${BENCH_MAX_CLIENTS:=8192}"
: "${BENCH_OUT:=$BUILD_DIR/bench-results.json}"
: "${OPENCONNECT_BIN:=/usr/sbin/openconnect}"
: "${OCSERV_BIN:=/usr/sbin/ocserv}"
: "${SSLGATE_BIN:=$BUILD_DIR/client/sslgate}"
: "${SSLGATED_BIN:=$BUILD_DIR/gateway/sslgated}"
: "${LOAD_BIN:=$BUILD_DIR/bench/sslgate-load}"
# The harness's watchdog, sized for a whole run rather than one test.
: "${SG_TEST_TIMEOUT:=2400}"
export SG_TEST_TIMEOUT
# A /20 pool (inside 198.18.0.0/15): 1000 sessions of one user fill a /22
# so far that ocserv's hashed address choice runs out of tries.
export POOL_NET=198.19.0.0 POOL_MASK=255.255.240.0 POOL_CIDR=198.19.0.0/20

# The table also goes to the original stdout when the cleanup stack (which
# silences what it runs) writes it after an interrupt.
exec 3>&1

# shellcheck source=tests/lib/ocserv.sh
. "$SSLGATE_SRC/tests/lib/ocserv.sh"
# shellcheck source=tests/lib/openconnect.sh
. "$SSLGATE_SRC/tests/lib/openconnect.sh"
BENCH_RECORDS=$SG_SCRATCH/records.tsv
: >"$BENCH_RECORDS"
for f in record procs pairing fig_connect fig_tput fig_memory fig_load; do
	# shellcheck source=/dev/null
	. "$BENCH_DIR/lib/$f.sh"
done

require_cmd ip iptables iperf3 jq ping ss certtool openssl ocpasswd "$SG_PYTHON"
[ -c /dev/net/tun ] || { echo "bench: no /dev/net/tun" >&2; exit 1; }
# A thousand sessions are a thousand sockets in the load generator and, for
# ocserv, a thousand workers with their descriptors in the main process.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

want() {
	[[ " $BENCH_FIGURES " == *" $1 "* ]]
}

_REPORTED=0
bench_report() {
	((_REPORTED)) && return 0
	_REPORTED=1
	"$SG_PYTHON" "$BENCH_DIR/report.py" "$BENCH_RECORDS" "$BENCH_OUT" >&3
	echo "bench: raw figures in $BENCH_OUT" >&3
}
# Registered first, so it runs last: after every process and namespace is gone.
on_exit bench_report

machine_facts() {
	local m=machine
	fig $m cpus "$(nproc)" cores
	fig $m cpu_model "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | tr ' ' _)" ""
	fig $m kernel "$(uname -r)" ""
	fig $m mem_total "$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)" MiB
	fig $m ocserv "$("$OCSERV_BIN" --version 2>&1 | awk 'NR == 1 { print $2 }')" ""
	fig $m openconnect "$("$OPENCONNECT_BIN" --version 2>/dev/null | awk 'NR == 1 { print $3 }')" ""
	fig $m gnutls "$(certtool --version 2>/dev/null | awk 'NR == 1 { print $NF }')" ""
	fig $m commit "$(git -C "$SSLGATE_SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)" ""
	fig $m iperf_t "$BENCH_IPERF_T" s "" "$BENCH_IPERF_REPS runs per figure, $BENCH_TRIES connect tries"
	fig $m loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" ""
}

# The bare veth from the gateway to the lan host, no VPN: the ceiling, and
# a check on how busy the machine is while the bench runs.
machine_ceiling() {
	local v
	v=$(timeout $((BENCH_IPERF_T + 20)) ip netns exec "$NS_GW" iperf3 -c "$ADDR_LAN" \
		-p "$IPERF_PORT" -t "$BENCH_IPERF_T" -O 1 -J 2>/dev/null |
		jq -er '.end.sum_received.bits_per_second / 1e6 | round' 2>/dev/null)
	if [ -n "$v" ]; then
		fig machine veth_tcp_mbps "$v" Mbit/s "" "gateway -> lan host, no VPN"
	else
		na machine veth_tcp_mbps Mbit/s "iperf3 failed on the bare veth"
	fi
}

# Gateway figures are measured once per gateway, by the first pairing that
# brings that gateway up.
declare -A GW_DONE=()
gateway_figures() {
	local gw=$1
	[ -n "${GW_DONE[$gw]:-}" ] && return 0
	GW_DONE[$gw]=1
	log "== gateway $gw: load generator figures"
	fig "gateway:$gw" loadavg_1m "$(cut -d' ' -f1 /proc/loadavg)" ""
	if want logins && fresh_gateway "$gw"; then
		fig "gateway:$gw" status ok ""
		fig_logins "$gw"
	fi
	want load && fig_load "$gw"
	return 0
}

pair_figures() {
	local pair=$1
	want connect && fig_connect "$pair"
	want tput && fig_tput "$pair"
	want memory && fig_memory "$pair"
	want udp-blocked && fig_udp_blocked "$pair"
	want udp-drop && fig_udp_drop "$pair"
	return 0
}

run_pair() {
	local pair=$1 client gw why
	client=$(pair_client "$pair")
	gw=$(pair_gateway "$pair")
	log "== pairing $pair"
	# Other work on the machine shows up in every figure; keep it on record.
	fig "$pair" loadavg_1m "$(cut -d' ' -f1 /proc/loadavg)" ""
	if ! bench_gateway_start "$gw"; then
		na "$pair" status "" "$BENCH_WHY"
		[ -n "${GW_DONE[$gw]:-}" ] || na "gateway:$gw" status "" "$BENCH_WHY"
		GW_DONE[$gw]=1
		return
	fi
	if why=$(prog_missing "$client"); then
		na "$pair" status "" "$why"
	else
		client_use "$client"
		if client_up 0 "$BENCH_CONNECT_MAX"; then
			client_stop 0
			fig "$pair" status ok ""
			pair_figures "$pair"
		else
			na "$pair" status "" "$(client_fail_reason 0)"
			client_stop 0
		fi
	fi
	gateway_figures "$gw"
	bench_gateway_stop
}

log "bench: pairs [$BENCH_PAIRS], figures [$BENCH_FIGURES], build $BUILD_DIR"
machine_facts
netns_up
pki_make
bench_conf
lan_iperf3_start
want tput && machine_ceiling
for pair in $BENCH_PAIRS; do
	case " $BENCH_ALL_PAIRS " in
	*" $pair "*) run_pair "$pair" ;;
	*) log "unknown pairing $pair (known: $BENCH_ALL_PAIRS)" ;;
	esac
done
netns_down
fig machine loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" ""
bench_report
