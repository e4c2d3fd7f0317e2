#!/usr/bin/env python3
"""The API side of test_call_record.sh, as the demo owner.

api_record.py setup API OWNER_PASSWORD DIR HOOK_URL: records every call of the tenant with the
  announcement "notice" (a 500 Hz tone) and opt-out key 9, mailbox 201 (greeting "greet", a
  700 Hz tone, messages of at most 3 s), extension 500 running a voicemail scenario, a webhook
  for recording.* and voicemail.* to HOOK_URL; the token goes to DIR/token.
api_record.py check API DIR HOOK_FILE: the recorded call (CDR, row, both channels' tones, the
  audited download), the declined one, the voicemail message (mono, new, then old, deleted),
  the events delivered.
api_record.py rows API DIR KIND: the recordings of a kind, "status:name:channels:seconds"...
api_record.py expired API DIR: the call recording is gone after its retention."""
import io
import json
import math
import os
import struct
import subprocess
import sys
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_client import Api, check  # noqa: E402
import api_client  # noqa: E402

RECORD = {
    "name": "record-caller",
    "start": "rec",
    "steps": {"rec": {"type": "record", "var": "file", "max_seconds": 2, "next": "bye"},
              "bye": {"type": "hangup"}},
}

VOICEMAIL = {
    "name": "voicemail-201",
    "start": "vm",
    "steps": {"vm": {"type": "voicemail", "mailbox": "201", "next": "bye"},
              "bye": {"type": "hangup"}},
}


def tone_wav(freq, seconds, rate=8000):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * freq * i / rate)))
                               for i in range(int(rate * seconds))))
    return buf.getvalue()


def share(s, freq, rate):
    k = 2 * math.cos(2 * math.pi * freq / rate)
    q1 = q2 = 0.0
    for x in s:
        q1, q2 = k * q1 - q2 + x, q1
    tot = sum(x * x for x in s) * len(s) / 2
    return (q1 * q1 + q2 * q2 - k * q1 * q2) / tot if tot else 0.0


def download(base, token, rid, path):
    res = subprocess.run(["curl", "-s", "-o", path, "-w", "%{http_code}", "-H",
                          "Authorization: Bearer " + token,
                          "%s/api/v1/recordings/%d/audio" % (base, rid)], capture_output=True)
    return int(res.stdout or b"0")


def channels(path):
    with wave.open(path) as w:
        n, ch, rate = w.getnframes(), w.getnchannels(), w.getframerate()
        data = struct.unpack("<%dh" % (n * ch), w.readframes(n))
    return [list(data[c::ch]) for c in range(ch)], rate


def setup(api, pw, d, hook):
    token = api.token_for("owner@demo", pw)
    open(os.path.join(d, "token"), "w").write(token)
    for name, freq, secs in (("notice", 500, 1.0), ("greet", 700, 0.5)):
        st, body, _ = api.call("PUT", "/api/v1/prompts/" + name, token=token, raw=tone_wav(freq, secs))
        check(st == 201, "prompt %s uploaded: %s" % (name, st))
    st, body, _ = api.call("GET", "/api/v1/recording/settings", token=token)
    check(st == 200 and body["record_calls"] is False, "by default nothing is recorded: %s" % body)
    st, body, _ = api.call("PATCH", "/api/v1/recording/settings", token=token,
                           body={"record_calls": True, "announce_prompt": "notice",
                                 "optout_key": "9", "retention_days": 30})
    check(st == 200 and body["record_calls"] and body["announce_prompt"] == "notice",
          "the tenant records its calls: %s %s" % (st, body))
    for bad in ({"rate": 44100}, {"optout_key": "x"}, {"announce_prompt": "../x"}, {"nope": 1},
                {"record_calls": "yes"}):
        st, body, _ = api.call("PATCH", "/api/v1/recording/settings", token=token, body=bad)
        check(st == 400, "settings %s refused: %s" % (bad, st))
    st, body, _ = api.call("POST", "/api/v1/mailboxes", token=token,
                           body={"extension": "201", "pin": "4321", "max_seconds": 3,
                                 "greeting": "greet"})
    check(st == 201 and "pin" not in body, "mailbox 201, its PIN not shown: %s %s" % (st, body))
    st, body, _ = api.call("POST", "/api/v1/mailboxes", token=token,
                           body={"extension": "202", "pin": "12"})
    check(st == 400, "a PIN of two digits is refused: %s" % st)
    st, body, _ = api.call("POST", "/api/v1/scenarios", token=token, body=VOICEMAIL)
    check(st == 201, "voicemail scenario saved: %s %s" % (st, body))
    sid = body["id"]
    st, exts, _ = api.call("GET", "/api/v1/extensions?number=500", token=token)
    st, body, _ = api.call("PATCH", "/api/v1/extensions/%d" % exts["items"][0]["id"], token=token,
                           body={"scenario_id": sid})
    check(st == 200, "extension 500 runs it: %s" % st)
    st, body, _ = api.call("POST", "/api/v1/scenarios", token=token, body=RECORD)
    check(st == 201, "record scenario saved: %s %s" % (st, body))
    st, exts, _ = api.call("GET", "/api/v1/extensions?number=501", token=token)
    st, body, _ = api.call("PATCH", "/api/v1/extensions/%d" % exts["items"][0]["id"], token=token,
                           body={"scenario_id": body["id"]})
    check(st == 200, "extension 501 runs it: %s" % st)
    st, body, _ = api.call("POST", "/api/v1/webhooks", token=token,
                           body={"url": hook, "events": "recording.*,voicemail.*"})
    check(st == 201, "a webhook for recordings and voicemail: %s %s" % (st, body))


def check_call(api, token, d):
    st, cdrs, _ = api.call("GET", "/api/v1/cdrs?caller=200&callee=201", token=token)
    recs = sorted((c["recording"] or "" for c in cdrs["items"]), key=lambda x: x != "declined")
    check(st == 200 and len(recs) == 2 and recs[0] == "declined" and recs[1].endswith(".wav"),
          "the CDRs keep the consent decisions: %s" % recs)
    st, rows, _ = api.call("GET", "/api/v1/recordings?kind=call", token=token)
    items = rows["items"] if st == 200 else []
    check(len(items) == 1, "one call recording, none for the declined call: %s" % items)
    if not items:
        return None
    r = items[0]
    recorded = [c for c in cdrs["items"] if c["recording"] == r["name"]]
    check(r["status"] == "done" and r["channels"] == 2 and r["seconds"] >= 2 and recorded and
          recorded[0]["id"] and r["call_uuid"] == recorded[0]["uuid"],
          "the recording row: done, stereo, the CDR's call: %s" % r)
    path = os.path.join(d, "call.wav")
    check(download(api.base, token, r["id"], path) == 200, "the recording downloads")
    (left, right), rate = channels(path)
    mid = len(left) // 2
    lw, rw = left[mid - 4000:mid + 4000], right[mid - 4000:mid + 4000]
    check(rate == 8000 and share(lw, 1000, rate) > 0.8 and share(lw, 600, rate) < 0.1,
          "left: the caller's 1000 Hz (%.2f)" % share(lw, 1000, rate))
    check(share(rw, 600, rate) > 0.8 and share(rw, 1000, rate) < 0.1,
          "right: the callee's 600 Hz (%.2f)" % share(rw, 600, rate))
    st, audit, _ = api.call("GET", "/api/v1/audit?action=download", token=token)
    got = [a for a in audit.get("items", []) if a.get("action") == "download"]
    check(st == 200 and got and got[0].get("object_id") == r["name"],
          "the download is in the audit log: %s" % (got[:1],))
    return r


def check_voicemail(api, token, d, hook_file):
    st, rows, _ = api.call("GET", "/api/v1/recordings?kind=voicemail&mailbox=201", token=token)
    items = rows["items"] if st == 200 else []
    check(len(items) == 1, "one message in mailbox 201: %s" % items)
    if not items:
        return
    m = items[0]
    check(m["status"] == "done" and m["folder"] == "new" and m["channels"] == 1 and
          2 <= m["seconds"] <= 4 and m["caller"] == "200",
          "the message: new, mono, at most the mailbox's 3 s, from 200: %s" % m)
    path = os.path.join(d, "vm.wav")
    check(download(api.base, token, m["id"], path) == 200, "the message downloads")
    (mono,), rate = channels(path)
    mid = len(mono) // 2
    check(share(mono[mid - 4000:mid + 4000], 1000, rate) > 0.8, "it holds the caller's tone")
    st, body, _ = api.call("PATCH", "/api/v1/recordings/%d" % m["id"], token=token,
                           body={"folder": "old"})
    check(st == 200 and body["folder"] == "old", "listened to: moved to old: %s %s" % (st, body))
    st, body, _ = api.call("PATCH", "/api/v1/recordings/%d" % m["id"], token=token,
                           body={"folder": "trash"})
    check(st == 400, "no folder 'trash': %s" % st)
    events = [json.loads(json.loads(line)["body"]) for line in open(hook_file)]
    types = [e.get("type") for e in events]
    vm = [e for e in events if e.get("type") == "voicemail.new"]
    check(vm and vm[0]["data"]["mailbox"] == "201" and "recording.ready" in types,
          "webhooks: recording.ready and voicemail.new for 201: %s" % types)
    st, _, _ = api.call("DELETE", "/api/v1/recordings/%d" % m["id"], token=token)
    check(st == 204, "the message deleted: %s" % st)
    st, _, _ = api.call("GET", "/api/v1/recordings/%d/audio" % m["id"], token=token)
    check(st == 404, "and its audio gone: %s" % st)


def main():
    api = Api(sys.argv[2])
    if sys.argv[1] == "setup":
        setup(api, sys.argv[3], sys.argv[4], sys.argv[5])
        return 1 if api_client.FAILS else 0
    d = sys.argv[3]
    token = open(os.path.join(d, "token")).read().strip()
    if sys.argv[1] == "check":
        r = check_call(api, token, d)
        if r:
            open(os.path.join(d, "call-recording"), "w").write("%d %s" % (r["id"], r["name"]))
        check_voicemail(api, token, d, sys.argv[4])
        st, body, _ = api.call("PATCH", "/api/v1/recordings/%d" % r["id"] if r else "/x",
                               token=token, body={"folder": "old"})
        check(st == 400, "a call recording has no folder: %s" % st)
    elif sys.argv[1] == "rows":
        st, rows, _ = api.call("GET", "/api/v1/recordings?kind=" + sys.argv[4], token=token)
        print(" ".join("%s:%s:%d:%d" % (r["status"], r["name"], r["channels"], r["seconds"])
                       for r in rows["items"]))
        return 0
    elif sys.argv[1] == "expired":
        rid, name = open(os.path.join(d, "call-recording")).read().split()
        st, _, _ = api.call("GET", "/api/v1/recordings/" + rid, token=token)
        check(st == 404, "the call recording past its 30 days is deleted: %s" % st)
    return 1 if api_client.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
