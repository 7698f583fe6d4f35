# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# Where figures go while the bench runs: one tab-separated line per figure in
# BENCH_RECORDS (scope, name, value, unit, samples, note), appended as soon
# as a figure is known, so an interrupted run still reports what it measured.
# A figure that could not be measured has an empty value and its reason in
# the note. bench/report.py turns the file into the table and the JSON.
#
# Scopes: a pairing id ("openconnect-ocserv"), "gateway:<name>" for figures
# that belong to a gateway alone (the load generator is their client), and
# "machine" for facts about the host.

: "${BENCH_RECORDS:?set BENCH_RECORDS before sourcing record.sh}"

# Tabs and newlines would break a record; notes come from logs and errors.
_rec_clean() {
	local s=${1//$'\t'/ }
	printf '%s' "${s//$'\n'/ }"
}

# fig SCOPE NAME VALUE UNIT [SAMPLES] [NOTE]: a measured figure. SAMPLES is
# a comma-separated list of the raw values the figure summarises.
fig() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" \
		"$(_rec_clean "${6:-}")" >>"$BENCH_RECORDS"
	log "  $1 $2 = $3 $4${6:+ ($6)}"
}

# na SCOPE NAME UNIT REASON: a figure that could not be measured, and why.
na() {
	printf '%s\t%s\t\t%s\t\t%s\n' "$1" "$2" "$3" "$(_rec_clean "$4")" >>"$BENCH_RECORDS"
	log "  $1 $2 = n/a ($4)"
}

# median: of the numbers on stdin, one per line ("" when there are none).
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) exit
		      if (NR % 2) print v[(NR + 1) / 2]
		      else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# join_csv VALUE...: the values as "a,b,c".
join_csv() {
	local IFS=,
	echo "$*"
}

# now_us: microseconds since the epoch, without forking.
now_us() {
	echo "${EPOCHREALTIME/./}"
}

# ms_since T0_US: whole milliseconds from T0_US to now.
ms_since() {
	echo $((($(now_us) - $1) / 1000))
}
