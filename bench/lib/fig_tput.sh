# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# TCP throughput through the tunnel, both ways, over DTLS and over TLS, and
# what the gateway spent on it. iperf3 runs from the client host to the lan
# host (-R for lan -> client); the figure is the receiver's rate, the median
# of BENCH_IPERF_REPS runs of BENCH_IPERF_T seconds, the first second left
# out (-O 1) as slow start. CPU seconds per GB: the gateway's process tree's
# CPU time over the bytes its lan device carried in the same window, so
# the ramp-up second is in both or in neither.
# Settings: BENCH_IPERF_T, BENCH_IPERF_REPS, BENCH_CONNECT_MAX.

# _iperf_once DIR: one run; prints "Mbit/s" (receiver side) or fails.
_iperf_once() {
	local rev=()
	[ "$1" = down ] && rev=(-R)
	timeout $((BENCH_IPERF_T + 20)) ip netns exec "$NS_CLI" iperf3 -c "$ADDR_LAN" \
		-p "$IPERF_PORT" -t "$BENCH_IPERF_T" -O 1 -J "${rev[@]}" 2>/dev/null |
		jq -er '.end.sum_received.bits_per_second / 1e6 | . * 10 | round / 10' 2>/dev/null
}

# _tput_dir DIR GWPID: the reps of one direction. Sets _TP_FIG (median,
# samples, runs that worked; empty when none did) and adds to _TP_TICKS and
# _TP_BYTES for the CPU figure.
_tput_dir() {
	local dir=$1 gw=$2 i v vals=() t0 rx0 tx0 rx1 tx1
	for ((i = 0; i < BENCH_IPERF_REPS; i++)); do
		t0=$(tree_cpu_ticks "$gw")
		read -r rx0 tx0 < <(ns_dev_bytes "$NS_GW" lan0)
		v=$(_iperf_once "$dir") && vals+=("$v")
		read -r rx1 tx1 < <(ns_dev_bytes "$NS_GW" lan0)
		_TP_TICKS=$((_TP_TICKS + $(tree_cpu_ticks "$gw") - t0))
		_TP_BYTES=$((_TP_BYTES + rx1 + tx1 - rx0 - tx0))
	done
	_TP_FIG=()
	[ ${#vals[@]} -gt 0 ] || return 0
	_TP_FIG=("$(printf '%s\n' "${vals[@]}" | median)" "$(join_csv "${vals[@]}")" \
		"${#vals[@]}/$BENCH_IPERF_REPS runs")
}

# _tput_na PAIR MODE REASON: every figure of one transport is n/a.
_tput_na() {
	na "$1" "tput_${2}_up_mbps" Mbit/s "$3"
	na "$1" "tput_${2}_down_mbps" Mbit/s "$3"
	na "$1" "gw_cpu_${2}_s_per_gb" s/GB "$3"
}

# fig_tput PAIR: both transports, both directions. For DTLS the gateway's
# UDP counter must have moved by the bulk of the transfer, else the client
# fell back to TLS and the DTLS figures would be TLS ones in disguise.
fig_tput() {
	local pair=$1 mode no_dtls gw udp0 udp1 dir v samples runs
	local -A got
	gw=$(gateway_pid)
	for mode in dtls tls; do
		no_dtls=0
		[ "$mode" = tls ] && no_dtls=1
		if ! CLIENT_NO_DTLS=$no_dtls client_up 0 "$BENCH_CONNECT_MAX"; then
			_tput_na "$pair" "$mode" "$(client_fail_reason 0)"
			client_stop 0
			continue
		fi
		[ "$mode" = dtls ] && dtls_wait 0
		_TP_TICKS=0 _TP_BYTES=0
		udp0=$(netns_udp_packets)
		for dir in up down; do
			_tput_dir "$dir" "$gw"
			got[$dir]=$(printf '%s\t' "${_TP_FIG[@]}")
		done
		udp1=$(netns_udp_packets)
		client_stop 0
		if [ "$mode" = dtls ] && ((udp1 - udp0 < 10000)); then
			_tput_na "$pair" dtls "traffic went over TLS, not DTLS ($((udp1 - udp0)) datagrams)"
			continue
		fi
		for dir in up down; do
			if [ -z "${got[$dir]}" ]; then
				na "$pair" "tput_${mode}_${dir}_mbps" Mbit/s "iperf3 failed through the tunnel"
				continue
			fi
			IFS=$'\t' read -r v samples runs <<<"${got[$dir]}"
			fig "$pair" "tput_${mode}_${dir}_mbps" "$v" Mbit/s "$samples" "$runs"
		done
		if ((_TP_BYTES < 100000000)); then
			na "$pair" "gw_cpu_${mode}_s_per_gb" s/GB "under 100 MB carried"
			continue
		fi
		fig "$pair" "gw_cpu_${mode}_s_per_gb" "$(awk -v t="$_TP_TICKS" -v hz="$CLK_TCK" \
			-v b="$_TP_BYTES" 'BEGIN { printf "%.2f", t / hz / (b / 1e9) }')" s/GB "" \
			"$(awk -v b="$_TP_BYTES" 'BEGIN { printf "%.1f GB", b / 1e9 }') carried, $_TP_TICKS ticks"
	done
}
