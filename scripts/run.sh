#!/bin/sh
# Builds zvonar and runs it on its embedded defaults (SQLite in ./var, demo tenant).
# Installs missing Debian packages first. Extra arguments go to zvonar (e.g. -o sip_port=5070).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh build
make -j"$(nproc)" all >/dev/null
exec ./build/zvonar "$@"
