/* WebSocket frames (RFC 6455 section 5): decoding a peer's frames and encoding our headers. */
#ifndef NET_WS_FRAME_H
#define NET_WS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ws_opcode { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };

struct ws_frame {
	bool fin;
	enum ws_opcode opcode;
	uint8_t *payload; /* inside the decoded buffer, unmasked in place */
	size_t len;
};

/*
 * Decodes one frame at p. Returns the bytes it takes, 0 when more are needed,
 * or -1 for a frame that breaks the protocol (reserved bits, bad opcode, a control
 * frame over 125 bytes or fragmented, unmasked when must_mask, payload over max).
 */
long ws_frame_decode(uint8_t *p, size_t len, bool must_mask, size_t max, struct ws_frame *f);
/* Writes an unmasked frame header for a payload of len into hdr; returns its size (2-10). */
size_t ws_frame_header(uint8_t hdr[10], enum ws_opcode op, size_t len);
/* The Sec-WebSocket-Accept value for a client's key: base64(SHA-1(key GUID)), 28 chars. */
void ws_accept_key(const char *key, char out[29]);

#endif
