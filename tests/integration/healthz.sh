#!/bin/bash
# /healthz, /metrics and svcctl status before and after the first sync:
# svcd started on a state dir that does not exist yet answers 503 and
# "not synced", and turns 200 once the directory appears.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

S=$T/volume/state   # the parent is missing: svcd cannot create it
start_svcd --state-dir "$S" || exit 1
code() { curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$METRICS_PORT/healthz"; }

expect "/healthz is 503 before the first sync" test "$(code)" = 503
out=$(ctl status); rc=$?
expect "status exits 1 before the first sync" test $rc = 1
expect "status says what svcd waits for" grep -q "waiting for a source: state dir $S" <<<"$out"
expect "metrics say not synced" grep -qx "svcd_synced 0" <<<"$(curl -s "127.0.0.1:$METRICS_PORT/metrics")"
expect "list answers, empty, while waiting" test "$(ctl list -A -o json | jq length)" = 0

mkdir -p "$S"
cp examples/*.yaml "$S"/
eventually "/healthz turns 200 once the state dir appears" bash -c "test \$(curl -s -o /dev/null -w '%{http_code}' 127.0.0.1:$METRICS_PORT/healthz) = 200"
expect "status exits 0 after the sync" ctl status
expect "services loaded after the sync" test "$(ctl list -A -o json | jq length)" = 4
expect "metrics say synced" grep -qx "svcd_synced 1" <<<"$(curl -s "127.0.0.1:$METRICS_PORT/metrics")"
sed -i 's/nodePort: 30080/nodePort: 30082/' "$S/web-nodeport.yaml"
eventually "the retried watch follows edits" bash -c "'$SVCCTL' --socket '$SOCK' list | grep -q '80:30082/TCP'"
stop_svcd
finish
