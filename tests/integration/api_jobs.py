"""Speech jobs through the REST API: chat exports and texts summarised, TTS downloaded and
checked, cancelling, tenant isolation, the usage ledger, and round-robin starts over tenants.

Usage: api_jobs.py API_URL OPERATOR_PASSWORD CHAT_DIR [STATE_DIR]"""
import glob
import json
import os
import struct
import subprocess
import sys
import time

from api_client import Api, check, fail, ws_connect, ws_read_text
import api_client

api = Api(sys.argv[1])
OP_PW = sys.argv[2]
DATA = sys.argv[3]
PW = "a long enough password 1"


def setup():
    st, cookie = api.login("admin", OP_PW)
    check(st == 200, "operator logs in")
    st, body, _ = api.call("POST", "/api/v1/tokens", cookie=cookie, body={"name": "ops"})
    op = body["token"]
    tokens, tenants = {}, {}
    for name in ("alpha", "beta"):
        st, t, _ = api.call("POST", "/api/v1/tenants", op,
                            {"name": name, "domain": name + ".example"})
        check(st == 201, "tenant %s created" % name)
        tenants[name] = t["id"]
        login = "admin@" + name
        st, _, _ = api.call("POST", "/api/v1/users?tenant_id=%d" % t["id"], op,
                            {"login": login, "role": "admin", "password": PW, "name": name})
        check(st == 201, "admin of %s created" % name)
        tokens[name] = api.token_for(login, PW)
    return op, tenants, tokens


def wait_job(tok, jid, until=("done", "failed", "cancelled")):
    """Polls the job until it ends (the test runner's timeout bounds the wait)."""
    while True:
        st, job, _ = api.call("GET", "/api/v1/jobs/%d" % jid, tok)
        if st != 200:
            fail("GET job %d: %s %s" % (jid, st, job))
            return job
        if job["status"] in until:
            return job
        time.sleep(0.05)


def submit(tok, path, body=None, raw=None, want=202):
    st, job, _ = api.call("POST", path, tok, body=body, raw=raw)
    if not check(st == want, "POST %s -> %s (want %s) %s" % (path, st, want,
                                                          "" if st == want else job)):
        return None
    return job


def chats(tok):
    for path in sorted(glob.glob(os.path.join(DATA, "*"))):
        raw = open(path, "rb").read()
        job = submit(tok, "/api/v1/chats/summary", raw=raw)
        if not job:
            continue
        check(job["status"] == "queued" and job["kind"] == "chat_summary",
              "%s: queued as a chat_summary job" % os.path.basename(path))
        job = wait_job(tok, job["id"])
        res = job.get("result") or {}
        check(job["status"] == "done" and job["progress"] == 100,
              "%s: done (%s %s)" % (os.path.basename(path), job["status"], job["error"]))
        check(res.get("messages", 0) >= 2 and len(res.get("summary", [])) > 0 and
              len(res.get("keywords", [])) > 0 and len(res.get("conversations", [])) > 0,
              "%s: %d messages, summary %s, keywords %s" % (
                  os.path.basename(path), res.get("messages", 0), res.get("summary", [])[:1],
                  res.get("keywords", [])[:4]))
    broken = (b"12/03/2024, 10:00 - Anna: the order is late\n"
              b"12/03/2024, 10:01 - Boris: it ships \xff\xfe tomorrow\n")
    job = submit(tok, "/api/v1/chats/summary?format=whatsapp", raw=broken)
    if job:
        job = wait_job(tok, job["id"])
        check(job["status"] == "failed" and "line 2" in job["error"] and job["result"] is None,
              "a broken export fails naming the line: %s" % job["error"])
    job = submit(tok, "/api/v1/chats/summary?format=telegram",
                 raw='{"name": "x", "messages": [{"id": 1, "type": "message", "text": "hi"}]}')
    if job:
        job = wait_job(tok, job["id"])
        check(job["status"] == "failed" and "message 0" in job["error"],
              "a Telegram message without a date fails naming it: %s" % job["error"])
    submit(tok, "/api/v1/chats/summary", raw="<html>not a chat</html>", want=400)
    submit(tok, "/api/v1/chats/summary?format=yaml", raw="1/1/24, 10:00 - A: b", want=400)
    submit(tok, "/api/v1/chats/summary", raw="", want=400)


RU = ("Компания открыла новый склад в Казани. Склад принимает заказы круглосуточно. "
      "Директор склада рассказал о планах расширения. Погода в городе была солнечной. "
      "Новый склад сократит сроки доставки заказов по региону. Сотрудники склада прошли "
      "обучение.")
EN = ("The city council approved the new library budget. The library will open two new "
      "branches next year. Local residents asked for longer opening hours. The weather was "
      "cold on Monday. The budget also pays for new books and computers in every library.")


def texts(tok):
    for lang, text in (("ru", RU), ("en", EN)):
        job = submit(tok, "/api/v1/texts/summary", {"text": text, "sentences": 2})
        if not job:
            continue
        job = wait_job(tok, job["id"])
        res = job.get("result") or {}
        check(job["status"] == "done" and res.get("lang") == lang and
              len(res.get("summary", [])) == 2 and res.get("keywords") and
              res.get("summary_text"), "%s text summary: %s / %s" % (
                  lang, res.get("summary"), res.get("keywords", [])[:3]))
    submit(tok, "/api/v1/texts/summary", {"text": ""}, want=400)
    submit(tok, "/api/v1/texts/summary", {"text": "x", "sentences": 0}, want=400)
    submit(tok, "/api/v1/texts/summary", {"text": "x", "colour": "red"}, want=400)


def wav_check(data, rate):
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return "not a RIFF WAVE file"
    channels, got_rate = struct.unpack("<HI", data[22:28])
    bits = struct.unpack("<H", data[34:36])[0]
    if (channels, got_rate, bits) != (1, rate, 16):
        return "format %d ch %d Hz %d bit" % (channels, got_rate, bits)
    samples = struct.unpack("<%dh" % ((len(data) - 44) // 2), data[44:44 + (len(data) - 44) // 2 * 2])
    peak = max(abs(s) for s in samples) if samples else 0
    if peak < 1000:
        return "silent (peak %d)" % peak
    return None


def fetch(tok, path):
    """The exact bytes of a reply (Api.call decodes text)."""
    res = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-H",
                          "Authorization: Bearer " + tok, api.base + path], capture_output=True)
    body, _, status = res.stdout.rpartition(b"\n")
    api_client.STATUSES.append((int(status or b"0"), "GET", path))
    return int(status or b"0"), body


def tts(tok, other):
    ids = []
    for lang, voice, rate, text in (("ru", "female", 8000, "Ваш заказ номер 25 готов."),
                                    ("en", "male", 16000, "Your order 25 is ready.")):
        job = submit(tok, "/api/v1/tts", {"text": text, "language": lang, "voice": voice,
                                          "rate": rate})
        if not job:
            continue
        job = wait_job(tok, job["id"])
        check(job["status"] == "done" and job["result"]["audio"].endswith("/audio"),
              "%s TTS job done (%s)" % (lang, job["error"]))
        st, out = fetch(tok, "/api/v1/jobs/%d/audio" % job["id"])
        bad = wav_check(out, rate)
        check(st == 200 and bad is None, "%s WAV: %d bytes, %s" % (lang, len(out), bad or "ok"))
        ids.append(job["id"])
    submit(tok, "/api/v1/tts", {"text": "hi", "language": "de"}, want=400)
    submit(tok, "/api/v1/tts", {"text": "hi", "voice": "robot"}, want=400)
    submit(tok, "/api/v1/tts", {"text": "hi", "rate": 44100}, want=400)
    return ids


def isolation(tok, other, ids):
    jid = ids[0]
    for method, path in (("GET", "/api/v1/jobs/%d" % jid), ("GET", "/api/v1/jobs/%d/audio" % jid),
                         ("DELETE", "/api/v1/jobs/%d" % jid)):
        st, _, _ = api.call(method, path, other)
        check(st == 404, "another tenant: %s %s -> %s (want 404)" % (method, path, st))
    st, body, _ = api.call("GET", "/api/v1/jobs?limit=500", other)
    check(st == 200 and all(j["id"] not in ids for j in body["items"]),
          "another tenant's job list has none of these jobs")
    st, job, _ = api.call("GET", "/api/v1/jobs/%d" % jid, tok)
    check(st == 200 and job["status"] == "done", "the owner still sees the job done")
    st, _, _ = api.call("DELETE", "/api/v1/jobs/%d" % jid, tok)
    check(st == 409, "a finished job cannot be cancelled (%s)" % st)


def fairness_and_cancel(tokens):
    """Ten TTS jobs of alpha, then ten of beta, then one more of alpha cancelled at once."""
    text = "Please hold the line, an operator will answer shortly. " * 6
    jobs = []
    for name in ("alpha", "beta"):
        for i in range(10):
            job = submit(tokens[name], "/api/v1/tts", {"text": text, "language": "en"})
            if job:
                jobs.append((name, job["id"]))
    late = submit(tokens["alpha"], "/api/v1/texts/summary", {"text": EN})
    st, c, _ = api.call("DELETE", "/api/v1/jobs/%d" % late["id"], tokens["alpha"])
    check(st == 200 and c["status"] == "cancelled", "DELETE cancels the job (%s)" % st)
    was_queued = c.get("started_at") == 0
    final = {}
    for name, jid in jobs:
        final[jid] = dict(wait_job(tokens[name], jid), owner=name)
    job = wait_job(tokens["alpha"], late["id"])
    check(job["status"] == "cancelled" and job["result"] is None,
          "the cancelled job stays cancelled without a result")
    if was_queued:
        check(job["started_at"] == 0 and job["pick_seq"] == 0,
              "it was queued: it never started")
    check(all(j["status"] == "done" for j in final.values()), "all 20 TTS jobs done")
    order = sorted(final.values(), key=lambda j: j["pick_seq"])
    print("# start order: " + " ".join(j["owner"][0] for j in order))
    # The rule at each start: of the tenants with jobs queued then, the one whose last
    # start is oldest. Queued then = created before that start and started after it.
    last = {"alpha": 0, "beta": 0}
    good = 0
    for j in order:
        waiting = {k["owner"] for k in order if k["pick_seq"] >= j["pick_seq"] and
                   k["created_at"] < j["started_at"]}
        if len(waiting) == 2:
            want = min(waiting, key=lambda t: (last[t], t == "beta"))
            if not check(j["owner"] == want, "start %d went to %s (want %s)" % (
                    j["pick_seq"], j["owner"], want)):
                break
            good += 1
        last[j["owner"]] = j["pick_seq"]
    check(good >= 5, "%d starts with both tenants waiting followed round-robin" % good)


def usage(tokens, tenants):
    day = time.strftime("%Y-%m-%d", time.gmtime())
    st, body, _ = api.call("GET", "/api/v1/usage?period=day", tokens["alpha"])
    items = body.get("items", []) if isinstance(body, dict) else []
    ops = {i["op"]: i for i in items if i["period"] == day}
    check(st == 200 and "summarize" in ops and "synthesize" in ops,
          "alpha's usage today lists summaries and synthesis: %s" % sorted(ops))
    check(all(i["tenant_id"] == tenants["alpha"] for i in items), "only alpha's records")
    syn = ops.get("synthesize", {})
    check(syn.get("jobs", 0) >= 12 and syn.get("synthesized_chars", 0) > 1000 and
          syn.get("synthesized_seconds", 0) > 10,
          "synthesis: %s jobs, %s chars, %s s" % (syn.get("jobs"), syn.get("synthesized_chars"),
                                                 syn.get("synthesized_seconds")))
    check(ops.get("summarize", {}).get("summaries", 0) >= 7, "summaries counted")
    st, body, _ = api.call("GET", "/api/v1/usage?period=month", tokens["beta"])
    items = body.get("items", []) if isinstance(body, dict) else []
    check(st == 200 and [i["period"] for i in items] == [day[:7]] and
          items[0]["jobs"] == 10, "beta's month: one line of 10 synthesis jobs")
    st, body, _ = api.call("GET", "/api/v1/usage?period=day&from=%d" % (
        int(time.time() * 1000) + 86400000), tokens["alpha"])
    check(st == 200 and body["items"] == [], "nothing after tomorrow")
    st, _, _ = api.call("GET", "/api/v1/usage?period=year", tokens["alpha"])
    check(st == 400, "period=year refused")


def events(tokens):
    """job.done and job.failed reach the tenant's WebSocket feed, and only that tenant's."""
    host, port = api.base.split("//")[1].split(":")
    try:
        ws, pending = ws_connect(host, int(port), "/api/v1/events?types=job.*&access_token=" +
                                 tokens["alpha"])
        other, opending = ws_connect(host, int(port), "/api/v1/events?access_token=" +
                                     tokens["beta"])
    except OSError as e:
        fail("WebSocket: %s" % e)
        return
    done = submit(tokens["alpha"], "/api/v1/texts/summary", {"text": EN})
    bad = submit(tokens["alpha"], "/api/v1/chats/summary", raw=b"1/2/24, 10:00 - A: x\n\xff\n")
    want = {done["id"]: "job.done", bad["id"]: "job.failed"} if done and bad else {}
    seen, deadline = {}, time.time() + 60
    while time.time() < deadline and len(seen) < len(want):
        text, pending = ws_read_text(ws, pending, max(0.1, deadline - time.time()))
        if text is None:
            break
        ev = json.loads(text)
        seen[ev["data"].get("id")] = (ev["type"], ev["data"])
    for jid, typ in want.items():
        got = seen.get(jid, (None, {}))
        check(got[0] == typ and got[1].get("status") == typ.split(".")[1],
              "event %s for job %d on the WebSocket" % (typ, jid))
    check("line 2" in seen.get(bad["id"], (None, {}))[1].get("error", ""),
          "job.failed carries the parser's error")
    text, _ = ws_read_text(other, opending, 0.5)
    check(text is None, "the other tenant's feed got none of them (%s)" % text)
    ws.close()
    other.close()


def main():
    op, tenants, tokens = setup()
    if len(sys.argv) > 4:
        open(os.path.join(sys.argv[4], "alpha.token"), "w").write(tokens["alpha"])
    st, _, _ = api.call("POST", "/api/v1/texts/summary", op, {"text": EN})
    check(st == 400, "the operator must name the tenant (%s)" % st)
    chats(tokens["alpha"])
    texts(tokens["alpha"])
    ids = tts(tokens["alpha"], tokens["beta"])
    if ids:
        isolation(tokens["alpha"], tokens["beta"], ids)
    events(tokens)
    fairness_and_cancel(tokens)
    usage(tokens, tenants)
    st, body, _ = api.call("GET", "/api/v1/audit?limit=500", tokens["alpha"])
    n = sum(1 for e in body.get("items", []) if e.get("object_type") == "job" and
            e.get("action") == "create")
    check(n >= 22, "every job creation is audited (%d entries)" % n)
    five = [s for s in api_client.STATUSES if s[0] >= 500]
    check(not five, "no 5xx answers: %s" % five[:3])
    sys.exit(1 if api_client.FAILS else 0)


main()
