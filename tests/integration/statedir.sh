#!/bin/bash
# svcd on a state dir: initial load, edits, renames, atomic writes, broken
# files, deletes, conflicts, svcctl apply/delete, status, metrics,
# /healthz, socket permissions and a clean SIGTERM.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

S=$T/state
mkdir -p "$S"
cp examples/*.yaml "$S"/

# svcctl without a daemon: one line, exit 1.
out=$("$SVCCTL" --socket "$SOCK" list 2>&1); rc=$?
expect "svcctl without svcd exits 1" test $rc = 1
expect "svcctl without svcd says so" grep -q "svcd is not running" <<<"$out"
expect "svcctl without svcd prints one line" test "$(wc -l <<<"$out")" = 1

start_svcd --state-dir "$S" || exit 1

svc_field() { # NS NAME JQ-EXPR
	ctl list -A -o json | jq -er --arg ns "$1" --arg n "$2" \
		".[] | select(.namespace == \$ns and .name == \$n) | $3"
}
has_svc() { ctl list -A -o json | jq -e --arg ns "$1" --arg n "$2" \
	'any(.[]; .namespace == $ns and .name == $n)' >/dev/null; }

# Initial load of the example cluster.
expect "four services" test "$(ctl list -A -o json | jq length)" = 4
expect "web has 3/3 endpoints from its slice" test "$(svc_field default web '"\(.endpoints.ready)/\(.endpoints.total)"')" = 3/3
expect "web-nodeport endpoints computed from pods" test "$(svc_field default web-nodeport '.endpoints.ready')" = 3
expect "db is headless with 1 of 2 ready" test "$(svc_field data db '"\(.headless) \(.endpoints.ready)/\(.endpoints.total)"')" = "true 1/2"
expect "docs is ExternalName" test "$(svc_field default docs .externalName)" = docs.example.org
expect "list without -A shows the default namespace" test "$(ctl list -o json | jq length)" = 3
expect "list -n data" test "$(ctl list -n data -o json | jq -r '.[0].name')" = db
table=$(ctl list)
expect "table header like kubectl" grep -q "^NAME  *TYPE  *CLUSTER-IP  *EXTERNAL-IP  *PORT(S)  *ENDPOINTS  *AGE$" <<<"$table"
expect "node port written 80:30080/TCP" grep -q "web-nodeport .*80:30080/TCP" <<<"$table"
expect "-A adds NAMESPACE" grep -q "^NAMESPACE  *NAME" <<<"$(ctl list -A)"
expect "-o wide adds SELECTOR" grep -q "SELECTOR" <<<"$(ctl list -o wide)"
get=$(ctl get web -o json)
expect "get shows the endpoint's node" test "$(jq -r '.endpointList[0].nodeName' <<<"$get")" = node-a
expect "get shows named target port resolved" test "$(jq -r '.endpointList[0].ports[1]' <<<"$get")" = 9090
expect "get of a missing service fails" bash -c "! '$SVCCTL' --socket '$SOCK' get nope 2>/dev/null"
expect "status exits 0 when synced" ctl status -o json >/dev/null
expect "status counts files and objects" test "$(ctl status -o json | jq -r '.sources[0] | "\(.files) \(.objects)"')" = "5 9"
expect "socket mode is 0600" test "$(stat -c %a "$SOCK")" = 600
expect "/healthz is 200" test "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$METRICS_PORT/healthz")" = 200
metrics=$(curl -s "127.0.0.1:$METRICS_PORT/metrics")
expect "metrics count services" grep -qx "svcd_services 4" <<<"$metrics"
expect "metrics count slices" grep -qx 'svcd_store_objects{kind="EndpointSlice"} 2' <<<"$metrics"

# Edit in place: the node port moves.
sed -i 's/nodePort: 30080/nodePort: 30081/' "$S/web-nodeport.yaml"
eventually "edited node port appears" bash -c "'$SVCCTL' --socket '$SOCK' list | grep -q '80:30081/TCP'"

# Rename: the objects stay, with the new file as their source.
mv "$S/web.yaml" "$S/web-renamed.yaml"
eventually "renamed file keeps web" bash -c "'$SVCCTL' --socket '$SOCK' get web -o json | jq -e '.source | endswith(\"web-renamed.yaml\")'"
expect "web keeps its endpoints after rename" test "$(svc_field default web .endpoints.total)" = 3

# An editor's atomic write: a dot file renamed over the original.
sed 's/port: 5432$/port: 5433/' "$S/db.yaml" >"$S/.db.yaml.swp"
mv "$S/.db.yaml.swp" "$S/db.yaml"
eventually "atomic write picked up" bash -c "'$SVCCTL' --socket '$SOCK' list -n data -o json | jq -e '.[0].ports[0].port == 5433'"

# A broken file keeps its previous objects, and the error is shown.
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: db\n' >"$S/db.yaml"
eventually "syntax error reported in status" bash -c "'$SVCCTL' --socket '$SOCK' status | grep -q 'db.yaml:'"
expect "db still served after its file broke" has_svc data db
expect "status still exits 0 (synced)" ctl status -o json >/dev/null
expect "status -o json lists the file error" bash -c "'$SVCCTL' --socket '$SOCK' status -o json | jq -e '.sources[0].fileErrors[] | select(.name == \"db.yaml\") | .errors | length == 1'"

# A file with one bad and one good object: the good one loads.
cat >"$S/mixed.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: bad, namespace: default}
spec: {clusterIP: 10.96.0.50, ports: [{port: 70000}]}
---
apiVersion: v1
kind: Service
metadata: {name: good, namespace: default}
spec: {clusterIP: 10.96.0.51, ports: [{port: 80}]}
YAML
eventually "good object of a mixed file loads" has_svc default good
expect "bad object rejected" bash -c "! '$SVCCTL' --socket '$SOCK' get bad 2>/dev/null"
expect "error names the file, object and field" bash -c "'$SVCCTL' --socket '$SOCK' status | grep -q 'mixed.yaml: Service default/bad: spec.ports\[0\].port'"

# Fixing a file clears its error.
cp examples/db.yaml "$S/db.yaml"
eventually "fixed file has no error" bash -c "'$SVCCTL' --socket '$SOCK' status -o json | jq -e 'all(.sources[0].fileErrors[]; .name != \"db.yaml\")'"

# Duplicate ClusterIP: the first seen keeps it.
cat >"$S/zz-dup.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: dup, namespace: default}
spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
YAML
eventually "duplicate ClusterIP reported" bash -c "'$SVCCTL' --socket '$SOCK' status | grep -q 'Service default/dup: spec.clusterIP: 10.96.0.10 is already allocated to Service default/web'"
expect "duplicate held out of the list" bash -c "! '$SVCCTL' --socket '$SOCK' get dup 2>/dev/null"
rm "$S/web-renamed.yaml"
eventually "winner gone: the duplicate takes its place" has_svc default dup
expect "web gone with its file" bash -c "! '$SVCCTL' --socket '$SOCK' get web 2>/dev/null"

# Delete a file.
rm "$S/docs.yaml"
eventually "deleted file's service goes" bash -c "! '$SVCCTL' --socket '$SOCK' get docs 2>/dev/null"

# Files svcd ignores.
cp examples/docs.yaml "$S/.hidden.yaml"; cp examples/docs.yaml "$S/docs.txt"
sleep 0.3
expect "dot files and other extensions ignored" bash -c "! '$SVCCTL' --socket '$SOCK' get docs 2>/dev/null"

# svcctl apply and delete.
out=$(ctl apply -f examples/docs.yaml)
expect "apply creates" grep -q "service/docs created" <<<"$out"
expect "applied service listed at once" has_svc default docs
expect "apply wrote a file into the state dir" test -f "$S/service-default-docs.json"
expect "apply again is unchanged" grep -q "unchanged" <<<"$(ctl apply -f examples/docs.yaml)"
sed 's/docs.example.org/manual.example.org/' examples/docs.yaml | ctl apply -f - >/dev/null
expect "apply from stdin configures" test "$(svc_field default docs .externalName)" = manual.example.org
out=$(printf 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {type: Nope}\n' | ctl apply -f - 2>&1); rc=$?
expect "apply of a bad object fails" test $rc = 1
expect "apply error names the field" grep -q "spec.type" <<<"$out"
expect "nothing written for a bad apply" test ! -e "$S/service-default-x.json"
expect "apply refuses an object living in a multi-object file" bash -c "! '$SVCCTL' --socket '$SOCK' apply -f examples/db.yaml 2>/dev/null"
out=$(ctl delete svc docs)
expect "delete svc" grep -q 'service "docs" deleted' <<<"$out"
expect "deleted service gone" bash -c "! '$SVCCTL' --socket '$SOCK' get docs 2>/dev/null"
expect "delete removed the file" test ! -e "$S/service-default-docs.json"
expect "delete of a service sharing its file is refused" bash -c "! '$SVCCTL' --socket '$SOCK' delete svc db -n data 2>/dev/null"

# A ConfigMap volume: files are symlinks through "..data", which the
# kubelet swaps atomically to publish a new version.
mkdir "$S/..v1" "$S/..v2"
cp examples/docs.yaml "$S/..v1/cm.yaml"
sed 's/docs.example.org/v2.example.org/' examples/docs.yaml >"$S/..v2/cm.yaml"
ln -s ..v1 "$S/..data"
ln -s ..data/cm.yaml "$S/cm.yaml"
eventually "symlinked file loads" has_svc default docs
ln -s ..v2 "$S/..data_tmp" && mv -T "$S/..data_tmp" "$S/..data"
eventually "..data swap reloads" bash -c "'$SVCCTL' --socket '$SOCK' get docs -o json | jq -e '.externalName == \"v2.example.org\"'"
rm "$S/cm.yaml"
eventually "symlink removed" bash -c "! '$SVCCTL' --socket '$SOCK' get docs 2>/dev/null"

# svcd --check on the same directory: the bad object of mixed.yaml.
out=$("$SVCD" --check --state-dir "$S" 2>&1); rc=$?
expect "--check exits 1 on problems" test $rc = 1
expect "--check names the problem" grep -q "mixed.yaml: Service default/bad: spec.ports\[0\].port" <<<"$out"
mkdir -p "$T/good"; cp examples/*.yaml "$T/good/"
expect "--check exits 0 on the examples" "$SVCD" --check --state-dir "$T/good"

# kubectl's own output, as `kubectl get svc,endpointslices,pods -A -o json|yaml` prints it.
for f in kubectl-list.json kubectl-list.yaml; do
	mkdir -p "$T/kubectl-$f"; cp "tests/data/$f" "$T/kubectl-$f/"
	out=$("$SVCD" --check --state-dir "$T/kubectl-$f" 2>&1)
	expect "--check loads $f as it is" grep -q ": 1 file(s), 17 object(s), 6 service(s), 0 problem(s)" <<<"$out"
done

stop_svcd
expect "socket removed on exit" test ! -e "$SOCK"
finish
