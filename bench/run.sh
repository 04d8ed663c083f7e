#!/bin/bash
# `make bench`: loading a cluster from the state dir, and changing it.
#
# For 100 and 10,000 Services (each with one EndpointSlice of 10 endpoints,
# one file per Service, YAML and JSON), it measures with the optimised
# build/svcd:
#   - the initial load to a complete view (svcd's own timing of the scan,
#     and the wall time from exec until svcctl gets an answer);
#   - peak and settled RSS;
#   - one file changed (an endpoint's readiness flipped): svcd's timing of
#     the store and view update, and of the whole reload of that file,
#     median and worst of 20 changes.
# Figures are printed with their ratio to the targets of the foundation
# issue (1 s, 30 MB, 1 ms): a ratio above 1 means better than the target.
# BUILD names another build tree (`make bench BUILD=build/perf`).
# `make bench` runs it with sh: the script needs bash (arrays).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu
cd "$(dirname "$0")/.."
SVCD=$PWD/${BUILD:-build}/svcd
SVCCTL=$PWD/${BUILD:-build}/svcctl
T=$(mktemp -d /tmp/svcd-bench.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

ms_since() { echo "scale=1; ($(date +%s%N) - $1) / 1000000" | bc; }
kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

run_one() { # N FORMAT
	local n=$1 fmt=$2 dir=$T/state-$1-$2 log=$T/log-$1-$2 sock=$T/s.sock
	python3 bench/gen.py "$dir" "$n" 10 "$fmt"
	sync
	local t0; t0=$(date +%s%N)
	"$SVCD" --state-dir "$dir" --control-socket "$sock" --metrics-listen "" \
		--no-proxy --no-dns --log-level info 2>"$log" &
	PID=$!
	until "$SVCCTL" --socket "$sock" status >/dev/null 2>&1; do sleep 0.005; done
	local wall; wall=$(ms_since "$t0")
	local scan; scan=$(sed -n 's/.* file(s) loaded in \([0-9.]*\) ms.*/\1/p' "$log")
	local services; services=$("$SVCCTL" --socket "$sock" status -o json | jq .services)
	local hwm rss; hwm=$(kb "$PID" VmHWM); rss=$(kb "$PID" VmRSS)

	local upd=() tot=() i
	for i in $(seq 1 20); do
		local before; before=$(grep -c "svc-00007.$fmt: loaded" "$log" || true)
		FLIP=$((i % 2)) python3 bench/gen.py "$dir" -8 10 "$fmt"
		until [ "$(grep -c "svc-00007.$fmt: loaded" "$log")" -gt "$before" ]; do sleep 0.002; done
		local line; line=$(grep "svc-00007.$fmt: loaded" "$log" | tail -1)
		tot+=("$(sed -n 's/.* changed in \([0-9.]*\) ms.*/\1/p' <<<"$line")")
		upd+=("$(sed -n 's/.*store and view \([0-9.]*\) ms.*/\1/p' <<<"$line")")
		grep -q "1 service(s) changed" <<<"$line" || echo "warning: change touched more than one service: $line"
	done
	kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
	local umed umax tmed
	umed=$(printf '%s\n' "${upd[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	umax=$(printf '%s\n' "${upd[@]}" | sort -n | tail -1)
	tmed=$(printf '%s\n' "${tot[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '%6d %-4s %8s %9s %9.1f %9.1f %10s %10s %10s  %5.1fx %5.1fx %6.0fx\n' \
		"$n" "$fmt" "$services" "$scan" "$(echo "$hwm/1024" | bc -l)" \
		"$(echo "$rss/1024" | bc -l)" "$umed" "$umax" "$tmed" \
		"$(echo "1000/$scan" | bc -l)" "$(echo "30*1024/$hwm" | bc -l)" \
		"$(echo "1/$umed" | bc -l)"
	echo "        (wall time from exec to first svcctl answer: $wall ms)"
	rm -rf "$dir"
}

command -v bc >/dev/null || { echo "bench needs bc (apt-get install bc)"; exit 1; }
echo "svcd $(cat VERSION) state-dir load benchmark, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "one file per Service: Service + EndpointSlice of 10 endpoints"
printf '%6s %-4s %8s %9s %9s %9s %10s %10s %10s  %6s %6s %7s\n' \
	SVCS FMT IN-VIEW LOAD-MS PEAK-MB RSS-MB UPD-MS UPD-MAX FILE-MS \
	"1s/x" "30MB/x" "1ms/x"
for n in 100 10000; do
	for fmt in yaml json; do
		run_one "$n" "$fmt"
	done
done
echo "LOAD-MS: scan of every file to a complete view; UPD-MS: store and view"
echo "update for one changed file (median of 20; UPD-MAX the worst); FILE-MS:"
echo "the whole reload of that file (read, decode, update), median."
