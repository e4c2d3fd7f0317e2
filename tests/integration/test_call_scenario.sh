#!/usr/bin/env bash
# Scenarios on live calls: an extension (500) points at an IVR saved through the REST API.
# A Python caller (rtp_uac.py, A-law) hears the welcome prompt and the menu prompt (tones of
# their own frequency, uploaded as the tenant's prompts), presses 1 by RFC 4733 during the
# menu (barge-in), hears ringback and is bridged to extension 201 (a Python callee in
# PCMU: the relay transcodes), which hears the caller's tone. Without a key the menu times
# out three times and the caller hears the goodbye prompt before the node hangs up. Dialing an
# extension that is not registered takes the failed branch. A CRM (crm_stub.py) answers a
# webhook step: the caller is greeted by the CRM's name through a `say` step (espeak-ng),
# and a CRM slower than the step's timeout takes the error branch. CDRs record each call.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
zv_start -o demo=yes -o rtp_port_min=34000 -o rtp_port_max=34999 -o media_threads=1 \
	-o reg_keepalive=0 -o webhook_private_targets=yes || zv_done
API=http://127.0.0.1:$ZV_HTTP
OWNER_PW=$(grep -o 'login owner@demo  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
[ -n "$OWNER_PW" ] || { zv_fail "the demo owner's password is printed on the first start"; zv_done; }
for e in 200 201 202 500 501 502; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
CRM=$(zv_free_port)
python3 "$HERE/crm_stub.py" "$CRM" "$ZV_DIR/crm.jsonl" &
CRM_PID=$!
python3 "$HERE/api_setup_scenario.py" "$API" "$OWNER_PW" "$ZV_DIR" "$CRM" >"$ZV_DIR/setup.out" 2>&1
zv_assert_eq 0 "$?" "scenario saved and extension 500 pointed at it through the API"
sed 's/^/    | /' "$ZV_DIR/setup.out"

UAC_SIP=$(zv_free_port)
UAC_RTP=$(zv_free_media_port)
P1=$(zv_free_port)
M1=$(zv_free_media_port)
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
	-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" \
	>>"$ZV_DIR/sipp-reg.out" 2>&1)
zv_assert_eq 0 "$?" "201 registers from the callee's port"

caller() # NAME DURATION [--digit T:D]... (TO=500 by default)
{
	local name=$1 dur=$2
	shift 2
	python3 "$HERE/rtp_uac.py" --server "127.0.0.1:$ZV_PORT" --user 200 --password pw-200-secret \
		--to "${TO:-500}" --sip-port "$UAC_SIP" --media-port "$UAC_RTP" --tone 1000 --duration "$dur" \
		--out "$ZV_DIR/uac-$name.json" "$@" >"$ZV_DIR/uac-$name.out" 2>&1
}
heard() { python3 "$ZV_ROOT/tests/audio/tone_seq.py" "$ZV_DIR/uac-$1.json" 425 500 700 900; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$ZV_DIR/uac-$1.json" "$2"; }

# ---- 1: welcome, menu, key 1 -> extension 201 answers (PCMU callee, A-law caller)
python3 "$HERE/rtp_uas.py" --sip-port "$P1" --media-port "$M1" --codec PCMU/8000/0 \
	--out "$ZV_DIR/callee-1.json" --timeout 40 >"$ZV_DIR/callee-1.out" 2>&1 &
CALLEE=$!
sleep 0.3
caller key1 9 --digit 2.2:1
wait "$CALLEE"
zv_assert_eq 200 "$(field key1 status)" "the IVR answers the caller"
zv_assert_match '^500 700( 425)?$' "$(heard key1)" \
	"the caller hears the welcome prompt, then the menu until it presses 1, then (ringback and) the callee"
zv_assert_match 'sales \(dial\)' "$(grep 'scenario' "$ZV_LOG")" "the menu's key 1 leads to the dial step"
r=$(python3 "$ZV_ROOT/tests/audio/ulaw_tone.py" "$ZV_DIR/callee-1.json" 1000)
ratio=${r%% *}
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 0.8 else 1)" "${ratio:-0}" &&
	zv_ok "the callee hears the caller's 1000 Hz through the transcoded bridge ($r)" ||
	zv_fail "the callee's audio at 1000 Hz: $r"

# ---- 2: no key: the menu times out three times, goodbye, the node hangs up
caller timeout 20
zv_assert_eq 200 "$(field timeout status)" "answered again"
zv_assert_match '^500 700 700 700 900$' "$(heard timeout)" "welcome, the menu three times (two retries), then goodbye"
zv_assert_eq True "$(field timeout bye_from_peer)" "the node hangs up after the goodbye prompt"

# ---- 3: key 2 dials 202, which has no phone: the failed branch says goodbye
caller failed 12 --digit 1.5:2
zv_assert_match '^500 700 900$' "$(heard failed)" "an unregistered extension takes the failed branch"
zv_assert_eq True "$(field failed bye_from_peer)" "and the node hangs up"

# ---- 4: a CRM webhook names the caller a VIP: the scenario greets them by the CRM's name
TO=501 caller crm 15
zv_assert_eq True "$(field crm bye_from_peer)" "the CRM scenario ends the call itself"
zv_assert_match '"path": "/lookup", "body": "\{\\"call\\":\\"[0-9a-f-]{36}\\",\\"caller\\":\\"200\\"\}", "type": "application/json"' \
	"$(cat "$ZV_DIR/crm.jsonl")" "the CRM got the caller and the call's id as JSON"
zv_assert_match "lookup \(webhook\) webhook.name = 'Ivan'" "$(grep scenario "$ZV_LOG")" \
	"its answer set webhook.name"
zv_assert_match "greet \(say\) say 'Hello Ivan, thank you for calling.'" "$(grep scenario "$ZV_LOG")" \
	"and took the vip branch to a say step with it"
speech=$(python3 - "$ZV_DIR/uac-crm.json" <<'PY'
import json, math, os, sys
sys.path.insert(0, "tests/integration")
import alaw
seen = json.load(open(sys.argv[1]))
pcm = []
for _, p in seen["audio"]:
    pcm += alaw.decode(bytes.fromhex(p))
loud = sum(1 for i in range(0, len(pcm) - 800, 800)
           if math.sqrt(sum(x * x for x in pcm[i:i + 800]) / 800) > 300)
print(loud)
PY
)
[ "${speech:-0}" -ge 15 ] && zv_ok "the caller heard the synthesised greeting (${speech} loud 100 ms windows)" ||
	zv_fail "the caller heard ${speech:-0} loud 100 ms windows, not a greeting"
zv_assert_match '900$' "$(heard crm)" "then the goodbye prompt"

# ---- 5: a CRM slower than the step's 1 s timeout: the error branch
TO=502 caller slow 10
zv_assert_match '^500$' "$(heard slow)" "a CRM that does not answer in time takes the error branch"
zv_assert_match "lookup \(webhook\) request failed or timed out" "$(grep scenario "$ZV_LOG")" \
	"and the trace says why"
kill "$CRM_PID" 2>/dev/null

for i in $(seq 30); do [ "$(zv_ctl show cdrs demo 5 | grep -c ANSWERED)" -ge 5 ] && break; sleep 0.2; done
cdrs=$(zv_ctl show cdrs demo 8)
zv_assert_match ' 200 +-> 500 +ANSWERED .*PCMA/8000>PCMU/8000' "$cdrs" \
	"the bridged call's CDR: answered, both codecs"
zv_assert_eq 3 "$(echo "$cdrs" | grep -c ' 200 *-> 500 *ANSWERED')" "one CDR per call, each answered"
zv_check_log
zv_done
