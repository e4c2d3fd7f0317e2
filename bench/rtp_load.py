#!/usr/bin/env python3
"""RTP load generator for bench/media.sh: G.711 A-law streams both ways through a relay.

Every call has two streams, caller -> relay -> callee and callee -> relay -> caller, at one
packet per 20 ms (12-byte RTP header + 160 bytes of PCMA payload, payload type 8). All
caller streams leave from one UDP socket (127.0.0.1:--caller-port) and all callee streams from
another (--callee-port): these are the addresses the calls' SDP announced, so each relay port
latches on the address it expects. Streams are told apart by SSRC. Each side runs in its own
process (sending its streams and receiving the other side's), spreading its sends over ten
2 ms slots per 20 ms tick.

The relay ports come either from --pairs FILE (lines "PORT_A PORT_B": the caller sends to
PORT_A, the callee to PORT_B; media.sh reads them from `zvonarctl show calls`) or from
rtpengine's ng control protocol (--ng HOST:PORT --calls N: offer + answer per call here,
delete at the end).

Each packet carries its send time (CLOCK_MONOTONIC ns) in the first payload bytes, so the
receiver measures the transit time through the relay; "added jitter" is the RFC 3550
interarrival jitter (J += (|D| - J) / 16) of those transit times, i.e. the variation the relay
(and the receiving side's scheduling) adds on top of the exact send times. Only packets sent
inside the measurement window (after --warmup s, for --seconds s) are counted; loss is
1 - received / sent for them. The relay's CPU (utime + stime from /proc/PID/stat, every thread)
is read at the start and end of the window.

Prints one line: key=value pairs (calls streams sent recv loss_pct jitter_ms jitter_max_ms
delay_ms cpu_s wall_s gen_cpu_s gen_wall_s send_errors): cpu_s over wall_s is the relay's
CPU in the window, gen_cpu_s over gen_wall_s the generator's own (both processes, whole run).
"""
import argparse
import multiprocessing as mp
import os
import re
import select
import socket
import struct
import sys
import time

PT_PCMA = 8
PAYLOAD = 160
TICK_NS = 20_000_000
SLOTS = 10
BUF = 4 * 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- bencode (rtpengine ng protocol) -------------------------------------------------------

def benc(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(benc(k) + benc(v[k]) for k in sorted(v)) + b"e"
    raise TypeError(type(v))


def bdec(s, i=0):
    c = s[i:i + 1]
    if c == b"i":
        j = s.index(b"e", i)
        return int(s[i + 1:j]), j + 1
    if c == b"l":
        i, out = i + 1, []
        while s[i:i + 1] != b"e":
            v, i = bdec(s, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i, out = i + 1, {}
        while s[i:i + 1] != b"e":
            k, i = bdec(s, i)
            v, i = bdec(s, i)
            out[k.decode()] = v
        return out, i + 1
    j = s.index(b":", i)
    n = int(s[i:j])
    return s[j + 1:j + 1 + n], j + 1 + n


class Ng:
    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        self.addr = (host, int(port))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(2.0)
        self.n = 0

    def cmd(self, **msg):
        self.n += 1
        cookie = b"%d_%d" % (os.getpid(), self.n)
        for _ in range(3):
            self.sock.sendto(cookie + b" " + benc(msg), self.addr)
            try:
                while True:
                    data = self.sock.recv(65536)
                    if data.startswith(cookie + b" "):
                        break
            except socket.timeout:
                continue
            reply, _ = bdec(data, len(cookie) + 1)
            if reply.get("result") != b"ok":
                raise RuntimeError("rtpengine %s: %r" % (msg.get("command"), reply))
            return reply
        raise RuntimeError("rtpengine does not answer on %s:%d" % self.addr)


def sdp(port, who):
    return ("v=0\r\no=%s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n" % (who, port))


def sdp_port(body):
    m = re.search(rb"m=audio (\d+) ", body)
    if not m:
        raise RuntimeError("no m=audio in rtpengine's SDP: %r" % body)
    return int(m.group(1))


def ng_setup(ng, calls, caller_port, callee_port):
    """offer (caller SDP) -> port the callee sends to; answer (callee SDP) -> port the
    caller sends to. Returns [(port_a, port_b)]: caller sends to port_a, callee to port_b."""
    pairs = []
    for i in range(calls):
        cid = "bench-%d-%d" % (os.getpid(), i)
        r = ng.cmd(command="offer", **{"call-id": cid, "from-tag": "a%d" % i,
                                      "sdp": sdp(caller_port, "caller"), "ICE": "remove"})
        port_b = sdp_port(r["sdp"])
        r = ng.cmd(command="answer", **{"call-id": cid, "from-tag": "a%d" % i,
                                       "to-tag": "b%d" % i, "sdp": sdp(callee_port, "callee")})
        pairs.append((sdp_port(r["sdp"]), port_b))
    return pairs


def ng_teardown(ng, calls):
    for i in range(calls):
        try:
            ng.cmd(command="delete", **{"call-id": "bench-%d-%d" % (os.getpid(), i),
                                        "from-tag": "a%d" % i})
        except RuntimeError as e:
            print("rtp_load: %s" % e, file=sys.stderr)


# --- load ----------------------------------------------------------------------------------

def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return 0


def side(name, port, dests, ssrc_base, peer_base, npeer, t0, t_w, t_end, t_stop, q):
    """Sends one stream per destination from 127.0.0.1:port and receives the peer's streams."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUF)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUF)
    s.bind(("127.0.0.1", port))
    s.setblocking(False)
    n = len(dests)
    pkts = [bytearray(12 + PAYLOAD) for _ in range(n)]
    for i, p in enumerate(pkts):
        struct.pack_into("!BBHII", p, 0, 0x80, PT_PCMA, 0, 0, ssrc_base + i)
        p[20:] = b"\xd5" * (len(p) - 20)  # A-law silence after the timestamp
    sent = [0] * n
    recv = [0] * n
    jit = [0.0] * n
    last = [None] * n
    delay_sum = 0
    pack_into = struct.pack_into
    unpack_from = struct.unpack_from
    now = time.monotonic_ns
    sendto = s.sendto
    recv_into = s.recv_into
    rbuf = bytearray(2048)
    slots = [list(range(k, n, SLOTS)) for k in range(SLOTS)]
    tick = 0
    errors = 0
    poll = select.poll()
    poll.register(s, select.POLLIN)
    while True:
        t_tick = t0 + tick * TICK_NS
        if t_tick >= t_stop:
            break
        for k in range(SLOTS):
            t_slot = t_tick + k * (TICK_NS // SLOTS)
            # receive until the slot is due
            while True:
                wait = t_slot - now()
                if wait <= 0:
                    break
                if not poll.poll(wait / 1e6):
                    continue
                while True:
                    try:
                        ln = recv_into(rbuf)
                    except BlockingIOError:
                        break
                    if ln < 20:
                        continue
                    t = now()
                    ssrc, ts_sent = unpack_from("!IQ", rbuf, 8)
                    i = ssrc - peer_base
                    if i < 0 or i >= npeer or ts_sent < t_w or ts_sent >= t_end:
                        continue
                    recv[i] += 1
                    tr = t - ts_sent
                    delay_sum += tr
                    lt = last[i]
                    if lt is not None:
                        d = tr - lt
                        jit[i] += ((d if d >= 0 else -d) - jit[i]) / 16
                    last[i] = tr
            seq = tick & 0xFFFF
            ts = (tick * 160) & 0xFFFFFFFF
            for i in slots[k]:
                p = pkts[i]
                t = now()
                pack_into("!HIIQ", p, 2, seq, ts, ssrc_base + i, t)
                try:
                    sendto(p, dests[i])
                except OSError:
                    errors += 1
                    continue
                if t_w <= t < t_end:
                    sent[i] += 1
        tick += 1
    # drain what is still in flight
    t_drain = now() + 300_000_000
    while now() < t_drain:
        if not poll.poll(50):
            continue
        while True:
            try:
                ln = recv_into(rbuf)
            except BlockingIOError:
                break
            if ln < 20:
                continue
            t = now()
            ssrc, ts_sent = unpack_from("!IQ", rbuf, 8)
            i = ssrc - peer_base
            if 0 <= i < npeer and t_w <= ts_sent < t_end:
                recv[i] += 1
                delay_sum += t - ts_sent
    q.put((name, sent, recv, jit, delay_sum, errors))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", help='file of "PORT_A PORT_B" lines (caller -> A, callee -> B)')
    ap.add_argument("--ng", help="rtpengine ng control address HOST:PORT")
    ap.add_argument("--calls", type=int, default=0, help="calls to set up through --ng")
    ap.add_argument("--caller-port", type=int, required=True)
    ap.add_argument("--callee-port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True, help="relay process to measure")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--warmup", type=float, default=1)
    a = ap.parse_args()

    ng = None
    if a.ng:
        ng = Ng(a.ng)
        pairs = ng_setup(ng, a.calls, a.caller_port, a.callee_port)
    else:
        pairs = []
        with open(a.pairs) as f:
            for line in f:
                if line.strip():
                    pa, pb = line.split()
                    pairs.append((int(pa), int(pb)))
    n = len(pairs)
    t0 = time.monotonic_ns() + 200_000_000
    t_w = t0 + int(a.warmup * 1e9)
    t_end = t_w + int(a.seconds * 1e9)
    t_stop = t_end + 100_000_000
    q = mp.Queue()
    procs = [
        mp.Process(target=side, args=("a", a.caller_port, [("127.0.0.1", p[0]) for p in pairs],
                                      0x10000000, 0x20000000, n, t0, t_w, t_end, t_stop, q)),
        mp.Process(target=side, args=("b", a.callee_port, [("127.0.0.1", p[1]) for p in pairs],
                                      0x20000000, 0x10000000, n, t0, t_w, t_end, t_stop, q)),
    ]
    g0 = time.monotonic_ns()
    for p in procs:
        p.start()
    time.sleep(max(0, (t_w - time.monotonic_ns()) / 1e9))
    c0 = cpu_ticks(a.pid)
    w0 = time.monotonic_ns()
    time.sleep(max(0, (t_end - time.monotonic_ns()) / 1e9))
    c1 = cpu_ticks(a.pid)
    w1 = time.monotonic_ns()
    res = {}
    for _ in procs:
        r = q.get()
        res[r[0]] = r
    for p in procs:
        p.join()
    g1 = time.monotonic_ns()
    t = os.times()
    gen = t.children_user + t.children_system
    if ng:
        ng_teardown(ng, a.calls)
    # a's streams are received by b and vice versa
    sent = sum(res["a"][1]) + sum(res["b"][1])
    recv = sum(res["a"][2]) + sum(res["b"][2])
    jits = res["a"][3] + res["b"][3]
    jits = [j for j, c in zip(jits, res["a"][2] + res["b"][2]) if c > 1]
    delay = (res["a"][4] + res["b"][4]) / recv if recv else 0
    print("calls=%d streams=%d sent=%d recv=%d loss_pct=%.3f jitter_ms=%.3f jitter_max_ms=%.3f "
          "delay_ms=%.3f cpu_s=%.2f wall_s=%.3f gen_cpu_s=%.2f gen_wall_s=%.3f send_errors=%d" % (
              n, 2 * n, sent, recv, 100.0 * (sent - recv) / sent if sent else 100.0,
              sum(jits) / len(jits) / 1e6 if jits else 0, max(jits) / 1e6 if jits else 0,
              delay / 1e6, (c1 - c0) / CLK_TCK, (w1 - w0) / 1e9, gen, (g1 - g0) / 1e9,
              res["a"][5] + res["b"][5]))


if __name__ == "__main__":
    main()
