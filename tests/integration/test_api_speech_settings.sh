#!/usr/bin/env bash
# Per-tenant speech settings through the API (GET/PATCH /api/v1/speech/settings) and the jobs
# that use them: a tenant switched to Yandex SpeechKit (a fake started here, which checks
# every request's shape) for TTS and transcription and to an OpenAI-compatible LLM (a mock)
# with its own prompt template for summaries, while another tenant stays offline; keys are
# never shown; bad values are refused; a failing backend fails the job with its reason.
. "$(dirname "$0")/lib.sh"

M=$(mktemp -d /tmp/zvset.XXXXXX)
ZV_DIRS+=("$M")
python3 "$ZV_ROOT/tests/unit/speech/yandex_mock.py" "$M/ya.log" AQVNsecret b1gacme >"$M/ya.port" &
YA_PID=$!
python3 "$ZV_ROOT/tests/unit/speech/openai_mock.py" "$M/oa.log" >"$M/oa.port" &
OA_PID=$!
for _ in $(seq 50); do [ -s "$M/ya.port" ] && [ -s "$M/oa.port" ] && break; sleep 0.1; done
YA=http://127.0.0.1:$(cat "$M/ya.port")
OA=http://127.0.0.1:$(cat "$M/oa.port")

zv_start -o reg_keepalive=0 -o media_threads=1 || zv_done
API=http://127.0.0.1:$ZV_HTTP
OP_PW=$(grep -o 'login admin  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
login() {
	curl -s -D - -o /dev/null -X POST "$API/api/v1/auth/login" --data-binary "{\"login\":\"$1\",\"password\":\"$2\"}" |
		sed -n 's/^Set-Cookie: zv_session=\([^;]*\);.*/\1/p'
}
token() {
	curl -s -b "zv_session=$(login "$1" "$2")" -X POST "$API/api/v1/tokens" --data-binary '{"name":"t"}' |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
OP=$(token admin "$OP_PW")
PW='a long enough password 1'
for t in acme beta; do
	id=$(curl -s -H "Authorization: Bearer $OP" -X POST "$API/api/v1/tenants" \
		--data-binary "{\"name\":\"$t\",\"domain\":\"$t.example\"}" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
	curl -s -o /dev/null -H "Authorization: Bearer $OP" -X POST "$API/api/v1/users?tenant_id=$id" \
		--data-binary "{\"login\":\"admin@$t\",\"role\":\"admin\",\"password\":\"$PW\"}"
done
curl -s -o /dev/null -H "Authorization: Bearer $OP" -X POST "$API/api/v1/users?tenant_id=1" \
	--data-binary "{\"login\":\"agent@acme\",\"role\":\"agent\",\"password\":\"$PW\"}"
A=$(token admin@acme "$PW")
B=$(token admin@beta "$PW")
AG=$(token agent@acme "$PW")
zv_assert_match '^zvt_' "$A" "acme's admin has a token"

json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
call() { # METHOD PATH TOKEN [BODY]: the body, then a line with the status
	curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $3" ${4:+--data-binary "$4"} "$API$2"
}
wait_job() {
	local j st
	for i in $(seq 600); do
		j=$(curl -s -H "Authorization: Bearer $2" "$API/api/v1/jobs/$1")
		st=$(printf '%s' "$j" | json 'd["status"]')
		case "$st" in done|failed|cancelled) break ;; esac
		sleep 0.1
	done
	printf '%s' "$j"
}
job() { # PATH TOKEN BODY_ARGS...: the finished job's JSON
	local p=$1 t=$2
	shift 2
	wait_job "$(curl -s -H "Authorization: Bearer $t" "$@" "$API$p" | json 'd["id"]')" "$t"
}

R=$(call GET /api/v1/speech/settings "$A")
zv_assert_eq "200 offline offline offline False" \
	"$(printf '%s' "$R" | tail -n 1) $(printf '%s' "$R" | head -n 1 | json 'd["tts_backend"], d["asr_backend"], d["summary_backend"], d["yandex_api_key_set"]' | tr -d "(),'")" \
	"without settings everything is offline"

SET="{\"tts_backend\":\"yandex\",\"asr_backend\":\"yandex\",\"summary_backend\":\"openai\",
 \"yandex_base_url\":\"$YA/ok\",\"yandex_api_key\":\"AQVNsecret\",\"yandex_folder_id\":\"b1gacme\",
 \"openai_base_url\":\"$OA/ok\",\"openai_api_key\":\"sk-acme\",\"openai_chat_model\":\"local-llm\",
 \"summary_prompt\":\"Summarise this call for the CRM in one line:\\n{text}\",\"retries\":1,\"timeout_ms\":5000}"
R=$(call PATCH /api/v1/speech/settings "$A" "$SET")
zv_assert_eq 200 "$(printf '%s' "$R" | tail -n 1)" "acme's admin changes the settings: $(printf '%s' "$R" | head -n 1)"
R=$(call GET /api/v1/speech/settings "$A" | head -n 1)
zv_assert_eq "yandex yandex openai True True b1gacme" \
	"$(printf '%s' "$R" | json '" ".join(str(x) for x in (d["tts_backend"], d["asr_backend"], d["summary_backend"], d["yandex_api_key_set"], d["openai_api_key_set"], d["yandex_folder_id"]))')" \
	"they read back, the keys only as set"
zv_assert_no_match 'AQVNsecret|sk-acme' "$R$(call GET /api/v1/audit "$A")" "no key in the settings or the audit log"
zv_assert_match '"object_type":"speech_settings"' "$(call GET /api/v1/audit "$A")" "the change is audited"
zv_assert_eq "offline" "$(call GET /api/v1/speech/settings "$B" | head -n 1 | json 'd["tts_backend"]')" \
	"another tenant is untouched"

for bad in '{"tts_backend":"openai"}' '{"asr_backend":"nope"}' '{"colour":"red"}' '{"retries":9}' \
	'{"openai_base_url":"ftp://x"}' '{"summary_prompt":7}' '{}'; do
	zv_assert_eq 400 "$(call PATCH /api/v1/speech/settings "$A" "$bad" | tail -n 1)" "refused: $bad"
done
zv_assert_eq 403 "$(call PATCH /api/v1/speech/settings "$AG" '{"language":"en"}' | tail -n 1)" "an agent may not change them"
zv_assert_eq 400 "$(call GET /api/v1/speech/settings "$OP" | tail -n 1)" "the operator must name the tenant"
zv_assert_eq 200 "$(call GET '/api/v1/speech/settings?tenant_id=1' "$OP" | tail -n 1)" "and then reads them"

# --- the jobs follow the tenant's choice ---
J=$(job /api/v1/tts "$A" --data-binary '{"text":"Добрый день","language":"ru","rate":16000}')
zv_assert_eq "done 0.66" "$(printf '%s' "$J" | json '"%s %.2f" % (d["status"], (d["result"] or {}).get("seconds", 0))')" \
	"acme's TTS comes from SpeechKit (60 ms a character from the fake): $(printf '%s' "$J" | json 'd["error"]')"
zv_assert_match '"form": \{"text": "Добрый день", "lang": "ru-RU", "voice": "alena", "format": "lpcm", "sampleRateHertz": "16000", "folderId": "b1gacme"\}' \
	"$(tail -n 1 "$M/ya.log")" "with the tenant's folder, as SpeechKit wants the form"
J=$(job /api/v1/tts "$B" --data-binary '{"text":"Добрый день","language":"ru"}')
zv_assert_match '^done [1-9]' "$(printf '%s' "$J" | json '"%s %d" % (d["status"], d["result"]["chars"])')" "beta's TTS is still offline"

python3 - "$M/call.wav" <<'PY'
import math, struct, sys, wave
rate, n = 8000, 8000 * 6
ch = [[0] * n, [0] * n]
for c, a, b in ((0, 0.5, 1.5), (1, 2.5, 3.5), (0, 4.5, 5.0)):
    for i in range(int(a * rate), int(b * rate)):
        ch[c][i] = int(9000 * math.sin(2 * math.pi * 300 * i / rate))
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<hh", ch[0][i], ch[1][i]) for i in range(n)))
PY
J=$(job '/api/v1/transcriptions?speakers=agent,client' "$A" -H 'Content-Type: audio/wav' --data-binary @"$M/call.wav")
zv_assert_eq "done|agent: heard 11200 samples at 8000 Hz peak 9000|client: heard 11200 samples at 8000 Hz peak 9000|agent: heard 7200 samples at 8000 Hz peak 9000" \
	"$(printf '%s' "$J" | json '"|".join([d["status"]] + ["%s: %s" % (u["speaker"], u["text"]) for u in (d["result"] or {}).get("utterances", [])])')" \
	"the stereo recording is transcribed by SpeechKit utterance by utterance (1 s + 2 x 0.2 s padding each)"

J=$(job /api/v1/texts/summary "$A" --data-binary '{"text":"The customer asked for a refund. The agent approved it."}')
zv_assert_eq "done Summary of 100 characters." "$(printf '%s' "$J" | json 'd["status"] + " " + d["result"]["summary_text"]')" \
	"acme's summary comes from the LLM with the tenant's template"
zv_assert_match '"messages": \[\{"role": "user", "content": "Summarise this call for the CRM in one line:\\nThe customer asked' \
	"$(tail -n 1 "$M/oa.log")" "the template holds the text"
zv_assert_match '"Authorization": "Bearer sk-acme"' "$(tail -n 1 "$M/oa.log")" "with the tenant's key"
zv_assert_match '"model": "local-llm"' "$(tail -n 1 "$M/oa.log")" "and model"

U=$(call GET /api/v1/usage "$A" | head -n 1)
zv_assert_eq "openai:summarize yandex:synthesize yandex:transcribe" \
	"$(printf '%s' "$U" | json '" ".join(sorted(set("%s:%s" % (i["backend"], i["op"]) for i in d["items"])))')" \
	"acme's usage names the backends that served it"

# --- chat summaries through the LLM when the settings say so ---
CHAT=$ZV_ROOT/tests/data/chat/whatsapp_android_en.txt
before=$(wc -l <"$M/oa.log")
J=$(job /api/v1/chats/summary "$A" --data-binary @"$CHAT")
zv_assert_eq "done False 5" "$(printf '%s' "$J" | json '"%s %s %d" % (d["status"], "summary_text" in d["result"], len(d["result"]["summary"]))')" \
	"by default a chat gets the extractive digest only"
zv_assert_eq "$before" "$(wc -l <"$M/oa.log")" "and the LLM is not asked"
R=$(call PATCH /api/v1/speech/settings "$A" '{"chat_summary_backend":"openai","chat_summary_max_bytes":1000}')
zv_assert_eq "200 openai 1000" "$(printf '%s' "$R" | tail -n 1) $(printf '%s' "$R" | head -n 1 | json '"%s %d" % (d["chat_summary_backend"], d["chat_summary_max_bytes"])')" \
	"acme sends chats to its LLM, at most 1000 bytes of them"
J=$(job /api/v1/chats/summary "$A" --data-binary @"$CHAT")
zv_assert_eq "done|Summary of 281 characters.|3 0|5" \
	"$(printf '%s' "$J" | json '"|".join(str(x) for x in (d["status"], d["result"].get("summary_text", d["error"]), "%d %d" % (d["result"].get("llm_messages", -1), d["result"].get("llm_messages_left_out", -1)), len(d["result"]["summary"])))')" \
	"the chat's summary comes from the LLM, beside the extractive one"
zv_assert_eq "Summarise this call for the CRM in one line:
Olivia Brandt: The van is booked for Saturday at nine in the morning.
Marcus Lee: Great. I will bring the boxes and the tape. Also the blankets for the piano.
Olivia Brandt: Happy new year! The movers need the elevator key before nine." \
	"$(tail -n 1 "$M/oa.log" | json 'd["json"]["messages"][-1]["content"]')" \
	"the template holds the normalised messages as author: text lines (no media, no system lines)"
python3 - "$M/long.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200):
        f.write("1/2/24, %d:%02d - %s: update number %d on the delivery\n" % (10 + i // 60, i % 60, ("Vera", "Omar")[i % 2], i))
PY
J=$(job /api/v1/chats/summary "$A" --data-binary @"$M/long.txt")
zv_assert_eq "done 200" "$(printf '%s' "$J" | json '"%s %d" % (d["status"], d["result"]["llm_messages"] + d["result"]["llm_messages_left_out"])')" \
	"a long chat: every text message is either sent or counted as left out"
SENT=$(tail -n 1 "$M/oa.log" | json 'd["json"]["messages"][-1]["content"]')
zv_assert_match 'Omar: update number 199 on the delivery$' "$SENT" "the newest message is sent"
zv_assert_no_match 'update number 0 on' "$SENT" "the oldest is not"
zv_assert_eq ok "$(printf '%s' "$SENT" | python3 -c 'import sys; t = sys.stdin.read(); print("ok" if len(t.encode()) - len("Summarise this call for the CRM in one line:\n") <= 1000 else len(t))')" \
	"what is sent of the chat stays under the cap"
for bad in '{"chat_summary_backend":"yandex"}' '{"chat_summary_max_bytes":10}'; do
	zv_assert_eq 400 "$(call PATCH /api/v1/speech/settings "$A" "$bad" | tail -n 1)" "refused: $bad"
done
call PATCH /api/v1/speech/settings "$A" "{\"openai_base_url\":\"$OA/auth\"}" >/dev/null
J=$(job /api/v1/chats/summary "$A" --data-binary @"$CHAT")
zv_assert_match '^failed\|HTTP 401 .*invalid api key' "$(printf '%s' "$J" | json 'd["status"] + "|" + d["error"]')" \
	"an LLM that refuses fails the chat job with its reason"
call PATCH /api/v1/speech/settings "$A" "{\"openai_base_url\":\"$OA/ok\"}" >/dev/null
J=$(job /api/v1/chats/summary "$B" --data-binary @"$CHAT")
zv_assert_eq "done False" "$(printf '%s' "$J" | json '"%s %s" % (d["status"], "summary_text" in d["result"])')" \
	"beta's chats stay extractive"

# --- a backend that fails: the job fails with the service's reason ---
call PATCH /api/v1/speech/settings "$A" "{\"yandex_base_url\":\"$YA/busy\",\"retries\":0}" >/dev/null
J=$(job /api/v1/tts "$A" --data-binary '{"text":"Ещё раз","language":"ru"}')
zv_assert_match '^failed\|HTTP 429 from .*quota exceeded' "$(printf '%s' "$J" | json 'd["status"] + "|" + d["error"]')" \
	"SpeechKit's 429 fails the job, saying so"
call PATCH /api/v1/speech/settings "$A" '{"yandex_api_key":"wrong","yandex_base_url":""}' >/dev/null
call PATCH /api/v1/speech/settings "$A" "{\"yandex_base_url\":\"$YA/ok\"}" >/dev/null
J=$(job /api/v1/tts "$A" --data-binary '{"text":"Ещё раз","language":"ru"}')
zv_assert_match '^failed\|HTTP 401 .*The token is invalid' "$(printf '%s' "$J" | json 'd["status"] + "|" + d["error"]')" \
	"a wrong key fails the job with SpeechKit's message"
# --- the offline engine: beta switches to Flite ---
tts_voice() { job /api/v1/tts "$B" --data-binary "$1" | json '"%s %s" % (d["status"], (d["result"] or {}).get("voice", d["error"]))'; }
zv_assert_eq "done en+f3" "$(tts_voice '{"text":"Hello"}')" "beta speaks with espeak by default"
R=$(call PATCH /api/v1/speech/settings "$B" '{"tts_engine":"flite","flite_voice":"kal"}')
zv_assert_eq "200 flite kal" "$(printf '%s' "$R" | tail -n 1) $(printf '%s' "$R" | head -n 1 | json 'd["tts_engine"] + " " + d["flite_voice"]')" \
	"beta chooses Flite's kal voice"
J=$(job /api/v1/tts "$B" --data-binary '{"text":"yes","rate":8000}')
zv_assert_eq "done flite/kal" "$(printf '%s' "$J" | json 'd["status"] + " " + d["result"]["voice"]')" "an English TTS job is spoken by kal"
curl -s -H "Authorization: Bearer $B" -o "$M/kal.wav" "$API$(printf '%s' "$J" | json 'd["result"]["audio"]')"
zv_assert_eq 0 "$("$ZV_BUILD/zvonar" speech recognize -g yesno "$M/kal.wav" | json 'd["intent"]')" \
	"and its WAV is heard as \"yes\""
zv_assert_eq "done flite/slt" "$(tts_voice '{"text":"Hello","voice":"female"}')" "a job asking for a female voice gets slt"
zv_assert_eq "done flite/awb" "$(tts_voice '{"text":"Hello","voice":"awb"}')" "a job names a Flite voice"
zv_assert_eq "done en+m3" "$(tts_voice '{"text":"Hello","voice":"male","engine":"espeak"}')" "or asks for espeak"
zv_assert_eq "done ru+f3" "$(tts_voice '{"text":"Привет","language":"ru"}')" "Russian stays with espeak"
zv_assert_eq "espeak" "$(call GET /api/v1/speech/settings "$A" | head -n 1 | json 'd["tts_engine"]')" \
	"acme's engine is untouched"
for bad in '{"tts_engine":"festival"}' '{"flite_voice":"bob"}' '{"tts_engine":7}'; do
	zv_assert_eq 400 "$(call PATCH /api/v1/speech/settings "$B" "$bad" | tail -n 1)" "refused: $bad"
done
for bad in '{"text":"Привет","language":"ru","voice":"kal"}' '{"text":"Привет","language":"ru","engine":"flite"}' \
	'{"text":"hi","voice":"bob"}' '{"text":"hi","engine":"festival"}' '{"text":"hi","voice":"slt","engine":"espeak"}'; do
	zv_assert_eq 400 "$(call POST /api/v1/tts "$B" "$bad" | tail -n 1)" "TTS job refused: $bad"
done

kill "$YA_PID" "$OA_PID"
zv_check_log
zv_done
