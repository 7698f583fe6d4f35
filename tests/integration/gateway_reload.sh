#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Changing a running sslgated: SIGHUP (and `sslgatectl reload`) re-read the
# configuration and start fresh workers while the parent, authd and a live
# openconnect session carry on; a configuration that no longer loads is
# refused and the running one stays. The password file is re-read without
# any reload: a user locked with sslgate-passwd is refused at once, unlocked
# with Debian's ocpasswd gets in again, and a user added by sslgate-passwd
# can log in (the two tools share the file format).

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
: "${GATEWAY_BIN:=$SSLGATE_BUILD/gateway/sslgated}"
: "${GATEWAY_CTL_BIN:=$SSLGATE_BUILD/ctl/sslgatectl}"

PASSWD_BIN=$SSLGATE_BUILD/gateway/sslgate-passwd
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
GW_EXTRA_CONF="workers = 1"
. "$SSLGATE_SRC/tests/lib/ocserv.sh"
# shellcheck source=tests/lib/openconnect.sh
. "$SG_LIB/openconnect.sh"
require_root
require_cmd ip iptables ping ss certtool ocpasswd /usr/sbin/openconnect
[ -x "$GATEWAY_BIN" ] || skip "sslgated not built ($GATEWAY_BIN)"
[ -x "$PASSWD_BIN" ] || skip "sslgate-passwd not built"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

workers_of() { pgrep -u ocserv -P "$1" | sort -n | tr '\n' ' '; }
authd_of() { pgrep -u nobody -P "$1"; }
reloads() { grep -c 'reloading the configuration' "$GWLOG"; }
# shellcheck disable=SC2317 # called through wait_until
has_reloads() { [ "$(reloads)" -ge "$1" ]; }
# login_works ID [USER PASS GROUP]: a fresh client gets a tunnel, then leaves.
login_works() {
	CLIENT_USER=${2:-$TEST_USER} CLIENT_PASS=${3:-$TEST_PASS} \
		CLIENT_AUTHGROUP=${4:-engineering} client_start "$1"
	wait_tunnel "$1" 20 || { client_stop "$1"; return 1; }
	client_stop "$1"
}
login_refused() {
	CLIENT_USER=${2:-$TEST_USER} CLIENT_PASS=${3:-$TEST_PASS} client_start "$1"
	wait_exit "client$1" 25 || { client_stop "$1"; return 1; }
	! client_addr "$1" >/dev/null
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
GWLOG=$(log_of gateway)
watch_log "$GWLOG" gateway
parent=$(pid_of gateway)
wait_until 5 authd_of "$parent" >/dev/null || fail "no authd"
authd=$(authd_of "$parent")
old_workers=$(workers_of "$parent")

client_start 0
wait_tunnel 0 20 || fail "no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "no ping before the reload"

# --- SIGHUP: new workers, same parent and authd, the session lives on --------------------------
sed -i 's/^default-domain = .*/default-domain = reloaded.sslgate.test/' "$GW_CONF"
kill -HUP "$parent"
wait_until 5 has_reloads 1 || fail "SIGHUP did not reload"
# shellcheck disable=SC2317 # called through wait_until
new_worker() {
	comm -13 <(tr ' ' '\n' <<<"$old_workers" | sort) \
		<(tr ' ' '\n' <<<"$(workers_of "$parent")" | sort) | grep -q .
}
wait_until 5 new_worker || fail "no new worker after the reload"
assert_eq "$authd" "$(authd_of "$parent")" "authd after the reload"
is_running gateway || fail "the parent went away"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "the session stopped passing traffic after the reload"
is_running client0 || fail "openconnect lost its session in the reload"
assert_grep "$GWLOG" "authd: configuration reloaded"

# --- a broken file is refused; the gateway goes on with the old one ------------------------------
cp "$GW_CONF" "$SG_SCRATCH/good.conf"
echo 'auth = "certificate"' >>"$GW_CONF"
kill -HUP "$parent"
wait_until 5 grep -q 'reload failed; the running configuration stays' "$GWLOG" ||
	fail "the broken configuration was not refused"
cp "$SG_SCRATCH/good.conf" "$GW_CONF"
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "no traffic after the refused reload"

# --- sslgatectl reload ------------------------------------------------------------------------------
if [ -x "$GATEWAY_CTL_BIN" ]; then
	n=$(reloads)
	assert_eq "Server scheduled to reload" "$(gateway_ctl reload)" "sslgatectl reload"
	wait_until 5 has_reloads $((n + 1)) || fail "sslgatectl reload did not reload"
fi
login_works 1 || fail "no new login after the reloads"

# --- the password file, no reload needed ------------------------------------------------------------
"$PASSWD_BIN" -c "$GW_DIR/ocpasswd" -l "$TEST_USER" || fail "sslgate-passwd -l"
login_refused 2 || fail "a locked user got in"
assert_grep "$GWLOG" "login failed: user '$TEST_USER' from $ADDR_CLI: account locked"
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "locking the account cut the running session"
ocpasswd -c "$GW_DIR/ocpasswd" -u "$TEST_USER" || fail "ocpasswd -u"
login_works 3 || fail "the unlocked user cannot log in"
printf 'new-user-pass\n' | "$PASSWD_BIN" -c "$GW_DIR/ocpasswd" -g sales carol ||
	fail "sslgate-passwd could not add carol"
assert_grep "$GW_DIR/ocpasswd" "^carol:sales:\\\$6\\\$"
login_works 4 carol new-user-pass sales || fail "the user sslgate-passwd added cannot log in"
"$PASSWD_BIN" -c "$GW_DIR/ocpasswd" -d carol || fail "sslgate-passwd -d"
login_refused 5 carol new-user-pass || fail "a deleted user got in"

client_stop 0
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "reloads kept the session, a bad file was refused, password changes took effect at once"
exit 0
