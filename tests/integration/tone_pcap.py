#!/usr/bin/env python3
"""Writes a pcap of one RTP stream (PCMA, PT 8, 20 ms) carrying DTMF as in-band tones, for
sipp's play_pcap_audio: 200 ms of silence, then per digit 120 ms of its two tones (ITU-T
Q.23 frequencies, -10 dBm0 each) and 120 ms of silence.

tone_pcap.py DIGITS OUT.pcap
"""
import math
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alaw  # noqa: E402

LOW = {"1": 697, "2": 697, "3": 697, "A": 697, "4": 770, "5": 770, "6": 770, "B": 770,
       "7": 852, "8": 852, "9": 852, "C": 852, "*": 941, "0": 941, "#": 941, "D": 941}
HIGH = {"1": 1209, "4": 1209, "7": 1209, "*": 1209, "2": 1336, "5": 1336, "8": 1336,
        "0": 1336, "3": 1477, "6": 1477, "9": 1477, "#": 1477, "A": 1633, "B": 1633,
        "C": 1633, "D": 1633}


def samples(digits):
    out = [0] * 1600
    for d in digits:
        out += [int(5000 * (math.sin(2 * math.pi * LOW[d] * i / 8000) +
                            math.sin(2 * math.pi * HIGH[d] * i / 8000))) for i in range(960)]
        out += [0] * 960
    return out


def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


def frame(payload, seq):
    udp = struct.pack("!HHHH", 6000, 6000, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), seq, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\0" * 12 + b"\x08\x00" + ip + udp


def main():
    digits, path = sys.argv[1], sys.argv[2]
    pcm = samples(digits)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k in range(len(pcm) // 160):
            rtp = struct.pack("!BBHII", 0x80, 8 | (0x80 if k == 0 else 0), k, 160 * k,
                              0x5eed) + alaw.encode(pcm[160 * k:160 * (k + 1)])
            pkt = frame(rtp, k)
            us = 20000 * k
            f.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(pkt), len(pkt)) + pkt)


if __name__ == "__main__":
    main()
