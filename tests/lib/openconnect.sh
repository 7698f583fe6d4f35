# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The client under test, run in NS_CLI. CLIENT_BIN picks the program
# (Debian's openconnect by default; sslgate takes the same options). Several
# sessions may run at once, each known by an ID (0, 1, ...):
#   process   client<ID>   ($SG_SCRATCH/client<ID>.pid, .log: see pid_of, log_of)
#   tun       sgc<ID>      in NS_CLI
# Session 0 uses Debian's vpnc-script, which routes NET_LAN into the tunnel
# (and writes the pushed DNS into NS_CLI's own resolv.conf); other IDs use
# vpnc-script-noroute.sh beside this file (address and MTU only).
#
# Settings, read by client_start when it is called (so a one-off can be given
# as `CLIENT_NO_DTLS=1 client_start 0`):
#   CLIENT_USER, CLIENT_PASS  TEST_USER / TEST_PASS; an empty password sends none
#   CLIENT_AUTHGROUP  engineering (--authgroup; empty = no option)
#   CLIENT_NO_DTLS    1 = --no-dtls (TLS only)
#   CLIENT_ROUTES     1 = Debian's vpnc-script, 0 = no-route script (default: ID 0 only)
#   CLIENT_SCRIPT     any other vpnc-script
#   CLIENT_SETUP      builtin = --net-setup=builtin instead of a script (sslgate
#                     only: routes and DNS as the gateway pushed them, any ID);
#                     default = neither option: the client's own default
#   CLIENT_CERT, CLIENT_KEY  client certificate and key (-c, -k)
#   CLIENT_PIN        --servercert value (SERVER_PIN from pki.sh)
#   CLIENT_URL        GW_URL (https://gw.sslgate.test/)
#   CLIENT_VERBOSE    -v (empty for quiet, -vv to dump HTTP)

. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
[ -n "${_SG_OPENCONNECT_LOADED:-}" ] && return 0
_SG_OPENCONNECT_LOADED=1

: "${CLIENT_BIN:=/usr/sbin/openconnect}"
: "${VPNC_SCRIPT:=/usr/share/vpnc-scripts/vpnc-script}"
: "${TEST_USER:=alice}"
: "${TEST_PASS:=correct-horse}"
CLIENT_NOROUTE_SCRIPT=$SG_LIB/vpnc-script-noroute.sh

# client_ifname ID: the session's tun device.
client_ifname() {
	echo "sgc$1"
}

# The command line, one argument per line in the array CLIENT_ARGS.
_client_args() {
	local id=$1 routes=${CLIENT_ROUTES:-} script=${CLIENT_SCRIPT:-}
	[ -n "$routes" ] || { [ "$id" = 0 ] && routes=1 || routes=0; }
	if [ -z "$script" ]; then
		script=$CLIENT_NOROUTE_SCRIPT
		[ "$routes" = 1 ] && script=$VPNC_SCRIPT
	fi
	CLIENT_ARGS=(--protocol=anyconnect --non-inter --timestamp
		--user "${CLIENT_USER:-$TEST_USER}"
		--servercert "${CLIENT_PIN:-$SERVER_PIN}"
		--interface "$(client_ifname "$id")")
	case ${CLIENT_SETUP:-script} in
	builtin) CLIENT_ARGS+=(--net-setup=builtin) ;;
	default) ;;
	*) CLIENT_ARGS+=(--script "$script") ;;
	esac
	[ -n "${CLIENT_PASS-$TEST_PASS}" ] && CLIENT_ARGS+=(--passwd-on-stdin)
	local group=${CLIENT_AUTHGROUP-engineering}
	[ -n "$group" ] && CLIENT_ARGS+=(--authgroup "$group")
	[ "${CLIENT_NO_DTLS:-0}" = 1 ] && CLIENT_ARGS+=(--no-dtls)
	[ -n "${CLIENT_CERT:-}" ] && CLIENT_ARGS+=(--certificate "$CLIENT_CERT")
	[ -n "${CLIENT_KEY:-}" ] && CLIENT_ARGS+=(--sslkey "$CLIENT_KEY")
	local verbose=${CLIENT_VERBOSE--v}
	[ -n "$verbose" ] && CLIENT_ARGS+=("$verbose")
	return 0
}

# client_start ID [ARGS...]: start session ID in the background (ARGS go to
# the client before the URL). Returns at once; see wait_tunnel.
client_start() {
	local id=$1
	shift
	[ -n "${CLIENT_PIN:-$SERVER_PIN}" ] || fail "client_start: no server pin (run pki_make)"
	_client_args "$id"
	# The password travels on stdin, never on a command line. The file is
	# unlinked before the client starts; it reads it through an open fd.
	local pass=$SG_SCRATCH/client$id.pass fd
	(umask 077 && printf '%s\n' "${CLIENT_PASS-$TEST_PASS}" >"$pass")
	exec {fd}<"$pass"
	rm -f "$pass"
	spawn_in_ns --stdin "/dev/fd/$fd" "$NS_CLI" "client$id" \
		"$CLIENT_BIN" "${CLIENT_ARGS[@]}" "$@" "${CLIENT_URL:-$GW_URL}"
	exec {fd}<&-
}

# client_addr ID: print the IPv4 address on the session's tun (fails if none).
client_addr() {
	local a
	a=$(in_ns "$NS_CLI" ip -4 -o addr show dev "$(client_ifname "$1")" 2>/dev/null |
		awk '{ split($4, p, "/"); print p[1]; exit }')
	[ -n "$a" ] && echo "$a"
}

_tunnel_up_or_dead() {
	! is_running "client$1" || client_addr "$1" >/dev/null
}

# wait_tunnel ID [TIMEOUT_S]: wait (20 s) until the session's tun has its
# address; sets TUNNEL_ADDR. Returns 1 if the client exited or time ran out.
wait_tunnel() {
	local id=$1 t=${2:-20}
	TUNNEL_ADDR=
	wait_until "$t" _tunnel_up_or_dead "$id"
	if TUNNEL_ADDR=$(client_addr "$id"); then
		log "tunnel $id up: $(client_ifname "$id") $TUNNEL_ADDR"
		return 0
	fi
	if is_running "client$id"; then
		log "tunnel $id: no address after ${t}s"
	else
		log "tunnel $id: client exited"
	fi
	return 1
}

# client_wait_log ID ERE [TIMEOUT_S]: wait (10 s) for a line of the client's
# log to match.
client_wait_log() {
	wait_until "${3:-10}" grep -Eq -- "$2" "$(log_of "client$1")"
}

# client_stop ID: stop the session by its PID (SIGTERM lets the client log
# out and run the vpnc-script's disconnect) and wait for its tun to go.
client_stop() {
	stop_proc "client$1" 10
	wait_until 3 _tun_gone "$1" || log "tun $(client_ifname "$1") still present"
}

_tun_gone() {
	! in_ns "$NS_CLI" ip link show dev "$(client_ifname "$1")" >/dev/null 2>&1
}
