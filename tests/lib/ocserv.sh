# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The gateway under test, run in NS_GW from an ocserv.conf written for the
# standard topology. GATEWAY_BIN picks the program (Debian's ocserv by
# default; sslgated reads the same file and takes the same -f -c -t flags).
#
# ocserv_write_conf writes, under GW_DIR ($SG_SCRATCH/gw):
#   ocserv.conf          GW_CONF; edit or append to it before gateway_start
#   ocpasswd             alice/correct-horse in engineering,sales; bob in sales
#   config-per-group/    engineering: route NET_LAN; sales: the lan host only
#   chroot/profile.xml   the AnyConnect profile (URI /profiles/profile.xml)
# and uses the PKI of pki.sh (made on demand). What the config holds: plain
# password auth, certificate auth as an alternative (CN = user, OU = group,
# CRL checked), select-group with display names and no default group, pool
# POOL_CIDR, route and DNS for the lan, DTLS on (legacy and PSK-NEGOTIATE).
#
# Settings, read when the config is written:
#   GW_DTLS      1 (default) listen on UDP too; 0 = TLS only
#   GW_DTLS_PSK  true (default) offer PSK-NEGOTIATE; false = legacy Cisco DTLS only
#   GW_CERT_AUTH 1 (default) accept client certificates as an alternative
#   GW_DPD       DPD interval in seconds (30)
#   GW_LOG_LEVEL ocserv log-level (3: debug; 4 adds HTTP bodies)
#   GW_TLS_PRIORITIES  GnuTLS priorities (Debian's default: TLS 1.2 only)
#   GW_RUN_AS    user and group the workers run as (ocserv)
#   GW_EXTRA_CONF raw lines appended to the config
# and when the gateway starts: GATEWAY_BIN, GATEWAY_ARGS (extra arguments, one
# string split on spaces), GW_START_TIMEOUT (10 s).

. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"
. "$(dirname "${BASH_SOURCE[0]}")/pki.sh"
[ -n "${_SG_OCSERV_LOADED:-}" ] && return 0
_SG_OCSERV_LOADED=1

: "${GATEWAY_BIN:=/usr/sbin/ocserv}"
: "${GATEWAY_ARGS:=}"
: "${GATEWAY_CTL_BIN:=occtl}"
: "${GW_DIR:=$SG_SCRATCH/gw}"
: "${GW_CONF:=$GW_DIR/ocserv.conf}"
: "${GW_START_TIMEOUT:=10}"
: "${TEST_USER:=alice}"
: "${TEST_PASS:=correct-horse}"
: "${TEST_USER2:=bob}"
: "${TEST_PASS2:=battery-staple}"

# ocpasswd reads the password twice (new, confirm) from stdin.
_gw_passwd() {
	printf '%s\n%s\n' "$3" "$3" |
		ocpasswd -c "$GW_DIR/ocpasswd" -g "$2" "$1" >/dev/null 2>&1 ||
		fail "ocpasswd failed for $1"
}

_gw_profile() {
	cat >"$GW_DIR/chroot/profile.xml" <<-EOF
		<?xml version="1.0" encoding="UTF-8"?>
		<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/">
		  <ServerList>
		    <HostEntry>
		      <HostName>sslgate test engineering</HostName>
		      <HostAddress>$GW_NAME</HostAddress>
		      <UserGroup>engineering</UserGroup>
		    </HostEntry>
		    <HostEntry>
		      <HostName>sslgate test sales</HostName>
		      <HostAddress>$GW_NAME</HostAddress>
		      <UserGroup>sales</UserGroup>
		    </HostEntry>
		  </ServerList>
		</AnyConnectProfile>
	EOF
	chmod 644 "$GW_DIR/chroot/profile.xml"
}

# The part of the config that says who may log in and how.
_gw_conf_auth() {
	cat <<-EOF
		auth = "plain[passwd=$GW_DIR/ocpasswd]"
	EOF
	[ "${GW_CERT_AUTH:-1}" = 1 ] && cat <<-EOF
		enable-auth = "certificate"
		ca-cert = $PKI_DIR/ca.pem
		crl = $PKI_DIR/crl.pem
		cert-user-oid = 2.5.4.3
		cert-group-oid = 2.5.4.11
	EOF
	cat <<-EOF
		select-group = engineering[Engineering - full LAN]
		select-group = sales[Sales - LAN host only]
		default-select-group = DEFAULT
		auto-select-group = false
		config-per-group = $GW_DIR/config-per-group/
	EOF
}

# Where it listens, which files and users it uses.
_gw_conf_server() {
	cat <<-EOF
		listen-host = $ADDR_GW
		tcp-port = $GW_PORT
	EOF
	[ "${GW_DTLS:-1}" = 1 ] && echo "udp-port = $GW_PORT"
	cat <<-EOF
		server-cert = $PKI_DIR/server.pem
		server-key = $PKI_DIR/server-key.pem
		tls-priorities = "${GW_TLS_PRIORITIES:-NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:-VERS-TLS1.3}"
		run-as-user = ${GW_RUN_AS:-ocserv}
		run-as-group = ${GW_RUN_AS:-ocserv}
		chroot-dir = $GW_DIR/chroot
		socket-file = /ocserv.sock
		occtl-socket-file = $GW_DIR/occtl.sock
		use-occtl = true
		pid-file = $GW_DIR/ocserv.pid
		isolate-workers = true
		log-level = ${GW_LOG_LEVEL:-3}
		user-profile = profile.xml
	EOF
}

# Limits and timers: generous for tests that reconnect quickly and often.
_gw_conf_limits() {
	cat <<-EOF
		max-clients = 64
		max-same-clients = 0
		rate-limit-ms = 0
		max-ban-score = 0
		min-reauth-time = 1
		auth-timeout = 60
		cookie-timeout = 300
		deny-roaming = false
		keepalive = 32400
		dpd = ${GW_DPD:-30}
		mobile-dpd = 1800
		switch-to-tcp-timeout = 25
		try-mtu-discovery = false
		rekey-time = 172800
		rekey-method = ssl
		server-stats-reset-time = 604800
	EOF
}

# What a session gets: tun, pool, routes, DNS, DTLS modes.
_gw_conf_network() {
	cat <<-EOF
		device = vpns
		predictable-ips = true
		ipv4-network = $POOL_NET
		ipv4-netmask = $POOL_MASK
		dns = $ADDR_LAN
		default-domain = sslgate.test
		route = $NET_LAN
		ping-leases = false
		cisco-client-compat = true
		dtls-legacy = true
		dtls-psk = ${GW_DTLS_PSK:-true}
	EOF
}

# ocserv_write_conf: write GW_CONF and the files it names (see the top).
ocserv_write_conf() {
	# shellcheck disable=SC2119 # the default PKI_DIR
	[ -s "$PKI_DIR/server.pem" ] || pki_make
	mkdir -p "$GW_DIR/config-per-group" "$GW_DIR/chroot"
	chmod 755 "$GW_DIR" "$GW_DIR/chroot"
	rm -f "$GW_DIR/ocpasswd"
	_gw_passwd "$TEST_USER" engineering,sales "$TEST_PASS"
	_gw_passwd "$TEST_USER2" sales "$TEST_PASS2"
	echo "route = $NET_LAN" >"$GW_DIR/config-per-group/engineering"
	printf 'route = %s/32\nrestrict-user-to-routes = true\n' "$ADDR_LAN" \
		>"$GW_DIR/config-per-group/sales"
	_gw_profile
	{
		echo "# ocserv.conf for the sslgate test topology (tests/lib/ocserv.sh)"
		_gw_conf_server
		_gw_conf_auth
		_gw_conf_limits
		_gw_conf_network
		[ -n "${GW_EXTRA_CONF:-}" ] && printf '%s\n' "$GW_EXTRA_CONF"
	} >"$GW_CONF"
	return 0
}

_gw_ready_or_dead() {
	is_running gateway || return 0
	_listening "$NS_GW" tcp "$GW_PORT" || return 1
	[ "${GW_DTLS:-1}" != 1 ] || _listening "$NS_GW" udp "$GW_PORT"
}

# gateway_start: check the config with -t, run GATEWAY_BIN -f -c GW_CONF in
# NS_GW as process "gateway", return once it listens (TCP, and UDP with DTLS).
gateway_start() {
	[ -s "$GW_CONF" ] || ocserv_write_conf
	watch_log "$GW_DIR/conftest.log" "gateway -t"
	"$GATEWAY_BIN" -t -c "$GW_CONF" >"$GW_DIR/conftest.log" 2>&1 ||
		fail "$GATEWAY_BIN rejected $GW_CONF"
	# shellcheck disable=SC2086 # GATEWAY_ARGS is a list of words
	spawn_in_ns "$NS_GW" gateway "$GATEWAY_BIN" -f -c "$GW_CONF" $GATEWAY_ARGS
	wait_until "$GW_START_TIMEOUT" _gw_ready_or_dead
	is_running gateway || fail "gateway exited during start-up"
	_gw_ready_or_dead ||
		fail "gateway not listening on $ADDR_GW:$GW_PORT after ${GW_START_TIMEOUT}s"
	log "gateway listening on $ADDR_GW:$GW_PORT"
}

# gateway_stop: stop the gateway by its PID and wait for its port to close.
gateway_stop() {
	stop_proc gateway 10
	wait_until 5 _gw_port_closed || log "gateway port $GW_PORT still open after stop"
}

_gw_port_closed() {
	! _listening "$NS_GW" tcp "$GW_PORT"
}

# gateway_ctl ARGS...: the control tool (occtl; sslgatectl takes its flags)
# on the gateway's control socket.
gateway_ctl() {
	in_ns "$NS_GW" "$GATEWAY_CTL_BIN" -s "$GW_DIR/occtl.sock" "$@"
}
