#!/usr/bin/env python3
"""A small OpenAI-compatible server for the speech backend tests.

Prints its port, then serves until killed. Every request is appended to the log file
(argv[1]) as one JSON line: method, path, headers, and the JSON body or multipart fields.
The first path component picks the behaviour: /ok, /flaky (503 twice, then ok),
/busy (429 always), /auth (401), /slow (answers after 3 s), /garbage (200, not JSON),
/lines (transcriptions answer the lines of the file argv[2] in turn, one per request, with
the request's audio length as the duration).
"""
import email.parser
import email.policy
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]
LINES = open(sys.argv[2], encoding="utf-8").read().splitlines() if len(sys.argv) > 2 else []
COUNTS = {}


def fields_of(ctype, body):
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    out = []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        item = {"name": name, "filename": part.get_filename(), "size": len(data),
                "type": part.get_content_type()}
        if part.get_filename() is None:
            item["value"] = data.decode()
        else:
            item["riff"] = data[:4].decode("latin-1")
        out.append(item)
    return out


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ctype = self.headers.get("Content-Type", "")
        rec = {"method": "POST", "path": self.path, "headers": dict(self.headers)}
        if ctype.startswith("multipart/form-data"):
            rec["fields"] = fields_of(ctype, body)
        else:
            rec["json"] = json.loads(body or b"null")
        with open(LOG, "a") as f:
            f.write(json.dumps(rec) + "\n")
        mode = self.path.split("/")[1]
        COUNTS[mode] = COUNTS.get(mode, 0) + 1
        if mode == "flaky" and COUNTS[mode] <= 2:
            return self.answer(503, {"error": {"message": "warming up"}})
        if mode == "busy":
            return self.answer(429, {"error": {"message": "rate limited"}})
        if mode == "auth":
            return self.answer(401, {"error": {"message": "invalid api key"}})
        if mode == "slow":
            time.sleep(3)
        if mode == "garbage":
            return self.answer(200, b"<html>oops</html>")
        if mode == "lines" and self.path.endswith("/v1/audio/transcriptions"):
            text = LINES[(COUNTS[mode] - 1) % len(LINES)] if LINES else ""
            return self.answer(200, {"task": "transcribe", "text": text})
        if self.path.endswith("/v1/audio/transcriptions"):
            return self.answer(200, {
                "task": "transcribe", "language": "english", "duration": 1.5,
                "text": "hello there",
                "segments": [{"id": 0, "start": 0.0, "end": 1.5, "text": "hello there",
                              "avg_logprob": -0.25, "no_speech_prob": 0.01}],
                "words": [{"word": "hello", "start": 0.1, "end": 0.5},
                          {"word": "there", "start": 0.6, "end": 1.1}]})
        if self.path.endswith("/v1/chat/completions"):
            req = json.loads(body)
            user = req["messages"][-1]["content"]
            return self.answer(200, {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 0,
                "model": req["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant",
                                         "content": "Summary of %d characters." % len(user)}}],
                "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}})
        self.answer(404, {"error": {"message": "no such endpoint"}})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
