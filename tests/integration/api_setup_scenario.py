#!/usr/bin/env python3
"""Sets up the IVR of test_call_scenario.sh through the REST API as the demo owner: saves the
scenario, points extension 500 at it, and writes the tenant's prompts (tones) where the node
reads them (<data dir>/prompts/<tenant id>/).

api_setup_scenario.py API_BASE OWNER_PASSWORD DATA_DIR"""
import math
import os
import struct
import sys
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_client import Api, check  # noqa: E402
import api_client  # noqa: E402

SCENARIO = {
    "name": "test-ivr",
    "start": "welcome",
    "steps": {
        "welcome": {"type": "play", "prompt": "welcome", "next": "menu"},
        "menu": {"type": "menu", "prompt": "menu", "timeout": 2, "retries": 2,
                 "next": {"1": "sales", "2": "nobody", "timeout": "repeat",
                          "exhausted": "bye"}},
        "sales": {"type": "dial", "targets": [{"extension": "201"}], "timeout": 10,
                  "next": {"busy": "bye", "no_answer": "bye", "failed": "bye"}},
        "nobody": {"type": "dial", "targets": [{"extension": "202"}], "timeout": 10,
                   "next": {"busy": "bye", "no_answer": "bye", "failed": "bye"}},
        "bye": {"type": "play", "prompt": "bye", "next": "end"},
        "end": {"type": "hangup"},
    },
}

# name: (Hz, seconds)
PROMPTS = {"welcome": (500, 1.0), "menu": (700, 3.0), "bye": (900, 1.0)}


def tone_wav(path, freq, seconds, rate=16000):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        n = int(rate * seconds)
        w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * freq * i / rate)))
                               for i in range(n)))


def main():
    api = Api(sys.argv[1])
    token = api.token_for("owner@demo", sys.argv[2])
    if not token:
        return 1
    st, me, _ = api.call("GET", "/api/v1/auth/me", token=token)
    check(st == 200, "who am I: %s" % st)
    tenant = me["tenant_id"]
    st, body, _ = api.call("POST", "/api/v1/scenarios", token=token, body=SCENARIO)
    check(st == 201, "scenario saved: %s %s" % (st, body))
    sid = body["id"]
    st, exts, _ = api.call("GET", "/api/v1/extensions?number=500", token=token)
    check(st == 200 and len(exts["items"]) == 1, "extension 500 found: %s" % st)
    st, body, _ = api.call("PATCH", "/api/v1/extensions/%d" % exts["items"][0]["id"], token=token,
                           body={"scenario_id": sid})
    check(st == 200 and body.get("scenario_id") == sid, "extension 500 runs it: %s %s" % (st, body))
    d = os.path.join(sys.argv[3], "prompts", str(tenant))
    os.makedirs(d, exist_ok=True)
    for name, (freq, secs) in PROMPTS.items():
        tone_wav(os.path.join(d, name + ".wav"), freq, secs)
    print("tenant %s scenario %s prompts in %s" % (tenant, sid, d))
    return 1 if api_client.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
