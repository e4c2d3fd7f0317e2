#!/usr/bin/env bash
# SIP conformance: every tests/conformance/cases/*.sip over UDP and over TCP against one
# server, each answer checked against the case's expectations; then the server must still
# be alive and answer OPTIONS. ZV_CASES=glob limits the cases (e.g. ZV_CASES='08*').
. "$(dirname "$0")/lib.sh"

cases_dir=$ZV_ROOT/tests/conformance/cases
send=$ZV_ROOT/tests/conformance/send.py

# The demo tenant is the default tenant the cases address; failed-auth cases must not
# trigger the ban, which test_register_sipp.sh covers.
zv_start -o demo=yes -o auth_fail_limit=100000 || zv_done

run_case()
{
	local proto=$1 file=$2 flag= out
	[ "$proto" = tcp ] && flag=--tcp
	out=$(python3 "$send" $flag --check 127.0.0.1 "$ZV_PORT" "$file" 2>&1)
	if [ $? -eq 0 ]; then
		printf 'ok   %s %s: %s\n' "$proto" "$(basename "$file")" "$(head -n 1 <<<"$out")"
		return 0
	fi
	zv_fail "$proto $(basename "$file"): $(tr '\n' ' ' <<<"$out")"
	if ! kill -0 "$ZV_PID" 2>/dev/null; then
		zv_fail "zvonar is gone after $proto $(basename "$file")"
		return 1
	fi
}

n=0
for proto in udp tcp; do
	for f in "$cases_dir"/${ZV_CASES:-*}.sip; do
		n=$((n + 1))
		run_case "$proto" "$f" || break 2
	done
done
zv_log "$n case runs"
[ "$n" -ge 160 ] || [ -n "${ZV_CASES:-}" ] || zv_fail "expected at least 80 cases per transport, ran $n"

# After all that abuse the server must still be up and serving.
if kill -0 "$ZV_PID" 2>/dev/null; then
	zv_ok "zvonar still running"
	zv_assert_match '^SIP/2.0 200 ' "$(python3 "$send" 127.0.0.1 "$ZV_PORT" "$cases_dir"/001-*.sip)" \
		"OPTIONS over UDP answered after the suite"
	zv_assert_match '^SIP/2.0 200 ' "$(python3 "$send" --tcp 127.0.0.1 "$ZV_PORT" "$cases_dir"/001-*.sip)" \
		"OPTIONS over TCP answered after the suite"
else
	zv_fail "zvonar died during the suite"
fi
zv_done
