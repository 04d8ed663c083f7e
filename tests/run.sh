#!/bin/sh
# Runs every unit test binary, then every integration test, against the
# build in $BUILD (the sanitizer build under `make test`).
set -u
BUILD=${BUILD:-build}
export BUILD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	"$t" || { echo "FAIL $t"; fail=1; }
done
for t in tests/integration/*.sh; do
	case $t in */lib.sh) continue ;; esac
	[ -f "$t" ] || continue
	echo "== $t"
	bash "$t" || { echo "FAIL $t"; fail=1; }
done
[ $fail = 0 ] && echo "all tests passed"
exit $fail
