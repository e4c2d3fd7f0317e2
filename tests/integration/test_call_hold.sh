#!/usr/bin/env bash
# Music on hold: a sipp caller holds the call (re-INVITE a=sendonly) for 2.5 s while still
# sending its capture, then resumes. The Python callee records its RTP: the caller's stream,
# then music from the relay (an SSRC of its own, marked, sequence numbers and timestamps going
# on, audible), none of the caller's packets meanwhile, then the caller's stream again, marked.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }
[ -r /usr/share/sip-tester/g711a.pcap ] || { zv_fail "/usr/share/sip-tester/g711a.pcap missing"; zv_done; }
[ -r "$ZV_ROOT/sounds/moh/default.wav" ] || { zv_fail "sounds/moh/default.wav missing"; zv_done; }

zv_start -o demo=yes -o rtp_port_min=34000 -o rtp_port_max=34999 -o media_threads=1 -o reg_keepalive=0 \
	-o moh_file="$ZV_ROOT/sounds/moh/default.wav" || zv_done
cp /usr/share/sip-tester/g711a.pcap "$ZV_DIR/"
for e in 200 201; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
UAC_PORT=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
P1=$(zv_free_port)
M1=$(zv_free_media_port)

(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/register_ok.xml" \
	-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$P1" \
	>>"$ZV_DIR/sipp-reg.out" 2>&1)
zv_assert_eq 0 "$?" "201 registers from the callee's port"
zv_assert_match 'music on hold: .*default.wav \(13\.2 s\)' "$(cat "$ZV_LOG")" "the node loaded the shipped music"

python3 "$ZV_ROOT/tests/integration/rtp_uas.py" --sip-port "$P1" --media-port "$M1" \
	--codec PCMA/8000/8 --out "$ZV_DIR/callee.json" --timeout 40 >"$ZV_DIR/callee.out" 2>&1 &
CALLEE_PID=$!
sleep 0.5
(cd "$ZV_DIR" && timeout 60 sipp "127.0.0.1:$ZV_PORT" -sf "$ZV_ROOT/tests/sipp/call_uac_moh.xml" -s 201 \
	-key caller 200 -au 200 -ap pw-200-secret -d 1500 -m 1 -nostdin -timeout 30s \
	-i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" -trace_err -error_file "$ZV_DIR/uac.err" \
	>"$ZV_DIR/uac.out" 2>&1)
zv_assert_eq 0 "$?" "hold and resume are answered and the call completes"
wait "$CALLEE_PID"; zv_assert_eq 0 "$?" "the callee got the BYE"
zv_assert_match 'caller holds the call, music on for the callee' "$(cat "$ZV_LOG")" "the hold started the music"
zv_assert_match 'caller resumes the call, music off for the callee' "$(cat "$ZV_LOG")" "the resume stopped it"

# The runs of one SSRC the callee got, in order: count, marker on the first, sequence and
# timestamp steps inside it and from the run before, and the RMS of its A-law audio.
runs=$(python3 - "$ZV_DIR/callee.json" "$ZV_ROOT/tests/integration" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2])
import alaw
rtp = [p for p in json.load(open(sys.argv[1]))["rtp"] if p[0] == 8]
runs = []
for p in rtp:
    if not runs or runs[-1][-1][4] != p[4]:
        runs.append([])
    runs[-1].append(p)
out = []
for i, r in enumerate(runs):
    seq_ok = all((q[2] - o[2]) % 65536 == 1 for o, q in zip(r, r[1:]))
    join = (r[0][2] - runs[i - 1][-1][2]) % 65536 if i else 0
    pcm = alaw.decode(bytes.fromhex("".join(q[6] for q in r)))
    out.append("run%d n=%d mark=%s seq_ok=%s join=%d ts=%s rms=%d" % (
        i, len(r), r[0][1], seq_ok, join,
        "160" if all((q[3] - o[3]) % 2**32 == 160 for o, q in zip(r, r[1:])) else "other",
        alaw.rms(pcm)))
print(" | ".join(out))
PY
)
zv_log "$runs"
zv_assert_match '^run0 n=[0-9]+ mark=True .* \| run1 n=[0-9]+ mark=True seq_ok=True join=1 ts=160 rms=[0-9]+ \| run2 n=[0-9]+ mark=True seq_ok=True join=1 ' \
	"$runs" "three streams: the caller's, music (marked, sequence going on), the caller's again (marked)"
zv_assert_match '^run0 .* \| run1 n=(1[0-9][0-9]|[2-9][0-9][0-9]) ' "$runs" "music for the whole hold (2.5 s: 100 packets or more)"
zv_assert_match '\| run1 [^|]* rms=([5-9][0-9][0-9]|[0-9]{4,}) \|' "$runs" "the music is audible"
zv_assert_match '^run0 n=[0-9]+ mark=True [^|]* \| run1 [^|]* \| run2 n=[0-9]+ mark=True [^|]*$' "$runs" \
	"none of the caller's packets reached the callee during the hold"
zv_done
