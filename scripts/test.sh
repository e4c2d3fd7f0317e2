#!/bin/sh
# Runs the whole test suite: unit tests, fuzz corpora, integration tests with real
# peers (sipp, baresip), then all of it again under ASan+UBSan.
# Installs missing Debian packages first.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
make -j"$(nproc)" test
make -j"$(nproc)" check
echo "zvonar: all tests passed"
