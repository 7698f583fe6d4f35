#!/bin/bash
# SPDX-License-Identifier: ISC
#
# The bench's CPU accounting (bench/lib/procs.sh), on processes of our own
# (no namespace, no network): a gateway's CPU per login is only right if
#   - the CPU of children that exited and were reaped still counts (ocserv
#     forks a worker per connection), through the parent's cutime/cstime;
#   - a process listed but gone before its /proc file is read does not blank
#     the whole sum (it did with mawk, which stops at a missing file);
# and its per-process memory figures (private <= PSS <= RSS).
set -u
SRC=${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=bench/lib/procs.sh
. "$SRC/bench/lib/procs.sh"

WANT=50 # ticks the child burns: measured in CPU, so a busy machine only slows it
dir=$(mktemp -d /tmp/sslgate-bench-procs.XXXXXX)
parent=

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local pids
	if [ -n "$parent" ]; then
		mapfile -t pids < <(tree_pids "$parent")
		kill "${pids[@]}" 2>/dev/null
		wait "$parent" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# The child spins until its own utime + stime reach WANT ticks.
cat >"$dir/burn.sh" <<'SH'
while :; do
	read -r line </proc/$$/stat
	set -- ${line##*) }
	[ $((${12} + ${13})) -ge "$BURN_WANT" ] && break
done
SH
# A parent that waits, runs the child (bounded: 20 s), reaps it, then idles.
BURN_WANT=$WANT bash -c "sleep 2; timeout 20 bash '$dir/burn.sh'; touch '$dir/done'; sleep 30" &
parent=$!
t0=$(tree_cpu_ticks "$parent")
[ -n "$t0" ] || fail "no CPU figure for a live process"
for _ in $(seq 270); do
	[ -e "$dir/done" ] && break
	sleep 0.1
done
[ -e "$dir/done" ] || fail "the busy child did not end within 27 s"
t1=$(tree_cpu_ticks "$parent")
used=$((t1 - t0))
[ "$used" -ge "$WANT" ] ||
	fail "a reaped child's CPU is missing: $used ticks, the child burned $WANT"
echo "reaped child counted: $used ticks of >= $WANT (CLK_TCK $CLK_TCK)"

# A PID that is gone (listed, then exited) among live ones.
gone=$(bash -c 'echo $$')
while [ -e "/proc/$gone" ]; do gone=$((gone + 1)); done
sum=$(cpu_ticks "$parent" "$gone")
[ -n "$sum" ] || fail "a vanished PID blanked the sum"
[ "$sum" -ge "$t1" ] || fail "a vanished PID lost the others' ticks: $sum < $t1"
echo "vanished PID skipped: $sum ticks"

# A client's private memory: a process that has written 8 MiB of its own
# holds at least that privately, within its RSS, and its PSS lies between.
MIB=8
python3 -c "import sys, time
b = bytearray(b'\x01' * ($MIB << 20))
print('ready', flush=True)
time.sleep(30)" >"$dir/mem.out" &
mem=$!
for _ in $(seq 100); do
	[ -s "$dir/mem.out" ] && break
	sleep 0.1
done
read -r pss own <<<"$(proc_mem_kib "$mem")"
rss=$(rss_kib "$mem")
kill "$mem"
wait "$mem" 2>/dev/null
if [ -z "$own" ] || [ -z "$rss" ]; then
	fail "no memory figure for a live process"
fi
[ "$own" -ge $((MIB * 1024)) ] || fail "private memory $own KiB < the $MIB MiB written"
if [ "$own" -gt "$pss" ] || [ "$pss" -gt "$rss" ]; then
	fail "not private <= PSS <= RSS: $own, $pss, $rss KiB"
fi
[ -z "$(proc_mem_kib "$mem")" ] || fail "a gone process has a memory figure"
echo "memory of a process with $MIB MiB written: private $own, PSS $pss, RSS $rss KiB"
exit 0
