#!/bin/sh
# Runs every benchmark bench/*.sh (except this one) against BUILD_DIR and prints their tables;
# `make bench` calls it. Exit status: 1 if any benchmark failed to run.
set -u
BUILD=${1:-build}
DIR=$(cd "$(dirname "$0")" && pwd)
status=0
for b in "$DIR"/*.sh; do
	case "$(basename "$b")" in run.sh | lib.sh) continue ;; esac
	echo "== $(basename "$b" .sh)"
	if ! "$b" "$BUILD"; then
		echo "$(basename "$b"): FAILED" >&2
		status=1
	fi
done
exit $status
