"""G.711 A-law for the test tools (Python's audioop is going away): 16-bit samples <-> octets."""

_SEG_END = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def encode_sample(pcm):
    pcm >>= 3
    mask = 0xD5
    if pcm < 0:
        mask, pcm = 0x55, -pcm - 1
    seg = next((i for i, end in enumerate(_SEG_END) if pcm <= end), 8)
    if seg == 8:
        return 0x7F ^ mask
    return ((seg << 4) | ((pcm >> (1 if seg < 2 else seg)) & 0x0F)) ^ mask


def decode_sample(a):
    a ^= 0x55
    t, seg = (a & 0x0F) << 4, (a & 0x70) >> 4
    t = t + 8 if seg == 0 else (t + 0x108) << (seg - 1) if seg > 1 else t + 0x108
    return t if a & 0x80 else -t


def encode(samples):
    return bytes(encode_sample(s) for s in samples)


def decode(octets):
    return [decode_sample(a) for a in octets]


def rms(samples):
    return int((sum(s * s for s in samples) / len(samples)) ** 0.5) if samples else 0
