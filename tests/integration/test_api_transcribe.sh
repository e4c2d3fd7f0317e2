#!/usr/bin/env bash
# Recordings transcribed through the API: a stereo WAV made here (espeak-ng English words on
# each channel, at times we chose) is uploaded with curl, transcribed by pocketsphinx
# offline channel by channel into a dialogue (speaker = channel, times per utterance), and
# counted in the usage ledger; the same audio as Ogg; what is not audio, empty, silent, too
# big or in a language the offline backend lacks is refused or fails clearly.
. "$(dirname "$0")/lib.sh"

command -v sox >/dev/null || { zv_fail "sox not installed (apt-get install sox)"; zv_done; }
ZV=$ZV_BUILD/zvonar
W=$(mktemp -d /tmp/zvtx.XXXXXX)
ZV_DIRS+=("$W")

# --- the recording: channel 1 speaks at 0.5 s and 5.5 s, channel 2 at 3.0 s ---
"$ZV" speech say -o "$W/a.wav" -l en-us -f -r 16000 -w 130 "one two three" >/dev/null &&
	"$ZV" speech say -o "$W/b.wav" -l en-us -f -r 16000 -w 130 "thank you" >/dev/null &&
	"$ZV" speech say -o "$W/c.wav" -l en-us -f -r 16000 -w 130 "yes" >/dev/null ||
	zv_fail "espeak-ng made the words"
python3 - "$W" <<'PY' || zv_fail "the stereo WAV was made"
import struct, sys, wave
d = sys.argv[1]
def pcm(name):
    with wave.open("%s/%s.wav" % (d, name)) as w:
        return list(struct.unpack("<%dh" % w.getnframes(), w.readframes(w.getnframes())))
rate, n = 16000, 16000 * 8
ch = [[0] * n, [0] * n]
spans = []
for c, at, name in ((0, 0.5, "a"), (1, 3.0, "b"), (0, 5.5, "c")):
    s = pcm(name)
    ch[c][int(at * rate):int(at * rate) + len(s)] = s
    ch[c] = ch[c][:n]
    spans.append("%d %.2f %.2f" % (c, at, at + len(s) / rate))
with wave.open(d + "/call.wav", "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<hh", ch[0][i], ch[1][i]) for i in range(n)))
with wave.open(d + "/silent.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(b"\0\0" * 16000)
open(d + "/spans", "w").write("\n".join(spans) + "\n")
PY
sox "$W/call.wav" "$W/call.ogg" || zv_fail "sox made the Ogg file"
head -c 3000000 /dev/urandom >"$W/big.bin"

zv_start -o reg_keepalive=0 -o media_threads=1 -o http_max_upload=2000000 || zv_done
API=http://127.0.0.1:$ZV_HTTP
OP_PW=$(grep -o 'login admin  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
COOKIE=$(curl -s -D - -o /dev/null -X POST "$API/api/v1/auth/login" \
	--data-binary "{\"login\":\"admin\",\"password\":\"$OP_PW\"}" |
	sed -n 's/^Set-Cookie: zv_session=\([^;]*\);.*/\1/p')
OP=$(curl -s -b "zv_session=$COOKIE" -X POST "$API/api/v1/tokens" --data-binary '{"name":"op"}' |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
TID=$(curl -s -H "Authorization: Bearer $OP" -X POST "$API/api/v1/tenants" \
	--data-binary '{"name":"acme","domain":"acme.example"}' | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
zv_assert_match '^[0-9]+$' "$TID" "tenant acme created"
curl -s -o /dev/null -H "Authorization: Bearer $OP" -X POST "$API/api/v1/users?tenant_id=$TID" \
	--data-binary '{"login":"admin@acme","role":"admin","password":"a long enough password 1"}'
COOKIE=$(curl -s -D - -o /dev/null -X POST "$API/api/v1/auth/login" \
	--data-binary '{"login":"admin@acme","password":"a long enough password 1"}' |
	sed -n 's/^Set-Cookie: zv_session=\([^;]*\);.*/\1/p')
T=$(curl -s -b "zv_session=$COOKIE" -X POST "$API/api/v1/tokens" --data-binary '{"name":"crm"}' |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
zv_assert_match '^zvt_' "$T" "the tenant admin has a token"

json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# upload FILE QUERY: the reply body, then a line with the HTTP status
upload() {
	curl -s -w '\n%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: audio/wav' \
		--data-binary @"$1" "$API/api/v1/transcriptions$2"
}
# wait_job ID: the job's JSON once it has ended
wait_job() {
	local j st
	for i in $(seq 1200); do
		j=$(curl -s -H "Authorization: Bearer $T" "$API/api/v1/jobs/$1")
		st=$(printf '%s' "$j" | json 'd["status"]')
		case "$st" in done|failed|cancelled) break ;; esac
		sleep 0.1
	done
	printf '%s' "$j"
}

R=$(upload "$W/call.wav" '?speakers=agent,customer')
zv_assert_eq 202 "$(printf '%s' "$R" | tail -n 1)" "a stereo WAV is accepted: 202"
JID=$(printf '%s' "$R" | head -n 1 | json 'd["id"]')
zv_assert_eq transcribe "$(printf '%s' "$R" | head -n 1 | json 'd["kind"]')" "as a transcribe job"
J=$(wait_job "$JID")
zv_assert_eq done "$(printf '%s' "$J" | json 'd["status"]')" "the transcription is done: $(printf '%s' "$J" | json 'd["error"]')"
printf '%s' "$J" | json 'd["result"]["text"]' | sed 's/^/# /'
zv_assert_eq "2 wav agent,customer" \
	"$(printf '%s' "$J" | json '"%d %s %s" % (d["result"]["channels"], d["result"]["format"], ",".join(d["result"]["speakers"]))')" \
	"two channels of a WAV, named by ?speakers="
zv_assert_eq "agent: one two three|customer: thank you|agent: yes" \
	"$(printf '%s' "$J" | json '"|".join("%s: %s" % (u["speaker"], u["text"]) for u in d["result"]["utterances"])')" \
	"the dialogue in time order, each utterance under its channel's speaker"
# every utterance lies within the span where the test put that channel's words (+-0.3 s)
zv_assert_eq "ok ok ok" "$(printf '%s' "$J" | python3 -c '
import json, sys
spans = [l.split() for l in open(sys.argv[1])]
spans.sort(key=lambda s: float(s[1]))
u = json.load(sys.stdin)["result"]["utterances"]
print(" ".join("ok" if int(s[0]) == x["channel"] and float(s[1]) - 0.3 <= x["start"] < x["end"] <= float(s[2]) + 0.3
               else "%s vs %s-%s" % (x, s[1], s[2]) for s, x in zip(spans, u)))' "$W/spans")" \
	"each utterance's start and end fall where its words were put"
zv_assert_match '^[2-6]\.' "$(printf '%s' "$J" | json 'd["result"]["recognized_seconds"]')" \
	"only the speech was recognised: 2 to 7 s of the 16 channel-seconds"

R=$(upload "$W/call.ogg" '')
zv_assert_eq 202 "$(printf '%s' "$R" | tail -n 1)" "the same call as Ogg Vorbis is accepted"
J=$(wait_job "$(printf '%s' "$R" | head -n 1 | json 'd["id"]')")
zv_assert_eq "done ogg channel 1,channel 2" \
	"$(printf '%s' "$J" | json '"%s %s %s" % (d["status"], (d["result"] or {}).get("format"), ",".join(sorted({u["speaker"] for u in (d["result"] or {}).get("utterances", [])})))')" \
	"the Ogg file is transcribed too, speakers named by channel"

U=$(curl -s -H "Authorization: Bearer $T" "$API/api/v1/usage?period=day")
zv_assert_eq "2 offline" "$(printf '%s' "$U" | json '" ".join(str(x) for i in d["items"] if i["op"] == "transcribe" for x in (i["jobs"], i["backend"]))')" \
	"the usage ledger has both transcriptions"
zv_assert_match '^([4-9]|1[0-4])\.' "$(printf '%s' "$U" | json 'sum(i["recognized_seconds"] for i in d["items"] if i["op"] == "transcribe")')" \
	"with their recognised seconds"

# --- refusals at the door ---
printf 'this is not audio at all, just some text\n' >"$W/text.txt"
R=$(upload "$W/text.txt" '')
zv_assert_eq 400 "$(printf '%s' "$R" | tail -n 1)" "a text body is refused: 400"
zv_assert_match '"code":"not_audio".*not an audio file' "$(printf '%s' "$R" | head -n 1)" "saying it is not audio"
zv_assert_eq 400 "$(printf '' | curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" \
	--data-binary @- "$API/api/v1/transcriptions")" "an empty body is refused: 400"
zv_assert_eq 413 "$(upload "$W/big.bin" '' | tail -n 1)" "an upload over http_max_upload is refused: 413"
zv_assert_eq 413 "$(head -c 1200000 /dev/zero | tr '\0' a | sed 's/^/{"text":"/; s/$/"}/' |
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" --data-binary @- \
	"$API/api/v1/texts/summary")" "other routes keep http_max_body: 413"
zv_assert_eq 400 "$(upload "$W/call.wav" '?speakers=a,b,c' | tail -n 1)" "three speakers for two channels: 400"
zv_assert_eq 400 "$(upload "$W/call.wav" '?colour=red' | tail -n 1)" "an unknown parameter: 400"
zv_assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$W/call.wav" \
	"$API/api/v1/transcriptions")" "without a token: 401"

# --- failures of the job, each with its reason ---
J=$(wait_job "$(upload "$W/silent.wav" '' | head -n 1 | json 'd["id"]')")
zv_assert_eq "failed|no speech found in the recording" "$(printf '%s' "$J" | json 'd["status"] + "|" + d["error"]')" \
	"a silent recording fails: no speech"
J=$(wait_job "$(upload "$W/call.wav" '?language=ru' | head -n 1 | json 'd["id"]')")
zv_assert_match "^failed\|.*English only" "$(printf '%s' "$J" | json 'd["status"] + "|" + d["error"]')" \
	"Russian with the offline backend fails naming the reason"
ls "$ZV_DIR"/spool/jobs/*.part.wav >/dev/null 2>&1 && zv_fail "utterance files left in the spool"
zv_check_log
zv_done
