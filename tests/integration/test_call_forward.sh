#!/usr/bin/env bash
# Call forwarding of extension 201, set through the REST API, with a Python caller (200) and
# a Python callee (202, the target) that answers and records what it hears: unavailable (201
# has no phone), busy (a sipp 201 answers 486), no answer after 5 s (a sipp 201 that only
# rings), always (201's phone is not rung at all), always to voicemail (a message in 201's
# mailbox), do-not-disturb (486 to the caller). Then
# black and white lists on an inbound DID from a trunk peer: a blocked prefix gets 486 and a
# CDR naming the list, an allow list lets only its numbers through, a white listed caller
# wins over a black list, and a scenario's list condition routes by the same lists.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SC=$ZV_ROOT/tests/sipp
zv_start -o demo=yes -o rtp_port_min=36000 -o rtp_port_max=36999 -o media_threads=1 \
	-o reg_keepalive=0 || zv_done
API=http://127.0.0.1:$ZV_HTTP
OWNER_PW=$(grep -o 'login owner@demo  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
for e in 200 201 202; do zv_ctl extension add demo $e "pw-$e-secret" >/dev/null; done
TOKEN=$(cd "$HERE" && python3 -c 'import sys; from api_client import Api; print(Api(sys.argv[1]).token_for("owner@demo", sys.argv[2]))' "$API" "$OWNER_PW")

api() # METHOD PATH [JSON]: prints the status, then the body
{
	local out
	out=$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$API$2")
	echo "${out##*$'\n'}"
	echo "${out%$'\n'*}"
}
json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
EXT201=$(api GET '/api/v1/extensions?number=201' | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
forward() { zv_assert_match '^200$' "$(api PATCH "/api/v1/extensions/$EXT201" "$1" | head -1)" "201 set: $1"; }

P1=$(zv_free_port); M1=$(zv_free_media_port)   # 201's sipp phone
P2=$(zv_free_port); M2=$(zv_free_media_port)   # 202, the target
UAC_SIP=$(zv_free_port); UAC_RTP=$(zv_free_media_port)
reg() # USER PORT
{
	(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/register_ok.xml" -s "$1" \
		-au "$1" -ap "pw-$1-secret" -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$2" \
		>>"$ZV_DIR/sipp-reg.out" 2>&1)
}
unreg() # USER PORT
{
	(cd "$ZV_DIR" && timeout 30 sipp "127.0.0.1:$ZV_PORT" -sf "$SC/unregister.xml" -s "$1" \
		-au "$1" -ap "pw-$1-secret" -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p "$2" \
		>>"$ZV_DIR/sipp-reg.out" 2>&1)
}
target() # NAME: 202 answers once in the background
{
	python3 "$HERE/rtp_uas.py" --sip-port "$P2" --media-port "$M2" --codec PCMA/8000/8 \
		--out "$ZV_DIR/target-$1.json" --timeout 30 >"$ZV_DIR/target-$1.out" 2>&1 &
	TARGET=$!
	sleep 0.3
}
phone201() # NAME SCENARIO: 201's sipp phone in the background
{
	(cd "$ZV_DIR" && exec timeout 40 sipp -sf "$SC/$2.xml" -p "$P1" -mp "$M1" -i 127.0.0.1 -m 1 \
		-nostdin -timeout 35s >"$ZV_DIR/p201-$1.out" 2>&1) &
	PHONE=$!
	sleep 0.3
}
call() # NAME TO [USER [SIP_PORT]]: prints the final status of the caller's INVITE
{
	python3 "$HERE/rtp_uac.py" --server "127.0.0.1:$ZV_PORT" --user "${3:-200}" \
		--password "pw-${3:-200}-secret" --to "$2" --sip-port "${4:-$UAC_SIP}" \
		--media-port "$UAC_RTP" --duration "${DUR:-3}" --out "$ZV_DIR/uac-$1.json" >"$ZV_DIR/uac-$1.out" 2>&1
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$ZV_DIR/uac-$1.json"
}
answered_by_target() # NAME
{
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("yes" if s["invite"] and s["bye"] and len(s["rtp"]) > 50 else "no")' \
		"$ZV_DIR/target-$1.json" 2>/dev/null
}
zv_assert_status 0 "202 registers" -- reg 202 "$P2"

# ---- unavailable: 201 has no phone
forward '{"forward_unavailable": "202"}'
target unavail
zv_assert_eq 200 "$(call unavail 201)" "a call to 201 without a phone is answered"
wait "$TARGET"
zv_assert_eq yes "$(answered_by_target unavail)" "by 202, which gets the caller's audio"

# ---- busy: 201's phone answers 486
zv_assert_status 0 "201 registers" -- reg 201 "$P1"
forward '{"forward_unavailable": "", "forward_busy": "202"}'
phone201 busy uas_busy
target busy
zv_assert_eq 200 "$(call busy 201)" "201 busy: the call goes on"
wait "$TARGET" "$PHONE"
zv_assert_eq yes "$(answered_by_target busy)" "to 202"
zv_assert_match '486' "$(cat "$ZV_DIR/p201-busy.out" 2>/dev/null; grep -c . "$ZV_DIR/p201-busy.out")" \
	"201's phone was rung first and said busy"

# ---- no answer after 5 s
forward '{"forward_busy": "", "forward_no_answer": "202", "forward_no_answer_s": 5}'
phone201 noans uas_ring
target noans
t0=$(date +%s)
zv_assert_eq 200 "$(call noans 201)" "201 does not answer: the call goes on"
t1=$(date +%s)
wait "$TARGET" "$PHONE"
zv_assert_eq yes "$(answered_by_target noans)" "to 202"
[ $((t1 - t0)) -ge 7 ] && zv_ok "after 201 rang for its 5 s ($((t1 - t0)) s in all)" ||
	zv_fail "the call went to 202 after $((t1 - t0)) s, not after 201's 5 s"

# ---- always: 201's phone does not ring at all
forward '{"forward_no_answer": "", "forward_always": "202"}'
target always
zv_assert_eq 200 "$(call always 201)" "forward always"
wait "$TARGET"
zv_assert_eq yes "$(answered_by_target always)" "to 202"

# ---- always to voicemail: the caller leaves a message in 201's mailbox
zv_assert_match '^201$' "$(api POST /api/v1/mailboxes '{"extension": "201", "pin": "4321", "max_seconds": 10}' | head -1)" \
	"a mailbox for 201"
forward '{"forward_always": "voicemail"}'
zv_assert_eq 200 "$(DUR=10 call vm 201)" "forward always to voicemail: the node answers"
vm=""
for i in $(seq 30); do
	vm=$(api GET '/api/v1/recordings?kind=voicemail&mailbox=201' | tail -1)
	echo "$vm" | grep -q '"status": *"done"' && break
	sleep 0.2
done
zv_assert_match '"mailbox": *"201"' "$vm" "and a message is in 201's mailbox"

# ---- do not disturb, no busy target: 486
forward '{"forward_always": "", "dnd": true}'
zv_assert_eq 486 "$(call dnd 201)" "do not disturb: the caller hears busy"
forward '{"dnd": false}'
zv_assert_match '^400$' "$(api PATCH "/api/v1/extensions/$EXT201" '{"forward_busy": "a b"}' | head -1)" \
	"a forwarding target that is neither an extension nor a number: 400"

cdrs=$(zv_ctl show cdrs demo 7)
zv_assert_eq 5 "$(echo "$cdrs" | grep -c ' 200 *-> 201 *ANSWERED')" "five forwarded calls, each one answered CDR"
zv_assert_match ' 200 +-> 201 +BUSY ' "$cdrs" "and the DND call's CDR is BUSY"

# ---- black and white lists on an inbound DID
TRUNK=$(zv_free_port)
zv_assert_eq ok "$(zv_ctl trunk add demo prov "127.0.0.1:$TRUNK" 2>&1)" "an IP-authenticated trunk"
zv_assert_eq ok "$(zv_ctl number add demo 5551000 202 prov 2>&1)" "DID 5551000 -> 202"
DID=$(api GET '/api/v1/numbers?number=5551000' | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
out=$(api POST /api/v1/lists '{"name": "spam", "mode": "block"}')
zv_assert_match '^201$' "$(echo "$out" | head -1)" "a block list"
SPAM=$(echo "$out" | tail -1 | json id)
zv_assert_match '^201$' "$(api POST /api/v1/list_entries "{\"list_id\": $SPAM, \"pattern\": \"7916*\"}" | head -1)" \
	"with the prefix 7916"
zv_assert_match '^400$' "$(api POST /api/v1/list_entries "{\"list_id\": $SPAM, \"pattern\": \"79*16\"}" | head -1)" \
	"a pattern that is not a number or prefix: 400"
zv_assert_match '^400$' "$(api POST /api/v1/lists '{"name": "x", "mode": "grey"}' | head -1)" "an unknown mode: 400"
inbound() { call "$1" 5551000 "$2" "$TRUNK"; }
zv_assert_eq 486 "$(inbound spam 79161234567)" "a caller on the block list hears busy"
zv_assert_match ' 79161234567 +-> 5551000 +BUSY .*blocked by list spam' "$(zv_ctl show cdrs demo 1)" \
	"and leaves a CDR naming the list"
target clean
zv_assert_eq 200 "$(inbound clean 74950000001)" "another caller gets through"
wait "$TARGET"

out=$(api POST /api/v1/lists "{\"name\": \"vip\", \"mode\": \"allow\", \"action\": \"reject\", \"number_id\": $DID}")
VIP=$(echo "$out" | tail -1 | json id)
api POST /api/v1/list_entries "{\"list_id\": $VIP, \"pattern\": \"74951112233\"}" >/dev/null
api POST /api/v1/list_entries "{\"list_id\": $VIP, \"pattern\": \"79160000000\"}" >/dev/null
zv_assert_eq 603 "$(inbound notvip 74950000001)" "with an allow list on the DID, others are declined"
target vip
zv_assert_eq 200 "$(inbound vip 74951112233)" "a listed caller gets through"
wait "$TARGET"
target vipspam
zv_assert_eq 200 "$(inbound vipspam 79160000000)" "an allow-listed caller wins over the block list"
wait "$TARGET"
zv_check_log
zv_done
