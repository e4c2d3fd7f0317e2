#!/usr/bin/env bash
# The API over HTTPS (http_tls) with gzip for big JSON and a Secure session cookie; webhooks
# refused a loopback target by default (SSRF), and deliveries that outlive a restart: the
# event queued then is delivered, signed, once private targets are allowed, the receiver is
# up and the server has restarted.
. "$(dirname "$0")/lib.sh"

command -v sipp >/dev/null || { zv_fail "sipp not installed (apt-get install sip-tester)"; zv_done; }
HERE=$(cd "$(dirname "$0")" && pwd)
CERTS=$(mktemp -d /tmp/zvcert.XXXXXX)
ZV_DIRS+=("$CERTS")
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$CERTS/key.pem" -out "$CERTS/cert.pem" \
	-days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1 || zv_fail "openssl made no certificate"

zv_start -o http_tls=yes -o tls_cert="$CERTS/cert.pem" -o tls_key="$CERTS/key.pem" \
	-o sip_tls_port="$(zv_free_port)" -o reg_keepalive=0 || zv_done
API=https://127.0.0.1:$ZV_HTTP
OP_PW=$(grep -o 'login admin  password [^ ]*' "$ZV_LOG" | awk '{print $4}')

zv_assert_eq ok "$(curl -s --cacert "$CERTS/cert.pem" "$API/healthz")" "HTTPS answers with our certificate"
zv_assert_match '^(000|52|56)?$|^000' "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ZV_HTTP/healthz")" \
	"plain HTTP on the HTTPS port gets no answer"
H=$(curl -s -k -D - -o /dev/null -X POST "$API/api/v1/auth/login" \
	--data-binary "{\"login\":\"admin\",\"password\":\"$OP_PW\"}")
zv_assert_match 'Set-Cookie: zv_session=zvs_[^;]*; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+; Secure' \
	"$H" "the session cookie is HttpOnly, SameSite=Strict and Secure over HTTPS"
COOKIE=$(printf '%s' "$H" | sed -n 's/^Set-Cookie: zv_session=\([^;]*\);.*/\1/p')
T=$(curl -s -k -b "zv_session=$COOKIE" -X POST "$API/api/v1/tokens" --data-binary '{"name":"t"}' |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
TID=$(curl -s -k -H "Authorization: Bearer $T" -X POST "$API/api/v1/tenants" \
	--data-binary '{"name":"demo","domain":"demo.zvonar"}' | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
zv_assert_match '^[0-9]+$' "$TID" "tenant demo created over HTTPS"
for i in $(seq 30); do
	curl -s -k -o /dev/null -H "Authorization: Bearer $T" -X POST "$API/api/v1/extensions?tenant_id=$TID" \
		--data-binary "{\"number\":\"3$i\",\"password\":\"pw-3$i-secret\",\"display_name\":\"Extension number $i\"}"
done
G=$(curl -s -k -D - -o "$ZV_DIR/list.gz" -H 'Accept-Encoding: gzip' -H "Authorization: Bearer $T" \
	"$API/api/v1/extensions?tenant_id=$TID&limit=100")
zv_assert_match 'Content-Encoding: gzip' "$G" "a big JSON list is gzip-compressed when asked"
zv_assert_match '"number":"330"' "$(gzip -dc "$ZV_DIR/list.gz")" "and decompresses to the list"
zv_assert_no_match 'Content-Encoding' "$(curl -s -k -D - -o /dev/null -H "Authorization: Bearer $T" \
	"$API/api/v1/extensions?tenant_id=$TID&limit=100")" "not compressed when not asked"

# --- a webhook whose receiver is down; the event waits in the database across a restart ---
SINK_PORT=$(zv_free_port)
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
zv_assert_match '"id"' "$(curl -s -k -H "Authorization: Bearer $T" -X POST "$API/api/v1/webhooks?tenant_id=$TID" \
	--data-binary "{\"url\":\"http://127.0.0.1:$SINK_PORT/in\",\"secret\":\"$SECRET\",\"events\":\"registration.*\"}")" \
	"webhook to a receiver that is not running"
REG_PORT=$(zv_free_port)
zv_assert_status 0 "301 registers (an event for the webhook)" -- \
	sh -c "cd '$ZV_DIR' && timeout 30 sipp 127.0.0.1:$ZV_PORT -sf '$ZV_ROOT/tests/sipp/register_ok.xml' \
		-s 31 -au 31 -ap pw-31-secret -m 1 -nostdin -timeout 20s -i 127.0.0.1 -p $REG_PORT \
		>'$ZV_DIR/reg.out' 2>&1"
for i in $(seq 50); do
	D=$(curl -s -k -H "Authorization: Bearer $T" "$API/api/v1/webhooks/1/deliveries")
	printf '%s' "$D" | grep -q '"attempts":1' && break
	sleep 0.2
done
zv_assert_match '"status":"pending","attempts":1,.*"last_error":"the URL resolves to a private' "$D" \
	"by default a webhook may not reach a loopback address; the delivery waits"
# WebSocket clients that ask for the upgrade and leave at once: nothing of theirs stays (the
# sanitizer run checks for leaks at the stop), and the feed still opens afterwards
python3 - "$ZV_HTTP" "$T" <<'PY'
import base64, os, socket, ssl, sys
ctx = ssl._create_unverified_context()
for _ in range(20):
    t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
    key = base64.b64encode(os.urandom(16)).decode()
    t.sendall(("GET /api/v1/events?access_token=%s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
               % (sys.argv[2], key)).encode())
    t.close()
PY
out=$(python3 - "$ZV_HTTP" "$T" <<'PY'
import base64, os, socket, ssl, sys
ctx = ssl._create_unverified_context()
t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
key = base64.b64encode(os.urandom(16)).decode()
t.sendall(("GET /api/v1/events?access_token=%s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
           % (sys.argv[2], key)).encode())
print(t.recv(4096).split(b"\r\n")[0].decode())
PY
)
zv_assert_match '101' "$out" "after twenty clients that left during their upgrade, the feed still opens"
# a WebSocket client still connected while the server stops (closed cleanly, no crash)
( exec env PYTHONPATH="$HERE" python3 - "$ZV_HTTP" "$T" <<'PY'
import socket, ssl, sys, time, base64, os
ctx = ssl._create_unverified_context()
t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
key = base64.b64encode(os.urandom(16)).decode()
t.sendall(("GET /api/v1/events?access_token=%s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
           % (sys.argv[2], key)).encode())
print(t.recv(4096).split(b"\r\n")[0].decode(), flush=True)
time.sleep(30)
PY
) >"$ZV_DIR/ws-hold.out" 2>&1 &
WSHOLD=$!
for i in $(seq 50); do [ -s "$ZV_DIR/ws-hold.out" ] && break; sleep 0.1; done
zv_assert_match '101' "$(cat "$ZV_DIR/ws-hold.out")" "a WebSocket over HTTPS is open while the server restarts"
zv_restart -o http_tls=yes -o tls_cert="$CERTS/cert.pem" -o tls_key="$CERTS/key.pem" \
	-o sip_tls_port="$(zv_free_port)" -o reg_keepalive=0 -o webhook_private_targets=yes || zv_done
python3 "$HERE/webhook_sink.py" "$SINK_PORT" "$ZV_DIR/sink.jsonl" &
SINK=$!
for i in $(seq 150); do [ -s "$ZV_DIR/sink.jsonl" ] && break; sleep 0.1; done
kill "$SINK" "$WSHOLD" 2>/dev/null
zv_assert_match '"type": *"registration.changed"|registration.changed' "$(cat "$ZV_DIR/sink.jsonl" 2>/dev/null)" \
	"after the restart the event is delivered"
zv_assert_status 0 "its signature verifies" -- env PYTHONPATH="$HERE" python3 - "$ZV_DIR/sink.jsonl" "$SECRET" <<'PY'
import json, sys
from api_client import sign
line = json.loads(open(sys.argv[1]).readline())
h = {k.lower(): v for k, v in line["headers"].items()}
ok = h["webhook-signature"] == sign(sys.argv[2], h["webhook-id"], h["webhook-timestamp"],
                                     line["body"].encode())
sys.exit(0 if ok else 1)
PY
zv_assert_match '"status":"delivered","attempts":2' \
	"$(curl -s -k -H "Authorization: Bearer $T" "$API/api/v1/webhooks/1/deliveries")" \
	"the delivery log says delivered on the second attempt"
zv_done
