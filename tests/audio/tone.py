#!/usr/bin/env python3
"""Share of a WAV file's power at one frequency (Goertzel over 2 s after the first quarter):
tone.py FILE HZ [FILE HZ]... prints one line per pair; exit 0."""
import math
import struct
import sys
import wave


def tone_ratio(path, freq):
    w = wave.open(path)
    rate, ch, n = w.getframerate(), w.getnchannels(), w.getnframes()
    data = w.readframes(n)
    s = struct.unpack('<%dh' % (len(data)//2), data)[::ch]
    s = s[len(s)//4:]  # skip the start
    s = s[:rate*2]
    if not s: return 0.0, rate, 0
    k = 2*math.cos(2*math.pi*freq/rate); q1=q2=0.0
    for x in s:
        q0 = k*q1 - q2 + x; q2 = q1; q1 = q0
    p = q1*q1 + q2*q2 - k*q1*q2
    total = sum(x*x for x in s) * len(s) / 2
    return (p/total if total else 0.0), rate, len(s)
for path, f in zip(sys.argv[1::2], sys.argv[2::2]):
    r, rate, n = tone_ratio(path, float(f))
    print("%s %s Hz: %.3f of the power (%d Hz, %d samples)" % (path, f, r, rate, n))
