#!/usr/bin/env python3
"""Sets up the IVR of test_call_scenario.sh through the REST API as the demo owner: saves the
scenario, points extension 500 at it, and uploads the tenant's prompts (tones, one of them
a stereo 44.1 kHz file the server converts); checks the prompt API's answers to bad uploads,
the listing, a download, a delete and the read-only role.

Also saves two CRM scenarios for extensions 501 and 502 (webhook steps against
crm_stub.py on CRM_PORT: the answer's branch and variables, then `say`; a CRM too slow for
the step's timeout takes the error branch).

api_setup_scenario.py API_BASE OWNER_PASSWORD DATA_DIR CRM_PORT"""
import io
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


def crm_scenario(name, path, port):
    return {
        "name": name,
        "start": "lookup",
        "steps": {
            "lookup": {"type": "webhook", "method": "POST", "timeout": 1,
                       "url": "http://127.0.0.1:%d%s" % (port, path),
                       "body": {"caller": "${caller}", "call": "${call_id}"},
                       "next": {"ok": "bye", "error": "welcome", "vip": "greet"}},
            "greet": {"type": "say", "text": "Hello ${webhook.name}, thank you for calling.",
                      "next": "bye"},
            "welcome": {"type": "play", "prompt": "welcome", "next": "end"},
            "bye": {"type": "play", "prompt": "bye", "next": "end"},
            "end": {"type": "hangup"},
        },
    }


def point(api, token, ext, sid):
    st, exts, _ = api.call("GET", "/api/v1/extensions?number=%s" % ext, token=token)
    st, body, _ = api.call("PATCH", "/api/v1/extensions/%d" % exts["items"][0]["id"], token=token,
                           body={"scenario_id": sid})
    check(st == 200 and body.get("scenario_id") == sid, "extension %s runs scenario %s: %s"
          % (ext, sid, st))


# name: (Hz, seconds)
PROMPTS = {"welcome": (500, 1.0), "menu": (700, 3.0), "bye": (900, 1.0)}


def tone_wav(freq, seconds, rate=16000, channels=1):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        one = [struct.pack("<h", int(9000 * math.sin(2 * math.pi * freq * i / rate)))
               for i in range(int(rate * seconds))]
        w.writeframes(b"".join(x * channels for x in one))
    return buf.getvalue()


def prompts(api, token, tenant, data_dir):
    for name, (freq, secs) in PROMPTS.items():
        stereo = name == "menu"
        wav = tone_wav(freq, secs, 44100 if stereo else 16000, 2 if stereo else 1)
        st, body, _ = api.call("PUT", "/api/v1/prompts/" + name, token=token, raw=wav)
        check(st == 201 and abs(body["seconds"] - secs) < 0.01,
              "prompt %s uploaded: %s %s" % (name, st, body))
    st, body, _ = api.call("PUT", "/api/v1/prompts/bye", token=token, raw=tone_wav(900, 1.0))
    check(st == 200, "uploading again replaces it: %s" % st)
    st, body, _ = api.call("GET", "/api/v1/prompts/menu", token=token)
    check(st == 200 and body.startswith("RIFF"), "a prompt downloads as WAV: %s" % st)
    check(os.path.exists(os.path.join(data_dir, "prompts", str(tenant), "menu.wav")),
          "stored under the tenant's directory")
    st, body, _ = api.call("PUT", "/api/v1/prompts/junk", token=token, raw=b"not audio at all " * 40)
    check(st == 415 and body["error"]["code"] == "not_audio", "a body that is not audio: %s %s"
          % (st, body))
    for bad in ("..", ".hidden", "a%2Fb", "x.wav"):
        st, body, _ = api.call("PUT", "/api/v1/prompts/" + bad, token=token, raw=tone_wav(500, 0.1))
        check(st in (400, 404), "prompt name %r refused: %s" % (bad, st))
    st, body, _ = api.call("PUT", "/api/v1/prompts/temp", token=token, raw=tone_wav(500, 0.2))
    st, body, _ = api.call("DELETE", "/api/v1/prompts/temp", token=token)
    check(st == 204, "a prompt deleted: %s" % st)
    st, body, _ = api.call("GET", "/api/v1/prompts/temp", token=token)
    check(st == 404, "and gone: %s" % st)
    st, body, _ = api.call("GET", "/api/v1/prompts", token=token)
    names = sorted(p["name"] for p in body.get("items", []))
    check(st == 200 and names == ["bye", "menu", "welcome"], "the list: %s %s" % (st, names))
    st, body, _ = api.call("GET", "/api/v1/prompts", token=None)
    check(st == 401, "no token, no prompts: %s" % st)


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
    prompts(api, token, tenant, sys.argv[3])
    port = int(sys.argv[4])
    for ext, name, path in (("501", "crm", "/lookup"), ("502", "crm-slow", "/slow")):
        st, body, _ = api.call("POST", "/api/v1/scenarios", token=token,
                               body=crm_scenario(name, path, port))
        check(st == 201, "scenario %s saved: %s %s" % (name, st, body))
        point(api, token, ext, body["id"])
    print("tenant %s scenario %s" % (tenant, sid))
    return 1 if api_client.FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
