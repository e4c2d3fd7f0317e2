#!/usr/bin/env bash
# Transcripts searchable: recordings transcribed through the API (an OpenAI-compatible mock
# that answers chosen Russian and English lines, one per utterance) are found by
# GET /api/v1/transcripts?q= in other forms of their words ("звонил" finds "звонила",
# "calling" finds "called", ё as е), every word required, with the matching utterance as the
# snippet; tenants see only their own; pages; bad queries refused; an index lost before a
# restart is rebuilt at start-up.
. "$(dirname "$0")/lib.sh"

M=$(mktemp -d /tmp/zvsearch.XXXXXX)
ZV_DIRS+=("$M")
cat >"$M/lines" <<'TXT'
Она звонила вчера по поводу счёта
Да, оператор оформит refund завтра
I called yesterday about my invoice
Thank you, the refund for the invoice is on its way
Calling about the invoice once more
Nothing else today
TXT
python3 "$ZV_ROOT/tests/unit/speech/openai_mock.py" "$M/oa.log" "$M/lines" >"$M/oa.port" &
OA_PID=$!
for _ in $(seq 50); do [ -s "$M/oa.port" ] && break; sleep 0.1; done
OA=http://127.0.0.1:$(cat "$M/oa.port")

# a stereo call: channel 1 speaks at 0.5-1.5 s, channel 2 at 2.5-3.5 s (tones stand for words)
python3 - "$M/call.wav" <<'PY'
import math, struct, sys, wave
rate, n = 8000, 8000 * 4
ch = [[0] * n, [0] * n]
for c, a, b in ((0, 0.5, 1.5), (1, 2.5, 3.5)):
    for i in range(int(a * rate), int(b * rate)):
        ch[c][i] = int(9000 * math.sin(2 * math.pi * 300 * i / rate))
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b"".join(struct.pack("<hh", ch[0][i], ch[1][i]) for i in range(n)))
PY

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
	eval "TID_$t=$id"
	curl -s -o /dev/null -H "Authorization: Bearer $OP" -X POST "$API/api/v1/users?tenant_id=$id" \
		--data-binary "{\"login\":\"admin@$t\",\"role\":\"admin\",\"password\":\"$PW\"}"
done
curl -s -o /dev/null -H "Authorization: Bearer $OP" -X POST "$API/api/v1/users?tenant_id=$TID_acme" \
	--data-binary "{\"login\":\"ro@acme\",\"role\":\"readonly\",\"password\":\"$PW\"}"
A=$(token admin@acme "$PW")
B=$(token admin@beta "$PW")
RO=$(token ro@acme "$PW")
zv_assert_match '^zvt_' "$A$B" "both tenants' admins have tokens"

json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
call() { curl -s -w '\n%{http_code}' -H "Authorization: Bearer $2" "$API$1"; }
search() { curl -s -G -H "Authorization: Bearer $1" --data-urlencode "q=$2" "$API/api/v1/transcripts$3"; }
ids() { json '" ".join(str(i["job_id"]) for i in d["items"])'; }
transcribe() { # TOKEN: the id of the finished job
	local id st
	id=$(curl -s -H "Authorization: Bearer $1" -H 'Content-Type: audio/wav' --data-binary @"$M/call.wav" \
		"$API/api/v1/transcriptions?speakers=agent,customer" | json 'd["id"]')
	for _ in $(seq 300); do
		st=$(curl -s -H "Authorization: Bearer $1" "$API/api/v1/jobs/$id" | json 'd["status"]')
		case "$st" in done|failed|cancelled) break ;; esac
		sleep 0.1
	done
	printf '%s' "$id"
}
for tok in "$A" "$B"; do
	curl -s -o /dev/null -X PATCH -H "Authorization: Bearer $tok" "$API/api/v1/speech/settings" \
		--data-binary "{\"asr_backend\":\"openai\",\"openai_base_url\":\"$OA/lines\"}"
done
# one job at a time: the mock answers its lines in the order the utterances are sent
J1=$(transcribe "$A")
J2=$(transcribe "$A")
J3=$(transcribe "$B")
zv_assert_eq "agent: Она звонила вчера по поводу счёта|customer: Да, оператор оформит refund завтра" \
	"$(curl -s -H "Authorization: Bearer $A" "$API/api/v1/jobs/$J1" | json '"|".join("%s: %s" % (u["speaker"], u["text"]) for u in d["result"]["utterances"])')" \
	"the first call is transcribed with the mock's lines"

R=$(search "$A" звонил)
zv_assert_eq "$J1" "$(printf '%s' "$R" | ids)" "\"звонил\" finds the call where she \"звонила\""
zv_assert_eq "agent 0.3 Она звонила вчера по поводу счёта звонила" \
	"$(printf '%s' "$R" | json '" ".join(str(x) for x in (lambda s: (s["speaker"], round(s["start"], 1), s["text"], ",".join(s["marks"])))(d["items"][0]["snippet"]))')" \
	"the snippet is the utterance that matched, with its speaker, start and the word found"
zv_assert_eq "звон" "$(printf '%s' "$R" | json '",".join(d["terms"])')" "the query's stems are shown"
zv_assert_eq "$J1" "$(search "$A" 'СЧЕТ' | ids)" "ё and е are the same letter, case does not matter"
R=$(search "$A" calling)
zv_assert_eq "$J2" "$(printf '%s' "$R" | ids)" "\"calling\" finds \"called\", not the other tenant's \"Calling\""
zv_assert_eq "called" "$(printf '%s' "$R" | json '",".join(d["items"][0]["snippet"]["marks"])')" "marking the word as said"
zv_assert_eq "$J3" "$(search "$B" calling | ids)" "the other tenant finds its own"
R=$(search "$A" 'refunds invoices')
zv_assert_eq "$J2 2 customer" "$(printf '%s' "$R" | json '"%d %d %s" % (d["items"][0]["job_id"], d["items"][0]["hits"], d["items"][0]["snippet"]["speaker"])')" \
	"every word must occur: only the call with both; both its utterances are hits"
zv_assert_eq "" "$(search "$A" 'invoice звонила' | ids)" "words in different calls find nothing"
zv_assert_eq "2 True" "$(search "$A" refund '?limit=1' | json '"%d %s" % (d["items"][0]["job_id"] and len(d["items"]) + 1, d["has_more"])')" \
	"a page of one of two hits says there is more"
P1=$(search "$A" refund '?limit=1' | ids)
P2=$(search "$A" refund '?limit=1&offset=1' | ids)
zv_assert_eq "$J1 $J2" "$(printf '%s\n%s\n' "$P1" "$P2" | sort -n | tr '\n' ' ' | sed 's/ $//')" "the two pages hold the two calls"
zv_assert_eq "$J2 $J3" "$(search "$OP" invoice | ids | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
	"the operator searches every tenant"
zv_assert_eq "$J3" "$(search "$OP" invoice "?tenant_id=$TID_beta" | ids)" "or one"
zv_assert_eq "$J2" "$(search "$RO" invoice | ids)" "a read-only user may search"

for q in '' '!!! ...' 'a b c d e f g h i j k l m n o p q'; do
	zv_assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' -G -H "Authorization: Bearer $A" --data-urlencode "q=$q" "$API/api/v1/transcripts")" \
		"refused: q='$q'"
done
zv_assert_eq 400 "$(call /api/v1/transcripts "$A" | tail -n 1)" "refused: no q"
zv_assert_eq 400 "$(call '/api/v1/transcripts?q=x&limit=0' "$A" | tail -n 1)" "refused: limit=0"
zv_assert_eq 400 "$(call '/api/v1/transcripts?q=x&sort=id' "$A" | tail -n 1)" "refused: an unknown parameter"
R=$(curl -s -w '\n%{http_code}' -G -H "Authorization: Bearer $A" --data-urlencode 'q=" OR invoice NEAR(' "$API/api/v1/transcripts")
zv_assert_eq "200 or,invoic,near 0" "$(printf '%s' "$R" | tail -n 1) $(printf '%s' "$R" | head -n 1 | json '",".join(d["terms"]) + " " + str(len(d["items"]))')" \
	"FTS syntax in q is searched as plain words"
zv_assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/transcripts?q=invoice")" "without a token: 401"

# --- the index is rebuilt at start-up for finished transcriptions missing from it ---
zv_stop
sqlite3 "$ZV_DIR/zvonar.db" "DELETE FROM transcripts_fts"
zv_restart -o reg_keepalive=0 -o media_threads=1 || zv_done
zv_assert_match '3 transcript\(s\) added to the search index' "$(cat "$ZV_LOG")" "the start-up indexes the three transcripts"
zv_assert_eq "$J1" "$(search "$A" звонить | ids)" "and they are found again"
sqlite3 "$ZV_DIR/zvonar.db" "DELETE FROM jobs WHERE id = $J1"
zv_assert_eq "0" "$(sqlite3 "$ZV_DIR/zvonar.db" "SELECT COUNT(*) FROM transcripts_fts WHERE rowid = $J1")" \
	"a deleted job leaves the index"

kill "$OA_PID"
zv_check_log
zv_done
