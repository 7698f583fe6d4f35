#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs every test suite in each build directory given, then prints one
# closing line "N passed, N failed" that counts every test of every layer.
# Usage: check.sh BUILDDIR... [-- extra meson test args]
set -u

dirs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	dirs="$dirs $1"
	shift
done
[ "${1:-}" = "--" ] && shift

status=0
for d in $dirs; do
	echo "== tests in $d"
	meson test -C "$d" --print-errorlogs "$@" || status=1
done

python3 - $dirs <<'PY'
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
