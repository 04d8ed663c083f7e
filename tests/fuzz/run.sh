#!/bin/sh
# Runs every libFuzzer target built by `make fuzz-build` (build/fuzz/fuzz_*)
# for SECONDS each:
#   sh tests/fuzz/run.sh SECONDS
# Each target gets a fresh corpus under /tmp, seeded from examples/,
# tests/data/ and tests/fuzz/corpus/<target>/, removed afterwards.  A crash,
# leak, timeout or out-of-memory makes the script exit 1; the reproducer
# is kept in build/fuzz/artifacts/<target>/ and its path printed.
set -u
secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: sh tests/fuzz/run.sh SECONDS" >&2; exit 2 ;;
esac

targets=""
n=0
for t in build/fuzz/fuzz_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	targets="$targets $t"
	n=$((n + 1))
done
if [ $n = 0 ]; then
	echo "no fuzz targets in build/fuzz (run make fuzz-build)" >&2
	exit 1
fi
per=$secs

# The Makefile builds UBSan in recoverable mode; make reports fatal.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
fail=0
for t in $targets; do
	name=$(basename "$t")
	work=$(mktemp -d /tmp/svcd-fuzz.XXXXXX) || exit 1
	mkdir "$work/corpus" "$work/artifacts"
	i=0
	for f in examples/*.yaml examples/*.json tests/data/* \
		 "tests/fuzz/corpus/$name"/*; do
		[ -f "$f" ] || continue
		i=$((i + 1))
		cp "$f" "$work/corpus/seed-$i-$(basename "$f")"
	done
	echo "== $name: ${per}s, $i seeds"
	"$t" -max_total_time="$per" -max_len=65536 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		"$work/corpus" >"$work/log" 2>&1
	rc=$?
	grep -E '^stat::number_of_executed_units|^Done' "$work/log"
	found=$(ls "$work/artifacts")
	if [ $rc != 0 ] || [ -n "$found" ]; then
		fail=1
		keep="build/fuzz/artifacts/$name"
		mkdir -p "$keep"
		tail -n 60 "$work/log"
		echo "FAIL $name (exit $rc)"
		for a in $found; do
			cp "$work/artifacts/$a" "$keep/$a"
			echo "reproducer: $keep/$a  (run: $t $keep/$a)"
		done
		cp "$work/log" "$keep/last.log"
	fi
	rm -rf "$work"
done
[ $fail = 0 ] && echo "fuzzing found nothing"
exit $fail
