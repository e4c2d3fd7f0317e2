#!/usr/bin/env bash
# Call outcomes through the B2BUA, each checked from both sipp ends and in the CDR: busy (486),
# caller CANCEL while ringing, callee hangs up, parallel forking to two contacts (one answers,
# the other is cancelled), no-answer timeout, and a graceful stop that waits for a live call.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }

zv_start -o demo=yes -o rtp_port_min=28000 -o rtp_port_max=28999 -o media_threads=1 \
	-o call_no_answer=3 -o stop_timeout=20 -o reg_keepalive=0 || zv_done
cp /usr/share/sip-tester/g711a.pcap "$ZV_DIR/"
for e in 200 201 202; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAC_PORT=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
P1=$(zv_free_port)
P2=$(zv_free_port)
M1=$(zv_free_media_port)
M2=$(zv_free_media_port)

reg() # PORT: 201 registers a contact on that port
{
	(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
		-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$1" \
		>>"$ZV_DIR/sipp-reg.out" 2>&1)
}
unreg()
{
	(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/unregister.xml" \
		-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" \
		>>"$ZV_DIR/sipp-reg.out" 2>&1)
}
uas() # NAME PORT MEDIA_PORT SCENARIO [options]: a callee in the background, pid in UAS_<NAME>
{
	local name=$1 port=$2 mp=$3 sc=$4
	shift 4
	(cd "$ZV_DIR" && exec timeout 60 sipp $sc -i 127.0.0.1 -p "$port" -mp "$mp" -m 1 -nostdin \
		-timeout 40s -trace_err -error_file "$ZV_DIR/uas-$name.err" "$@" \
		>"$ZV_DIR/uas-$name.out" 2>&1) &
	eval "UAS_$name=$!"
	sleep 0.4
}
uac() # NAME SCENARIO HOLD_MS: the caller 200 calling 201, in the foreground
{
	(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/$2.xml" -s 201 \
		-key caller 200 -au 200 -ap pw-200-secret -d "$3" -m 1 -nostdin -timeout 30s \
		-i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" -trace_err -error_file "$ZV_DIR/uac-$1.err" \
		>"$ZV_DIR/uac-$1.out" 2>&1)
}
cdr_has() # REGEX WHAT: the newest CDR matches, within 2 s
{
	local i
	for i in $(seq 20); do zv_ctl show cdrs demo 1 | grep -Eq -- "$1" && break; sleep 0.1; done
	zv_assert_match "$1" "$(zv_ctl show cdrs demo 1)" "$2"
}
SC=$ZV_ROOT/tests/sipp

# --- busy ---
zv_assert_status 0 "201 registers" -- reg "$P1"
uas busy "$P1" "$M1" "-sf $SC/uas_busy.xml"
uac busy call_uac 100
zv_assert_match '486' "$(cat "$ZV_DIR/uac-busy.out")" "the caller hears 486 Busy Here"
wait "$UAS_busy"; zv_assert_eq 0 "$?" "the busy callee got its ACK"
cdr_has ' 200 +-> 201 +BUSY +0s +486' "a BUSY CDR with the cause"

# --- caller cancels while it rings ---
uas ring "$P1" "$M1" "-sf $SC/uas_ring.xml"
zv_assert_status 0 "the caller's CANCEL gets 200 and the INVITE 487" -- uac cancel call_uac_cancel 1000
wait "$UAS_ring"; zv_assert_eq 0 "$?" "the callee is cancelled (CANCEL, 487, ACK)"
cdr_has ' 200 +-> 201 +CANCELLED +0s .*caller' "a CANCELLED CDR, hung up by the caller"

# --- the callee hangs up ---
uas hangup "$P1" "$M1" "-sf $SC/uas_hangup.xml" -d 1500
uac hangup call_uac 10000 &
UAC_hangup=$!
wait "$UAS_hangup"; zv_assert_eq 0 "$?" "the callee answered PCMA and its BYE got 200"
wait "$UAC_hangup" # the caller gets a BYE it did not expect: its scenario fails, that is fine
cdr_has ' 200 +-> 201 +ANSWERED +[12]s .*callee +PCMA/8000' "an ANSWERED CDR hung up by the callee"
zv_assert_match 'BYE' "$(cat "$ZV_DIR/uac-hangup.err" "$ZV_DIR/uac-hangup.out" 2>/dev/null)" \
	"the caller got the callee's BYE"

# --- hold and resume: re-INVITEs answered here, the callee keeps its media ---
uas hold "$P1" "$M1" "-sn uas" -rtp_echo
zv_assert_status 0 "hold (sendonly -> recvonly) and resume (sendrecv) are answered" -- \
	uac hold call_uac_hold 800
wait "$UAS_hold"; zv_assert_eq 0 "$?" "the callee's call was not disturbed by the re-INVITEs"
zv_assert_match 'INVITE re-offer from caller answered recvonly' "$(cat "$ZV_LOG")" "hold logged"
cdr_has ' 200 +-> 201 +ANSWERED .*caller' "the held call has an ANSWERED CDR"

# --- DTMF as SIP INFO reaches the callee ---
uas info "$P1" "$M1" "-sn uas" -aa -trace_msg -message_file "$ZV_DIR/uas-info.msg"
zv_assert_status 0 "the caller's INFO is answered" -- uac info call_uac_info 500
wait "$UAS_info"; zv_assert_eq 0 "$?" "the callee's call completed"
zv_assert_match 'Signal=5' "$(cat "$ZV_DIR/uas-info.msg")" "the INFO with Signal=5 reached the callee"

# --- blind transfer: 201 answers and REFERs the caller to 202, who takes the call ---
P3=$(zv_free_port)
M3=$(zv_free_media_port)
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
	-s 202 -au 202 -ap pw-202-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P3" \
	>>"$ZV_DIR/sipp-reg.out" 2>&1) || zv_fail "202 did not register"
uas target "$P3" "$M3" "-sn uas" -rtp_echo
uas refer "$P1" "$M1" "-sf $SC/uas_refer.xml" -d 800 -key target 202
zv_assert_status 0 "the caller's call survives the transfer and ends with its BYE" -- \
	uac xfer call_uac 3500
wait "$UAS_refer"; zv_assert_eq 0 "$?" "the transferor got 202, NOTIFY 100 and 200, and a BYE"
wait "$UAS_target"; zv_assert_eq 0 "$?" "the transfer target answered and got the caller's BYE"
zv_assert_match 'transferred to 202' "$(cat "$ZV_LOG")" "the transfer is logged"
cdr_has ' 200 +-> 202 +ANSWERED .*caller' "the CDR ends with the target as callee"

# --- two contacts: one rings, one answers; the ringing one is cancelled ---
zv_assert_status 0 "201 registers a second contact" -- reg "$P2"
zv_assert_eq 2 "$(zv_ctl show registrations | grep -c '^demo  *201 ')" "201 has two contacts"
uas fork_ring "$P1" "$M1" "-sf $SC/uas_ring.xml"
uas fork_ok "$P2" "$M2" "-sn uas" -rtp_echo
zv_assert_status 0 "the forked call is answered and ends with BYE" -- uac fork call_uac 1000
wait "$UAS_fork_ok"; zv_assert_eq 0 "$?" "the answering contact completed the call"
wait "$UAS_fork_ring"; zv_assert_eq 0 "$?" "the other contact was cancelled"
cdr_has ' 200 +-> 201 +ANSWERED ' "the forked call has one ANSWERED CDR"

# --- nobody answers within call_no_answer (3 s) ---
uas noans "$P2" "$M2" "-sf $SC/uas_ring.xml"
uas noans1 "$P1" "$M1" "-sf $SC/uas_ring.xml"
uac noanswer call_uac 100
zv_assert_match '480' "$(cat "$ZV_DIR/uac-noanswer.out")" "after call_no_answer the caller hears 480"
wait "$UAS_noans"; zv_assert_eq 0 "$?" "contact 1 was cancelled at the timeout"
wait "$UAS_noans1"; zv_assert_eq 0 "$?" "contact 2 was cancelled at the timeout"
cdr_has ' 200 +-> 201 +NO ANSWER .*no answer timeout' "a NO ANSWER CDR with the timeout as cause"

# --- graceful stop: a live call is awaited, new calls get 503 ---
zv_assert_status 0 "201 unregisters both contacts" -- unreg
zv_assert_status 0 "201 registers one contact again" -- reg "$P2"
uas stop "$P2" "$M2" "-sn uas" -rtp_echo
uac stop call_uac 3000 &
UAC_stop=$!
for i in $(seq 30); do zv_ctl show calls | grep -q answered && break; sleep 0.1; done
kill -TERM "$ZV_PID"
sleep 0.5
zv_assert_status 0 "zvonar is still running while the call is up" -- kill -0 "$ZV_PID"
wait "$UAC_stop"; zv_assert_eq 0 "$?" "the live call ended normally during the stop"
for i in $(seq 50); do kill -0 "$ZV_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$ZV_PID" 2>/dev/null; then
	zv_fail "zvonar did not stop after its last call"
else
	wait "$ZV_PID"; zv_assert_eq 0 "$?" "zvonar exits 0 after the last call"
	zv_check_log
	ZV_PID=
fi
zv_assert_match 'waiting up to 20 s for 1 call' "$(cat "$ZV_LOG")" "the stop waited for the call"
zv_done
