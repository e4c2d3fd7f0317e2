#!/usr/bin/env bash
# Runs every tests/integration/test_*.sh against BUILD_DIR and prints PASS/FAIL and a summary.
#
# Usage: tests/run-integration.sh BUILD_DIR [NAME_FILTER]
# Each test gets $ZV_BUILD and at most $ZV_TEST_TIMEOUT seconds (default 300); its output
# goes to BUILD_DIR/integration/<test>.log and the tail is shown when it fails.
set -u

build=${1:?usage: run-integration.sh BUILD_DIR [NAME_FILTER]}
filter=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd) || exit 2
limit=${ZV_TEST_TIMEOUT:-300}

if [ ! -x "$build/zvonar" ]; then
	echo "run-integration: $build/zvonar not built" >&2
	exit 2
fi
mkdir -p "$build/integration"

pass=0
fail=0
failed=()
for t in "$here"/integration/test_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	case "$name" in *"$filter"*) ;; *) continue ;; esac
	log=$build/integration/$name.log
	start=$(date +%s)
	# timeout signals its whole process group, so servers started by the test go too;
	# -k: a test that ignores SIGTERM is killed 10 s later.
	ZV_BUILD=$build timeout -k 10 "$limit" bash "$t" >"$log" 2>&1
	status=$?
	secs=$(($(date +%s) - start))
	if [ "$status" -eq 0 ]; then
		printf 'PASS  %-32s %4ds\n' "$name" "$secs"
		pass=$((pass + 1))
		continue
	fi
	why="exit $status"
	[ "$status" -eq 124 ] && why="timed out after ${limit}s"
	printf 'FAIL  %-32s %4ds  (%s, log %s)\n' "$name" "$secs" "$why" "$log"
	grep -E '^(FAIL|not ok)' "$log" | head -n 20 | sed 's/^/      /'
	tail -n 5 "$log" | sed 's/^/    | /'
	fail=$((fail + 1))
	failed+=("$name")
done

total=$((pass + fail))
echo "integration: $pass/$total passed${failed[*]:+; failed: ${failed[*]}}"
[ "$total" -gt 0 ] || { echo "integration: no tests found" >&2; exit 2; }
[ "$fail" -eq 0 ]
