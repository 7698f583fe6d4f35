#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgatectl against a running sslgated with two openconnect sessions
# (alice in engineering, bob in sales): sslgatectl's words and occtl's show
# the sessions with the right users, groups, addresses and routes; --json
# gives occtl's field names (as Debian's occtl 1.1.6 prints them); status
# counts them; disconnecting one session ends that client only, and the
# other keeps passing traffic; unknown users and IDs are reported as occtl
# does (exit 1 for disconnect, 2 for show).

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
require_cmd python3
[ -x "$GATEWAY_CTL_BIN" ] || skip "sslgatectl not built"

OUT=$SG_SCRATCH/ctl.out
watch_log "$OUT" "sslgatectl output"
ctl() { gateway_ctl "$@" >"$OUT" 2>&1; }

# check_json EXPR: run a python expression over the JSON in $OUT (as `j`).
check_json() {
	python3 - "$OUT" "$1" <<-'PY' || fail "JSON check failed: $1"
		import json, sys
		j = json.load(open(sys.argv[1]))
		if not eval(sys.argv[2]):
		    sys.exit("false: %s\n%s" % (sys.argv[2], json.dumps(j, indent=1)))
	PY
}

# The keys `occtl --json show users` printed in the lab (ocserv 1.1.6, one
# openconnect 9.01 session over TLS) that sslgated has values for.
OCCTL_KEYS='["ID","Username","Groupname","State","vhost","Device","MTU","Remote IP",
"Location","IPv4","User-Agent","RX","TX","_RX","_TX","DPD","KeepAlive","Hostname",
"Connected at","_Connected at","Full session","Session","TLS ciphersuite","DNS","NBNS",
"Split-DNS-Domains","Routes","No-routes","iRoutes","Restricted to routes",
"Restricted to ports"]'

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
watch_log "$(log_of gateway)" gateway

client_start 0
wait_tunnel 0 20 || fail "alice: no tunnel"
alice_addr=$TUNNEL_ADDR
CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=sales client_start 1
wait_tunnel 1 20 || fail "bob: no tunnel"
bob_addr=$TUNNEL_ADDR
assert_ne "$alice_addr" "$bob_addr" "the two sessions' addresses"

# --- listing, both vocabularies ---------------------------------------------------------
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "alice: no ping through the tunnel"
for words in "list" "show users"; do
	# shellcheck disable=SC2086 # several words on purpose
	ctl $words || fail "sslgatectl $words"
	assert_grep "$OUT" "alice +engineering +$ADDR_CLI +$alice_addr +vpns"
	assert_grep "$OUT" "bob +sales +$ADDR_CLI +$bob_addr +vpns"
done
ctl --json show users || fail "sslgatectl --json show users"
check_json "len(j) == 2"
check_json "all(k in u for u in j for k in $(tr -d '\n' <<<"$OCCTL_KEYS"))"
check_json "{u['Username']: u['IPv4'] for u in j} == {'alice': '$alice_addr', 'bob': '$bob_addr'}"
check_json "{u['Username']: u['Groupname'] for u in j} == {'alice': 'engineering', 'bob': 'sales'}"
check_json "[u['Routes'] for u in j if u['Username'] == 'alice'] == [['198.18.2.0/255.255.255.0']]"
check_json "[u['Routes'] for u in j if u['Username'] == 'bob'] == [['$ADDR_LAN/255.255.255.255']]"
check_json "[u['Restricted to routes'] for u in j if u['Username'] == 'bob'] == ['True']"
check_json "all(u['Remote IP'] == '$ADDR_CLI' and u['DPD'] == '${GW_DPD:-30}' for u in j)"
check_json "all(isinstance(u['ID'], int) and u['State'] == 'connected' for u in j)"
# the pings crossed alice's session: at least 2 x 84 bytes each way
check_json "[int(u['RX']) >= 168 and int(u['TX']) >= 168 for u in j if u['Username'] == 'alice'] == [True]"
check_json "all(u['DNS'] == ['$ADDR_LAN'] for u in j)"
bob_id=$(python3 -c 'import json,sys; print([u["ID"] for u in json.load(open(sys.argv[1])) if u["Username"] == "bob"][0])' "$OUT")
bob_hex=$(python3 -c 'import json,sys; print([u["Full session"] for u in json.load(open(sys.argv[1])) if u["Username"] == "bob"][0])' "$OUT")
assert_eq "$bob_id" "$((16#$bob_hex))" "decimal ID and hex session of bob"

# --- one session: by user, by id (decimal and hex) -----------------------------------------
ctl show user alice || fail "show user alice"
assert_grep "$OUT" "Username: alice +Groupname: engineering"
assert_grep "$OUT" "IPv4: $alice_addr"
for id in "id $bob_id" "0x$bob_hex" "$bob_id"; do
	# shellcheck disable=SC2086 # two words on purpose
	ctl --json show $id || fail "show $id"
	check_json "len(j) == 1 and j[0]['Username'] == 'bob'"
done
ctl show user nobody-here
assert_eq 2 "$?" "exit status of show user for an unknown user (occtl's)"
assert_grep "$OUT" "user or ID not found"

# --- status and bans -------------------------------------------------------------------------
ctl --json show status || fail "show status"
check_json "j['Status'] == 'online' and j['Active sessions'] == 2"
check_json "j['Server PID'] == $(pid_of gateway) and j['IPs in ban list'] == 0"
authd_pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Sec-mod PID"])' "$OUT")
assert_eq "$(pid_of gateway)" "$(awk '$1 == "PPid:" { print $2 }' "/proc/$authd_pid/status")" \
	"authd is the gateway's child"
ctl status || fail "status"
assert_grep "$OUT" "Active sessions: 2"
ctl --json show ip bans || fail "show ip bans"
check_json "j == []"

# --- disconnect one session; the other keeps working ------------------------------------------
ctl disconnect id "$bob_id" || fail "disconnect id"
assert_grep "$OUT" "connection ID '$bob_id' was disconnected"
wait_exit client1 10 || fail "bob's openconnect is still running"
client_wait_log 1 "terminated by server|Server request" 2 || fail "bob's client saw no disconnect"
ctl --json list || fail "list after disconnect"
check_json "[u['Username'] for u in j] == ['alice']"
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "alice lost her tunnel when bob was disconnected"
ctl disconnect user nobody-here
assert_eq 1 "$?" "exit status of disconnect for an unknown user"
assert_grep "$OUT" "could not disconnect user 'nobody-here'"

# --- disconnect by user name (sslgatectl words, JSON answer) ------------------------------------
ctl --json disconnect user alice || fail "disconnect user alice"
check_json "j['Status'] == 'ok' and j['Count'] == 1"
wait_exit client0 10 || fail "alice's openconnect is still running"
ctl --json status || fail "status at the end"
check_json "j['Active sessions'] == 0 and j['Address leases'] == 0"
assert_grep "$(log_of gateway)" "disconnected by the administrator"

# --- an orderly stop: nothing in the log reads like a fault -----------------------------------
gateway_stop
assert_grep "$(log_of gateway)" "stopping \(SIGTERM\)" "gateway log (the stop)"
refute_grep "$(log_of gateway)" "authd closed its socket" "gateway log (a normal stop)"
refute_grep "$(log_of gateway)" "^(error|warning):|\((null)\)" "gateway log (a normal stop)"
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "sslgatectl listed, showed and disconnected sessions with occtl's words and fields"
exit 0
