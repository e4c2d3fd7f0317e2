#!/usr/bin/env bash
# Audio end to end between two real softphones through zvonar, transcoded: baresip 200 speaks
# a 1000 Hz tone in Opus only, baresip 201 (auto answer) a 300 Hz tone in G.711 A-law only.
# zvonar negotiates each side its own codec and converts in the relay. Each phone records what
# it hears (sndfile): 201 must hear 1000 Hz and 200 must hear 300 Hz, each tone carrying
# nearly all of the recording's power, and neither hears its own.
. "$(dirname "$0")/lib.sh"

zv_phones_check opus g711 || zv_done

zv_start -o demo=yes -o reg_keepalive=0 -o rtp_port_min=27000 -o rtp_port_max=27999 \
	-o media_threads=1 || zv_done
for e in 200 201; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done


# The callee lives until the caller has hung up (it is stopped below); a slow start on a busy
# machine must not cut its call short, so it gets a long safety net and up to 20 s to register.
LIFE=60 zv_phone callee 201 g711.so 300 26500-26999
CALLEE=${PHONES[0]}
zv_phone_registered callee 201 || zv_done
zv_phone caller 200 opus.so 1000 26000-26499 -e "/dial sip:201@127.0.0.1:$ZV_PORT"
calls=
for i in $(seq 50); do
	calls=$(zv_ctl show calls)
	echo "$calls" | grep -q answered && break
	sleep 0.1
done
sleep 4
calls=$(zv_ctl show calls)
zv_assert_match ' answered +200 +-> 201 .*opus/48000>PCMA/8000' "$calls" \
	"the call is up with Opus on the caller's side and A-law on the callee's"
zv_assert_match 'a:[0-9]+ pt [0-9]+ rx [1-9][0-9]{2,} tx [1-9][0-9]{2,} .* b:[0-9]+ pt 8 rx [1-9][0-9]{2,} tx [1-9][0-9]{2,}' \
	"$calls" "hundreds of packets relayed each way"
wait "${PHONES[1]}" # the caller ends at -t 14 and hangs up
for i in $(seq 50); do grep -qi 'terminated\|closed' "$ZV_DIR/callee/out.txt" && break; sleep 0.1; done
kill "$CALLEE" 2>/dev/null
wait "$CALLEE"
hear() { python3 "$ZV_ROOT/tests/audio/tone.py" "$ZV_DIR"/$1/dump-*-dec.wav "$2" 2>&1 | awk '{print $4}'; }
ratio_ok() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) $2 else 1)" "${1:-0}"; }
r=$(hear callee 1000)
ratio_ok "$r" ">= 0.9" && zv_ok "the callee hears the caller's 1000 Hz ($r of the power)" ||
	zv_fail "the callee's recording has $r of its power at 1000 Hz"
r=$(hear caller 300)
ratio_ok "$r" ">= 0.9" && zv_ok "the caller hears the callee's 300 Hz ($r of the power)" ||
	zv_fail "the caller's recording has $r of its power at 300 Hz"
r=$(hear callee 300)
ratio_ok "$r" "< 0.05" && zv_ok "the callee does not hear itself ($r at 300 Hz)" ||
	zv_fail "the callee hears its own tone: $r of the power at 300 Hz"
for i in $(seq 30); do zv_ctl show cdrs demo 1 | grep -q ANSWERED && break; sleep 0.2; done
zv_assert_match ' 200 +-> 201 +ANSWERED .*opus/48000>PCMA/8000' "$(zv_ctl show cdrs demo 1)" \
	"the CDR records both codecs"
zv_done
