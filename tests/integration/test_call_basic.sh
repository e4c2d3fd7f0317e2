#!/usr/bin/env bash
# Calls through the B2BUA with sipp on both sides: extension 200 (sipp UAC, RTP from
# Debian's g711a.pcap) calls 201 (registered sipp UAS echoing RTP). The call is listed while
# up with RTP counted on both relay sides, and leaves one ANSWERED CDR; calls to an
# unregistered extension, an unknown number, and a CANCEL leave the matching records.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }
PCAP=/usr/share/sip-tester/g711a.pcap
[ -r "$PCAP" ] || { zv_fail "$PCAP missing (Debian sip-tester)"; zv_done; }

zv_start -o demo=yes -o rtp_port_min=31000 -o rtp_port_max=31999 -o media_threads=1 -o reg_keepalive=0 || zv_done
cp "$PCAP" "$ZV_DIR/"
for e in 200 201 202; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAS_PORT=$(zv_free_port)
UAC_PORT=$(zv_free_port)
UAS_MP=$(zv_free_media_port)
UAC_MP=$(zv_free_media_port)

sipp_reg() # USER PORT
{
	(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
		-s "$1" -au "$1" -ap "pw-$1-secret" -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$2" \
		>>"$ZV_DIR/sipp-reg.out" 2>&1)
}
sipp_call() # CALLEE HOLD_MS [sipp options]
{
	local callee=$1 hold=$2
	shift 2
	(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/call_uac.xml" \
		-s "$callee" -key caller 200 -au 200 -ap pw-200-secret -d "$hold" \
		-m 1 -nostdin -timeout 30s -i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" \
		-trace_err -error_file "$ZV_DIR/uac.err" -trace_msg -message_file "$ZV_DIR/uac.msg" "$@" >>"$ZV_DIR/sipp-uac.out" 2>&1)
}

zv_assert_status 0 "201 registers from the UAS port" -- sipp_reg 201 "$UAS_PORT"
(cd "$ZV_DIR" && exec timeout 60 sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -mp "$UAS_MP" -rtp_echo \
	-m 1 -nostdin -timeout 40s -trace_err -error_file "$ZV_DIR/uas.err" >"$ZV_DIR/sipp-uas.out" 2>&1) &
UAS_PID=$!
sleep 0.5

sipp_call 201 4000 &
UAC_PID=$!
calls=
for i in $(seq 30); do
	sleep 0.2
	calls=$(zv_ctl show calls)
	echo "$calls" | grep -q answered && break
done
sleep 2 # RTP flows for a while
calls=$(zv_ctl show calls)
zv_assert_match ' answered +200 +-> 201 ' "$calls" "show calls lists the answered call"
# sipp's built-in UAS always answers PCMU, whatever was offered: the caller offered PCMA only,
# so zvonar answers it PCMA and the relay converts between the two.
zv_assert_match 'PCMA/8000>PCMU/8000' "$calls" "A keeps its PCMA, B's PCMU is transcoded"
zv_assert_match 'a:[0-9]+ pt 8 rx [1-9][0-9]* tx [1-9][0-9]* lost [0-9]+  b:[0-9]+ pt 0 rx [1-9][0-9]* tx [1-9]' "$calls" \
	"RTP is relayed both ways (UAC stream, UAS echo)"
zv_assert_match '  a: mos [34]\.[0-9]+ loss [0-9.]+% jitter [0-9.]+ms  b: mos [34]\.[0-9]+ ' "$calls" \
	"show calls gives each leg a MOS estimate, loss and jitter"
wait "$UAC_PID"
zv_assert_eq 0 "$?" "the UAC scenario completes (407, 200, ACK, RTP, BYE, 200)"
wait "$UAS_PID"
zv_assert_eq 0 "$?" "the UAS answered and got the BYE"
zv_assert_match '^1 call|^0 call' "$(zv_ctl show calls)" "call list readable after the call"
for i in $(seq 20); do zv_ctl show cdrs | grep -q ANSWERED && break; sleep 0.1; done
cdrs=$(zv_ctl show cdrs demo)
zv_assert_match ' 200 +-> 201 +ANSWERED +[3-9]s .*caller +PCMA/8000>PCMU/8000' "$cdrs" \
	"an ANSWERED CDR with billsec, hangup side caller and codec"
# Loopback loses nothing and hardly delays: each leg's MOS near G.107's best, loss and jitter small.
quality=$(python3 - "$ZV_DIR/zvonar.db" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT mos_a, mos_b, loss_a, loss_b, jitter_a_ms, jitter_b_ms FROM cdrs "
    "WHERE callee = '201' AND disposition = 'ANSWERED' ORDER BY id LIMIT 1").fetchone()
ok = row is not None and all(v is not None for v in row) and \
    all(4.0 <= m <= 4.5 for m in row[:2]) and all(0 <= l < 5 for l in row[2:4]) and \
    all(0 <= j < 30 for j in row[4:])
print(("sane" if ok else "insane"), row)
PY
)
zv_assert_match ' 200 +-> 201 +ANSWERED .* mos 4\.[0-9]{2}/4\.[0-9]{2}$' "$cdrs" "show cdrs gives the legs' MOS"
zv_assert_match '^sane ' "$quality" "the CDR has the quality columns filled: MOS 4.0-4.5, loss < 5 %, jitter < 30 ms ($quality)"

# G.711 <-> Opus: the callee answers opus only; the caller's PCMA stream reaches it as opus
# (it echoes what it gets, so opus comes back) and the caller hears PCMA.
UAS2_MP=$(zv_free_media_port)
(cd "$ZV_DIR" && exec timeout 60 sipp -sf "$ZV_ROOT/tests/sipp/uas_opus.xml" -i 127.0.0.1 \
	-p "$UAS_PORT" -mp "$UAS2_MP" -rtp_echo -d 3000 -m 1 -nostdin -timeout 30s \
	-trace_err -error_file "$ZV_DIR/uas-opus.err" >"$ZV_DIR/sipp-uas-opus.out" 2>&1) &
UAS_PID=$!
sleep 0.5
sipp_call 201 10000 &
UAC_PID=$!
for i in $(seq 30); do sleep 0.2; zv_ctl show calls | grep -q answered && break; done
sleep 1.5
calls=$(zv_ctl show calls)
zv_assert_match 'PCMA/8000>opus/48000' "$calls" "the transcoded call shows both codecs"
zv_assert_match 'a:[0-9]+ pt 8 rx [1-9][0-9]* tx [1-9][0-9]* lost [0-9]+  b:[0-9]+ pt 111 rx [1-9][0-9]* tx [1-9]' \
	"$calls" "PCMA on A's side, opus (PT 111) on B's, both ways"
wait "$UAS_PID"
zv_assert_eq 0 "$?" "the opus callee answered and hung up"
wait "$UAC_PID"
for i in $(seq 20); do zv_ctl show cdrs demo 1 | grep -q opus && break; sleep 0.1; done
zv_assert_match ' 200 +-> 201 +ANSWERED .*callee +PCMA/8000>opus/48000' "$(zv_ctl show cdrs demo 1)" \
	"the CDR records the transcoded codecs"

# Not registered, unknown number: the caller hears 480 / 404; both leave a record or none.
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/call_uac.xml" \
	-s 202 -key caller 200 -au 200 -ap pw-200-secret -d 100 -m 1 -nostdin \
	-timeout 10s -i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" >"$ZV_DIR/sipp-480.out" 2>&1)
zv_assert_match '480' "$(cat "$ZV_DIR/sipp-480.out")" "an unregistered extension gets 480"
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/call_uac.xml" \
	-s 999 -key caller 200 -au 200 -ap pw-200-secret -d 100 -m 1 -nostdin \
	-timeout 10s -i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" >"$ZV_DIR/sipp-404.out" 2>&1)
zv_assert_match '404' "$(cat "$ZV_DIR/sipp-404.out")" "an unknown number gets 404"
zv_assert_match ' 200 +-> 202 +NO ANSWER ' "$(zv_ctl show cdrs demo)" "the 480 call has a NO ANSWER CDR"
csv=$(zv_ctl cdr export demo)
zv_assert_match '^"demo","200","201","internal","""Tester"" <200>","[^"]+","","Dial","201","[0-9-]{10} [0-9:]{8}","[0-9-]{10} [0-9:]{8}","[0-9-]{10} [0-9:]{8}","[0-9]+","[3-9]","ANSWERED","DOCUMENTATION","[0-9a-f-]{36}","normal clearing"$' \
	"$csv" "cdr export writes Asterisk Master.csv columns"
zv_assert_eq 18 "$(echo "$csv" | head -1 | python3 -c 'import csv,sys; print(len(next(csv.reader(sys.stdin))))')" \
	"each CSV line has Master.csv's 18 fields"
zv_assert_match '^calls 0$' "$(zv_ctl show stats)" "no call left open"
zv_done
