#!/usr/bin/env bash
# Call recording with consent, and voicemail. The demo tenant records every call (settings
# through the API) after the announcement "notice" (a 500 Hz tone) with opt-out key 9. A
# Python caller (rtp_uac.py, A-law, 1000 Hz) calls 201, a Python callee (rtp_uas.py, PCMU,
# sending 600 Hz): both hear the announcement, then each other; the recording's left channel
# holds 1000 Hz, its right 600 Hz, the CDR names the file and its download is audited. A second
# call where the caller presses 9 during the announcement is not recorded and its CDR says
# "declined". Extension 500 runs a voicemail scenario for mailbox 201: greeting, beep, a
# message of at most 3 s, listed by the API in the new folder with its audio, announced by
# webhook (voicemail.new). Extension 501's scenario records the caller for 2 s (record step).
# A kill -9 during a recorded call leaves a .tmp that the next start makes a whole, listed
# file. A restart after the call recordings' retention has passed deletes them.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
zv_start -o demo=yes -o rtp_port_min=35000 -o rtp_port_max=35999 -o media_threads=1 \
	-o reg_keepalive=0 -o webhook_private_targets=yes || zv_done
API=http://127.0.0.1:$ZV_HTTP
OWNER_PW=$(grep -o 'login owner@demo  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
for e in 200 201 500 501; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
HOOK_PORT=$(zv_free_port)
python3 "$HERE/webhook_sink.py" "$HOOK_PORT" "$ZV_DIR/hooks.jsonl" &
SINK=$!
trap 'kill $SINK 2>/dev/null' EXIT

python3 "$HERE/api_record.py" setup "$API" "$OWNER_PW" "$ZV_DIR" "http://127.0.0.1:$HOOK_PORT/" \
	>"$ZV_DIR/setup.out" 2>&1
zv_assert_eq 0 "$?" "recording settings, mailbox, voicemail scenario and webhook set through the API"
sed 's/^/    | /' "$ZV_DIR/setup.out"

UAC_SIP=$(zv_free_port)
UAC_RTP=$(zv_free_media_port)
P1=$(zv_free_port)
M1=$(zv_free_media_port)
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
	-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" \
	>>"$ZV_DIR/sipp-reg.out" 2>&1)
zv_assert_eq 0 "$?" "201 registers from the callee's port"

caller() # NAME TO DURATION [--digit T:D]...
{
	local name=$1 to=$2 dur=$3
	shift 3
	python3 "$HERE/rtp_uac.py" --server "127.0.0.1:$ZV_PORT" --user 200 --password pw-200-secret \
		--to "$to" --sip-port "$UAC_SIP" --media-port "$UAC_RTP" --tone 1000 --duration "$dur" \
		--out "$ZV_DIR/uac-$name.json" "$@" >"$ZV_DIR/uac-$name.out" 2>&1
}
heard() { python3 "$ZV_ROOT/tests/audio/tone_seq.py" "$ZV_DIR/uac-$1.json" 500 600 700 1000; }
callee() # NAME
{
	python3 "$HERE/rtp_uas.py" --sip-port "$P1" --media-port "$M1" --codec PCMU/8000/0 \
		--tone 600 --out "$ZV_DIR/callee-$1.json" --timeout 30 >"$ZV_DIR/callee-$1.out" 2>&1 &
	CALLEE=$!
	sleep 0.3
}

# ---- 1: recorded
callee rec
caller rec 201 6
wait "$CALLEE"
zv_assert_match '^500 600$' "$(heard rec)" "the caller hears the announcement, then the callee's 600 Hz"
zv_assert_match 'call .*: recording .*\.wav \(call\)' "$(grep 'recording' "$ZV_LOG")" \
	"the node records the call once the announcement has played"

# ---- 2: the caller presses 9 during the announcement
callee declined
caller declined 201 5 --digit 0.4:9
wait "$CALLEE"
zv_assert_match 'declined the recording' "$(grep declined "$ZV_LOG")" "the caller declines"
zv_assert_match '600$' "$(heard declined)" "and the call goes on: the caller hears the callee"

# ---- 3: voicemail for 201 through extension 500's scenario
caller vm 500 8
zv_assert_match '^700' "$(heard vm)" "the caller hears the mailbox's greeting"
zv_assert_eq True "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bye_from_peer"])' "$ZV_DIR/uac-vm.json")" \
	"the node hangs up after the message's 3 s"

for i in $(seq 50); do
	[ "$(grep -c voicemail.new "$ZV_DIR/hooks.jsonl" 2>/dev/null)" -ge 1 ] && break
	sleep 0.2
done
python3 "$HERE/api_record.py" check "$API" "$ZV_DIR" "$ZV_DIR/hooks.jsonl" >"$ZV_DIR/check.out" 2>&1
zv_assert_eq 0 "$?" "recordings, CDRs, voicemail and events as the API shows them"
sed 's/^/    | /' "$ZV_DIR/check.out"
name=$(awk '{print $2}' "$ZV_DIR/call-recording" 2>/dev/null)
file=$(ls "$ZV_DIR"/recordings/*/"$name" 2>/dev/null)
zv_assert_match '\.wav$' "$file" "the call's file is under recordings/<tenant>/"
zv_assert_eq "" "$(ls "$ZV_DIR"/recordings/*/ | grep '\.tmp$')" "no temp file is left"

# ---- 4: extension 501's scenario records the caller for 2 s (record step)
caller step 501 6
zv_assert_eq True "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bye_from_peer"])' "$ZV_DIR/uac-step.json")" \
	"the record step ends after its 2 s and the scenario hangs up"
for i in $(seq 30); do
	rows=$(python3 "$HERE/api_record.py" rows "$API" "$ZV_DIR" step)
	case "$rows" in done:*) break ;; esac
	sleep 0.2
done
zv_assert_match '^done:[-0-9a-f]+\.wav:1:[12]$' "$rows" "the step's file: finished, mono, its 2 s"
zv_assert_match "rec \(record\) record up to 2 s" "$(grep 'scenario' "$ZV_LOG")" "the step ran"

# ---- 5: a crash during a recorded call: start-up makes the .tmp a whole file
callee crash
caller crash 201 20 &
CALLER=$!
for i in $(seq 100); do ls "$ZV_DIR"/recordings/*/*.wav.tmp >/dev/null 2>&1 && break; sleep 0.1; done
sleep 2
zv_kill
kill "$CALLER" "$CALLEE" 2>/dev/null
wait "$CALLER" "$CALLEE" 2>/dev/null
zv_assert_match '\.wav\.tmp$' "$(ls "$ZV_DIR"/recordings/*/ | grep tmp)" "killed mid-recording: a .tmp is left"
ZV_REUSE=1 zv_start -o demo=yes -o rtp_port_min=35000 -o rtp_port_max=35999 -o media_threads=1 \
	-o reg_keepalive=0 || zv_done
zv_assert_match 'recording\(s\) finished at start-up, 0 lost' "$(grep 'at start-up' "$ZV_LOG")" \
	"start-up finishes the interrupted recording"
zv_assert_eq "" "$(ls "$ZV_DIR"/recordings/*/ | grep '\.tmp$')" "no temp file is left after the restart"
zv_assert_match '(^| )done:[^ ]+:2:[1-9][0-9]*( |$)' "$(python3 "$HERE/api_record.py" rows "$API" "$ZV_DIR" call)" \
	"the interrupted call's recording is listed, done, with what was recorded"
zv_stop

# ---- 6: 31 days later (as far as the row knows) a restart deletes it
zv_stop
sqlite3 "$ZV_DIR/zvonar.db" "UPDATE recordings SET created_at = created_at - 31 * 86400000 WHERE kind = 'call'"
ZV_REUSE=1 zv_start -o demo=yes -o rtp_port_min=35000 -o rtp_port_max=35999 -o media_threads=1 \
	-o reg_keepalive=0 || zv_done
python3 "$HERE/api_record.py" expired "$API" "$ZV_DIR" >"$ZV_DIR/expired.out" 2>&1
zv_assert_eq 0 "$?" "the expired recording is gone from the API"
sed 's/^/    | /' "$ZV_DIR/expired.out"
zv_assert_eq "" "$(ls "$file" 2>/dev/null)" "and from the disk"
zv_check_log
zv_done
