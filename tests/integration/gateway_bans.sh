#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Failed logins ban their source address, ocserv's way: with max-ban-score
# 20 and 10 points per wrong password (ban-points-wrong-password), two wrong
# passwords from Debian's openconnect ban 198.18.1.2, after which even the
# right password is refused. sslgatectl shows the ban with occtl's fields
# and counts it in status; unban lets the same user in again at once. The
# gateway listens dual-stack, yet the client is named 198.18.1.2 throughout
# (logs, ban list, unban), never ::ffff:198.18.1.2.

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
# every session, 0 too, gets only its address and MTU (vpnc-script-noroute.sh):
# the test needs no route or DNS, so it needs no Debian vpnc-script either
CLIENT_ROUTES=0 REQUIRE_VPNC_SCRIPT=0
# later lines win: these replace the harness's max-ban-score = 0
GW_EXTRA_CONF="max-ban-score = 20
ban-points-wrong-password = 10
ban-points-connection = 0
min-reauth-time = 600
ban-reset-time = 1200"
REQUIRE_CMDS="ip iptables ss certtool ocpasswd python3 /usr/sbin/openconnect"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
[ -x "$GATEWAY_CTL_BIN" ] || skip "sslgatectl not built"

OUT=$SG_SCRATCH/ctl.out
watch_log "$OUT" "sslgatectl output"
ctl() { gateway_ctl "$@" >"$OUT" 2>&1; }
check_json() {
	python3 - "$OUT" "$1" <<-'PY' || fail "JSON check failed: $1"
		import json, sys
		j = json.load(open(sys.argv[1]))
		if not eval(sys.argv[2]):
		    sys.exit("false: %s\n%s" % (sys.argv[2], json.dumps(j, indent=1)))
	PY
}

# attempt ID PASSWORD: one non-interactive login; returns once the client ended.
attempt() {
	CLIENT_PASS=$2 client_start "$1"
	wait_exit "client$1" 25 || fail "client $1 did not give up"
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
# no listen-host: the dual-stack listener, where IPv4 clients arrive as
# ::ffff:198.18.1.2 and must still be logged, listed and banned as 198.18.1.2
sed -i '/^listen-host *=/d' "$GW_CONF"
refute_grep "$GW_CONF" "^listen-host" "gateway config"
gateway_start
GWLOG=$(log_of gateway)
watch_log "$GWLOG" gateway

attempt 1 wrong-one
attempt 2 wrong-two
assert_eq 2 "$(grep -c "login failed: user 'alice' from $ADDR_CLI: wrong password" "$GWLOG")" \
	"failed logins logged"
assert_grep "$GWLOG" "$ADDR_CLI is banned for 600 s"

# --- the right password is refused now -----------------------------------------------------
client_start 3
wait_exit client3 25 || { client_stop 3; fail "a banned address got a tunnel"; }
client_addr 3 >/dev/null && fail "a banned address got an address"
assert_grep "$GWLOG" "login refused: user 'alice' .* from $ADDR_CLI: source address is banned"

# --- sslgatectl shows it, as occtl would ---------------------------------------------------------
ctl --json show ip bans || fail "show ip bans"
check_json "len(j) == 1 and j[0]['IP'] == '$ADDR_CLI' and j[0]['Score'] == 20"
check_json "set(j[0]) == {'IP', 'Since', '_Since', 'Score'}"
ctl --json show ip ban points || fail "show ip ban points"
check_json "j == [{'IP': '$ADDR_CLI', 'Score': 20}]"
ctl bans || fail "bans"
assert_grep "$OUT" "$ADDR_CLI +20 "
ctl --json status || fail "status"
check_json "j['IPs in ban list'] == 1 and j['Total authentication failures'] == 2"

# --- unban: the same client gets in ----------------------------------------------------------------
ctl unban ip 198.18.1.99
assert_eq 1 "$?" "exit status of unban for an address not banned"
assert_grep "$OUT" "could not unban IP '198.18.1.99'"
ctl unban ip "$ADDR_CLI" || fail "unban"
assert_grep "$OUT" "IP '$ADDR_CLI' was unbanned"
refute_grep "$GWLOG" "::ffff:" "gateway log (IPv4 clients by their IPv4 address)"
ctl --json show ip bans || fail "show ip bans after unban"
check_json "j == []"
client_start 0
wait_tunnel 0 20 || fail "no tunnel after the unban"
client_stop 0
ctl --json show ip ban points || fail "show ip ban points at the end"
refute_grep "$OUT" "::ffff:" "sslgatectl output"
assert_grep "$GWLOG" "login: user 'alice' group '[a-z]+' from $ADDR_CLI, session"
refute_grep "$GWLOG" "::ffff:" "gateway log (IPv4 clients by their IPv4 address)"

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "two wrong passwords banned the client; sslgatectl showed and lifted the ban"
exit 0
