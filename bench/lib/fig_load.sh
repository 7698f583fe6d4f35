# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# Gateway figures with the load generator (bench/load, one process playing
# many clients, no tun) as the client: full logins per second, and memory
# per session with many sessions, each of which must answer DPD (on CSTP and
# on DTLS when the gateway agrees to it) and carry an echo to the lan host
# and back (over DTLS when it is up). They belong to the gateway alone, so they
# are measured once per gateway, in scope "gateway:<name>".
# Settings: LOAD_BIN, BENCH_LOGIN_T, BENCH_LOGIN_PAR, BENCH_LOAD_SESSIONS,
# BENCH_LOAD_PAR, BENCH_LOAD_MAX, BENCH_LOAD_DPD, BENCH_LOAD_HOLD.

# _load_spawn NAME ARGS...: the load generator in the client namespace as
# process NAME, password on stdin like the clients.
_load_spawn() {
	local name=$1 pass=$SG_SCRATCH/$1.pass fd
	shift
	(umask 077 && printf '%s\n' "$TEST_PASS" >"$pass")
	exec {fd}<"$pass"
	rm -f "$pass"
	spawn_in_ns --stdin "/dev/fd/$fd" "$NS_CLI" "$name" "$LOAD_BIN" \
		--server "$ADDR_GW:$GW_PORT" --host "$GW_NAME" --pin "$SERVER_PIN" \
		--user "$TEST_USER" --group engineering "$@"
	exec {fd}<&-
}

# _load_result NAME EVENT KEY: a field of the last JSON line of that event.
_load_result() {
	grep "\"event\": *\"$2\"" "$(log_of "$1")" | tail -n1 | jq -rc ".$3 // empty" 2>/dev/null
}

_load_missing() {
	[ -x "$LOAD_BIN" ] && return 1
	echo "load generator not built ($LOAD_BIN)"
}

# fig_logins GW: BENCH_LOGIN_PAR connections at a time, each a full TLS
# handshake and the whole aggregate-auth exchange to the session cookie,
# for BENCH_LOGIN_T seconds; and the gateway's CPU per login.
fig_logins() {
	local scope=gateway:$1 why gw t0 t1 n nproc
	if why=$(_load_missing); then
		na "$scope" logins_per_s 1/s "$why"
		return
	fi
	gw=$(gateway_pid)
	nproc=$(tree_pids "$gw" | wc -l)
	t0=$(tree_cpu_ticks "$gw")
	_load_spawn load-logins --logins --duration "$BENCH_LOGIN_T" --parallel "$BENCH_LOGIN_PAR"
	if ! wait_exit load-logins $((BENCH_LOGIN_T + 30)); then
		stop_proc load-logins
		na "$scope" logins_per_s 1/s "load generator did not finish"
		return
	fi
	# ocserv's per-connection workers outlive the client by a moment
	tree_settle "$gw" "$nproc" 5
	t1=$(tree_cpu_ticks "$gw")
	n=$(_load_result load-logins "done" logins)
	if [ -z "$n" ] || [ "$n" = 0 ]; then
		na "$scope" logins_per_s 1/s "no login completed: $(_last_words "$(log_of load-logins)")"
		return
	fi
	fig "$scope" logins_per_s "$(_load_result load-logins "done" rate)" 1/s "" \
		"$n logins, $(_load_result load-logins "done" failed) failed, $BENCH_LOGIN_PAR at a time"
	fig "$scope" gw_cpu_ms_per_login "$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$n" \
		'BEGIN { printf "%.2f", t / hz * 1000 / n }')" ms
	fig "$scope" load_cpu_ms_per_login "$(awk -v c="$(_load_result load-logins "done" cpu_s)" \
		-v n="$n" 'BEGIN { printf "%.2f", c * 1000 / n }')" ms "" "the load generator's own"
}

_load_ready() {
	grep -q '"event": *"ready"' "$(log_of "$1")" || ! is_running "$1"
}

# _load_conf: the gateway config for the load figures: a short DPD, so that
# holding the sessions for BENCH_LOAD_HOLD seconds is long enough for a
# gateway to drop any session that does not keep up DPD.
_load_conf() {
	local conf=$GW_DIR/load.conf
	sed "s/^dpd = .*/dpd = $BENCH_LOAD_DPD/" "$GW_CONF" >"$conf"
	echo "$conf"
}

# _sessions_figs SCOPE NAME N MEM0 MEMN LOST: the figures of one load run.
_sessions_figs() {
	local scope=$1 name=$2 n=$3 r0 p0 rn pn nproc up ok why
	read -r r0 p0 _ <<<"$4"
	read -r rn pn nproc <<<"$5"
	up=$(_load_result "$name" ready up)
	ok=$(_load_result "$name" ready ok)
	fig "$scope" "sessions_${n}_ok" $((ok > $6 ? ok - $6 : 0)) sessions "" \
		"of $n: $up up, $(_load_result "$name" ready dpd_ok) answered DPD, $(_load_result "$name" ready traffic_ok) carried an echo, DTLS up on $(_load_result "$name" ready dtls_up) of $(_load_result "$name" ready dtls_offered) offered, $6 lost while held ${BENCH_LOAD_HOLD}s under a gateway DPD of ${BENCH_LOAD_DPD}s; $(_load_result "$name" ready errors)"
	if ((up > 0)); then
		fig "$scope" "sessions_${n}_setup_per_s" "$(_load_result "$name" ready setup_rate)" \
			1/s "" "$BENCH_LOAD_PAR at a time, login + CONNECT"
		fig "$scope" "gw_rss_per_session_${n}_kib" $(((rn - r0) / up)) KiB "" \
			"$up sessions, $nproc processes"
		fig "$scope" "gw_pss_per_session_${n}_kib" $(((pn - p0) / up)) KiB "" \
			"$up sessions, $nproc processes"
		return
	fi
	why="no session came up: $(_load_result "$name" ready errors)"
	na "$scope" "sessions_${n}_setup_per_s" 1/s "$why"
	na "$scope" "gw_rss_per_session_${n}_kib" KiB "$why"
	na "$scope" "gw_pss_per_session_${n}_kib" KiB "$why"
}

# fig_sessions GW N: N sessions from the load generator on a fresh gateway;
# the gateway's memory is read once they are up and checked; they are held
# BENCH_LOAD_HOLD seconds more, then closed (DISCONNECT, as a user logout).
# A session the gateway ended while held does not count as ok.
fig_sessions() {
	local scope=gateway:$1 n=$2 why gw mem0 memn lost
	local name=load-$2
	if why=$(_load_missing); then
		na "$scope" "sessions_${n}_ok" sessions "$why"
		return
	fi
	fresh_gateway "$1" "$(_load_conf)" || return
	gw=$(gateway_pid)
	sleep 1
	mem0=$(tree_mem_kib "$gw")
	_load_spawn "$name" --sessions "$n" --parallel "$BENCH_LOAD_PAR" --ping "$ADDR_LAN" \
		--hold $((BENCH_LOAD_MAX + BENCH_LOAD_HOLD))
	wait_until "$BENCH_LOAD_MAX" _load_ready "$name"
	if ! grep -q '"event": *"ready"' "$(log_of "$name")"; then
		why="load generator: $(_last_words "$(log_of "$name")")"
		stop_proc "$name"
		na "$scope" "sessions_${n}_ok" sessions "$why"
		return
	fi
	memn=$(tree_mem_kib "$gw")
	sleep "$BENCH_LOAD_HOLD"
	stop_proc "$name" 60
	lost=$(_load_result "$name" "done" lost)
	_sessions_figs "$scope" "$name" "$n" "$mem0" "$memn" "${lost:-0}"
}

fig_load() {
	local n
	for n in $BENCH_LOAD_SESSIONS; do
		fig_sessions "$1" "$n"
	done
}
