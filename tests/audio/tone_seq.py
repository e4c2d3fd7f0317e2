#!/usr/bin/env python3
"""The tones a caller heard, in order: tone_seq.py FILE HZ... reads rtp_uac.py's JSON, splits
the A-law audio into 100 ms windows and names, per window, the candidate frequency holding
most of its power (over half, else "-"), then prints the runs of three windows or more, e.g.
"500 700 425". Short glitches drop out; a tone after a silence shows again."""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import alaw  # noqa: E402


def share(s, freq, rate=8000):
    k = 2 * math.cos(2 * math.pi * freq / rate)
    q1 = q2 = 0.0
    for x in s:
        q1, q2 = k * q1 - q2 + x, q1
    p = q1 * q1 + q2 * q2 - k * q1 * q2
    total = sum(x * x for x in s) * len(s) / 2
    return p / total if total > len(s) * 100 * 100 else 0.0  # below ~-50 dBFS: silence


def main():
    seen = json.load(open(sys.argv[1]))
    freqs = [float(f) for f in sys.argv[2:]]
    pcm, last = [], None
    for at, payload in seen["audio"]:
        if last is not None and at - last > 0.1:  # nothing came: silence as long as the gap
            pcm += [0] * int((at - last - 0.02) * 8000)
        pcm += alaw.decode(bytes.fromhex(payload))
        last = at
    names = []
    for i in range(0, len(pcm) - 800 + 1, 800):
        w = pcm[i:i + 800]
        best = max(freqs, key=lambda f: share(w, f))
        names.append("%g" % best if share(w, best) > 0.5 else "-")
    # runs of three windows or more (silence too, so that a tone heard twice shows twice)
    runs, prev, count = [], None, 0
    for n in names + [None]:
        if n == prev:
            count += 1
            continue
        if prev is not None and count >= 3 and (not runs or runs[-1] != prev):
            runs.append(prev)
        prev, count = n, 1
    runs = [r for r in runs if r != "-"]
    print(" ".join(runs))


if __name__ == "__main__":
    main()
