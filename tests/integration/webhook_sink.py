#!/usr/bin/env python3
"""A webhook endpoint for shell tests: appends each delivery as one JSON line
{"headers": {...}, "body": "..."} to OUT_FILE. Usage: webhook_sink.py PORT OUT_FILE"""
import http.server
import json
import sys

PORT, OUT = int(sys.argv[1]), sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(OUT, "a") as f:
            f.write(json.dumps({"headers": dict(self.headers.items()),
                                "body": body.decode("utf-8", "replace")}) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
