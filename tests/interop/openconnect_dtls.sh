#!/bin/bash
# SPDX-License-Identifier: ISC
#
# DTLS between Debian's openconnect and sslgated, in the three modes:
#   PSK-NEGOTIATE (the default), Cisco DTLS 1.2 (dtls-psk = false) and
#   Cisco DTLS 0.9 (dtls-psk = false, --dtls-ciphers=AES256-SHA / AES128-SHA).
# In each, openconnect's log says DTLS is established with the expected
# cipher, a transfer through the tunnel passes, and sslgatectl's DTLS byte
# counters grow by at least its size while the session says data moves over
# DTLS. Then, in PSK mode: UDP blocked from the start (openconnect works over
# TLS); UDP dropped mid-session (the gateway moves data back to TLS after
# switch-to-tcp-timeout and back to DTLS once openconnect's new handshake
# gets through); and garbage, truncated, replayed, oversized (longer than a
# receive slot, counted apart in sslgatectl's DTLS oversized) and
# unknown-session datagrams at the DTLS port, which are dropped and counted
# while the session keeps working; and a reload, after which the old worker keeps the
# session (a new DTLS handshake reaches it through the parent) and exits 0
# when it ends.

# shellcheck disable=SC2317 # helpers run through wait_until
set -u
GW_DTLS=1 GW_CERT_AUTH=0 GW_DPD=5
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
require_cmd python3
[ -x "$GATEWAY_CTL_BIN" ] || skip "sslgatectl not built"

OUT=$SG_SCRATCH/ctl.out
XFER=$SG_SCRATCH/xfer.bin
XFER_SIZE=400000
head -c "$XFER_SIZE" /dev/urandom >"$XFER"

# field NAME: a value of the one session in `sslgatectl --json show users`.
field() {
	gateway_ctl --json show users >"$OUT" 2>&1 || return 1
	python3 - "$OUT" "$1" <<-'PY'
		import json, sys
		j = json.load(open(sys.argv[1]))
		print(j[0][sys.argv[2]] if j else "")
	PY
}

_channel_is() { [ "$(field 'Data channel')" = "$1" ]; }
# _client_count ERE / _client_more ERE N: lines of openconnect's log.
_client_count() { grep -Ec -- "$1" "$(log_of client0)"; }
_client_more() { [ "$(_client_count "$1")" -gt "$2" ]; }

# transfer N: sends XFER from the client to the lan host and back; checks both.
transfer() {
	local back=$SG_SCRATCH/back.bin port=$((7000 + $1 * 2))
	lan_tcp_sink "sink$1" "$port" "$SG_SCRATCH/sunk$1.bin"
	tcp_send "$NS_CLI" "$ADDR_LAN" "$port" "$XFER" 30 || fail "upload $1 failed"
	wait_exit "sink$1" 20 || fail "sink $1 did not finish"
	cmp -s "$XFER" "$SG_SCRATCH/sunk$1.bin" || fail "upload $1 arrived damaged"
	lan_tcp_source "source$1" "$((port + 1))" "$XFER"
	tcp_recv "$NS_CLI" "$ADDR_LAN" "$((port + 1))" "$back" 30 || fail "download $1 failed"
	cmp -s "$XFER" "$back" || fail "download $1 arrived damaged"
}

# one_mode N PSK CIPHER-RE [OPENCONNECT ARGS]: a session in one mode.
one_mode() {
	local n=$1 psk=$2 want=$3 rx0 tx0 rx1 tx1 clog
	shift 3
	GW_DTLS_PSK=$psk ocserv_write_conf
	gateway_start
	watch_log "$(log_of gateway)" gateway
	client_start 0 "$@"
	clog=$(log_of client0)
	wait_tunnel 0 20 || fail "mode $n: no tunnel"
	client_wait_log 0 'Established DTLS connection' 15 || fail "mode $n: no DTLS"
	assert_grep "$clog" "Established DTLS connection \\(using GnuTLS\\)\\. Ciphersuite $want" \
		"openconnect log (mode $n)"
	# keepalives right after the handshake wake openconnect's main loop
	# (else it may wait up to a second before it configures the tun)
	client_wait_log 0 'Got DTLS Keepalive' 5 || fail "mode $n: no keepalive after the handshake"
	wait_until 10 _channel_is DTLS || fail "mode $n: sslgatectl does not show DTLS"
	rx0=$(field 'DTLS RX') tx0=$(field 'DTLS TX')
	transfer "$n"
	rx1=$(field 'DTLS RX') tx1=$(field 'DTLS TX')
	log "mode $n: DTLS RX $rx0 -> $rx1, TX $tx0 -> $tx1 ($(field 'DTLS cipher'))"
	[ $((rx1 - rx0)) -ge "$XFER_SIZE" ] || fail "mode $n: DTLS RX grew by $((rx1 - rx0))"
	[ $((tx1 - tx0)) -ge "$XFER_SIZE" ] || fail "mode $n: DTLS TX grew by $((tx1 - tx0))"
	client_stop 0
	gateway_stop
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make

one_mode 1 true '\(DTLS1\.2\)-\(PSK\)-\(AES-256-GCM\)'
one_mode 2 false '\(DTLS1\.2\)-\(RSA\)-\(AES-256-GCM\)'
one_mode 3 false '\(DTLS0\.9\)-\(RSA\)-\(AES-256-CBC\)-\(SHA1\)' --dtls-ciphers=AES256-SHA
one_mode 4 false '\(DTLS0\.9\)-\(RSA\)-\(AES-128-CBC\)-\(SHA1\)' --dtls-ciphers=AES128-SHA
[ "$(netns_udp_packets)" -gt 0 ] || fail "no datagram reached the DTLS port"

log "the remaining checks run in PSK mode"
GW_DTLS_PSK=true GW_EXTRA_CONF='switch-to-tcp-timeout = 4' ocserv_write_conf
gateway_start
GLOG=$(log_of gateway)
watch_log "$GLOG" gateway

# UDP blocked from the start: openconnect carries on over TLS.
netns_block_udp
client_start 0
wait_tunnel 0 20 || fail "UDP blocked: no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "UDP blocked: no ping over TLS"
transfer 5
[ "$(netns_udp_drops)" -gt 0 ] || fail "UDP blocked: openconnect never tried DTLS"
assert_eq "TLS" "$(field 'Data channel')" "data channel with UDP blocked"
assert_eq 0 "$(field 'DTLS RX')" "DTLS bytes with UDP blocked"
client_stop 0
netns_unblock_udp

# UDP dropped mid-session, then restored.
client_start 0
wait_tunnel 0 20 || fail "drop: no tunnel"
client_wait_log 0 'Established DTLS connection' 15 || fail "drop: no DTLS"
wait_until 10 _channel_is DTLS || fail "drop: not on DTLS"
deads=$(_client_count 'DTLS Dead Peer Detection detected dead peer')
netns_block_udp
wait_until 15 _channel_is TLS || fail "drop: the gateway kept DTLS"
assert_grep "$GLOG" 'nothing on DTLS for 4 s: data back on TLS' "gateway log"
wait_until 30 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "drop: no ping over TLS"
transfer 6
assert_eq "TLS" "$(field 'Data channel')" "data channel with UDP dropped"
# Unblock once openconnect gave DTLS up, so that it must handshake again.
wait_until 30 _client_more 'DTLS Dead Peer Detection detected dead peer' "$deads" ||
	fail "drop: openconnect did not notice"
netns_unblock_udp
handshakes=$(grep -c 'Established DTLS connection' "$(log_of client0)")
wait_until 60 _channel_is DTLS || fail "restore: data did not go back to DTLS"
log "DTLS back after the restore (openconnect handshakes: $handshakes ->" \
	"$(grep -c 'Established DTLS connection' "$(log_of client0)"))"
rx0=$(field 'DTLS RX')
transfer 7
[ $(($(field 'DTLS RX') - rx0)) -ge "$XFER_SIZE" ] || fail "restore: transfer not over DTLS"

# Hostile datagrams at the DTLS port while the session works: 62 of them,
# 22 garbage, 20 truncated hellos, 20 hellos for unknown sessions.
garbage() {
	udp_send "$NS_CLI" "$ADDR_GW" "$GW_PORT" "not a DTLS record"
	# A ClientHello cut short, and one naming a session nobody has. A session
	# ID's first byte names its worker and its last 16 bytes are a MAC under
	# the gateway's secret: the unknown ones name workers 0 to 3 in turn (two
	# live, two not) with made-up bytes, as a stranger would, so their MAC
	# fails and each dies at the worker that reads it, counted unknown. None
	# reaches the parent, which used to connect a socket to this sender for
	# those naming another live worker, and that socket, not the shared port,
	# then caught the rest of the burst. (A genuine key whose session is gone
	# still takes that path; worker_dtls_demux's unit test covers it.)
	in_ns "$NS_CLI" python3 - "$ADDR_GW" "$GW_PORT" <<-'PY'
		import os, socket, struct, sys
		def hello(sid):
		    body = struct.pack(">H", 0xFEFD) + os.urandom(32) + bytes([len(sid)]) + sid
		    body += b"\x00" + struct.pack(">H", 2) + b"\xc0\x2c" + b"\x01\x00"
		    hs = struct.pack(">B", 1) + len(body).to_bytes(3, "big") + b"\x00\x00"
		    hs += b"\x00\x00\x00" + len(body).to_bytes(3, "big") + body
		    return struct.pack(">BHH", 22, 0xFEFF, 0) + b"\x00\x00\x00\x00\x00\x00" + \
		        struct.pack(">H", len(hs)) + hs
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		dst = (sys.argv[1], int(sys.argv[2]))
		for i in range(20):
		    s.sendto(hello(bytes([i % 4]) + os.urandom(31)), dst)  # unknown session
		    s.sendto(hello(os.urandom(32))[:40], dst)   # truncated
		    s.sendto(os.urandom(100), dst)              # garbage
		# A data record of epoch 1 from a stranger's port: not a hello.
		s.sendto(bytes([23, 0xFE, 0xFD, 0, 1]) + os.urandom(6) + b"\x00\x30" + os.urandom(48), dst)
	PY
}
# dropped KIND: the gateway's logged drops of one kind, summed over workers.
dropped() {
	grep -o "[0-9]* $1" "$GLOG" | awk '{ n += $1 } END { print n + 0 }'
}
# (A random 100-byte datagram may start like a handshake record and count as
# truncated, so garbage and truncated are checked together.)
_all_reported() {
	[ $(($(dropped garbage) + $(dropped truncated))) -ge 42 ] &&
		[ "$(dropped 'for unknown sessions')" -ge 20 ]
}
# replay N: captures one of openconnect's DTLS data records on the wire (while
# sending datagrams into the tunnel) and sends that very frame N more times.
replay() {
	in_ns "$NS_CLI" python3 - "$ADDR_GW" "$GW_PORT" "$ADDR_LAN" "$1" <<-'PY'
		import socket, sys, time
		gw, port, lan, n = socket.inet_aton(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
		raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
		raw.bind(("eth0", 0))
		raw.settimeout(0.2)
		udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		end = time.time() + 10
		while time.time() < end:
		    udp.sendto(b"x" * 100, (lan, 9))
		    try:
		        frame = raw.recv(4096)
		    except socket.timeout:
		        continue
		    ip = frame[14:]
		    if frame[12:14] != b"\x08\x00" or ip[9] != 17 or ip[16:20] != gw:
		        continue
		    udp_off = (ip[0] & 15) * 4
		    dport = int.from_bytes(ip[udp_off + 2:udp_off + 4], "big")
		    if dport == port and ip[udp_off + 8] == 23:
		        # veth offloads checksums: an outgoing capture holds a partial
		        # one. Zero means "none" in IPv4; the record stays byte-exact.
		        off = 14 + udp_off + 6
		        frame = frame[:off] + b"\x00\x00" + frame[off + 2:]
		        for _ in range(n):
		            raw.send(frame)
		        sys.exit(0)
		sys.exit("no DTLS data record seen")
	PY
}
disc0=$(field 'DTLS discarded')
replay 5 || fail "could not capture a DTLS record to replay"
_discarded() { [ "$(field 'DTLS discarded')" -ge $((disc0 + 5)) ]; }
wait_until 5 _discarded || fail "replayed records were not discarded ($disc0 -> $(field 'DTLS discarded'))"
log "5 replayed records: DTLS discarded $disc0 -> $(field 'DTLS discarded')"
# oversized N SIZE: N datagrams of SIZE bytes (a DTLS 1.2 data record header,
# then random bytes) from openconnect's own UDP port, so they land on the
# session's socket; the client namespace's kernel fragments them on the veth.
oversized() {
	in_ns "$NS_CLI" python3 - "$ADDR_GW" "$GW_PORT" "$1" "$2" <<-'PY'
		import os, socket, struct, sys
		gw, port, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
		# /proc/net/udp prints addresses as host-order hex words
		peer = "%08X:%04X" % (struct.unpack("<I", socket.inet_aton(gw))[0], port)
		sports = [int(f[1].split(":")[1], 16) for f in
		          (line.split() for line in open("/proc/net/udp").readlines()[1:])
		          if f[2] == peer]
		if len(sports) != 1:
		    sys.exit("openconnect's UDP sockets to the gateway: %r" % sports)
		rec = struct.pack(">BHH", 23, 0xFEFD, 1) + os.urandom(6)
		rec += struct.pack(">H", size - 13) + os.urandom(size - 13)
		dgram = struct.pack(">HHHH", sports[0], port, 8 + size, 0) + rec  # no checksum (IPv4)
		raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
		raw.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = DONT: may fragment
		for _ in range(n):
		    raw.sendto(dgram, (gw, 0))
	PY
}
garbage
# The rate limit holds counts back for up to 10 s.
wait_until 25 _all_reported || fail "hostile datagrams were not all reported:" \
	"$(dropped garbage) garbage, $(dropped truncated) truncated," \
	"$(dropped 'for unknown sessions') unknown; the gateway's UDP counters:" \
	"$(in_ns "$NS_GW" awk '$1 == "Udp:"' /proc/net/snmp | paste -sd' ')"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "the session stopped working after hostile datagrams"
# Longer than a receive slot (2048 bytes): dropped before DTLS reads them and
# counted as oversized, not as discarded records; the worker logs the first.
over0=$(field 'DTLS oversized') disc1=$(field 'DTLS discarded')
oversized 3 3000 || fail "could not send oversized datagrams"
_oversized() { [ "$(field 'DTLS oversized')" -ge $((over0 + 3)) ]; }
wait_until 5 _oversized || fail "oversized datagrams were not counted ($over0 -> $(field 'DTLS oversized'))"
assert_eq $((over0 + 3)) "$(field 'DTLS oversized')" "DTLS oversized after 3 long datagrams"
assert_eq "$disc1" "$(field 'DTLS discarded')" "DTLS discarded after 3 long datagrams"
wait_until 5 grep -q 'dropped a 3000-byte DTLS datagram, longer than the 2048 bytes' "$GLOG" ||
	fail "the first oversized datagram was not logged"
gateway_ctl show user alice >"$OUT" 2>&1 || fail "sslgatectl show user alice failed"
assert_grep "$OUT" "DTLS oversized: $((over0 + 3))\$" "sslgatectl show user alice"
log "3 datagrams of 3000 bytes: DTLS oversized $over0 -> $(field 'DTLS oversized')"
rx0=$(field 'DTLS RX')
transfer 8
[ $(($(field 'DTLS RX') - rx0)) -ge "$XFER_SIZE" ] || fail "hostile: DTLS stopped carrying data"
# Per worker, the burst makes two lines: the first drop, then the held-back rest.
most=$(grep -o 'worker [0-9]*: DTLS port: dropped' "$GLOG" | sort | uniq -c |
	awk '$1 > n { n = $1 } END { print n + 0 }')
[ "$most" -le 2 ] || fail "the drop log line is not rate-limited ($most lines from one worker)"

# A reload: the old worker keeps the session and its DTLS channel; a new DTLS
# handshake lands on a new worker's socket and reaches the old one through
# the parent; the old worker exits 0 when the session ends.
# _more ERE N: the gateway log has more than N lines matching ERE.
_more() { [ "$(grep -Ec -- "$1" "$GLOG")" -gt "$2" ]; }
label=$(grep -o 'w[0-9]*/s[0-9]* [0-9.:]*: DTLS up' "$GLOG" | tail -1 | cut -d' ' -f1)
owner=${label%%/*}
owner=${owner#w}
assert_match "$owner" '^[0-9]+$' "the session's worker"
kill -HUP "$(pid_of gateway)"
wait_until 5 grep -q "worker $owner: the parent re-read the configuration; draining" "$GLOG" ||
	fail "reload: worker $owner was not told to drain"
rx0=$(field 'DTLS RX')
transfer 9
[ $(($(field 'DTLS RX') - rx0)) -ge "$XFER_SIZE" ] || fail "reload: the session left DTLS"
deads=$(_client_count 'DTLS Dead Peer Detection detected dead peer')
netns_block_udp
wait_until 15 _channel_is TLS || fail "reload: no fallback to TLS"
wait_until 30 _client_more 'DTLS Dead Peer Detection detected dead peer' "$deads" ||
	fail "reload: openconnect did not notice"
netns_unblock_udp
ups=$(grep -Ec "$label .*DTLS up" "$GLOG")
wait_until 60 _more "$label .*DTLS up" "$ups" ||
	fail "reload: no new DTLS handshake reached the draining worker"
wait_until 10 _channel_is DTLS || fail "reload: data did not go back to DTLS"
rx0=$(field 'DTLS RX')
transfer 10
[ $(($(field 'DTLS RX') - rx0)) -ge "$XFER_SIZE" ] || fail "reload: transfer not over DTLS"

client_stop 0
wait_until 10 grep -Eq "worker $owner \(pid [0-9]+\) exited with status 0" "$GLOG" ||
	fail "reload: the draining worker did not exit 0 after its last session"
assert_grep "$GLOG" "worker $owner: last session gone after a reload; exiting" "gateway log"
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "openconnect ran DTLS with sslgated in all modes; fallback and hostile datagrams OK"
exit 0
