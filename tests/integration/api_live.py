#!/usr/bin/env python3
"""Live events of a real call: a WebSocket client and a signed-webhook receiver follow the
demo tenant while the shell test registers a phone and makes a sipp call.
Usage: api_live.py BASE_URL ADMIN_TOKEN OTHER_TOKEN READY_FILE
Writes READY_FILE once both listen; then waits for the events and checks them."""
import json
import sys
import time
import urllib.parse

from api_client import Api, Receiver, check, fail, ok, sign, ws_connect, ws_read_text
import api_client

BASE, TOKEN, OTHER, READY = sys.argv[1:5]
WANT = ["registration.changed", "call.ringing", "call.answered", "call.ended"]
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
api = Api(BASE)
host, port = urllib.parse.urlparse(BASE).hostname, urllib.parse.urlparse(BASE).port


def open_ws(token, types):
    return ws_connect(host, port, "/api/v1/events?types=%s&access_token=%s" % (types, token))


def main():
    rec = Receiver(fail_first=1)
    st, hook, _ = api.call("POST", "/api/v1/webhooks", TOKEN,
                           {"url": "http://127.0.0.1:%d/hook" % rec.port, "secret": SECRET,
                            "events": "call.*"})
    check(st == 201 and "secret" not in hook, "webhook created, its given secret not echoed")
    try:
        ws, pending = open_ws(TOKEN, "call.*,registration.*")
        other, opending = open_ws(OTHER, "")
        ok("WebSocket event feeds open for two tenants")
    except OSError as e:
        fail("WebSocket: %s" % e)
        return
    try:
        ws_connect(host, port, "/api/v1/events?access_token=zvt_nope")
        fail("a WebSocket with a bad token was accepted")
    except OSError:
        ok("a WebSocket with a bad token is refused")
    open(READY, "w").write("ready\n")
    seen, deadline = {}, time.time() + 60
    while time.time() < deadline and not all(t in seen for t in WANT):
        text, pending = ws_read_text(ws, pending, max(0.1, deadline - time.time()))
        if text is None:
            break
        ev = json.loads(text)
        seen.setdefault(ev["type"], ev)
    for t in WANT:
        check(t in seen, "event %s received on the WebSocket" % t)
    if "call.ended" in seen:
        check(seen["call.ended"]["data"].get("disposition") == "ANSWERED",
              "call.ended carries the disposition")
    text, _ = ws_read_text(other, opending, 0.5)
    check(text is None, "the other tenant's feed got none of these events (%s)" % text)
    # webhooks: the first attempt got 500, so each event comes at least twice; signatures hold
    deadline = time.time() + 30
    # three events, one of them twice (its first attempt got 500; the retry is 5 s later)
    while time.time() < deadline and len(rec.got) < 4:
        time.sleep(0.2)
    time.sleep(0.5)  # the delivery log is written after the answer
    types = {json.loads(b)["type"] for _, b in rec.got}
    check({"call.ringing", "call.answered", "call.ended"} <= types,
          "webhooks delivered the call events (%s)" % sorted(types))
    check("registration.changed" not in types, "the webhook's filter (call.*) holds")
    good = all(h.get("webhook-signature") ==
               sign(SECRET, h.get("webhook-id"), h.get("webhook-timestamp"), b)
               for h, b in rec.got)
    check(good and rec.got, "every delivery carries a valid Standard Webhooks signature")
    ids = [h.get("webhook-id") for h, _ in rec.got]
    check(len(ids) > len(set(ids)), "the delivery answered 500 was retried with the same id")
    st, log, _ = api.call("GET", "/api/v1/webhooks/%d/deliveries" % hook["id"], TOKEN)
    check(st == 200 and any(d["status"] == "delivered" and d["attempts"] == 2
                            for d in log["items"]), "the delivery log shows the retry")
    st, _, _ = api.call("GET", "/api/v1/webhooks/%d/deliveries" % hook["id"], OTHER)
    check(st == 404, "another tenant cannot read the delivery log: %s" % st)
    sys.exit(1 if api_client.FAILS else 0)


if __name__ == "__main__":
    main()
