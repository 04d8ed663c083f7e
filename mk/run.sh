#!/bin/sh
# `make run`: svcd in the foreground on a copy of examples/, so edits made
# while it runs (by hand or with svcctl apply) never touch the repository.
set -e
state=build/run/state
rm -rf "$state"
mkdir -p "$state"
cp examples/*.yaml "$state"/
sock=/run/svcd/svcd.sock
ctl=build/svcctl
if [ "$(id -u)" != 0 ]; then
	sock=$PWD/build/run/svcd.sock
	ctl="build/svcctl --socket $sock"
fi
cat <<MSG
svcd is starting on the example cluster in $state (a copy of examples/).
In another terminal, try:
  $ctl list -A                      # every Service, like kubectl get svc -A
  $ctl get web -o json              # one Service and its endpoints
  $ctl status                       # sources, files, errors, sync state
  curl -s 127.0.0.1:10249/healthz; curl -s 127.0.0.1:10249/metrics
  echo 'oops: [' > $state/broken.yaml; $ctl status   # a bad file is reported
  $ctl delete svc docs              # removes examples' docs.yaml copy
Stop svcd with Ctrl-C.

MSG
exec build/svcd --state-dir "$state" --control-socket "$sock"
