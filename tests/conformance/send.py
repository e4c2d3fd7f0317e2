#!/usr/bin/env python3
"""Conformance sender: sends one case file to a SIP server over UDP or TCP and reports the answer.

Usage: send.py [--tcp] [--check] [--wait S] [--show] HOST PORT CASE.sip

Prints the status line of the first final response, "drop" when nothing came within
--wait seconds, or "close" when a TCP peer closed the connection without answering.
With --check it compares the answer with the case's "# expect" lines, prints
"PASS"/"FAIL <why>" after it and exits 1 on a mismatch. With --show it also prints the
whole response (for debugging a case).

Case format: "# key: value" lines, a blank line, then the message exactly as it is to be
sent (so it normally ends with an empty line). Unless "# raw: yes", line ends become
CRLF. In raw cases line ends stay as written (bare LF) and the escapes
\\r \\n \\t \\\\ and \\xHH are decoded. Placeholders in the message:
  {port} the sender's local port      {transport} UDP or TCP
  {server} HOST:PORT of the server    {branch} {callid} {tag} fresh random tokens
  {clen} byte length of the body (what follows the first empty line)
  {repeat:N:TEXT} TEXT repeated N times (TEXT has no braces; \\n in it ends a line)
"""
import argparse
import re
import secrets
import socket
import sys
import time

# Compact forms (RFC 3261 7.3.3, 20) so header expectations may use either spelling.
COMPACT = {'i': 'call-id', 'm': 'contact', 'e': 'content-encoding', 'l': 'content-length',
           'c': 'content-type', 'f': 'from', 's': 'subject', 'k': 'supported', 't': 'to',
           'v': 'via', 'o': 'event', 'r': 'refer-to', 'u': 'allow-events', 'b': 'referred-by',
           'x': 'session-expires'}

MAX_READ = 1 << 20  # a response bigger than this is a server bug anyway


def parse_case(path):
    """Returns (meta, message-template): meta maps key -> list of values."""
    with open(path, 'rb') as f:
        data = f.read().decode('utf-8')
    meta = {}
    lines = data.split('\n')
    i = 0
    while i < len(lines) and lines[i].startswith('#'):
        m = re.match(r'#\s*([a-z-]+):\s?(.*)$', lines[i])
        if not m:
            raise ValueError('%s:%d: bad header line' % (path, i + 1))
        meta.setdefault(m.group(1), []).append(m.group(2).rstrip())
        i += 1
    if i >= len(lines) or lines[i] != '':
        raise ValueError('%s: header block must end with an empty line' % path)
    for key in ('expect', 'rfc', 'why'):
        if key not in meta:
            raise ValueError('%s: missing "# %s:"' % (path, key))
    return meta, '\n'.join(lines[i + 1:])


def decode_escapes(text):
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            n = text[i + 1]
            if n == 'x' and re.match(r'[0-9a-fA-F]{2}$', text[i + 2:i + 4]):
                out.append(chr(int(text[i + 2:i + 4], 16)))
                i += 4
                continue
            simple = {'r': '\r', 'n': '\n', 't': '\t', '\\': '\\'}
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
        out.append(c)
        i += 1
    return ''.join(out)


def expand_repeats(text):
    def rep(m):
        return m.group(2).replace('\\n', '\n') * int(m.group(1))
    return re.sub(r'\{repeat:(\d+):([^}]*)\}', rep, text)


def build_message(meta, template, values):
    """Fills placeholders and line ends; returns bytes."""
    raw = meta.get('raw', ['no'])[0] == 'yes'
    text = expand_repeats(template)
    if raw:
        text = decode_escapes(text)
    else:
        text = text.replace('\n', '\r\n')
    for key, val in values.items():
        text = text.replace('{%s}' % key, val)
    sep = text.find('\r\n\r\n')
    skip = 4
    if sep < 0:
        sep, skip = text.find('\n\n'), 2
    # latin-1 keeps decoded \xHH escapes as single bytes; plain cases are UTF-8 text.
    encoding = 'latin-1' if raw else 'utf-8'
    body_len = len(text[sep + skip:].encode(encoding)) if sep >= 0 else 0
    return text.replace('{clen}', str(body_len)).encode(encoding)


def split_response(data):
    """Returns (status line, [(lower-case full name, value)]) of the first message in data."""
    head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1')
    lines = head.split('\r\n')
    hdrs = []
    for line in lines[1:]:
        if line[:1] in (' ', '\t') and hdrs:
            hdrs[-1] = (hdrs[-1][0], hdrs[-1][1] + ' ' + line.strip())
            continue
        name, _, value = line.partition(':')
        name = name.strip().lower()
        hdrs.append((COMPACT.get(name, name), value.strip()))
    return lines[0], hdrs


def status_code(line):
    m = re.match(r'SIP/2\.0 (\d{3}) ', line + ' ')
    return int(m.group(1)) if m else None


def first_final(buf):
    """Finds the first non-1xx response in buf (several may be concatenated).
    CRLF pongs (RFC 5626 4.4.1) answering a CRLFCRLF ping on a stream are skipped."""
    while buf:
        if buf.startswith(b'\r\n'):
            buf = buf[2:]
            continue
        end = buf.find(b'\r\n\r\n')
        if end < 0:
            return None, buf
        status, hdrs = split_response(buf)
        clen = 0
        for name, value in hdrs:
            if name == 'content-length' and value.isdigit():
                clen = int(value)
        total = end + 4 + clen
        if len(buf) < total:
            return None, buf
        code = status_code(status)
        if code is None or code >= 200:
            return buf[:total], buf[total:]
        buf = buf[total:]
    return None, buf


def exchange_udp(host, port, build, wait):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    msg = build(sock.getsockname()[1])
    try:
        sock.sendto(msg, (host, port))
    except OSError as e:
        # A datagram over the IP limit never leaves this host: nothing can answer it.
        return 'drop', b'', 'send failed: %s' % e.strerror
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 'drop', b'', ''
        sock.settimeout(left)
        try:
            data = sock.recv(65535)
        except socket.timeout:
            return 'drop', b'', ''
        resp, _ = first_final(data)
        if resp:
            return 'response', resp, ''


def exchange_tcp(host, port, build, wait):
    sock = socket.create_connection((host, port), timeout=wait)
    msg = build(sock.getsockname()[1])
    buf = b''
    deadline = time.monotonic() + wait
    try:
        sock.sendall(msg)
    except OSError as e:
        return 'close', b'', 'send failed: %s' % e.strerror
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 'drop', b'', ''
        sock.settimeout(left)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return 'drop', b'', ''
        except ConnectionResetError:
            return 'close', b'', 'reset'
        if not data:
            return 'close', b'', ''
        buf += data
        if len(buf) > MAX_READ:
            return 'close', b'', 'oversized response'
        resp, _ = first_final(buf)
        if resp:
            return 'response', resp, ''


def header_values(hdrs, name):
    want = name.strip().lower()
    want = COMPACT.get(want, want)
    return [v for n, v in hdrs if n == want]


def echo_problems(resp_hdrs, template, values):
    """RFC 3261 8.2.6.2: a response copies Call-ID, CSeq and Via, and adds a To tag."""
    problems = []
    if '{callid}' in template:
        ids = header_values(resp_hdrs, 'call-id')
        if not any(values['callid'] in v for v in ids):
            problems.append('Call-ID not echoed (got %r)' % ids)
    if '{branch}' in template:
        vias = header_values(resp_hdrs, 'via')
        if not vias or values['branch'] not in vias[0]:
            problems.append('top Via branch not echoed (got %r)' % vias[:1])
    tos = header_values(resp_hdrs, 'to')
    if not tos or not re.search(r';\s*tag\s*=', tos[0], re.I):
        problems.append('no To tag in final response (got %r)' % tos[:1])
    return problems


def check(meta, tcp, template, values, outcome, resp):
    """Returns a list of mismatches between the case's expectations and the answer."""
    expect = meta['expect'][0]
    if tcp and 'expect-tcp' in meta:
        expect = meta['expect-tcp'][0]
    wanted = [w.strip() for w in expect.split('|')]
    if outcome != 'response':
        return [] if outcome in wanted else ['expected %s, got %s' % (expect, outcome)]
    status, hdrs = split_response(resp)
    code = status_code(status)
    if str(code) not in wanted:
        return ['expected %s, got "%s"' % (expect, status)]
    problems = echo_problems(hdrs, template, values)
    for line in meta.get('expect-header', []):
        name, _, regex = line.partition(':')
        vals = header_values(hdrs, name)
        if not any(re.search(regex.strip(), v, re.I) for v in vals):
            problems.append('expected header %s matching /%s/, got %r' %
                            (name.strip(), regex.strip(), vals))
    return problems


def main():
    ap = argparse.ArgumentParser(description='send one SIP conformance case')
    ap.add_argument('--tcp', action='store_true', help='send over TCP (default UDP)')
    ap.add_argument('--check', action='store_true', help='compare with the case expectations')
    ap.add_argument('--show', action='store_true', help='print the whole response')
    ap.add_argument('--wait', type=float, default=2.0, help='seconds to wait for an answer')
    ap.add_argument('host')
    ap.add_argument('port', type=int)
    ap.add_argument('case')
    args = ap.parse_args()

    meta, template = parse_case(args.case)
    values = {'branch': 'z9hG4bK' + secrets.token_hex(8), 'callid': secrets.token_hex(12),
              'tag': secrets.token_hex(6), 'transport': 'TCP' if args.tcp else 'UDP',
              'server': '%s:%d' % (args.host, args.port)}

    def build(local_port):
        values['port'] = str(local_port)
        return build_message(meta, template, values)

    exchange = exchange_tcp if args.tcp else exchange_udp
    try:
        outcome, resp, note = exchange(args.host, args.port, build, args.wait)
    except ConnectionRefusedError:
        print('refused')
        return 1
    print(split_response(resp)[0] if resp else outcome + (' (%s)' % note if note else ''))
    if args.show and resp:
        sys.stdout.write(resp.decode('latin-1'))
    if not args.check:
        return 0
    problems = check(meta, args.tcp, template, values, outcome, resp)
    print('PASS' if not problems else 'FAIL ' + '; '.join(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
