# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2034 # globals shared with run.sh and fig_*.sh
#
# What a gateway or client costs the machine, read from /proc: the process
# tree under a PID (a gateway forks workers and helpers), the CPU time that
# tree has used, its memory, and which of its processes hold which sockets.
# Nothing here starts or stops a process.

# tree_pids PID: PID and every live descendant, one per line.
tree_pids() {
	ps -e -o pid=,ppid= 2>/dev/null | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			queue[1] = root; n = 1
			for (i = 1; i <= n; i++) {
				print queue[i]
				m = split(kids[queue[i]], k, " ")
				for (j = 1; j <= m; j++) queue[++n] = k[j]
			}
		}'
}

# cpu_ticks PID...: clock ticks used by the processes, their own (utime,
# stime) and that of children they have already reaped (cutime, cstime), so
# a worker that exits during a measurement still counts (ocserv forks one
# per connection). Fields are read after the ")" that closes the command
# name, which may hold blanks. A process may be gone by the time its file is
# read (listed, then exited and reaped): cat skips it, where awk given the
# files itself (mawk, Debian's) stops at the first missing one and prints
# nothing at all; that was the "0.00 ms per login" of ocserv in quiet runs.
cpu_ticks() {
	local files=() pid
	for pid in "$@"; do
		files+=("/proc/$pid/stat")
	done
	[ ${#files[@]} -gt 0 ] || { echo 0; return; }
	cat "${files[@]}" 2>/dev/null |
		awk '{ sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15 } END { print t + 0 }'
}

CLK_TCK=$(getconf CLK_TCK)

# tree_cpu_ticks PID: cpu_ticks of the whole tree under PID.
tree_cpu_ticks() {
	local pids
	mapfile -t pids < <(tree_pids "$1")
	cpu_ticks "${pids[@]}"
}

# tree_settle PID N SECONDS: waits (at most SECONDS) until the tree under
# PID is down to N processes, so that children still exiting after a
# measurement have been reaped into their parent's cutime when it is read.
tree_settle() {
	local end=$((SECONDS + $3))
	while [ "$(tree_pids "$1" | wc -l)" -gt "$2" ] && [ $SECONDS -lt $end ]; do
		sleep 0.1
	done
}

# tree_mem_kib PID: "RSS PSS NPROC" (KiB) of the tree under PID, from
# smaps_rollup. RSS counts a page shared by forked processes once per
# process; PSS divides it among them, so only PSS adds up.
tree_mem_kib() {
	local pids pid files=()
	mapfile -t pids < <(tree_pids "$1")
	for pid in "${pids[@]}"; do
		files+=("/proc/$pid/smaps_rollup")
	done
	awk -v n="${#pids[@]}" '
		$1 == "Rss:" { rss += $2 }
		$1 == "Pss:" { pss += $2 }
		END { printf "%d %d %d\n", rss, pss, n }' "${files[@]}" 2>/dev/null
}

# rss_kib PID: VmRSS of one process (KiB), or nothing when it is gone.
rss_kib() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# proc_mem_kib PID: "PSS PRIVATE" (KiB) of one process, or nothing when it
# is gone. PRIVATE is the pages no other process maps (clean and dirty):
# what the process alone costs. RSS also counts, in full, every shared
# library page it has touched, which every program linking the same
# libraries counts again.
proc_mem_kib() {
	awk '$1 == "Pss:" { pss = $2 }
		$1 == "Private_Clean:" || $1 == "Private_Dirty:" { own += $2 }
		END { if (NR) printf "%d %d\n", pss, own }' "/proc/$1/smaps_rollup" 2>/dev/null
}

# port_pids NS PORT STATE: the PIDs holding a TCP socket of local PORT in
# namespace NS in STATE (ss's names: listening, established), one per line.
# A socket that no process holds any more (time-wait) has no PID.
port_pids() {
	in_ns "$1" ss -Htnp state "$3" "( sport = :$2 )" 2>/dev/null |
		grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# ns_dev_bytes NS DEV: "RX TX" byte counters of a device inside namespace NS.
ns_dev_bytes() {
	in_ns "$1" cat "/sys/class/net/$2/statistics/rx_bytes" \
		"/sys/class/net/$2/statistics/tx_bytes" 2>/dev/null | paste -sd' '
}
