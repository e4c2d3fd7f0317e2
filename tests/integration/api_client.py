"""Test helpers for the REST API: requests made with curl, a WebSocket reader and a webhook
receiver, and the ok/FAIL reporting of tests/integration/lib.sh."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import socket
import subprocess
import tempfile
import threading

FAILS = 0
STATUSES = []  # every status seen: a 5xx anywhere fails the run


def ok(what):
    print("ok: " + what, flush=True)


def fail(what):
    global FAILS
    FAILS += 1
    print("FAIL: " + what, flush=True)


def check(cond, what):
    (ok if cond else fail)(what)
    return cond


class Api:
    """curl against the server; returns (status, parsed JSON or text, headers text)."""

    def __init__(self, base):
        self.base = base

    def call(self, method, path, token=None, body=None, raw=None, headers=(), cookie=None):
        with tempfile.NamedTemporaryFile() as out, tempfile.NamedTemporaryFile() as hdr:
            cmd = ["curl", "-s", "-g", "--path-as-is", "-o", out.name, "-D", hdr.name,
                   "-w", "%{http_code}", "-X", method, "--max-time", "20"]
            if token:
                cmd += ["-H", "Authorization: Bearer " + token]
            if cookie:
                cmd += ["-H", "Cookie: zv_session=" + cookie]
            for h in headers:
                cmd += ["-H", h]
            data = raw if raw is not None else (json.dumps(body) if body is not None else None)
            if data is not None:
                cmd += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
            res = subprocess.run(cmd + [self.base + path], input=(data or "").encode()
                                 if isinstance(data or "", str) else data,
                                 capture_output=True)
            status = int(res.stdout or b"0")
            STATUSES.append((status, method, path))
            text = open(out.name, "rb").read().decode("utf-8", "replace")
            heads = open(hdr.name, "rb").read().decode("latin-1")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return status, parsed, heads

    def login(self, login, password):
        st, body, heads = self.call("POST", "/api/v1/auth/login",
                                    body={"login": login, "password": password})
        for line in heads.splitlines():
            if line.lower().startswith("set-cookie: zv_session="):
                return st, line.split("=", 1)[1].split(";", 1)[0]
        return st, None

    def token_for(self, login, password, scope="write"):
        st, cookie = self.login(login, password)
        if st != 200:
            fail("login %s: %s" % (login, st))
            return None
        st, body, _ = self.call("POST", "/api/v1/tokens", cookie=cookie,
                                body={"name": "test", "scope": scope})
        if st != 201:
            fail("token for %s: %s %s" % (login, st, body))
            return None
        return body["token"]


def ws_connect(host, port, path):
    """A minimal RFC 6455 client: returns the socket after the 101, or raises."""
    s = socket.create_connection((host, port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
               % (path, host, port, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed during the handshake: %r" % head)
        head += chunk
    status = head.split(b"\r\n", 1)[0]
    if b" 101 " not in status:
        raise OSError("no upgrade: %r" % status)
    want = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                         .encode()).digest()).decode()
    if ("Sec-WebSocket-Accept: " + want).encode() not in head:
        raise OSError("bad Sec-WebSocket-Accept")
    s.settimeout(None)
    return s, head.split(b"\r\n\r\n", 1)[1]


def ws_read_text(s, pending, timeout):
    """One text message (str) or None on timeout/close; pending is the leftover bytes."""
    s.settimeout(timeout)
    buf = pending
    try:
        while True:
            if len(buf) >= 2:
                n = buf[1] & 0x7F
                off = 2
                if n == 126:
                    n, off = int.from_bytes(buf[2:4], "big"), 4
                elif n == 127:
                    n, off = int.from_bytes(buf[2:10], "big"), 10
                if len(buf) >= off + n:
                    op, payload, rest = buf[0] & 0x0F, buf[off:off + n], buf[off + n:]
                    if op == 1:
                        return payload.decode(), rest
                    buf = rest
                    if op == 8:
                        return None, b""
                    continue
            chunk = s.recv(65536)
            if not chunk:
                return None, b""
            buf += chunk
    except socket.timeout:
        return None, buf


def sign(secret, msg_id, ts, body):
    key = base64.b64decode(secret.split("_", 1)[1])
    mac = hmac.new(key, ("%s.%s." % (msg_id, ts)).encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class Receiver:
    """A webhook endpoint: records deliveries; answers 500 to the first `fail_first` of them."""

    def __init__(self, fail_first=0):
        self.got = []
        self.fail_first = fail_first
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                rec.got.append((dict(self.headers.items()), body))
                code = 500 if len(rec.got) <= rec.fail_first else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
