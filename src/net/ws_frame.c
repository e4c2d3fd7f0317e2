/* WebSocket frame codec (RFC 6455 5.2) and the opening handshake's accept key (4.2.2). */
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

#include "net/ws_frame.h"

static bool opcode_known(unsigned op)
{
	return op == WS_CONT || op == WS_TEXT || op == WS_BINARY || op == WS_CLOSE ||
	       op == WS_PING || op == WS_PONG;
}

long ws_frame_decode(uint8_t *p, size_t len, bool must_mask, size_t max, struct ws_frame *f)
{
	size_t need = 2, plen;
	bool masked;
	uint8_t *mask;

	if (len < 2)
		return 0;
	if ((p[0] & 0x70) || !opcode_known(p[0] & 0x0f))
		return -1;
	f->fin = p[0] & 0x80;
	f->opcode = (enum ws_opcode)(p[0] & 0x0f);
	masked = p[1] & 0x80;
	plen = p[1] & 0x7f;
	if (must_mask && !masked)
		return -1;
	if (plen == 126) {
		need = 4;
		if (len < need)
			return 0;
		plen = (size_t)p[2] << 8 | p[3];
	} else if (plen == 127) {
		need = 10;
		if (len < need)
			return 0;
		if (p[2] & 0x80)
			return -1;
		plen = 0;
		for (int i = 2; i < 10; i++)
			plen = plen << 8 | p[i];
	}
	if (f->opcode >= WS_CLOSE && (plen > 125 || !f->fin))
		return -1;
	if (plen > max)
		return -1;
	mask = p + need;
	if (masked)
		need += 4;
	if (len < need || len - need < plen)
		return 0;
	f->payload = p + need;
	f->len = plen;
	if (masked)
		for (size_t i = 0; i < plen; i++)
			f->payload[i] ^= mask[i & 3];
	return (long)(need + plen);
}

size_t ws_frame_header(uint8_t hdr[10], enum ws_opcode op, size_t len)
{
	hdr[0] = 0x80 | (uint8_t)op;
	if (len < 126) {
		hdr[1] = (uint8_t)len;
		return 2;
	}
	if (len < 65536) {
		hdr[1] = 126;
		hdr[2] = (uint8_t)(len >> 8);
		hdr[3] = (uint8_t)len;
		return 4;
	}
	hdr[1] = 127;
	for (int i = 0; i < 8; i++)
		hdr[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

void ws_accept_key(const char *key, char out[29])
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char md[SHA_DIGEST_LENGTH];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
	EVP_DigestUpdate(ctx, key, strlen(key));
	EVP_DigestUpdate(ctx, guid, sizeof(guid) - 1);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
}
