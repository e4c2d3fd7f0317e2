#!/bin/sh
# Installs the Debian 12 packages zvonar needs to build, run and test.
# Idempotent and quiet when everything is already there. Usage: scripts/deps.sh [build|test]
set -eu

BUILD_PKGS="build-essential pkg-config libssl-dev libsqlite3-dev libsodium-dev libcmocka-dev libopus-dev libspandsp-dev libspeexdsp-dev libgsm1-dev libjansson-dev libmicrohttpd-dev libcurl4-openssl-dev libsndfile1-dev libespeak-ng-dev libstemmer-dev flite1-dev libpocketsphinx-dev pocketsphinx-en-us zlib1g-dev"
TEST_PKGS="clang libclang-rt-14-dev sip-tester baresip kamailio python3 openssl procps valgrind sqlite3 wrk sox"

want="$BUILD_PKGS"
[ "${1:-build}" = "test" ] && want="$BUILD_PKGS $TEST_PKGS"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
