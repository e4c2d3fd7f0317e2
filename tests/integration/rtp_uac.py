#!/usr/bin/env python3
"""A caller for the call tests: sends one INVITE (answering a digest challenge), streams a
tone in G.711 A-law from the call's answer on, sends RFC 4733 digits at given times, records
the audio it gets, and hangs up after --duration seconds unless the far end hangs up first.

rtp_uac.py --server 127.0.0.1:5060 --user 200 --password PW --to 500 --sip-port P
           --media-port M [--tone HZ] [--digit SECONDS:DIGIT]... [--duration S] --out FILE
The output JSON: final status, whether the far end sent the BYE, the received A-law audio as
hex per packet with its arrival time (seconds since the answer), and the DTMF events sent.
"""
import argparse
import hashlib
import json
import math
import os
import random
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alaw  # noqa: E402

EVENT_PT = 101


def parse(msg):
    head, _, body = msg.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return lines[0], hdrs, body


def digest_params(value):
    out = {}
    for part in value.split(" ", 1)[1].split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip().lower()] = v.strip().strip('"')
    return out


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class Caller:
    def __init__(self, a):
        self.a = a
        host, port = a.server.split(":")
        self.server = (host, int(port))
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", a.sip_port))
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("127.0.0.1", a.media_port))
        self.call_id = "uac%x@127.0.0.1" % random.getrandbits(48)
        self.tag = "t%x" % random.getrandbits(32)
        self.cseq = 1
        self.to_hdr = None
        self.remote_target = None
        self.peer_rtp = None

    def request(self, method, ruri, extra=(), body="", cseq=None, branch=None):
        lines = ["%s %s SIP/2.0" % (method, ruri),
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=%s" %
                 (self.a.sip_port, branch or "z9hG4bK%x" % random.getrandbits(40)),
                 "Max-Forwards: 70",
                 "From: <sip:%s@127.0.0.1>;tag=%s" % (self.a.user, self.tag),
                 "To: %s" % (self.to_hdr or "<sip:%s@127.0.0.1>" % self.a.to),
                 "Call-ID: " + self.call_id,
                 "CSeq: %d %s" % (cseq or self.cseq, method),
                 "Contact: <sip:%s@127.0.0.1:%d>" % (self.a.user, self.a.sip_port)]
        lines += list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        self.sip.sendto(("\r\n".join(lines) + "\r\n\r\n" + body).encode(), self.server)

    def sdp(self):
        return "\r\n".join(["v=0", "o=uac 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1",
                            "t=0 0", "m=audio %d RTP/AVP 8 %d" % (self.a.media_port, EVENT_PT),
                            "a=rtpmap:8 PCMA/8000",
                            "a=rtpmap:%d telephone-event/8000" % EVENT_PT,
                            "a=fmtp:%d 0-16" % EVENT_PT, "a=sendrecv", ""])

    def recv_sip(self, timeout):
        ready, _, _ = select.select([self.sip], [], [], timeout)
        if not ready:
            return None
        return parse(self.sip.recv(65536).decode("utf-8", "replace"))

    def invite(self):
        ruri = "sip:%s@127.0.0.1" % self.a.to
        self.request("INVITE", ruri, body=self.sdp())
        auth_sent = False
        deadline = time.time() + 20
        while time.time() < deadline:
            m = self.recv_sip(1)
            if not m:
                continue
            start, h, body = m
            if not start.startswith("SIP/2.0"):
                continue
            code = int(start.split()[1])
            if code < 200:
                continue
            if code in (401, 407) and not auth_sent:
                self.ack(h, ruri)
                name = "www-authenticate" if code == 401 else "proxy-authenticate"
                ch = next((digest_params(v) for v in h.get(name, [])
                           if "md5" in v.lower() or "algorithm" not in v.lower()), None)
                resp = self.digest(ch, "INVITE", ruri)
                self.cseq += 1
                self.request("INVITE", ruri, [("Authorization: " if code == 401 else
                                               "Proxy-Authorization: ") + resp], self.sdp())
                auth_sent = True
                continue
            if code >= 300:
                self.ack(h, ruri)
                return code
            self.to_hdr = h["to"][0]
            self.remote_target = h["contact"][0].strip("<>").split(">")[0]
            for line in body.split("\r\n"):
                if line.startswith("m=audio"):
                    port = int(line.split()[1])
                if line.startswith("c=IN IP4"):
                    ip = line.split()[2]
            self.peer_rtp = (ip, port)
            self.request("ACK", self.remote_target, cseq=self.cseq)
            return code
        return 408

    def ack(self, h, ruri):
        # the ACK of a failure repeats the INVITE's branch (RFC 3261 17.1.1.3)
        branch = h["via"][0].split("branch=")[1].split(";")[0]
        saved, self.to_hdr = self.to_hdr, h["to"][0]
        self.request("ACK", ruri, cseq=self.cseq, branch=branch)
        self.to_hdr = saved

    def digest(self, ch, method, uri):
        realm, nonce = ch["realm"], ch["nonce"]
        ha1 = md5("%s:%s:%s" % (self.a.user, realm, self.a.password))
        ha2 = md5("%s:%s" % (method, uri))
        parts = 'Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5' % (
            self.a.user, realm, nonce, uri)
        if "qop" in ch:
            cnonce, nc = "%x" % random.getrandbits(32), "00000001"
            r = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
            parts += ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
        else:
            r = md5("%s:%s:%s" % (ha1, nonce, ha2))
        parts += ', response="%s"' % r
        if "opaque" in ch:
            parts += ', opaque="%s"' % ch["opaque"]
        return parts


def run(a):
    c = Caller(a)
    out = {"status": c.invite(), "bye_from_peer": False, "audio": [], "digits": []}
    if out["status"] != 200:
        return out
    digits = sorted((float(t), d) for t, d in (x.split(":") for x in a.digit))
    t0 = time.time()
    seq, ts, ssrc, n = random.getrandbits(16), random.getrandbits(32), random.getrandbits(32), 0
    ev = None  # (digit code, start ts, packets sent)
    while time.time() - t0 < a.duration:
        now = time.time() - t0
        if now >= n * 0.02:  # a 20 ms packet of tone, or the digit's event packets
            if ev is None and digits and now >= digits[0][0]:
                d = digits.pop(0)[1]
                ev = ["0123456789*#".index(d), ts, 0]
                out["digits"].append([round(now, 3), d])
            if ev is not None:
                end = ev[2] >= 8
                dur = (ev[2] + 1) * 160
                payload = bytes([ev[0], 0x80 | 10 if end else 10]) + dur.to_bytes(2, "big")
                hdr = bytes([0x80, (0x80 if ev[2] == 0 else 0) | EVENT_PT]) + \
                    seq.to_bytes(2, "big") + ev[1].to_bytes(4, "big") + ssrc.to_bytes(4, "big")
                c.rtp.sendto(hdr + payload, c.peer_rtp)
                ev[2] += 1
                if ev[2] >= 11:  # the end is sent three times
                    ev = None
            else:
                pcm = [int(8000 * math.sin(2 * math.pi * a.tone * (ts + i) / 8000))
                       for i in range(160)]
                hdr = bytes([0x80, 8]) + seq.to_bytes(2, "big") + ts.to_bytes(4, "big") + \
                    ssrc.to_bytes(4, "big")
                c.rtp.sendto(hdr + alaw.encode(pcm), c.peer_rtp)
            seq = (seq + 1) & 0xffff
            ts = (ts + 160) & 0xffffffff
            n += 1
        ready, _, _ = select.select([c.rtp, c.sip], [], [], 0.005)
        for s in ready:
            data = s.recv(65536)
            if s is c.rtp:
                if len(data) > 12 and data[1] & 0x7f == 8:
                    out["audio"].append([round(time.time() - t0, 3), data[12:].hex()])
                continue
            start, h, _ = parse(data.decode("utf-8", "replace"))
            if start.startswith("BYE"):
                lines = ["SIP/2.0 200 OK"] + ["Via: " + v for v in h["via"]] + \
                    ["From: " + h["from"][0], "To: " + h["to"][0], "Call-ID: " + h["call-id"][0],
                     "CSeq: " + h["cseq"][0], "Content-Length: 0"]
                c.sip.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), c.server)
                out["bye_from_peer"] = True
                out["ended_at"] = round(time.time() - t0, 3)
                return out
    c.cseq += 1
    c.request("BYE", c.remote_target)
    c.recv_sip(2)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--sip-port", type=int, required=True)
    ap.add_argument("--media-port", type=int, required=True)
    ap.add_argument("--tone", type=float, default=1000)
    ap.add_argument("--digit", action="append", default=[])
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = run(a)
    with open(a.out, "w") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
