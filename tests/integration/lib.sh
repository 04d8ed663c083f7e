# Helpers for integration tests: temp dirs, svcd start/stop by PID,
# polling, assertions.  Sourced, not run.
BUILD=${BUILD:-build}
SVCD=$PWD/$BUILD/svcd
SVCCTL=$PWD/$BUILD/svcctl
failures=0
checks=0

T=$(mktemp -d /tmp/svcd-test.XXXXXX)
SOCK=$T/svcd.sock
SVCD_PID=
cleanup() {
	if [ -n "$SVCD_PID" ] && kill -0 "$SVCD_PID" 2>/dev/null; then
		kill "$SVCD_PID" 2>/dev/null; wait "$SVCD_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*" >&2; }

# expect DESCRIPTION COMMAND...: the command must succeed.
expect() { local d=$1; shift; if "$@" >/dev/null; then ok; else fail "$d"; fi; }

# eventually DESCRIPTION COMMAND...: the command must succeed within 5 s.
eventually() {
	local d=$1; shift; local i
	for i in $(seq 1 100); do
		if "$@" >/dev/null 2>&1; then ok; return 0; fi
		sleep 0.05
	done
	fail "$d (still false after 5 s)"; return 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_svcd ARGS...: runs svcd in the background with a private socket
# and metrics port; waits until its control socket answers (synced or
# not).
start_svcd() {
	METRICS_PORT=$(free_port)
	"$SVCD" --control-socket "$SOCK" --metrics-listen "127.0.0.1:$METRICS_PORT" \
		--no-proxy --no-dns "$@" >>"$T/svcd.log" 2>&1 &
	SVCD_PID=$!
	local i
	for i in $(seq 1 200); do
		[ -n "$("$SVCCTL" --socket "$SOCK" status -o json 2>/dev/null)" ] && return 0
		kill -0 "$SVCD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "svcd did not start; log:" >&2; cat "$T/svcd.log" >&2
	return 1
}

# stop_svcd: SIGTERM, and the exit status must be 0 (ASan reports leaks
# through a non-zero status).
stop_svcd() {
	kill -TERM "$SVCD_PID"
	local rc=0
	wait "$SVCD_PID" || rc=$?
	SVCD_PID=
	if [ $rc = 0 ]; then ok; else fail "svcd exited with $rc"; cat "$T/svcd.log" >&2; fi
}

ctl() { "$SVCCTL" --socket "$SOCK" "$@"; }

finish() {
	echo "$(basename "$0"): $checks checks, $failures failed"
	[ $failures = 0 ]
}
