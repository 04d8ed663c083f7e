#!/bin/sh
# Installs the Debian packages svcd needs, only when some are missing.
#   mk/deps.sh build   libraries and tools to build svcd
#   mk/deps.sh test    the above plus what the tests and fuzzers use
set -e
BUILD_PKGS="build-essential pkg-config libevent-dev libjansson-dev libyaml-dev
libnftnl-dev libmnl-dev libc-ares-dev libssl-dev"
TEST_PKGS="bc clang libclang-rt-14-dev curl jq iproute2 nftables conntrack
dnsutils python3"

pkgs=$BUILD_PKGS
[ "${1:-build}" = test ] && pkgs="$BUILD_PKGS $TEST_PKGS"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "svcd needs these Debian packages:$missing" >&2
	echo "install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing"
# Never let a package start a system service on this machine.
[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d;
	chmod 755 /usr/sbin/policy-rc.d; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
	{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null; }
