#!/usr/bin/env bash
# `zvonar scenario check` and `simulate` on the example scenarios in etc/scenarios/: the paths
# an IVR, office hours in Moscow (across a holiday and the evening) and CRM routing (VIP list,
# webhook answer choosing the agent, webhook down) take; broken files get errors naming steps.
. "$(dirname "$0")/lib.sh"

Z=$ZV_BUILD/zvonar
EX=$ZV_ROOT/etc/scenarios
TMP=$(mktemp -d /tmp/zvscen.XXXXXX)
ZV_DIRS+=("$TMP")

out=$("$Z" scenario check "$EX"/*.json)
zv_assert_status 0 "the examples are valid" -- "$Z" scenario check "$EX"/*.json
zv_assert_match "ivr.json: ok \(main-ivr, version 1, 8 steps\)" "$out" "check names the scenario"

# ---- IVR: a timeout, a wrong key (the sorry branch), then 2: support is busy -> voicemail
out=$("$Z" scenario simulate "$EX/ivr.json" --caller 79161234567 --input timeout --input 7 \
	--input 2 --input dial:busy)
zv_assert_eq 0 $? "ivr simulation exits 0"
path=$(printf '%s\n' "$out" | awk '$1 !~ /^([<=]|scenario|target|body)$/ && NF >= 2 { print $1 }' |
	uniq | tr '\n' ' ')
zv_assert_eq "welcome menu sorry menu support support-busy voicemail " "$path" "ivr path"
zv_assert_match "menu +menu +invalid \(attempt 2 of 3\)" "$out" "the wrong key counts as a retry"
zv_assert_match "target extension 202" "$out" "support rings its second member"
zv_assert_match "^= hangup \(normal\)" "$out" "the call ends after voicemail"

# retries exhausted -> voicemail
out=$("$Z" scenario simulate "$EX/ivr.json" --input timeout --input timeout --input timeout)
zv_assert_match "no retries left" "$out" "three timeouts exhaust the menu"
zv_assert_match "voicemail +voicemail of mailbox '100'" "$out" "exhausted goes to voicemail"

# ---- office hours, Europe/Moscow
open=$("$Z" scenario simulate "$EX/office-hours.json" --at 2026-12-02T10:00:00+03:00 \
	--input dial:answered)
zv_assert_match "is-open +condition +true" "$open" "Wednesday 10:00 in Moscow is open"
zv_assert_match "reception +dial +dial result answered" "$open" "the reception answers"
utc=$("$Z" scenario simulate "$EX/office-hours.json" --at 2026-12-02T07:00:00Z \
	--input dial:answered)
zv_assert_match "is-open +condition +true" "$utc" "the same instant written in UTC is open too"
eve=$("$Z" scenario simulate "$EX/office-hours.json" --at 2026-12-02T15:30:00Z)
zv_assert_match "is-open +condition +false" "$eve" "18:30 in Moscow is closed"
hol=$("$Z" scenario simulate "$EX/office-hours.json" --at 2026-01-05T10:00:00+03:00)
zv_assert_match "is-open +condition +false" "$hol" "a January holiday is closed"
zv_assert_match "closed +play +play 'office-closed'" "$hol" "closed plays its message"

# ---- CRM routing
vip=$("$Z" scenario simulate "$EX/crm-routing.json" --caller +79161234567 \
	--list vip=+7916* --input dial:answered)
zv_assert_match "vip +condition +true" "$vip" "a VIP caller is found in the list"
zv_assert_match "dial 2 target\(s\) round-robin" "$vip" "VIPs ring round-robin"
crm=$("$Z" scenario simulate "$EX/crm-routing.json" --caller +74950001122 --did 5551000 \
	--input 'http:200:{"branch":"agent","set":{"agent":"305"}}' --input dial:answered)
zv_assert_match "GET https://crm.example.com/api/lookup\?number=%2B74950001122&did=5551000" \
	"$crm" "the webhook URL carries the caller, percent-encoded"
zv_assert_match "to-agent +set +target = '305'" "$crm" "the answer sets the agent"
zv_assert_match "target extension 305" "$crm" "the CRM's agent is dialled"
down=$("$Z" scenario simulate "$EX/crm-routing.json" --caller +74950001122 --input http:timeout \
	--input dial:no_answer)
zv_assert_match "lookup +webhook +request failed or timed out" "$down" "the CRM timed out"
zv_assert_match "queue +dial" "$down" "the fallback still rings the queue"
zv_assert_match "say not available \(no text-to-speech\)" "$down" "say is not available yet"
acct=$("$Z" scenario simulate "$EX/crm-routing.json" --caller +74950001122 \
	--input 'http:200:{}' --input '4711#' --input 'http:503:' --input hangup)
zv_assert_match "account = '4711'" "$acct" "the account number is collected"
zv_assert_match "body \{\"account\":\"4711\",\"caller\":\"\+74950001122\"\}" "$acct" \
	"the POST body carries the variables"
zv_assert_match "^= ended: caller hung up" "$acct" "the caller hangs up while ringing"

# ---- bad files and bad input
cat >"$TMP/bad.json" <<'JSON'
{"name": "bad", "start": "menu", "steps": {
  "menu": {"type": "menu", "prompt": "m", "timeout": "5", "next": {"1": "salez"}},
  "lost": {"type": "hangup"},
  "spin": {"type": "goto", "next": "spin"},
  "odd": {"type": "dance"}
}}
JSON
out=$("$Z" scenario check "$TMP/bad.json")
zv_assert_status 1 "an invalid scenario exits 1" -- "$Z" scenario check "$TMP/bad.json"
zv_assert_match "step 'menu': field 'timeout': wrong type: an integer" "$out" "wrong type named"
zv_assert_match "step 'menu': field 'next.1': dangling edge: no step 'salez'" "$out" \
	"dangling edge named"
zv_assert_match "step 'odd': field 'type': unknown step type 'dance'" "$out" "unknown type named"
printf '{"name":"x","start":"a","steps":{"a":{"type":"goto","next":"b"},"b":{"type":"goto","next":"a"},"c":{"type":"hangup"}}}' >"$TMP/loop.json"
out=$("$Z" scenario check "$TMP/loop.json")
zv_assert_match "a loop without a waiting step: a -> b -> a" "$out" "busy loop named"
zv_assert_match "step 'c': unreachable" "$out" "unreachable step named"
printf '{"name": ' >"$TMP/trunc.json"
zv_assert_status 1 "not JSON exits 1" -- "$Z" scenario check "$TMP/trunc.json"
zv_assert_status 1 "a missing file exits 1" -- "$Z" scenario check "$TMP/none.json"
zv_assert_status 1 "simulate refuses an invalid file" -- "$Z" scenario simulate "$TMP/bad.json"
zv_assert_status 2 "an input that does not answer the step is a usage error" -- \
	"$Z" scenario simulate "$EX/ivr.json" --input dial:busy
zv_assert_status 2 "a bad --at is a usage error" -- \
	"$Z" scenario simulate "$EX/ivr.json" --at tomorrow
zv_assert_status 2 "no subcommand" -- "$Z" scenario

zv_done
