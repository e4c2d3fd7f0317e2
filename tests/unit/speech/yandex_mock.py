#!/usr/bin/env python3
"""A small fake of Yandex SpeechKit's v1 REST API for the speech backend tests.

Usage: yandex_mock.py LOG API_KEY FOLDER_ID. Prints its port, then serves until killed.
It checks each request as the real service would and answers like it: 401 without
"Authorization: Api-Key API_KEY", 400 with {"error_code", "error_message"} for a wrong
folderId, lang, format, sample rate or body; else stt:recognize answers {"result": ...}
and tts:synthesize the raw 16-bit PCM. Every request is appended to LOG as one JSON line
(path, query, headers, body size; the form fields of synthesis). The first path component
picks the behaviour: /ok, /flaky (500 twice, then ok), /busy (429 always), /slow (answers
after 3 s), /garbage (200, not what the API sends).

Recognition answers "heard N samples at R Hz peak P": what the body held, so a test sees
that the audio arrived whole. Synthesis answers 60 ms of a 440 Hz tone per character.
"""
import json
import math
import struct
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG, KEY, FOLDER = sys.argv[1], sys.argv[2], sys.argv[3]
COUNTS = {}
LANGS = {"ru-RU", "en-US", "kk-KK", "uz-UZ", "de-DE", "tr-TR", "auto"}
RATES = {"8000", "16000", "48000"}
VOICES = {"alena", "filipp", "ermil", "jane", "omazh", "zahar", "john", "lea", "madirus"}


class Bad(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code = status, code


def one(params, name, default=None):
    v = params.get(name)
    if v is None:
        return default
    if len(v) != 1:
        raise Bad(400, "BAD_REQUEST", "%s given %d times" % (name, len(v)))
    return v[0]


def common(params):
    if one(params, "folderId") != FOLDER:
        raise Bad(400, "BAD_REQUEST", "folderId %r is not the folder of this key" %
                  one(params, "folderId"))
    if one(params, "lang", "ru-RU") not in LANGS:
        raise Bad(400, "BAD_REQUEST", "unsupported lang %r" % one(params, "lang"))
    if one(params, "format", "oggopus") != "lpcm":
        raise Bad(400, "BAD_REQUEST", "this fake speaks lpcm only")
    if one(params, "sampleRateHertz", "48000") not in RATES:
        raise Bad(400, "BAD_REQUEST", "sampleRateHertz must be 8000, 16000 or 48000")
    return int(one(params, "sampleRateHertz", "48000"))


def recognize(query, body):
    rate = common(query)
    if one(query, "topic", "general") not in ("general", "general:rc"):
        raise Bad(400, "BAD_REQUEST", "unknown topic")
    if not body or len(body) % 2:
        raise Bad(400, "BAD_REQUEST", "audio is empty or not 16-bit")
    if len(body) > 1 << 20 or len(body) / 2 / rate > 30:
        raise Bad(400, "BAD_REQUEST", "audio should be less than 30s and 1MB")
    if body[:4] == b"RIFF":
        raise Bad(400, "BAD_REQUEST", "lpcm is raw PCM, not a WAV file")
    pcm = struct.unpack("<%dh" % (len(body) // 2), body)
    return {"result": "heard %d samples at %d Hz peak %d" % (len(pcm), rate,
                                                            max(abs(s) for s in pcm))}


def synthesize(form):
    rate = common(form)
    text = one(form, "text")
    if not text or one(form, "ssml"):
        raise Bad(400, "BAD_REQUEST", "text is required (ssml is not faked)")
    if len(text) > 5000:
        raise Bad(400, "BAD_REQUEST", "text is longer than 5000 characters")
    if one(form, "voice", "marina") not in VOICES:
        raise Bad(400, "BAD_REQUEST", "unknown voice %r" % one(form, "voice"))
    n = int(0.06 * rate * len(text))
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                    for i in range(n))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, data, ctype="application/json"):
        if not isinstance(data, bytes):
            data = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        rec = {"path": url.path, "query": {k: v[0] for k, v in query.items()},
               "headers": dict(self.headers), "size": len(body)}
        form = {}
        if url.path.endswith("/tts:synthesize"):
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            rec["form"] = {k: v[0] for k, v in form.items()}
        with open(LOG, "a") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        mode = url.path.split("/")[1]
        COUNTS[mode] = COUNTS.get(mode, 0) + 1
        if mode == "busy":
            return self.answer(429, {"error_code": "TOO_MANY_REQUESTS",
                                     "error_message": "quota exceeded"})
        if mode == "flaky" and COUNTS[mode] % 3 != 0:
            return self.answer(500, {"error_code": "INTERNAL_SERVER_ERROR",
                                     "error_message": "try again"})
        if mode == "slow":
            time.sleep(3)
        if mode == "garbage":
            return self.answer(200, b"<html>not json</html>", "text/html")
        try:
            if self.headers.get("Authorization") != "Api-Key " + KEY:
                raise Bad(401, "UNAUTHORIZED", "The token is invalid")
            if url.path.endswith("/speech/v1/stt:recognize"):
                return self.answer(200, recognize(query, body))
            if url.path.endswith("/speech/v1/tts:synthesize"):
                if not self.headers.get("Content-Type", "").startswith(
                        "application/x-www-form-urlencoded"):
                    raise Bad(400, "BAD_REQUEST", "the parameters are a form")
                return self.answer(200, synthesize(form), "audio/x-pcm")
            raise Bad(404, "NOT_FOUND", "no such method")
        except Bad as e:
            self.answer(e.status, {"error_code": e.code, "error_message": str(e)})


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
