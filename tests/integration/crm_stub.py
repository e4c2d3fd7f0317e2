#!/usr/bin/env python3
"""A CRM for scenarios' webhook steps: POST /lookup records the JSON body (one line in
OUT_FILE) and answers {"branch": "vip", "set": {"name": "Ivan"}} for caller 200, else {};
/slow answers after 3 s; /garbage answers text. Usage: crm_stub.py PORT OUT_FILE"""
import http.server
import json
import sys
import time

PORT, OUT = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with open(OUT, "a") as f:
            f.write(json.dumps({"path": self.path, "body": body,
                                "type": self.headers.get("Content-Type")}) + "\n")
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/garbage":
            answer = b"this is not json"
        else:
            vip = json.loads(body or "{}").get("caller") == "200"
            answer = json.dumps({"branch": "vip", "set": {"name": "Ivan"}} if vip else {}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            pass  # the caller gave up (timeout)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
