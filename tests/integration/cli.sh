#!/bin/bash
# svcd's command line as a user meets it: --help, --version, bad flags and
# config files exit 1 with a message naming the problem.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

out=$("$SVCD" --help); rc=$?
expect "--help exits 0" test $rc = 0
for f in --config --state-dir --kubeconfig --kube-api --dns-listen --upstream \
	--cluster-domain --dns-ttl --dns-pods --node-name --node-ip --cluster-cidr \
	--nft-table --control-socket --metrics-listen --no-proxy --no-dns --check \
	--cleanup --log-level --version --help; do
	expect "--help lists $f" grep -q -- "$f" <<<"$out"
done
expect "--version" grep -q "^svcd [0-9]" <<<"$("$SVCD" --version)"

bad() { # DESCRIPTION EXPECTED-TEXT ARGS...
	local d=$1 want=$2; shift 2
	local o rc=0
	o=$("$SVCD" "$@" 2>&1) || rc=$?
	if [ $rc = 1 ] && grep -qF -- "$want" <<<"$o"; then ok; else
		fail "$d: exit $rc, output: $o"; fi
}
bad "unknown flag" "--frobnicate" --frobnicate
bad "bad ttl" "--dns-ttl" --dns-ttl abc
bad "bad cidr" "--cluster-cidr" --cluster-cidr 10.0.0.1/8
bad "bad listen address" "--dns-listen" --dns-listen 300.1.1.1:53
bad "bad dns-pods" "--dns-pods" --dns-pods sometimes
printf '{"state_dir": "/tmp", "dns_tll": 5}\n' >"$T/c.json"
bad "unknown config key" '"dns_tll"' --config "$T/c.json"
printf '{"dns_listen": "127.0.0.1:53"}\n' >"$T/c.json"
bad "wrong type in config" '"dns_listen"' --config "$T/c.json"
printf '{"dns_ttl": \n' >"$T/c.json"
bad "broken config JSON" "c.json:" --config "$T/c.json"
bad "missing config" "/nonexistent.json" --config /nonexistent.json

# A config file is used, and flags override it.
mkdir -p "$T/state"
printf '{"state_dir": "%s", "control_socket": "/nonexistent/x.sock"}\n' "$T/state" >"$T/c.json"
expect "--check with a config file" "$SVCD" --config "$T/c.json" --check
out=$("$SVCD" --config "$T/c.json" --check --state-dir "$T/nope" 2>&1)
expect "flag overrides the file's state_dir" grep -q "$T/nope" <<<"$out"
finish
