#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Logging to syslog from sandboxed workers: sslgated runs without -f (so it
# logs through syslog()) in a mount namespace of its own whose /dev/log is
# our datagram socket. The workers are chrooted and under the seccomp filter
# (no AF_UNIX socket may be made there), so their lines reach syslog only
# if the log socket was opened before (gateway/parent/children.c). Checked:
# lines from the parent, authd and every worker, including one a worker
# wrote while serving a request, long after its sandbox closed.
set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
: "${GATEWAY_BIN:=$SSLGATE_BUILD/gateway/sslgated}"
GW_DTLS=0 GW_CERT_AUTH=0
GW_EXTRA_CONF="workers = 2"
. "$SSLGATE_SRC/tests/lib/ocserv.sh"
require_root
PROBE=$SSLGATE_BUILD/tests/tools/sg-probe
require_cmd ip unshare mount python3 certtool ocpasswd "$PROBE"
[ -x "$GATEWAY_BIN" ] || skip "sslgated not built ($GATEWAY_BIN)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

SOCK=$SG_SCRATCH/log.sock
SYSLOG=$SG_SCRATCH/syslog.txt
OV=$SG_SCRATCH/devov
# shellcheck disable=SC2317 # called through wait_until
has_line() { grep -Eq -- "$1" "$SYSLOG"; }
# shellcheck disable=SC2317
listening() { in_ns "$NS_GW" ss -Hltn "( sport = :$GW_PORT )" | grep -q .; }

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
: >"$SYSLOG"
spawn syslog python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(4096).rstrip(b"\0\n") + b"\n")
' "$SOCK" "$SYSLOG"
wait_until 5 test -S "$SOCK" || fail "the syslog listener did not start"
watch_log "$SYSLOG" syslog
mkdir -p "$OV/upper" "$OV/work"
# shellcheck disable=SC2016 # the inner bash expands $1..$5
# /dev as an overlay in a private mount namespace: /dev/log exists only there
spawn gateway unshare -m bash -c '
	mount --make-rprivate / &&
	mount -t overlay overlay -o "lowerdir=/dev,upperdir=$1/upper,workdir=$1/work" /dev &&
	touch /dev/log && mount --bind "$2" /dev/log || exit 1
	exec ip netns exec "$3" "$4" -c "$5"' _ "$OV" "$SOCK" "$NS_GW" "$GATEWAY_BIN" "$GW_CONF"
wait_until 10 listening || fail "sslgated is not listening"
[ -e /dev/log ] && fail "/dev/log leaked out of the test's mount namespace"

wait_until 5 has_line 'worker 1: serving' || fail "no worker line in syslog"
assert_grep "$SYSLOG" 'sslgated\[[0-9]+\]: .*worker 0: serving' "syslog (worker 0, with ident and PID)"
assert_grep "$SYSLOG" 'authd: running' "syslog (authd)"
assert_grep "$SYSLOG" 'authd started \(pid' "syslog (the parent)"
# a request long after the sandbox closed: the worker's "not found" line
out=$(in_ns "$NS_CLI" timeout 20 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" --sni "$GW_NAME" \
	--ca "$PKI_DIR/ca.pem" --timeout 3000 http-get-404)
assert_match "$out" 'outcome=http status=404 ' "the probe's request"
wait_until 5 has_line 'w[0-9]+/s[0-9]+ .*not found' || fail "no line of the request in syslog"
# every worker still alive (a refused socket() under a SIGSYS filter would kill it)
workers=$(sed -n 's/.*worker [0-9]* started (pid \([0-9]*\)).*/\1/p' "$SYSLOG")
[ "$(wc -w <<<"$workers")" = 2 ] || fail "expected two worker PIDs in syslog: $workers"
for pid in $workers; do
	kill -0 "$pid" 2>/dev/null || fail "worker $pid is gone"
done
stop_proc gateway 10
exit 0
