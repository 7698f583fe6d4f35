#!/bin/bash
# SPDX-License-Identifier: ISC
#
# bench/report.py's memory rows and the RSS verdict (no namespace, no
# root): given figure records as bench/lib/record.sh writes them, the table
# shows the floor (bench/floor, a bare GnuTLS client) beside the clients'
# memory with its ratio to openconnect's, and the verdict of "sslgate RSS
# <= 1/3 of openconnect's" carries the floor beside it, whether the floor
# was measured, could not be (n/a with its reason) or is absent from an
# older record file, while pass or fail follows the client's own RSS alone.
# Figures are those of real runs: openconnect 13684 KiB and sslgate 6088
# KiB (docs/performance.md, run of b70e108); 5356 KiB the lead's hand
# measurement of a bare GnuTLS client.
set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/common.sh"
require_cmd python3
REPORT=$SSLGATE_SRC/bench/report.py
[ -r "$REPORT" ] || fail "no $REPORT"

rec=$SG_SCRATCH/records.tsv
out=$SG_SCRATCH/report.txt
json=$SG_SCRATCH/report.json

# rec SCOPE NAME VALUE [NOTE]: one record; an empty VALUE is n/a, NOTE why.
rec() {
	printf '%s\t%s\t%s\tKiB\t\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$rec"
}

run_report() {
	python3 "$REPORT" "$rec" "$json" >"$out" 2>"$SG_SCRATCH/report.err" ||
		fail "report.py failed: $(cat "$SG_SCRATCH/report.err")"
	watch_log "$out" "report"
}

# verdict PAIR: the target line of the RSS verdict for PAIR.
verdict() {
	grep -F "sslgate RSS <= 1/3 of openconnect's ($1)" "$out"
}

# target_json PAIR KEY: that target's KEY in the JSON ("null" when None).
target_json() {
	python3 - "$json" "$1" "$2" <<-'PY'
		import json, sys
		doc = json.load(open(sys.argv[1]))
		for t in doc["targets"]:
		    if t["target"].endswith("(%s)" % sys.argv[2]) and "RSS" in t["target"]:
		        print(json.dumps(t.get(sys.argv[3])))
	PY
}

# 1. The floor measured with sslgated; with ocserv it could not be taken.
: >"$rec"
rec openconnect-ocserv client_rss_kib 13684
rec openconnect-ocserv client_private_kib 9120
rec sslgate-sslgated client_rss_kib 6088
rec sslgate-sslgated client_private_kib 1036
rec sslgate-sslgated client_floor_rss_kib 5356
rec sslgate-sslgated client_floor_private_kib 612
rec sslgate-ocserv client_rss_kib 4000
rec sslgate-ocserv client_floor_rss_kib "" "the floor did not hold a handshake (log: refused)"
run_report

line=$(verdict sslgate-sslgated)
# 13684 / 3 = 4561.3: the limit; 6088 is above it, and so is the floor.
assert_match "$line" "^  fail sslgate RSS " "verdict with sslgated"
assert_match "$line" "\[6088 vs 4561\]" "verdict with sslgated"
assert_match "$line" "\(floor: a bare GnuTLS client after one handshake has 5356 KiB, above the 4561 KiB limit\)$" \
	"verdict with sslgated"
line=$(verdict sslgate-ocserv)
# 4000 is within the limit: the floor's absence changes nothing.
assert_match "$line" "^  pass sslgate RSS " "verdict with ocserv"
assert_match "$line" "\(floor: n/a, the floor did not hold a handshake \(log: refused\)\)$" \
	"verdict with ocserv"
assert_eq '"fail"' "$(target_json sslgate-sslgated result)" "JSON result with sslgated"
assert_eq 5356 "$(target_json sslgate-sslgated floor)" "JSON floor with sslgated"
assert_eq '"pass"' "$(target_json sslgate-ocserv result)" "JSON result with ocserv"
assert_eq null "$(target_json sslgate-ocserv floor)" "JSON floor with ocserv"

# The table's rows: the floor against openconnect's RSS (5356 / 13684 =
# 0.39) and private memory (612 / 9120 = 0.07); openconnect has no floor.
line=$(grep '^floor: bare GnuTLS client RSS ' "$out") || fail "no floor RSS row"
assert_match "$line" "^floor: bare GnuTLS client RSS +KiB +n/a\[[0-9]+\] +5356 \(0\.39x\) +n/a\[[0-9]+\] +n/a\[[0-9]+\]$" \
	"floor RSS row"
line=$(grep '^floor: bare GnuTLS client private ' "$out") || fail "no floor private row"
assert_match "$line" " 612 \(0\.07x\) " "floor private row"

# 2. Records of a run from before the floor: the verdicts are the same,
# the floor n/a as not measured.
: >"$rec"
rec openconnect-ocserv client_rss_kib 13684
rec sslgate-sslgated client_rss_kib 6088
run_report
line=$(verdict sslgate-sslgated)
assert_match "$line" "^  fail sslgate RSS .*\[6088 vs 4561\] \(floor: n/a, not measured in this run\)$" \
	"verdict without a floor"
assert_eq '"fail"' "$(target_json sslgate-sslgated result)" "JSON result without a floor"

# 3. A floor within the limit says so (a floor is not a verdict).
: >"$rec"
rec openconnect-ocserv client_rss_kib 13684
rec sslgate-sslgated client_rss_kib 6088
rec sslgate-sslgated client_floor_rss_kib 4400
run_report
assert_match "$(verdict sslgate-sslgated)" \
	"^  fail .*\(floor: a bare GnuTLS client after one handshake has 4400 KiB, within the 4561 KiB limit\)$" \
	"verdict with a low floor"
log "report.py: floor rows and verdict notes as expected"
exit 0
