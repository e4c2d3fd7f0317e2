#!/usr/bin/env bash
# DTMF across the B2BUA, seen by a Python callee that records its RTP and INFO: RFC 4733
# events from a sipp caller (PT 101, Debian's dtmf_2833_1.pcap) reach a callee that wants
# PT 100 with its PT; a callee without telephone-event gets them as SIP INFO; the caller's
# INFO reaches a callee with telephone-event as generated events (marker on the first, one
# timestamp, three ends); and events cross a transcoded call (PCMA caller, PCMU callee).
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }
for f in g711a.pcap dtmf_2833_1.pcap; do
	[ -r "/usr/share/sip-tester/$f" ] || { zv_fail "/usr/share/sip-tester/$f missing"; zv_done; }
done

zv_start -o demo=yes -o rtp_port_min=33000 -o rtp_port_max=33999 -o media_threads=1 -o reg_keepalive=0 || zv_done
cp /usr/share/sip-tester/g711a.pcap /usr/share/sip-tester/dtmf_2833_1.pcap "$ZV_DIR/"
for e in 200 201; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAC_PORT=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
P1=$(zv_free_port)
M1=$(zv_free_media_port)
UAS=$ZV_ROOT/tests/integration/rtp_uas.py

(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
	-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" \
	>>"$ZV_DIR/sipp-reg.out" 2>&1)
zv_assert_eq 0 "$?" "201 registers from the callee's port"

callee() # NAME CODEC EVENTS_PT: the Python callee in the background, pid in CALLEE_PID
{
	python3 "$UAS" --sip-port "$P1" --media-port "$M1" --codec "$2" --events "$3" \
		--out "$ZV_DIR/callee-$1.json" --timeout 40 >"$ZV_DIR/callee-$1.out" 2>&1 &
	CALLEE_PID=$!
	sleep 0.5
}
caller() # NAME SCENARIO HOLD_MS
{
	(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/$2.xml" -s 201 \
		-key caller 200 -au 200 -ap pw-200-secret -d "$3" -m 1 -nostdin -timeout 30s \
		-i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" -trace_err -error_file "$ZV_DIR/uac-$1.err" \
		>"$ZV_DIR/uac-$1.out" 2>&1)
}
# What the callee got: events of PT (count, event codes, ends, marker only on the first of an
# event, one timestamp per event, the last duration), other PTs, and the INFO bodies.
summary() # NAME PT
{
	python3 - "$ZV_DIR/callee-$1.json" "$2" <<'PY'
import json, sys
seen = json.load(open(sys.argv[1])); pt = int(sys.argv[2])
ev = [p for p in seen["rtp"] if p[0] == pt]
codes = sorted({p[5][:2] for p in ev})
ends = sum(1 for p in ev if int(p[5][2:4], 16) & 0x80)
marks = all(p[1] == (i == 0 or ev[i - 1][3] != p[3]) for i, p in enumerate(ev))
one_ts = len({p[3] for p in ev}) == len(codes)
last = int(ev[-1][5][4:8], 16) if ev else 0
other = sorted({p[0] for p in seen["rtp"] if p[0] != pt})
info = " | ".join(b.replace("\r\n", ";") for b in seen["info"])
print("events=%d codes=%s ends=%d marks=%s one_ts=%s last=%d other=%s info=[%s]" %
      (len(ev), ",".join(codes), ends, marks, one_ts, last, other, info))
PY
}

# --- both sides have telephone-event, with different PTs: mapped ---
callee map PCMA/8000/8 100
caller map call_uac_dtmf 1500
zv_assert_eq 0 "$?" "the caller's call with RFC 4733 events completes"
wait "$CALLEE_PID"; zv_assert_eq 0 "$?" "the callee got the BYE"
s=$(summary map 100)
zv_assert_match '^events=10 codes=01 ends=3 marks=True one_ts=True last=2240 ' "$s" \
	"all 10 packets of digit 1 arrive with the callee's PT 100, the 3 ends kept ($s)"
zv_assert_match "other=\[8\] info=\[\]" "$s" "no PT 101 and no INFO reach the callee"
zv_assert_eq 1 "$(grep -c "DTMF '1' 280ms from caller (rfc4733)" "$ZV_LOG")" "the call layer heard the digit once"

# --- the callee has no telephone-event: the caller's events become INFO ---
callee info PCMA/8000/8 0
caller info call_uac_dtmf 1500
zv_assert_eq 0 "$?" "the caller's call completes"
wait "$CALLEE_PID"; zv_assert_eq 0 "$?" "the callee got the BYE"
s=$(summary info 101)
zv_assert_match '^events=0 .*info=\[Signal=1;Duration=280;\]$' "$s" \
	"one INFO Signal=1 Duration=280 and no events reach the callee ($s)"

# --- the caller sends INFO, the callee has telephone-event: generated events ---
callee gen PCMA/8000/8 100
caller gen call_uac_info 1000
zv_assert_eq 0 "$?" "the caller's INFO call completes"
wait "$CALLEE_PID"; zv_assert_eq 0 "$?" "the callee got the BYE"
s=$(summary gen 100)
zv_assert_match '^events=1[01] codes=05 ends=3 marks=True one_ts=True last=1280 ' "$s" \
	"INFO Signal=5 Duration=160 arrives as events of PT 100: marked start, one timestamp, 3 ends ($s)"
zv_assert_match "info=\[\]" "$s" "the INFO itself is not relayed"

# --- crossing codecs: PCMA caller with PT 101, PCMU callee with PT 100 ---
callee cross PCMU/8000/0 100
caller cross call_uac_dtmf 1500
zv_assert_eq 0 "$?" "the transcoded call completes"
wait "$CALLEE_PID"; zv_assert_eq 0 "$?" "the callee got the BYE"
s=$(summary cross 100)
zv_assert_match '^events=10 codes=01 ends=3 marks=True one_ts=True last=2240 other=\[0\] info=\[\]$' "$s" \
	"the events join the PCMU stream with PT 100 and no event reaches the PCMU decoder ($s)"
for i in $(seq 20); do zv_ctl show cdrs demo 1 | grep -q 'PCMA/8000>PCMU/8000' && break; sleep 0.1; done
zv_assert_match 'PCMA/8000>PCMU/8000' "$(zv_ctl show cdrs demo 1)" "the call was transcoded"

# --- in-band: a PCMA caller without telephone-event plays tones 1 5 9 #, PCMU callee ---
python3 "$ZV_ROOT/tests/integration/tone_pcap.py" '159#' "$ZV_DIR/tones.pcap"
callee tones PCMU/8000/0 100
caller tones call_uac_tones 1500
zv_assert_eq 0 "$?" "the caller's call with tones completes"
wait "$CALLEE_PID"; zv_assert_eq 0 "$?" "the callee got the BYE"
heard=$(grep -o "DTMF '.' 0ms from caller (tone)" "$ZV_LOG" | cut -d"'" -f2 | tr -d '\n')
zv_assert_eq '159#' "$heard" "the relay heard the tones 1 5 9 # in the caller's audio, once each"
offer=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["invite"])' "$ZV_DIR/callee-tones.json")
zv_assert_match 'm=audio [0-9]+ RTP/AVP 8 .*101' "$offer" "the callee is offered telephone-event the caller lacks"
zv_assert_match 'a=rtpmap:101 telephone-event/8000' "$offer" "with its rtpmap"
zv_assert_match 'a=fmtp:101 0-16' "$offer" "and its events 0-16"
s=$(summary tones 100)
zv_assert_match '^events=0 .*other=\[0\] info=\[\]$' "$s" "the tones reach the callee as audio only ($s)"
zv_done
