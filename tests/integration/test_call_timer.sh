#!/usr/bin/env bash
# Session timers (RFC 4028) on the caller's leg, with session_min_se 4 so that a test lasts
# seconds: a Session-Expires under it gets 422 with Min-SE; the caller that refreshes once and
# then stops is hung up with BYE to both sides (CDR cause "session timer expired"); a caller
# leaving the refresh to us gets UPDATEs, and one without UPDATE or timer support re-INVITEs.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }

zv_start -o demo=yes -o rtp_port_min=37000 -o rtp_port_max=37999 -o media_threads=1 \
	-o reg_keepalive=0 -o rtp_timeout=0 -o session_min_se=4 || zv_done
for e in 200 201; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAC_PORT=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
P1=$(zv_free_port)
M1=$(zv_free_media_port)
SC=$ZV_ROOT/tests/sipp

(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/register_ok.xml" -s 201 -au 201 \
	-ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" >>"$ZV_DIR/sipp-reg.out" 2>&1)
zv_assert_eq 0 "$?" "201 registers"
uas() # NAME: the callee answers and waits for a BYE, in the background
{
	(cd "$ZV_DIR" && exec timeout 60 sipp -sn uas -i 127.0.0.1 -p "$P1" -mp "$M1" -m 1 -nostdin \
		-timeout 40s -trace_err -error_file "$ZV_DIR/uas-$1.err" >"$ZV_DIR/uas-$1.out" 2>&1) &
	UAS_PID=$!
	sleep 0.4
}
uac() # NAME SCENARIO [options]: the caller 200 calling 201
{
	local name=$1 sc=$2
	shift 2
	(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/$sc.xml" -s 201 -key caller 200 \
		-au 200 -ap pw-200-secret -m 1 -nostdin -timeout 30s -i 127.0.0.1 -p "$UAC_PORT" \
		-mp "$UAC_MP" -trace_err -error_file "$ZV_DIR/uac-$name.err" "$@" \
		>"$ZV_DIR/uac-$name.out" 2>&1)
}
cdr_has() # REGEX WHAT: the newest CDR matches, within 2 s
{
	local i
	for i in $(seq 20); do zv_ctl show cdrs demo 1 | grep -Eq -- "$1" && break; sleep 0.1; done
	zv_assert_match "$1" "$(zv_ctl show cdrs demo 1)" "$2"
}

# --- too short, then the caller refreshes once and goes silent ---
uas expire
zv_assert_status 0 "422 with Min-SE 4, the call with 4 s refreshed once by UPDATE, then our BYE" -- \
	uac expire call_uac_timer -key short 2 -d 1000
wait "$UAS_PID"; zv_assert_eq 0 "$?" "the callee got the BYE too"
zv_assert_match 'Session-Expires 2 under our Min-SE 4: 422' "$(cat "$ZV_LOG")" "the 422 is logged"
zv_assert_match 'session timer 4s, refreshed by the caller' "$(cat "$ZV_LOG")" "the negotiation is logged"
zv_assert_match 'session timer expired, hanging up' "$(cat "$ZV_LOG")" "the missing refresh is logged"
cdr_has ' 200 +-> 201 +ANSWERED .*session timer expired +system' "the CDR says why the call ended"
zv_assert_eq 1 "$(zv_ctl show cdrs demo 10 | grep -c ' 200 ')" "the refused INVITE left no CDR"

# --- we refresh with UPDATE ---
uas update
zv_assert_status 0 "refresher=uas: two UPDATEs with Session-Expires from us, then the caller's BYE" -- \
	uac update call_uac_timer_uas -key se 4
wait "$UAS_PID"; zv_assert_eq 0 "$?" "the callee's call ended with the caller's BYE"
cdr_has ' 200 +-> 201 +ANSWERED .*normal clearing +caller' "the refreshed call ended normally"

# --- we refresh with a re-INVITE ---
uas reinvite
zv_assert_status 0 "no timer support, no UPDATE: a re-INVITE with our SDP refreshes, then BYE" -- \
	uac reinvite call_uac_timer_reinvite -key se 4
wait "$UAS_PID"; zv_assert_eq 0 "$?" "the callee's call ended with the caller's BYE"
cdr_has ' 200 +-> 201 +ANSWERED .*normal clearing +caller' "the re-INVITE-refreshed call ended normally"

# --- a malformed Session-Expires is refused ---
uac bad call_uac_timer -key short x -d 100
zv_assert_match '400' "$(cat "$ZV_DIR/uac-bad.out" "$ZV_DIR/uac-bad.err" 2>/dev/null)" "Session-Expires: x gets 400"
zv_done
