#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgated's processes run as configured: the parent as root, authd as
# authd-user, every worker as run-as-user inside chroot-dir (under the seccomp
# filter with isolate-workers), none able to regain privileges. Only authd holds the password file, which the workers'
# uid cannot open; the control socket is root's alone; each worker has its
# own vpns tun. A worker that is killed is replaced; stopping the parent
# ends every child and removes its files.

set -u
GW_DTLS=0 GW_CERT_AUTH=0
GW_EXTRA_CONF="workers = 2
authd-user = nobody
authd-group = nogroup"
# no client at all
REQUIRE_CMDS="ip ss certtool ocpasswd setpriv"
REQUIRE_VPNC_SCRIPT=0
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
getent passwd ocserv >/dev/null || skip "no ocserv user (Debian's ocserv package makes it)"

# status_field PID NAME: a field of /proc/PID/status ("Uid" gives the real uid)
status_field() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status"; }
children() { pgrep -P "$1" | sort -n; }
name_of() { id -un "$(status_field "$1" Uid)"; }
# has_children PID N: at least N children (evaluated on every try of wait_until)
# shellcheck disable=SC2317 # called through wait_until
has_children() { [ "$(children "$1" | wc -l)" -ge "$2" ]; }
tuns() { in_ns "$NS_GW" ip -o link show | grep -c ': vpns[0-9]*:'; }
# shellcheck disable=SC2317 # called through wait_until
has_tuns() { [ "$(tuns)" -eq "$1" ]; }

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
watch_log "$(log_of gateway)" gateway
parent=$(pid_of gateway)
wait_until 5 has_children "$parent" 3 || fail "authd and 2 workers expected"

# --- who runs as whom ---------------------------------------------------------------
assert_eq root "$(name_of "$parent")" "parent's user"
authd=""
workers=()
for pid in $(children "$parent"); do
	case $(name_of "$pid") in
	nobody) authd=$pid ;;
	ocserv) workers+=("$pid") ;;
	*) fail "child $pid runs as $(name_of "$pid")" ;;
	esac
done
[ -n "$authd" ] || fail "no authd running as nobody"
assert_eq 2 "${#workers[@]}" "workers running as ocserv"
for pid in "$authd" "${workers[@]}"; do
	assert_eq 1 "$(status_field "$pid" NoNewPrivs)" "NoNewPrivs of $pid"
	# real, effective, saved and file-system uids all dropped
	assert_match "$(grep '^Uid:' "/proc/$pid/status")" '^Uid:\s+([1-9][0-9]*)\s+\1\s+\1\s+\1$' \
		"uids of $pid"
	# no supplementary group but its own
	assert_eq "$(status_field "$pid" Gid)" \
		"$(awk '$1 == "Groups:" { $1 = ""; print }' "/proc/$pid/status" | tr -d ' ')" \
		"supplementary groups of $pid"
	assert_eq 0000000000000000 "$(status_field "$pid" CapEff)" "capabilities of $pid"
done
for pid in "${workers[@]}"; do
	assert_eq "$GW_DIR/chroot" "$(readlink "/proc/$pid/root")" "root directory of worker $pid"
	# isolate-workers = true in the harness config: a seccomp filter (mode 2)
	if grep -q '^isolate-workers = true' "$GW_CONF" && ! grep -q "'isolate-workers' is not supported" \
		"$(log_of gateway)"; then
		assert_eq 2 "$(status_field "$pid" Seccomp)" "seccomp mode of worker $pid"
	fi
done
assert_eq / "$(readlink "/proc/$authd/root")" "root directory of authd"

# --- the password file: authd has it open; the workers' uid cannot read it ---------------
# holds PID PATH: one of PID's descriptors is PATH
holds() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd")" = "$2" ] && return 0
	done
	return 1
}
holds "$authd" "$GW_DIR/ocpasswd" || fail "authd does not hold the password file"
for pid in "${workers[@]}"; do
	holds "$pid" "$GW_DIR/ocpasswd" && fail "worker $pid holds the password file"
done
setpriv --reuid ocserv --regid ocserv --clear-groups cat "$GW_DIR/ocpasswd" >/dev/null 2>&1 &&
	fail "the workers' uid can read the password file"

# --- devices and the control socket -------------------------------------------------------
assert_eq 2 "$(tuns)" "vpns devices (one per worker)"
assert_eq "srw------- root" "$(stat -c '%A %U' "$GW_DIR/occtl.sock")" "control socket mode"
if [ -x "$GATEWAY_CTL_BIN" ]; then
	gateway_ctl status >/dev/null || fail "root cannot use the control socket"
	in_ns "$NS_GW" setpriv --reuid nobody --regid nogroup --clear-groups \
		"$GATEWAY_CTL_BIN" -s "$GW_DIR/occtl.sock" status >/dev/null 2>&1 &&
		fail "a non-root user used the control socket"
fi

# --- a dead worker is replaced, with a fresh tun -------------------------------------------
# shellcheck disable=SC2317 # called through wait_until
replaced() { has_children "$parent" 3 && ! children "$parent" | grep -qx "${workers[0]}"; }
kill -KILL "${workers[0]}"
wait_until 5 replaced || fail "the killed worker was not replaced"
# its tun went with it; the new worker has a new one
wait_until 2 has_tuns 2 || fail "tun devices after the restart: $(tuns)"
assert_grep "$(log_of gateway)" "worker [0-9]+ \\(pid ${workers[0]}\\) was killed by signal 9"

# --- stopping ends every child and cleans up -------------------------------------------------
all=$(children "$parent")
gateway_stop
for pid in $all; do
	[ -d "/proc/$pid" ] && fail "child $pid outlived the parent"
done
[ -e "$GW_DIR/occtl.sock" ] && fail "control socket left behind"
[ -e "$GW_DIR/ocserv.pid" ] && fail "pid-file left behind"
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "parent root, authd nobody, workers ocserv in the chroot; password file authd's alone"
exit 0
