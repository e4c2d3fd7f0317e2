/* Stateless digest nonces: time and salt signed with HMAC-SHA256 over the client's address. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/rand.h"
#include "sip/auth.h"

enum {
	NONCE_TS = 8,
	NONCE_SALT = 8,
	NONCE_MAC = 16, /* 128 bits of the HMAC: forging is still 2^128 guesses */
	NONCE_RAW = NONCE_TS + NONCE_SALT + NONCE_MAC,
};

_Static_assert(NONCE_RAW * 2 == SIP_AUTH_NONCE_LEN, "nonce is hex of the raw bytes");

static void nonce_mac(const unsigned char *key, size_t keylen, const unsigned char *head,
		      const struct sa *src, unsigned char mac[NONCE_MAC])
{
	unsigned char msg[NONCE_TS + NONCE_SALT + 17];
	unsigned char full[EVP_MAX_MD_SIZE];
	unsigned full_len = 0;
	size_t alen;

	memcpy(msg, head, NONCE_TS + NONCE_SALT);
	alen = sip_auth_addr_key(src, msg + NONCE_TS + NONCE_SALT);
	if (!HMAC(EVP_sha256(), key, (int)keylen, msg, NONCE_TS + NONCE_SALT + alen, full,
		  &full_len))
		abort(); /* only on allocation failure inside OpenSSL */
	memcpy(mac, full, NONCE_MAC);
}

void sip_auth_nonce_make(const unsigned char *key, size_t keylen, const struct sa *src,
			 uint64_t now_ms, char out[SIP_AUTH_NONCE_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[NONCE_RAW];

	for (int i = 0; i < NONCE_TS; i++)
		raw[i] = (unsigned char)(now_ms >> (8 * (NONCE_TS - 1 - i)));
	rand_bytes(raw + NONCE_TS, NONCE_SALT);
	nonce_mac(key, keylen, raw, src, raw + NONCE_TS + NONCE_SALT);
	for (int i = 0; i < NONCE_RAW; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
	out[SIP_AUTH_NONCE_LEN] = '\0';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* we only ever send lowercase: anything else was not made here */
}

int sip_auth_nonce_verify(const unsigned char *key, size_t keylen, struct str nonce,
			  const struct sa *src, uint64_t *ts_ms)
{
	unsigned char raw[NONCE_RAW], mac[NONCE_MAC];
	uint64_t ts = 0;

	if (nonce.len != SIP_AUTH_NONCE_LEN)
		return EBADMSG;
	for (int i = 0; i < NONCE_RAW; i++) {
		int hi = hex_val(nonce.p[2 * i]), lo = hex_val(nonce.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return EBADMSG;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	nonce_mac(key, keylen, raw, src, mac);
	if (CRYPTO_memcmp(mac, raw + NONCE_TS + NONCE_SALT, NONCE_MAC) != 0)
		return EBADMSG;
	for (int i = 0; i < NONCE_TS; i++)
		ts = ts << 8 | raw[i];
	*ts_ms = ts;
	return 0;
}
