# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# Core of the test harness: logging, failure reports, bounded waits,
# assertions, a cleanup stack and processes owned by PID. Every other file in
# tests/lib builds on this one. Sourced by a test, never executed:
#
#   . "$SSLGATE_SRC/tests/lib/common.sh"
#
# Safe under `set -u`; it does not turn on `set -e` (a failed check should go
# through fail(), which prints the logs, not vanish silently).
#
# What it owns:
#   SG_TEST_NAME  the test's name (script file name without .sh)
#   SG_RUN_ID     the test shell's PID; names of namespaces and files carry it
#                 so parallel runs, and leftovers of killed runs, never clash
#   SG_SCRATCH    a fresh directory for this run (configs, PKI, logs, pidfiles),
#                 removed at exit unless SG_KEEP=1
#   SG_LIB        this directory, for helpers that live beside it
# Environment it reads: SG_KEEP, SG_TEST_TIMEOUT (seconds before a watchdog
# ends the test, default 120), SG_LOG_LINES (log lines fail() prints, 40).

[ -n "${_SG_COMMON_LOADED:-}" ] && return 0
_SG_COMMON_LOADED=1

SG_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SG_TEST_NAME=$(basename "${0%.sh}")
SG_RUN_ID=$$
: "${SSLGATE_SRC:=$(cd "$SG_LIB/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
: "${SG_KEEP:=0}"
: "${SG_TEST_TIMEOUT:=120}"
: "${SG_LOG_LINES:=40}"

_SG_T0=${EPOCHREALTIME/./}
_SG_CLEANUP=()
_SG_LOGS=()
_SG_IN_CLEANUP=0

# ---- logging ---------------------------------------------------------------

# log MSG...: one timestamped line on stderr (wall clock and seconds since the
# test began, so a log reads against the peers' own timestamps).
log() {
	local now=${EPOCHREALTIME/./} el
	el=$(( (now - _SG_T0) / 1000 ))
	printf '[%(%H:%M:%S)T +%d.%03ds] %s: %s\n' -1 $((el / 1000)) $((el % 1000)) \
		"$SG_TEST_NAME" "$*" >&2
}

# watch_log FILE [LABEL]: fail() will print the tail of FILE.
watch_log() {
	_SG_LOGS+=("$1|${2:-$(basename "$1")}")
}

_dump_logs() {
	local entry file label
	for entry in "${_SG_LOGS[@]}"; do
		file=${entry%%|*}
		label=${entry#*|}
		[ -s "$file" ] || continue
		printf -- '---- %s (%s), last %s lines ----\n' "$label" "$file" "$SG_LOG_LINES" >&2
		tail -n "$SG_LOG_LINES" "$file" >&2
	done
}

# The first frame outside tests/lib: the line of the test that failed.
_caller() {
	local i
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		case ${BASH_SOURCE[i]} in
		*/tests/lib/*) ;;
		*) echo "${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"; return ;;
		esac
	done
	echo "?"
}

# fail MSG...: report where and why, print the watched logs, exit 1. Called in
# a subshell (a pipeline, $(...)) it only ends that subshell.
fail() {
	log "FAIL: $* (at $(_caller))"
	_dump_logs
	exit 1
}

# skip MSG...: the test cannot run here (not root, tool missing); meson counts
# exit 77 as skipped.
skip() {
	log "SKIP: $*"
	exit 77
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
}

# require_cmd CMD...: skip unless every command is on PATH (or a path that
# exists and is executable).
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "missing tool: $c"
	done
}

# ---- time ------------------------------------------------------------------

# Seconds (integer or decimal, "0.5") to microseconds, without forking.
_usec() {
	local s=$1 int frac
	int=${s%%.*}
	frac=
	[ "$int" != "$s" ] && frac=${s#*.}
	frac=${frac}000000
	echo $(( ${int:-0} * 1000000 + 10#${frac:0:6} ))
}

# wait_until TIMEOUT_S CMD...: run CMD every 50 ms until it succeeds (return 0)
# or TIMEOUT_S has passed (return 1). CMD may be a shell function; it must not
# block by itself for long, since only the time between tries is bounded.
wait_until() {
	local deadline
	deadline=$(( ${EPOCHREALTIME/./} + $(_usec "$1") ))
	shift
	while :; do
		"$@" && return 0
		(( ${EPOCHREALTIME/./} >= deadline )) && return 1
		sleep 0.05
	done
}

# ---- assertions --------------------------------------------------------------

# assert CMD...: CMD must succeed.
assert() {
	"$@" || fail "expected success: $*"
}

# refute CMD...: CMD must fail.
refute() {
	! "$@" || fail "expected failure: $*"
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

# assert_ne UNEXPECTED ACTUAL [WHAT]
assert_ne() {
	[ "$1" != "$2" ] || fail "${3:-value}: should not be '$1'"
}

# assert_match STRING ERE [WHAT]: STRING matches the extended regex.
assert_match() {
	[[ $1 =~ $2 ]] || fail "${3:-value} '$1' does not match /$2/"
}

# assert_grep FILE ERE [WHAT]: some line of FILE matches.
assert_grep() {
	grep -Eq -- "$2" "$1" 2>/dev/null || fail "${3:-$(basename "$1")} has no line matching /$2/"
}

# refute_grep FILE ERE [WHAT]: no line of FILE matches.
refute_grep() {
	! grep -Eq -- "$2" "$1" 2>/dev/null || fail "${3:-$(basename "$1")} has a line matching /$2/"
}

# ---- cleanup stack -------------------------------------------------------------

# on_exit CMD [ARGS...]: run CMD when the test ends (normal exit, fail, skip,
# INT, TERM), last registered first. Arguments are kept as given (quoted).
on_exit() {
	local q
	printf -v q '%q ' "$@"
	_SG_CLEANUP+=("$q")
}

_run_cleanup() {
	local rc=$? i
	(( _SG_IN_CLEANUP )) && return
	_SG_IN_CLEANUP=1
	trap '' INT TERM
	for ((i = ${#_SG_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${_SG_CLEANUP[i]}" >/dev/null 2>&1 || true
	done
	exit "$rc"
}

trap _run_cleanup EXIT
trap 'exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---- scratch directory ---------------------------------------------------------

_rm_scratch() {
	if [ "$SG_KEEP" = 1 ]; then
		log "kept scratch dir $SG_SCRATCH" 2>/dev/null
		return 0
	fi
	rm -rf -- "$SG_SCRATCH"
}

SG_SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/sslgate-$SG_TEST_NAME.$SG_RUN_ID.XXXXXX") ||
	{ echo "cannot create a scratch directory" >&2; exit 1; }
# Gateways drop privileges (ocserv runs its workers as user ocserv in a chroot
# below here): the tree must be traversable, secrets get their own modes.
chmod 755 "$SG_SCRATCH"
on_exit _rm_scratch

# ---- processes -------------------------------------------------------------------
# A process started here is known by a NAME: its PID is in $SG_SCRATCH/NAME.pid,
# its output in $SG_SCRATCH/NAME.log. It is stopped by that PID only, and only
# while the PID still belongs to it (same start time), so a recycled PID is
# never signalled.

_proc_starttime() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# fields after "comm)": state is the 1st, starttime the 20th
	local fields
	read -ra fields <<<"$stat"
	[ "${fields[0]}" = Z ] || [ "${fields[0]}" = X ] && return 1
	echo "${fields[19]}"
}

# pid_of NAME: print the PID of a process started with spawn/spawn_in_ns.
pid_of() {
	local f=$SG_SCRATCH/$1.pid
	[ -s "$f" ] || return 1
	head -n1 "$f"
}

# log_of NAME: print the path of its log.
log_of() {
	echo "$SG_SCRATCH/$1.log"
}

# is_running NAME: the process is alive (not a zombie) and is still ours.
is_running() {
	local pid want have
	pid=$(pid_of "$1") || return 1
	want=$(sed -n 2p "$SG_SCRATCH/$1.pid")
	have=$(_proc_starttime "$pid") || return 1
	[ "$want" = "$have" ]
}

# spawn_in_ns [--stdin FILE] NS NAME CMD...: start CMD in network namespace NS
# in the background ("" = this namespace), output to its log, stdin from FILE
# or /dev/null. Sets SPAWN_PID. ip netns exec execs CMD in place, so the PID
# recorded is CMD's own. The process is stopped at exit if still running.
spawn_in_ns() {
	local in=/dev/null ns name
	if [ "${1:-}" = --stdin ]; then
		in=$2
		shift 2
	fi
	ns=$1 name=$2
	shift 2
	is_running "$name" && fail "spawn: $name is already running"
	local logf=$SG_SCRATCH/$name.log
	: >"$logf"
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@" <"$in" >>"$logf" 2>&1 &
	else
		"$@" <"$in" >>"$logf" 2>&1 &
	fi
	SPAWN_PID=$!
	local st
	st=$(_proc_starttime "$SPAWN_PID") || st=gone
	printf '%s\n%s\n' "$SPAWN_PID" "$st" >"$SG_SCRATCH/$name.pid"
	watch_log "$logf" "$name"
	on_exit stop_proc "$name"
	log "started $name (pid $SPAWN_PID${ns:+, netns $ns}): $*"
}

# spawn [--stdin FILE] NAME CMD...: spawn_in_ns in this namespace.
spawn() {
	if [ "${1:-}" = --stdin ]; then
		spawn_in_ns --stdin "$2" "" "${@:3}"
	else
		spawn_in_ns "" "$@"
	fi
}

# stop_proc NAME [TIMEOUT_S]: SIGTERM, wait up to TIMEOUT_S (5), then SIGKILL.
# Only that PID; what it started is its own business (or the netns teardown's).
stop_proc() {
	local name=$1 t=${2:-5} pid
	pid=$(pid_of "$name") || return 0
	if is_running "$name"; then
		kill -TERM "$pid" 2>/dev/null
		if ! wait_until "$t" _not_running "$name"; then
			log "$name (pid $pid) ignored SIGTERM for ${t}s; SIGKILL"
			kill -KILL "$pid" 2>/dev/null
			wait_until 2 _not_running "$name"
		fi
	fi
	# Reap it if it is our child; never block on one stuck in the kernel.
	_not_running "$name" && wait "$pid" 2>/dev/null
	return 0
}

_not_running() {
	! is_running "$1"
}

# wait_exit NAME TIMEOUT_S: wait for the process to end by itself; sets
# EXIT_CODE to its exit status. Returns 1 if it is still running at the end.
wait_exit() {
	local pid
	EXIT_CODE=
	pid=$(pid_of "$1") || return 1
	wait_until "$2" _not_running "$1" || return 1
	wait "$pid" 2>/dev/null
	# shellcheck disable=SC2034 # for the test
	EXIT_CODE=$?
	return 0
}

# ---- watchdog --------------------------------------------------------------------
# Ends the test with SIGTERM (so the cleanup stack runs) if it outlives
# SG_TEST_TIMEOUT. It waits with bash's own read timeout on a FIFO that never
# gets data, so there is no sleep child left behind when it is stopped.

_start_watchdog() {
	local fifo=$SG_SCRATCH/.watchdog
	mkfifo "$fifo" || return 0
	(
		trap - EXIT INT TERM
		read -r -t "$SG_TEST_TIMEOUT" <>"$fifo"
		echo "[$SG_TEST_NAME] watchdog: test exceeded ${SG_TEST_TIMEOUT}s" >&2
		kill -TERM "$SG_RUN_ID" 2>/dev/null
	) &
	_SG_WATCHDOG=$!
	on_exit kill -TERM "$_SG_WATCHDOG"
}
_start_watchdog
