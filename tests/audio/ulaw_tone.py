#!/usr/bin/env python3
"""Share of the power at HZ in the PCMU audio rtp_uas.py recorded (Goertzel over one second
after the first quarter): ulaw_tone.py FILE HZ prints "RATIO SAMPLES"."""
import json
import math
import sys


def ulaw(b):
    b = ~b & 0xff
    t = (((b & 0x0f) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)


seen = json.load(open(sys.argv[1]))
freq = float(sys.argv[2])
s = [ulaw(x) for p in seen["rtp"] if p[0] == 0 for x in bytes.fromhex(p[6])]
s = s[len(s) // 4:][:8000]
k = 2 * math.cos(2 * math.pi * freq / 8000)
q1 = q2 = 0.0
for x in s:
    q1, q2 = k * q1 - q2 + x, q1
p = q1 * q1 + q2 * q2 - k * q1 * q2
tot = sum(x * x for x in s) * len(s) / 2
print("%.3f %d" % (p / tot if tot else 0, len(s)))
