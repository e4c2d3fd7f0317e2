#!/usr/bin/env bash
# Call pickup: 200 calls 201, whose sipp phone only rings; 202 dials *8 (any call ringing in
# the tenant) and answers it in 201's place: 201's phone is cancelled, the caller (A-law,
# 1000 Hz) and the picker (A-law, 700 Hz; both Python phones) hear each other, and the
# picker's hang-up ends the call with one ANSWERED CDR. **201 picks up the call ringing 201
# only; *8 with nothing ringing gets 480.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SC=$ZV_ROOT/tests/sipp
zv_start -o demo=yes -o rtp_port_min=37000 -o rtp_port_max=37999 -o media_threads=1 \
	-o reg_keepalive=0 || zv_done
for e in 200 201 202; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
P1=$(zv_free_port); M1=$(zv_free_media_port)
A_SIP=$(zv_free_port); A_RTP=$(zv_free_media_port)
B_SIP=$(zv_free_port); B_RTP=$(zv_free_media_port)
(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/register_ok.xml" -s 201 -au 201 \
	-ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" >>"$ZV_DIR/sipp-reg.out" 2>&1)
zv_assert_eq 0 "$?" "201 registers"

phone() # NAME USER TO TONE DURATION
{
	local sip=$A_SIP rtp=$A_RTP
	[ "$2" = 202 ] && { sip=$B_SIP; rtp=$B_RTP; }
	python3 "$HERE/rtp_uac.py" --server "127.0.0.1:$ZV_PORT" --user "$2" --password "pw-$2-secret" \
		--to "$3" --sip-port "$sip" --media-port "$rtp" --tone "$4" --duration "$5" \
		--out "$ZV_DIR/$1.json" >"$ZV_DIR/$1.out" 2>&1
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$ZV_DIR/$1.json" "$2"; }
heard() { python3 "$ZV_ROOT/tests/audio/tone_seq.py" "$ZV_DIR/$1.json" 700 1000; }

pickup() # NAME CODE
{
	(cd "$ZV_DIR" && exec timeout 40 sipp -sf "$SC/uas_ring.xml" -p "$P1" -mp "$M1" -i 127.0.0.1 \
		-m 1 -nostdin -timeout 35s >"$ZV_DIR/ring-$1.out" 2>&1) &
	local ring=$!
	sleep 0.3
	phone "caller-$1" 200 201 1000 20 &
	local caller=$!
	sleep 1.5
	phone "picker-$1" 202 "$2" 700 4
	wait "$caller"
	wait "$ring"
	RING_RC=$?
}

pickup group '*8'
zv_assert_eq 200 "$(field picker-group status)" "202's *8 is answered"
zv_assert_eq 200 "$(field caller-group status)" "the caller's call is answered by the picker"
zv_assert_eq 0 "$RING_RC" "201's ringing phone was cancelled"
zv_assert_match '^700$' "$(heard caller-group)" "the caller hears the picker"
zv_assert_match '^1000$' "$(heard picker-group)" "the picker hears the caller"
zv_assert_eq True "$(field caller-group bye_from_peer)" "the picker's hang-up ends the call"

pickup directed '**201'
zv_assert_eq 200 "$(field caller-directed status)" "**201 picks up the call ringing 201"
zv_assert_match '^700$' "$(heard caller-directed)" "and the caller hears the picker"

phone none 202 '*8' 700 1
zv_assert_eq 480 "$(field none status)" "*8 with nothing ringing: 480"
for i in $(seq 20); do [ "$(zv_ctl show cdrs demo 3 | grep -c ANSWERED)" -ge 2 ] && break; sleep 0.2; done
zv_assert_eq 2 "$(zv_ctl show cdrs demo 3 | grep -c ' 200 *-> 201 *ANSWERED')" "one answered CDR per picked up call"
zv_check_log
zv_done
