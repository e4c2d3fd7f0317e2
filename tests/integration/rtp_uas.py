#!/usr/bin/env python3
"""A callee for the call tests: answers one INVITE with the codecs given, records the RTP and
the INFO bodies it gets, answers the caller's BYE, and writes what it saw as JSON.

rtp_uas.py --sip-port P --media-port M --codec PCMU/8000/0 [--events PT] [--events-rate R]
           [--tone HZ] --out FILE [--timeout S]
With --tone (PCMU or PCMA) it sends that tone from its answer on, 20 ms a packet, to the
address the offer announced, until the BYE.
Each RTP packet is recorded as [pt, marker, seq, ts, ssrc, first 4 payload bytes as hex,
the whole payload as hex].
"""
import argparse
import json
import math
import os
import random
import re
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alaw  # noqa: E402


def ulaw_sample(pcm):
    sign = 0x80 if pcm < 0 else 0
    pcm = min(abs(pcm), 32635) + 0x84
    exp = max(0, pcm.bit_length() - 8)
    return ~(sign | (exp << 4) | ((pcm >> (exp + 3)) & 0x0F)) & 0xFF


def offer_address(sdp):
    """The audio address of an SDP offer: (ip, port) or None."""
    ip = re.search(r"^c=IN IP4 (\S+)", sdp, re.M)
    port = re.search(r"^m=audio (\d+)", sdp, re.M)
    return (ip.group(1), int(port.group(1))) if ip and port else None


class Tone:
    """Tone packets in the answered codec, one every 20 ms of the clock."""

    def __init__(self, freq, codec):
        name, _, pt = codec.split("/")
        self.freq, self.pt, self.law = freq, int(pt), name.upper()
        self.seq, self.ts, self.ssrc = random.getrandbits(16), random.getrandbits(32), 0x70e
        self.start, self.sent = None, 0

    def due(self, sock, dest):
        now = time.time()
        if self.start is None:
            self.start = now
        while dest and self.sent * 0.02 <= now - self.start:
            pcm = [int(8000 * math.sin(2 * math.pi * self.freq * (self.sent * 160 + i) / 8000))
                   for i in range(160)]
            payload = alaw.encode(pcm) if self.law == "PCMA" else bytes(ulaw_sample(x) for x in pcm)
            hdr = bytes([0x80, self.pt | (0x80 if self.sent == 0 else 0)])
            hdr += (self.seq & 0xFFFF).to_bytes(2, "big") + (self.ts & 0xFFFFFFFF).to_bytes(4, "big")
            hdr += self.ssrc.to_bytes(4, "big")
            sock.sendto(hdr + payload, dest)
            self.seq, self.ts, self.sent = self.seq + 1, self.ts + 160, self.sent + 1


def headers(msg):
    head = msg.split("\r\n\r\n", 1)[0].split("\r\n")
    out = {}
    for line in head[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            out.setdefault(k.strip().lower(), []).append(v.strip())
    return head[0], out


def body(msg):
    return msg.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in msg else ""


def reply(req, code, reason, to_tag, extra="", sdp=""):
    _, h = headers(req)
    lines = ["SIP/2.0 %d %s" % (code, reason)]
    lines += ["Via: " + v for v in h.get("via", [])]
    to = h["to"][0]
    if ";tag=" not in to:
        to += ";tag=" + to_tag
    lines += ["From: " + h["from"][0], "To: " + to, "Call-ID: " + h["call-id"][0],
              "CSeq: " + h["cseq"][0]]
    if extra:
        lines.append(extra)
    if sdp:
        lines.append("Content-Type: application/sdp")
    lines.append("Content-Length: %d" % len(sdp.encode()))
    return ("\r\n".join(lines) + "\r\n\r\n" + sdp).encode()


def answer_sdp(args):
    name, rate, pt = args.codec.split("/")
    fmts = [pt]
    attrs = ["a=rtpmap:%s %s/%s%s" % (pt, name, rate, "/2" if name.lower() == "opus" else "")]
    if args.events:
        fmts.append(str(args.events))
        attrs += ["a=rtpmap:%d telephone-event/%d" % (args.events, args.events_rate),
                  "a=fmtp:%d 0-16" % args.events]
    return "\r\n".join(["v=0", "o=uas 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1",
                        "t=0 0", "m=audio %d RTP/AVP %s" % (args.media_port, " ".join(fmts))]
                       + attrs + ["a=sendrecv", ""])


def record_rtp(data, out):
    if len(data) < 12 or data[0] >> 6 != 2 or 192 <= data[1] <= 223:
        return
    out.append([data[1] & 0x7f, bool(data[1] & 0x80), int.from_bytes(data[2:4], "big"),
                int.from_bytes(data[4:8], "big"), int.from_bytes(data[8:12], "big"),
                data[12:16].hex(), data[12:].hex()])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sip-port", type=int, required=True)
    ap.add_argument("--media-port", type=int, required=True)
    ap.add_argument("--codec", required=True)
    ap.add_argument("--events", type=int, default=0)
    ap.add_argument("--events-rate", type=int, default=8000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--tone", type=float, default=0)
    args = ap.parse_args()
    sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sip.bind(("127.0.0.1", args.sip_port))
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind(("127.0.0.1", args.media_port))
    seen = {"rtp": [], "info": [], "invite": "", "bye": False}
    deadline = time.time() + args.timeout
    tag = "uas%d" % args.sip_port
    tone = Tone(args.tone, args.codec) if args.tone else None
    dest = None
    while time.time() < deadline and not seen["bye"]:
        if tone and dest:
            tone.due(rtp, dest)
        ready, _, _ = select.select([sip, rtp], [], [], 0.01 if tone and dest else 0.2)
        for s in ready:
            data, peer = s.recvfrom(65536)
            if s is rtp:
                record_rtp(data, seen["rtp"])
                continue
            msg = data.decode("utf-8", "replace")
            start, _ = headers(msg)
            method = start.split(" ", 1)[0]
            if method == "INVITE":
                seen["invite"] = body(msg)
                dest = offer_address(seen["invite"])
                contact = "Contact: <sip:uas@127.0.0.1:%d>" % args.sip_port
                sip.sendto(reply(msg, 200, "OK", tag, contact, answer_sdp(args)), peer)
            elif method in ("INFO", "BYE", "OPTIONS", "UPDATE"):
                if method == "INFO":
                    seen["info"].append(body(msg))
                sip.sendto(reply(msg, 200, "OK", tag), peer)
                seen["bye"] = seen["bye"] or method == "BYE"
    # packets still in flight after the BYE are not waited for
    with open(args.out, "w") as f:
        json.dump(seen, f)
    return 0 if seen["bye"] else 1


if __name__ == "__main__":
    sys.exit(main())
