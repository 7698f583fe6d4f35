#!/bin/sh
# SPDX-License-Identifier: ISC
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for the
# given number of seconds, starting from a copy of its seed corpus.
# Usage: fuzz.sh BUILDDIR SECONDS [TARGET...]
set -eu
build=$1
seconds=$2
shift 2

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dtests=disabled -Dintegration=false \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$build"

targets=${*:-$(find "$build/fuzz" -maxdepth 1 -type f -perm -u+x -name 'fuzz_*' |
	sed 's|.*/fuzz_||' | sort)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for t in $targets; do
	mkdir -p "$work/$t"
	cp fuzz/corpus/"$t"/* "$work/$t"/ 2>/dev/null || true
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	echo "== fuzz_$t for ${seconds}s"
	# New inputs go to the scratch copy; crashes land in fuzz/ (ignored by git).
	if ! "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix=fuzz/ $dict "$work/$t" 2>"$work/$t.log"; then
		failed=1
		tail -40 "$work/$t.log"
	fi
	grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY' "$work/$t.log" || true
done
exit $failed
