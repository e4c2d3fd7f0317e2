#!/usr/bin/env bash
# The REST API against the real server: the tenant x role isolation matrix, logins, lockout,
# tokens, bad input (api_check.py, requests made with curl); then a real sipp call followed
# live over the WebSocket feed and signed webhooks (api_live.py), listed and hung up through
# the API; CDR search and export, metrics, the audit chain and its tamper check, the per-IP
# login limit.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }
HERE=$(cd "$(dirname "$0")" && pwd)

zv_start -o http_max_body=65536 -o login_fail_limit=5 -o login_ip_rate=30 -o webhook_private_targets=yes \
	-o rtp_port_min=29000 -o rtp_port_max=29999 -o media_threads=1 -o reg_keepalive=0 || zv_done
API=http://127.0.0.1:$ZV_HTTP
OP_PW=$(grep -o 'login admin  password [^ ]*' "$ZV_LOG" | awk '{print $4}')
[ -n "$OP_PW" ] || zv_fail "the operator password is printed on the first start"

python3 "$HERE/api_check.py" "$API" "$OP_PW" "$ZV_DIR/api.state" >"$ZV_DIR/api_check.out" 2>&1
st=$?
zv_log "api_check.py: $(grep -c '^ok' "$ZV_DIR/api_check.out") checks passed"
grep -v '^ok' "$ZV_DIR/api_check.out" | sed 's/^/  check| /'
zv_assert_eq 0 "$st" "API matrix, scenarios, logins, tokens, OpenAPI and bad input (api_check.py)"
. "$ZV_DIR/api.state" 2>/dev/null || zv_done

api() # METHOD PATH [TOKEN] [BODY]: prints the status, then the body
{
	curl -s -g -o "$ZV_DIR/api.out" -w '%{http_code}\n' -X "$1" -H "Authorization: Bearer ${3:-$ADMIN_TOKEN}" \
		${4:+-H 'Content-Type: application/json' --data-binary "$4"} "$API$2"
	cat "$ZV_DIR/api.out"
}

# --- extensions made through the API register and call ---
for e in 200 201; do
	zv_assert_match '^201' "$(api POST /api/v1/extensions "" "{\"number\":\"$e\",\"password\":\"pw-$e-secret\"}")" \
		"extension $e created through the API"
done
python3 "$HERE/api_live.py" "$API" "$ADMIN_TOKEN" "$OTHER_TOKEN" "$ZV_DIR/live.ready" \
	>"$ZV_DIR/live.out" 2>&1 &
LIVE=$!
for i in $(seq 100); do [ -e "$ZV_DIR/live.ready" ] && break; sleep 0.1; done

UAC_PORT=$(zv_free_port)
UAC_MP=$(zv_free_media_port)
UAS_PORT=$(zv_free_port)
UAS_MP=$(zv_free_media_port)
zv_assert_status 0 "201 registers with the password set through the API" -- \
	sh -c "cd '$ZV_DIR' && timeout 30 sipp 127.0.0.1:$ZV_PORT -sf '$ZV_ROOT/tests/sipp/register_ok.xml' \
		-s 201 -au 201 -ap pw-201-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p $UAS_PORT \
		>'$ZV_DIR/reg.out' 2>&1"
zv_assert_match '"extension":"201"' "$(api GET /api/v1/registrations)" "the API lists 201's registration"
zv_assert_match '"items":\[\]' "$(api GET /api/v1/registrations "$OTHER_TOKEN")" \
	"another tenant sees no registration of this one"

(cd "$ZV_DIR" && exec timeout 60 sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -mp "$UAS_MP" -m 1 \
	-nostdin -timeout 40s >"$ZV_DIR/uas.out" 2>&1) &
UAS=$!
sleep 0.4
(cd "$ZV_DIR" && cp /usr/share/sip-tester/g711a.pcap . && timeout 60 sipp "127.0.0.1:$ZV_PORT" \
	-sf "$ZV_ROOT/tests/sipp/call_uac.xml" -s 201 -key caller 200 -au 200 -ap pw-200-secret \
	-d 20000 -m 1 -nostdin -timeout 40s -i 127.0.0.1 -p "$UAC_PORT" -mp "$UAC_MP" \
	>"$ZV_DIR/uac.out" 2>&1) &
UAC=$!
CALL=
for i in $(seq 100); do
	CALL=$(api GET /api/v1/calls | sed -n 's/.*"id":"\([^"]*\)".*"state":"answered".*/\1/p')
	[ -n "$CALL" ] && break
	sleep 0.1
done
zv_assert_match '.' "$CALL" "the answered call is listed by the API"
zv_assert_match '"rx_packets"' "$(cat "$ZV_DIR/api.out")" "with its legs' RTP counters"
zv_assert_match '"items":\[\]' "$(api GET /api/v1/calls "$OTHER_TOKEN")" "not by another tenant"
zv_assert_match '^404' "$(api DELETE "/api/v1/calls/$CALL" "$OTHER_TOKEN")" \
	"another tenant cannot hang it up"
zv_assert_match '^204' "$(api DELETE "/api/v1/calls/$CALL")" "the tenant's admin hangs it up"
wait "$UAS"; zv_assert_eq 0 "$?" "the callee got the BYE and answered it"
wait "$UAC" # the caller's scenario did not expect a BYE: its failure is the point
zv_assert_match 'BYE' "$(cat "$ZV_DIR/uac.out")" "the caller got a BYE too"
wait "$LIVE"; st=$?
sed 's/^/  live| /' "$ZV_DIR/live.out"
zv_assert_eq 0 "$st" "the call was followed on the WebSocket and by webhooks (api_live.py)"

# --- CDRs: search, export, and isolation ---
zv_assert_match '"hangup_cause":"API hangup"' "$(api GET '/api/v1/cdrs?number=201&direction=internal')" \
	"the CDR is found by number and direction, hung up by the API"
zv_assert_match '"mos_a":[1-4][.][0-9]+,"mos_b":(null|[1-4][.][0-9]+)' "$(cat "$ZV_DIR/api.out")" \
	"with the caller leg's MOS (the callee sent no RTP: null)"
zv_assert_match '"items":\[\]' "$(api GET '/api/v1/cdrs?number=201' "$OTHER_TOKEN")" \
	"another tenant finds no CDR of this one"
zv_assert_match '"items":\[\]' "$(api GET "/api/v1/cdrs?from=$(( $(date +%s) * 1000 + 60000 ))")" \
	"a time range after the call finds nothing"
zv_assert_match '"200","201".*ANSWERED' "$(api GET /api/v1/cdrs/export)" "CSV export in Master.csv columns"
zv_assert_match '^\[\{"id"' "$(api GET '/api/v1/cdrs/export?format=json' | tail -n +2)" "JSON export"
zv_assert_match '"action":"export","object_type":"cdrs"' "$(api GET '/api/v1/audit?action=export')" \
	"an export is audited as a sensitive read"

# --- metrics ---
M=$(curl -s "$API/metrics")
zv_assert_match 'zvonar_calls_total 1' "$M" "metrics count the call"
zv_assert_match 'zvonar_registrations 1' "$M" "metrics count the registration"
zv_assert_match 'zvonar_http_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]' "$M" \
	"metrics have the HTTP latency histogram"
zv_assert_match 'zvonar_sip_requests_total\{method="INVITE"\} [1-9]' "$M" "SIP requests by method"
zv_assert_match 'zvonar_rtp_lost_packets [0-9]' "$M" "RTP loss of live calls"

# --- password reset from zvonarctl unlocks the account locked by api_check.py ---
NEWPW=$(zv_ctl user password readonly.demo@demo | sed -n 's/.*new password \([^ ]*\).*/\1/p')
zv_assert_match '"role":"readonly"' "$(curl -s -X POST "$API/api/v1/auth/login" \
	--data-binary "{\"login\":\"readonly.demo@demo\",\"password\":\"$NEWPW\"}")" \
	"zvonarctl user password sets a new one and lifts the lock"

# --- audit log: every change and login is chained; an edited row is found ---
zv_assert_match 'audit log intact: [1-9][0-9]* entries' "$(zv_ctl audit verify)" "the audit chain holds"
zv_assert_match '"action":"login.locked"' "$(api GET '/api/v1/audit?action=login.locked')" \
	"the lockout is in the audit log"
zv_assert_match '"action":"hangup"' \
	"$(api GET '/api/v1/audit?object_type=call')" "the API hangup is in the audit log"
sqlite3 "$ZV_DIR/zvonar.db" "UPDATE audit_log SET actor = 'mallory' WHERE id = 3"
zv_assert_match 'BROKEN at entry 3' "$(zv_ctl audit verify 2>&1)" "an edited audit row breaks the chain"

# --- the per-IP login limit ---
# 65 tries within a few seconds: the per-minute windows are fixed, so one window of at most
# two holds 30 or more however the tries fall
codes=$(for i in $(seq 65); do curl -s -o /dev/null -w '%{http_code} ' -X POST "$API/api/v1/auth/login" \
	--data-binary "{\"login\":\"nobody$i\",\"password\":\"wrong password\"}"; done)
zv_assert_match '429' "$codes" "too many failed logins from one address get 429"

zv_done
