#!/usr/bin/env bash
# Speech jobs through the REST API against the real server (api_jobs.py): chat exports and
# texts summarised, TTS WAVs downloaded and checked, cancelling, tenant isolation, usage per
# day and month, round-robin starts over two tenants; then a restart keeps the jobs.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)

zv_start -o reg_keepalive=0 -o media_threads=1 || zv_done
API=http://127.0.0.1:$ZV_HTTP
OP_PW=$(grep -o 'login admin  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
[ -n "$OP_PW" ] || zv_fail "the operator password is printed on the first start"

zv_assert_status 0 "speech jobs through the API (api_jobs.py)" -- \
	python3 "$HERE/api_jobs.py" "$API" "$OP_PW" "$ZV_ROOT/tests/data/chat" "$ZV_DIR"

n=$(ls "$ZV_DIR"/spool/jobs/job-*.wav 2>/dev/null | wc -l)
[ "$n" -ge 22 ] && zv_ok "TTS outputs kept in the spool ($n)" || zv_fail "TTS outputs in the spool: $n"
ls "$ZV_DIR"/spool/jobs/*.tmp.* >/dev/null 2>&1 && zv_fail "temporary files left in the spool"

# --- jobs queued or running when the server stops run after the restart ---
TOK=$(cat "$ZV_DIR/alpha.token" 2>/dev/null)
ids=
for i in $(seq 6); do
	id=$(curl -s -X POST -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
		--data-binary "{\"text\":\"Job $i of six, queued just before the server stops and run after it starts again.\",\"rate\":16000}" \
		"$API/api/v1/tts" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
	ids="$ids $id"
done
zv_assert_match '^( [0-9]+){6}$' "$ids" "six TTS jobs queued before the stop"
zv_restart -o reg_keepalive=0 -o media_threads=1 || zv_done
zv_assert_match '"status":"done"' \
	"$(curl -s -H "Authorization: Bearer $TOK" "$API/api/v1/jobs?limit=1&status=done")" \
	"the finished jobs are still there after a restart"
for id in $ids; do
	st=
	for i in $(seq 600); do
		st=$(curl -s -H "Authorization: Bearer $TOK" "$API/api/v1/jobs/$id" |
			python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
		case "$st" in done|failed|cancelled) break ;; esac
		sleep 0.1
	done
	zv_assert_eq done "$st" "job $id queued before the restart is done after it"
done
zv_done
