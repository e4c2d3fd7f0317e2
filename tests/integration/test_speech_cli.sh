#!/usr/bin/env bash
# zvonar speech from the outside: TTS to WAV and back through the grammar recogniser, the TTS
# cache, summaries of a text and of chat exports, refusals with exit statuses, and the
# OpenAI-compatible backend against a local mock server (requests checked on its side).
. "$(dirname "$0")/lib.sh"

ZV=$ZV_BUILD/zvonar
T=$(mktemp -d /tmp/zvspeech.XXXXXX)
ZV_DIRS+=("$T")
MOCK_PID=

# json FILE EXPR: a value out of a JSON document (python3, no jq on the test machines)
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

cleanup() { [ -z "$MOCK_PID" ] || kill "$MOCK_PID" 2>/dev/null; }
trap cleanup EXIT

# --- TTS and grammar recognition, a real round trip at 8 kHz ---
zv_assert_status 0 "say writes a WAV" -- "$ZV" speech say -o "$T/no.wav" -f -w 130 no
zv_assert_eq "RIFF WAVE" "$(head -c 4 "$T/no.wav") $(tail -c +9 "$T/no.wav" | head -c 4)" "the file is a WAV"
"$ZV" speech recognize -g yesno "$T/no.wav" >"$T/no.json"
zv_assert_eq 1 "$(json "$T/no.json" 'd["intent"]')" "\"no\" is heard as the no intent"
zv_assert_eq recognize "$(json "$T/no.json" 'd["usage"]["op"]')" "the usage record names the operation"
zv_assert_match '^0\.[1-9]|^[1-9]' "$(json "$T/no.json" 'd["usage"]["recognized_seconds"]')" "recognised seconds are counted"
"$ZV" speech say -o "$T/digits.wav" -f -w 130 "one two three" >/dev/null
"$ZV" speech recognize -g digits:6 "$T/digits.wav" >"$T/digits.json"
zv_assert_eq 123 "$(json "$T/digits.json" 'd["digits"]')" "\"one two three\" is the digit string 123"
"$ZV" speech say -o "$T/menu.wav" -f -w 130 "technical support" >/dev/null
"$ZV" speech recognize -g "sales,technical support,billing|invoices" "$T/menu.wav" >"$T/menu.json"
zv_assert_eq 1 "$(json "$T/menu.json" 'd["intent"]')" "a phrase list picks the spoken phrase"
zv_assert_status 1 "a word outside the dictionary is refused" -- "$ZV" speech recognize -g "zzqxv" "$T/no.wav"

# --- Russian TTS through the cache ---
"$ZV" speech say -l ru -f -r 16000 -C "$T/cache" -o "$T/ru.wav" "Ваш баланс 1 250 руб." >"$T/ru1.json"
"$ZV" speech say -l ru -f -r 16000 -C "$T/cache" -o "$T/ru2.wav" "Ваш баланс 1 250 руб." >"$T/ru2.json"
zv_assert_eq "False True" "$(json "$T/ru1.json" 'd["usage"]["cached"]') $(json "$T/ru2.json" 'd["usage"]["cached"]')" \
	"the second identical prompt comes from the cache"
zv_assert_eq "$(cmp -s "$T/ru.wav" "$T/ru2.wav" && echo same)" same "the cached prompt is the same audio"
zv_assert_eq 1 "$(ls "$T/cache" | wc -l)" "one file in the cache"
zv_assert_status 2 "a bad rate is a usage error" -- "$ZV" speech say -r 11025 -o "$T/x.wav" hi

# --- Flite, the second offline engine (English), through the same say and cache ---
"$ZV" speech say -e flite -v kal -o "$T/fl-yes.wav" yes >"$T/fl1.json"
zv_assert_eq 8000 "$(json "$T/fl1.json" 'd["rate"]')" "kal speaks at 8 kHz"
"$ZV" speech recognize -g yesno "$T/fl-yes.wav" >"$T/fl-yes.json"
zv_assert_eq 0 "$(json "$T/fl-yes.json" 'd["intent"]')" "kal's \"yes\" is heard as the yes intent"
"$ZV" speech say -e flite -f -r 16000 -C "$T/fcache" -o "$T/fl-dig.wav" "one two three" >"$T/fl2.json"
"$ZV" speech say -e flite -f -r 16000 -C "$T/fcache" -o "$T/fl-dig2.wav" "one two three" >"$T/fl3.json"
zv_assert_eq "False True" "$(json "$T/fl2.json" 'd["usage"]["cached"]') $(json "$T/fl3.json" 'd["usage"]["cached"]')" \
	"a Flite prompt is cached like espeak's"
"$ZV" speech recognize -g digits:6 "$T/fl-dig.wav" >"$T/fl-dig.json"
zv_assert_eq 123 "$(json "$T/fl-dig.json" 'd["digits"]')" "the female Flite voice (slt) at 16 kHz reads 123"
"$ZV" speech say -f -r 16000 -C "$T/fcache" -o "$T/es-dig.wav" "one two three" >/dev/null
zv_assert_eq 2 "$(ls "$T/fcache" | wc -l)" "espeak's prompt of the same text is another cache file"
out=$("$ZV" speech say -e flite -l ru -o "$T/x.wav" "Привет" 2>&1)
zv_assert_match 'flite speaks English only' "$out" "Flite refuses Russian"
zv_assert_status 1 "with status 1" -- "$ZV" speech say -e flite -l ru -o "$T/x.wav" "Привет"
zv_assert_status 1 "an unknown Flite voice fails" -- "$ZV" speech say -e flite -v bob -o "$T/x.wav" hi
zv_assert_status 2 "an unknown engine is a usage error" -- "$ZV" speech say -e festival -o "$T/x.wav" hi

# --- summaries and chat exports ---
cat >"$T/call.txt" <<'TXT'
Good morning, this is Daniel from the billing team. Your invoice for March shows a double charge
for the cloud storage plan. My cat likes to sleep on the keyboard. We checked the invoice and the
storage charge was applied twice by mistake. The refund for the storage charge will appear on your
next invoice. Is there anything else I can help with today?
TXT
"$ZV" speech summarize -n 2 -k 3 "$T/call.txt" >"$T/sum.json"
sum=$(json "$T/sum.json" 'd["summary"]')
zv_assert_match 'storage charge was applied twice' "$sum" "the summary keeps the central sentences"
zv_assert_match 'refund for the storage charge' "$sum" "both of them"
zv_assert_no_match 'cat' "$sum" "and not the aside"
zv_assert_match '^keywords: charge, invoice, storage$' "$sum" "the keywords are the topic's"
zv_assert_eq 1 "$(json "$T/sum.json" 'd["usage"]["summaries"]')" "one summary counted"
"$ZV" speech chat-import "$ZV_ROOT/tests/data/chat/whatsapp_android_en.txt" >"$T/wa.json"
zv_assert_eq 7 "$(json "$T/wa.json" 'd["count"]')" "the WhatsApp export has 7 messages"
zv_assert_eq media "$(json "$T/wa.json" 'd["messages"][4]["kind"]')" "<Media omitted> is a media message"
"$ZV" speech chat-import -s "$ZV_ROOT/tests/data/chat/telegram_result.json" >"$T/tg.json"
zv_assert_eq "Vera Lind, Omar Haddad, ?" "$(json "$T/tg.json" 'd["conversations"][0]["authors"]')" "the Telegram conversation lists its authors"
printf '1/1/24, 10:00 - A: fine\nnot a message\x00\n' >"$T/bad.txt"
out=$("$ZV" speech chat-import "$T/bad.txt" 2>&1)
zv_assert_match 'bad\.txt: line 2: NUL byte' "$out" "a bad export is refused naming the line"
zv_assert_status 1 "and exits with status 1" -- "$ZV" speech chat-import "$T/bad.txt"
zv_assert_status 2 "an unknown command is a usage error" -- "$ZV" speech bogus

# --- the OpenAI-compatible backend against the mock ---
python3 "$ZV_ROOT/tests/unit/speech/openai_mock.py" "$T/mock.log" >"$T/mock.port" &
MOCK_PID=$!
for _ in $(seq 50); do [ -s "$T/mock.port" ] && break; sleep 0.1; done
base=http://127.0.0.1:$(cat "$T/mock.port")/ok
ZVONAR_SPEECH_API_KEY=k123 "$ZV" speech transcribe -b openai -B "$base" -L en "$T/no.wav" >"$T/tr.json"
zv_assert_eq "hello there" "$(json "$T/tr.json" 'd["text"]')" "the transcript is the server's"
zv_assert_match '"Authorization": "Bearer k123"' "$(tail -n 1 "$T/mock.log")" "the key is sent as a bearer token"
zv_assert_match '"name": "response_format", .*"value": "verbose_json"' "$(tail -n 1 "$T/mock.log")" "verbose_json is asked for"
ZVONAR_SPEECH_API_KEY=k123 "$ZV" speech summarize -b openai -B "$base" -M local "$T/call.txt" >"$T/llm.json"
zv_assert_eq "42 7" "$(json "$T/llm.json" 'd["usage"]["llm_prompt_tokens"]') $(json "$T/llm.json" 'd["usage"]["llm_completion_tokens"]')" \
	"LLM tokens are counted"
zv_assert_match '"model": "local"' "$(tail -n 1 "$T/mock.log")" "the chat model is the configured one"
out=$("$ZV" speech summarize -b openai -B "${base%/ok}/auth" "$T/call.txt" 2>&1)
zv_assert_match 'HTTP 401 .*invalid api key' "$out" "a refused key is reported with the server's reason"
out=$("$ZV" speech summarize -b openai -B "${base%/ok}/slow" -T 300 -R 0 "$T/call.txt" 2>&1)
zv_assert_match 'timed out' "$out" "a slow server times out"
zv_assert_status 1 "the openai backend does not synthesize" -- "$ZV" speech say -b openai -o "$T/x.wav" hi

# --- Yandex SpeechKit against its fake (which refuses a request of the wrong shape) ---
python3 "$ZV_ROOT/tests/unit/speech/yandex_mock.py" "$T/ya.log" AQVNkey b1gfolder >"$T/ya.port" &
YA_PID=$!
for _ in $(seq 50); do [ -s "$T/ya.port" ] && break; sleep 0.1; done
ya=http://127.0.0.1:$(cat "$T/ya.port")/ok
ZVONAR_SPEECH_API_KEY=AQVNkey "$ZV" speech say -b yandex -B "$ya" -F b1gfolder -l ru -f -o "$T/ya.wav" \
	"Добрый день" >"$T/ya-say.json"
zv_assert_eq "11 0.66" "$(json "$T/ya-say.json" '"%d %.2f" % (d["usage"]["synthesized_chars"], d["usage"]["synthesized_seconds"])')" \
	"SpeechKit synthesis: characters and seconds"
zv_assert_match '"form": \{"text": "Добрый день", "lang": "ru-RU", "voice": "alena", "format": "lpcm", "sampleRateHertz": "8000", "folderId": "b1gfolder"\}' \
	"$(tail -n 1 "$T/ya.log")" "the synthesis form as SpeechKit wants it"
ZVONAR_SPEECH_API_KEY=AQVNkey "$ZV" speech transcribe -b yandex -B "$ya" -F b1gfolder "$T/ya.wav" >"$T/ya-tr.json"
zv_assert_eq "heard 5280 samples at 8000 Hz peak 8000" "$(json "$T/ya-tr.json" 'd["text"]')" \
	"SpeechKit recognition of the synthesised file"
out=$(ZVONAR_SPEECH_API_KEY=other "$ZV" speech transcribe -b yandex -B "$ya" -F b1gfolder "$T/ya.wav" 2>&1)
zv_assert_match 'HTTP 401 .*The token is invalid' "$out" "a wrong key is reported with SpeechKit's message"
kill "$YA_PID"

zv_done
