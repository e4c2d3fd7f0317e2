#!/usr/bin/env python3
"""A scripted phone for the transfer tests, registered beforehand from --sip-port.

answer:   answers one INVITE (PCMA), writes its dialog as JSON to --dialog (call_id, our tag,
          the server's tag) and waits for the server's BYE.
transfer: the transferor of an attended transfer: answers the call it gets, holds it
          (re-INVITE a=sendonly), calls --target through the server (digest auth with
          --user/--password), sends REFER on the held call with Refer-To:
          <sip:TARGET@server?Replaces=...> naming the second call, answers the NOTIFYs and
          expects BYE on both calls.
What happened goes to --out as JSON; the exit status is 0 when the script ran to its end.
"""
import argparse
import hashlib
import json
import random
import select
import socket
import sys
import time
import urllib.parse


def parse(data):
    msg = data.decode("utf-8", "replace")
    head, _, body = msg.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return lines[0], hdrs, body


def tag_of(value):
    for p in value.split(";")[1:]:
        if p.strip().startswith("tag="):
            return p.strip()[4:]
    return ""


def uri_of(value):
    return value[value.index("<") + 1:value.index(">")] if "<" in value else value.split(";")[0]


def sdp(port, direction="sendrecv", version=1):
    return "\r\n".join(["v=0", "o=phone 1 %d IN IP4 127.0.0.1" % version, "s=-",
                        "c=IN IP4 127.0.0.1", "t=0 0", "m=audio %d RTP/AVP 8 101" % port,
                        "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
                        "a=" + direction, ""])


class Phone:
    def __init__(self, args):
        self.args = args
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", args.sip_port))
        self.server = ("127.0.0.1", args.server_port)
        self.deadline = time.time() + args.timeout
        self.seen = {"requests": [], "responses": [], "notify": [], "bye": []}
        self.cseq = 100

    def send(self, text):
        self.sock.sendto(text.encode(), self.server)

    def reply(self, hdrs, code, reason, to_tag="", extra=(), body=""):
        to = hdrs["to"][0]
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        lines = ["SIP/2.0 %d %s" % (code, reason)] + ["Via: " + v for v in hdrs["via"]]
        lines += ["From: " + hdrs["from"][0], "To: " + to, "Call-ID: " + hdrs["call-id"][0],
                  "CSeq: " + hdrs["cseq"][0]] + list(extra)
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body.encode()))
        self.send("\r\n".join(lines) + "\r\n\r\n" + body)

    def request(self, method, d, extra=(), body="", ctype="application/sdp", cseq=None,
                branch=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        branch = branch or "z9hG4bK%08x" % random.getrandbits(32)
        self.branch = branch
        lines = ["%s %s SIP/2.0" % (method, d["target"]),
                 "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s;rport" % (self.args.sip_port, branch),
                 "Max-Forwards: 70", "From: %s;tag=%s" % (d["local"], d["local_tag"]),
                 "To: %s%s" % (d["remote"], ";tag=" + d["remote_tag"] if d["remote_tag"] else ""),
                 "Call-ID: " + d["call_id"], "CSeq: %d %s" % (cseq, method),
                 "Contact: <sip:%s@127.0.0.1:%d>" % (self.args.user, self.args.sip_port)]
        lines += list(extra)
        if body:
            lines.append("Content-Type: " + ctype)
        lines.append("Content-Length: %d" % len(body.encode()))
        self.send("\r\n".join(lines) + "\r\n\r\n" + body)
        return cseq

    def recv(self):
        """The next message; NOTIFY, BYE and OPTIONS are answered here (and returned too)."""
        while time.time() < self.deadline:
            r, _, _ = select.select([self.sock], [], [], 0.2)
            if not r:
                continue
            data, _ = self.sock.recvfrom(65536)
            start, hdrs, body = parse(data)
            if start.startswith("SIP/2.0"):
                self.seen["responses"].append(start)
                return start, hdrs, body
            method = start.split(" ", 1)[0]
            self.seen["requests"].append(method)
            if method == "NOTIFY":
                self.seen["notify"].append(body.strip())
            elif method == "BYE":
                self.seen["bye"].append(hdrs["call-id"][0])
            if method in ("NOTIFY", "BYE", "OPTIONS", "INFO", "UPDATE"):
                self.reply(hdrs, 200, "OK")
            return start, hdrs, body
        raise TimeoutError("timed out waiting for a message")

    def wait_final(self, cseq):
        while True:
            start, hdrs, body = self.recv()
            if not start.startswith("SIP/2.0") or int(hdrs["cseq"][0].split()[0]) != cseq:
                continue
            code = int(start.split()[1])
            if code >= 200:
                return code, hdrs, body

    def answer(self, media_port):
        while True:
            start, hdrs, body = self.recv()
            if start.startswith("INVITE"):
                break
        tag = "ph%d" % self.args.sip_port
        self.reply(hdrs, 200, "OK", tag,
                   ["Contact: <sip:%s@127.0.0.1:%d>" % (self.args.user, self.args.sip_port)],
                   sdp(media_port))
        d = {"call_id": hdrs["call-id"][0], "local_tag": tag, "remote_tag": tag_of(hdrs["from"][0]),
             "local": "<%s>" % uri_of(hdrs["to"][0]), "remote": "<%s>" % uri_of(hdrs["from"][0]),
             "target": uri_of(hdrs["contact"][0])}
        while True:
            start, hdrs, _ = self.recv()
            if start.startswith("ACK"):
                return d

    def reinvite(self, d, body):
        cseq = self.request("INVITE", d, body=body)
        code, _, _ = self.wait_final(cseq)
        self.request("ACK", d, cseq=cseq)
        return code

    def digest(self, challenges, method, uri):
        for challenge in challenges:
            params = dict(p.strip().split("=", 1) for p in challenge[len("Digest "):].split(","))
            params = {k: v.strip('"') for k, v in params.items()}
            if params.get("algorithm", "MD5").upper() == "MD5":
                break
        ha1 = hashlib.md5(("%s:%s:%s" % (self.args.user, params["realm"], self.args.password)).encode()).hexdigest()
        ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
        cnonce = "%08x" % random.getrandbits(32)
        resp = hashlib.md5(("%s:%s:00000001:%s:auth:%s" % (ha1, params["nonce"], cnonce, ha2)).encode()).hexdigest()
        return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                'algorithm=MD5, qop=auth, nc=00000001, cnonce="%s", opaque="%s"'
                % (self.args.user, params["realm"], params["nonce"], uri, resp, cnonce,
                   params.get("opaque", "")))

    def call(self, number, media_port):
        uri = "sip:%s@127.0.0.1:%d" % (number, self.args.server_port)
        d = {"call_id": "xfer-%08x@127.0.0.1" % random.getrandbits(32), "local_tag": "out%d" % self.args.sip_port,
             "remote_tag": "", "local": "<sip:%s@127.0.0.1>" % self.args.user,
             "remote": "<sip:%s@127.0.0.1>" % number, "target": uri}
        cseq = self.request("INVITE", d, body=sdp(media_port))
        code, hdrs, _ = self.wait_final(cseq)
        if code == 407:  # the ACK of a failure is part of the INVITE's transaction
            self.request("ACK", d, cseq=cseq, branch=self.branch)
            auth = self.digest(hdrs["proxy-authenticate"], "INVITE", uri)
            cseq = self.request("INVITE", d, ["Proxy-Authorization: " + auth], sdp(media_port))
            code, hdrs, _ = self.wait_final(cseq)
        if code != 200:
            raise RuntimeError("call to %s: %d" % (number, code))
        d["remote_tag"] = tag_of(hdrs["to"][0])
        d["target"] = uri_of(hdrs["contact"][0])
        self.request("ACK", d, cseq=cseq)
        return d

    def pause(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            try:
                self.deadline, saved = end, self.deadline
                self.recv()
            except TimeoutError:
                pass
            finally:
                self.deadline = saved

    def wait_for(self, pred, what):
        while not pred():
            self.recv()
        self.seen["done"] = self.seen.get("done", []) + [what]


def transfer(p, args):
    held = p.answer(args.media_port)
    p.pause(args.talk)
    p.seen["hold"] = p.reinvite(held, sdp(args.media_port, "sendonly", 2))
    consult = p.call(args.target, args.media_port + 2)
    p.pause(args.talk)
    replaces = "%s;to-tag=%s;from-tag=%s" % (consult["call_id"], consult["remote_tag"],
                                             consult["local_tag"])
    refer_to = "<sip:%s@127.0.0.1?Replaces=%s>" % (args.target, urllib.parse.quote(replaces, safe=""))
    cseq = p.request("REFER", held, ["Refer-To: " + refer_to,
                                     "Referred-By: <sip:%s@127.0.0.1>" % args.user])
    code, _, _ = p.wait_final(cseq)
    p.seen["refer"] = code
    p.wait_for(lambda: any(n.startswith("SIP/2.0 200") for n in p.seen["notify"]), "notify 200")
    p.wait_for(lambda: held["call_id"] in p.seen["bye"] and consult["call_id"] in p.seen["bye"],
               "both BYEs")


def answer(p, args):
    d = p.answer(args.media_port)
    with open(args.dialog, "w") as f:
        json.dump(d, f)
    p.wait_for(lambda: d["call_id"] in p.seen["bye"], "BYE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["answer", "transfer"])
    ap.add_argument("--sip-port", type=int, required=True)
    ap.add_argument("--server-port", type=int, required=True)
    ap.add_argument("--media-port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", default="")
    ap.add_argument("--target", default="")
    ap.add_argument("--talk", type=float, default=0.5)
    ap.add_argument("--dialog", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    p = Phone(args)
    status = 0
    try:
        (transfer if args.mode == "transfer" else answer)(p, args)
    except (TimeoutError, RuntimeError, KeyError, ValueError) as e:
        p.seen["error"] = str(e)
        status = 1
    with open(args.out, "w") as f:
        json.dump(p.seen, f)
    return status


if __name__ == "__main__":
    sys.exit(main())
