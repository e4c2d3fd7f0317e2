#!/usr/bin/env bash
# Attended transfer (RFC 5589) and INVITE with Replaces (RFC 3891) through the B2BUA.
# 1. A sipp caller (200) calls 201 (sip_phone.py transfer): 201 answers, holds the caller, calls
#    202 (rtp_uas.py) through zvonar, then REFERs the held call to 202 with Replaces naming the
#    second call. zvonar re-INVITEs 202 onto the first call's relay, NOTIFYs 200 and hangs up
#    both of 201's dialogs; 202 hears the caller's capture; the caller's BYE reaches 202.
# 2. A sipp caller calls 201 (sip_phone.py answer), then 202 (sipp) sends an INVITE with Replaces
#    naming 201's dialog: 202 takes 201's place, 201 gets a BYE, the caller's BYE reaches 202.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }
[ -r /usr/share/sip-tester/g711a.pcap ] || { zv_fail "/usr/share/sip-tester/g711a.pcap missing"; zv_done; }

zv_start -o demo=yes -o rtp_port_min=36000 -o rtp_port_max=36999 -o media_threads=1 \
	-o reg_keepalive=0 || zv_done
cp /usr/share/sip-tester/g711a.pcap "$ZV_DIR/"
for e in 200 201 202; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAC_PORT=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
P1=$(zv_free_port)
M1=$(zv_free_media_port)
P2=$(zv_free_port)
M2=$(zv_free_media_port)
SC=$ZV_ROOT/tests/sipp
TI=$ZV_ROOT/tests/integration

reg() # EXT PORT
{
	(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/register_ok.xml" \
		-s "$1" -au "$1" -ap "pw-$1-secret" -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$2" \
		>>"$ZV_DIR/sipp-reg.out" 2>&1)
}
uac() # NAME HOLD_MS: the caller 200 calling 201, in the background (pid in UAC_PID)
{
	(cd "$ZV_DIR" && exec timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/call_uac.xml" -s 201 \
		-key caller 200 -au 200 -ap pw-200-secret -d "$2" -m 1 -nostdin -timeout 30s \
		-i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" -trace_err -error_file "$ZV_DIR/uac-$1.err" \
		>"$ZV_DIR/uac-$1.out" 2>&1) &
	UAC_PID=$!
}
cdrs() { zv_ctl show cdrs demo 5; }
# the SSRC of the capture the caller plays (the relay passes it through unchanged)
SSRC=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(); print(struct.unpack(">I", d[24+16+42+8:24+16+42+12])[0])' \
	/usr/share/sip-tester/g711a.pcap)

zv_assert_status 0 "201 registers" -- reg 201 "$P1"
zv_assert_status 0 "202 registers" -- reg 202 "$P2"

# --- 1. attended transfer: REFER with Replaces ---
python3 "$TI/rtp_uas.py" --sip-port "$P2" --media-port "$M2" --codec PCMA/8000/8 \
	--out "$ZV_DIR/target.json" --timeout 40 >"$ZV_DIR/target.out" 2>&1 &
TARGET_PID=$!
python3 "$TI/sip_phone.py" transfer --sip-port "$P1" --server-port "$ZV_PORT" --media-port "$M1" \
	--user 201 --password pw-201-secret --target 202 --talk 0.6 --out "$ZV_DIR/xferor.json" \
	--timeout 30 >"$ZV_DIR/xferor.out" 2>&1 &
XFEROR_PID=$!
sleep 0.5
uac xfer 5000
wait "$XFEROR_PID"; zv_assert_eq 0 "$?" "the transferor held, consulted, referred and got both BYEs"
X=$(cat "$ZV_DIR/xferor.json")
zv_log "transferor: $X"
zv_assert_match '"hold": 200' "$X" "the hold re-INVITE was answered"
zv_assert_match '"refer": 202' "$X" "the REFER with Replaces was accepted (202)"
zv_assert_match '"notify": \["SIP/2.0 100 Trying", "SIP/2.0 200 OK"\]' "$X" "NOTIFY 100, then 200"
wait "$UAC_PID"; zv_assert_eq 0 "$?" "the caller's call went on to its own BYE"
wait "$TARGET_PID"; zv_assert_eq 0 "$?" "the target got the caller's BYE"
zv_assert_match 'attended transfer, 202 joined' "$(cat "$ZV_LOG")" "the join is logged"
heard=$(python3 - "$ZV_DIR/target.json" "$SSRC" <<'PY'
import json, sys
seen = json.load(open(sys.argv[1]))
rtp = [p for p in seen["rtp"] if p[4] == int(sys.argv[2]) and p[0] == 8]
invites = seen["invite"]
print("from_caller=%d" % len(rtp))
PY
)
zv_log "target: $heard"
zv_assert_match '^from_caller=([5-9][0-9]|[1-9][0-9]{2,})$' "$heard" \
	"the target received the caller's capture (50 packets or more, its SSRC, PCMA)"
for i in $(seq 20); do [ "$(cdrs | grep -c 'ANSWERED')" -ge 2 ] && break; sleep 0.1; done
zv_assert_match ' 201 +-> 202 +ANSWERED .*attended transfer +caller' "$(cdrs)" \
	"the consultation call's CDR: 201 -> 202, ended by the transfer"
zv_assert_match ' 200 +-> 202 +ANSWERED .*normal clearing +caller +PCMA/8000' "$(cdrs)" \
	"the transferred call's CDR: the caller with the target as callee"
zv_assert_eq 0 "$(zv_ctl show calls | grep -c answered)" "no call is left"

# --- 2. INVITE with Replaces from a phone of ours ---
python3 "$TI/sip_phone.py" answer --sip-port "$P1" --server-port "$ZV_PORT" --media-port "$M1" \
	--user 201 --dialog "$ZV_DIR/dialog.json" --out "$ZV_DIR/replaced.json" --timeout 30 \
	>"$ZV_DIR/replaced.out" 2>&1 &
REPLACED_PID=$!
sleep 0.5
uac replaces 4000
for i in $(seq 50); do [ -s "$ZV_DIR/dialog.json" ] && break; sleep 0.1; done
R=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%s;to-tag=%s;from-tag=%s" % (d["call_id"], d["remote_tag"], d["local_tag"]))' \
	"$ZV_DIR/dialog.json")
zv_log "Replaces: $R"
(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/call_uac_replaces.xml" -s 201 \
	-key caller 202 -key replaces "$R" -au 202 -ap pw-202-secret -m 1 -nostdin -timeout 30s \
	-i 127.0.0.1 -p "$P2" -mp "$M2" -rtp_echo -trace_err -error_file "$ZV_DIR/replacer.err" \
	>"$ZV_DIR/replacer.out" 2>&1) &
REPLACER_PID=$!
wait "$REPLACED_PID"; zv_assert_eq 0 "$?" "the replaced phone got a BYE"
zv_assert_match '202 replaces the callee' "$(cat "$ZV_LOG")" "the replacement is logged"
for i in $(seq 30); do zv_ctl show calls | grep -Eq -- '-> 202 .* b:[0-9]+ pt 8 rx [1-9][0-9]+' && break; sleep 0.1; done
zv_assert_match '200 +-> 202 .* b:[0-9]+ pt 8 rx [1-9][0-9]+ ' "$(zv_ctl show calls)" \
	"the caller's audio comes back from the new party (it echoes), on the replaced side"
wait "$UAC_PID"; zv_assert_eq 0 "$?" "the caller's call went on to its own BYE"
wait "$REPLACER_PID"; zv_assert_eq 0 "$?" "the new party got the caller's BYE"
for i in $(seq 20); do cdrs | head -n 1 | grep -q '200 .*-> 202' && break; sleep 0.1; done
zv_assert_match ' 200 +-> 202 +ANSWERED .*normal clearing +caller' "$(cdrs | head -n 1)" \
	"one CDR for the call, with the new party as callee"
R2="bogus@127.0.0.1;to-tag=x;from-tag=y"
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/call_uac_replaces.xml" -s 201 \
	-key caller 202 -key replaces "$R2" -au 202 -ap pw-202-secret -m 1 -nostdin -timeout 10s \
	-i 127.0.0.1 -p "$P2" -mp "$M2" >"$ZV_DIR/replacer2.out" 2>&1)
zv_assert_match '481' "$(cat "$ZV_DIR/replacer2.out")" "Replaces naming no dialog of ours: 481"
zv_done
