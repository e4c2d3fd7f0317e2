#!/usr/bin/env bash
# Click-to-call through the REST API with two real softphones: POST /api/v1/calls rings the
# agent's baresip (201, A-law, speaks 1000 Hz), which answers; zvonar then dials the
# customer's baresip (202, Opus only, speaks 300 Hz) and bridges them, transcoding. Each
# phone must hear the other's tone; the call is listed live, hung up through the API, and
# leaves one CDR with both codecs. An agent without a registered phone gets 409, an unknown
# extension 404, a malformed body 400; a customer that cannot be reached ends the call.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
zv_phones_check opus g711 || zv_done
zv_start -o demo=yes -o reg_keepalive=0 -o rtp_port_min=35000 -o rtp_port_max=35999 \
	-o media_threads=1 || zv_done
API=http://127.0.0.1:$ZV_HTTP
OWNER_PW=$(grep -o 'login owner@demo  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
for e in 201 202 203; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
TOKEN=$(cd "$HERE" && python3 -c 'import sys; from api_client import Api; print(Api(sys.argv[1]).token_for("owner@demo", sys.argv[2]))' "$API" "$OWNER_PW")
[ -n "$TOKEN" ] && [ "$TOKEN" != None ] || { zv_fail "an API token for the demo owner"; zv_done; }

api() # METHOD PATH [JSON]: prints the status, then the body
{
	local out
	out=$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$API$2")
	echo "${out##*$'\n'}"
	echo "${out%$'\n'*}"
}

LIFE=40 zv_phone agent 201 g711.so 1000 26000-26499
LIFE=40 zv_phone customer 202 opus.so 300 26500-26999
zv_phone_registered agent 201 || zv_done
zv_phone_registered customer 202 || zv_done

out=$(api POST /api/v1/calls '{"from": "201", "to": "202"}')
zv_assert_match '^201$' "$(echo "$out" | head -1)" "click-to-call accepted: $(echo "$out" | tail -1)"
ID=$(echo "$out" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for i in $(seq 100); do zv_ctl show calls | grep -q "answered .*PCMA/8000>opus" && break; sleep 0.1; done
sleep 4
zv_assert_match "$ID +answered +201 +-> 202 .*PCMA/8000>opus/48000" "$(zv_ctl show calls)" \
	"the agent's phone answered and the customer's was dialed and bridged, transcoded"
zv_assert_match "\"id\": *\"$ID\".*\"state\": *\"answered\"" "$(api GET /api/v1/calls | tail -1)" \
	"the API lists the call as answered"
zv_assert_match '^204$' "$(api DELETE "/api/v1/calls/$ID" | head -1)" "hung up through the API"
for i in $(seq 50); do zv_ctl show cdrs demo 1 | grep -q ANSWERED && break; sleep 0.1; done
zv_assert_match ' 201 +-> 202 +ANSWERED .*PCMA/8000>opus/48000' "$(zv_ctl show cdrs demo 1)" \
	"one CDR: the agent's call to the customer, both codecs"

hear() { python3 "$ZV_ROOT/tests/audio/tone.py" "$ZV_DIR"/$1/dump-*-dec.wav "$2" 2>&1 | awk '{print $4}' | head -1; }
ratio_ok() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) $2 else 1)" "${1:-0}"; }
sleep 1
r=$(hear customer 1000)
ratio_ok "$r" ">= 0.9" && zv_ok "the customer hears the agent's 1000 Hz ($r of the power)" ||
	zv_fail "the customer's recording has $r of its power at 1000 Hz"
r=$(hear agent 300)
ratio_ok "$r" ">= 0.9" && zv_ok "the agent hears the customer's 300 Hz ($r of the power)" ||
	zv_fail "the agent's recording has $r of its power at 300 Hz"

# ---- what cannot be called
zv_assert_match '^409$' "$(api POST /api/v1/calls '{"from": "203", "to": "202"}' | head -1)" \
	"an agent without a registered phone: 409"
zv_assert_match '^404$' "$(api POST /api/v1/calls '{"from": "299", "to": "202"}' | head -1)" \
	"an unknown extension: 404"
zv_assert_match '^400$' "$(api POST /api/v1/calls '{"from": "201"}' | head -1)" "no to: 400"
zv_assert_match '^400$' "$(api POST /api/v1/calls '{"from": "201", "to": "x; DROP"}' | head -1)" \
	"a to that is not a number: 400"
zv_assert_match '^400$' "$(api POST /api/v1/calls '{"from": "201", "to": "202", "ring": 1}' | head -1)" \
	"an unknown field: 400"

# ---- the customer (203) has no phone: the agent answers, then the call ends
out=$(api POST /api/v1/calls '{"from": "201", "to": "203"}')
zv_assert_match '^201$' "$(echo "$out" | head -1)" "a call to a customer without a phone starts"
for i in $(seq 100); do zv_ctl show cdrs demo 1 | grep -q ' 201 *-> 203 ' && break; sleep 0.1; done
zv_assert_match ' 201 +-> 203 .*click-to-call' "$(zv_ctl show cdrs demo 1)" \
	"and ends with a CDR naming why"
zv_assert_eq 0 "$(zv_ctl show calls | grep -c answered)" "no call is left up"
kill "${PHONES[@]}" 2>/dev/null
wait "${PHONES[@]}" 2>/dev/null
zv_check_log
zv_done
