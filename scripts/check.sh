#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs the test suites of each build directory given, then prints one
# closing line "N passed, N failed" that counts every test of every layer.
# Usage: check.sh BUILDDIR[=SUITE,SUITE...]... [-- extra meson test args]
# A directory without "=" runs every suite.
set -u

dirs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	dirs="$dirs $1"
	shift
done
[ "${1:-}" = "--" ] && shift

status=0
logdirs=""
for spec in $dirs; do
	d=${spec%%=*}
	suites=""
	if [ "$d" != "$spec" ]; then
		for s in $(echo "${spec#*=}" | tr ',' ' '); do
			suites="$suites --suite $s"
		done
	fi
	logdirs="$logdirs $d"
	echo "== tests in $d${suites:+ ($suites )}"
	# shellcheck disable=SC2086
	meson test -C "$d" --print-errorlogs $suites "$@" || status=1
done

python3 - $logdirs <<'PY'
import json, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    try:
        lines = open(f"{d}/meson-logs/testlog.json").read().splitlines()
    except OSError:
        failed += 1
        print(f"{d}: no test log", file=sys.stderr)
        continue
    for line in lines:
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
PY
exit $status
