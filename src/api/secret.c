/* Secrets of the API: random tokens, their SHA-256 fingerprints, argon2id password hashes. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"

/* Above OWASP's minimum for argon2id (19 MiB, t=2, p=1); libsodium's default algorithm. */
#define PWHASH_OPS 3
#define PWHASH_MEM (32u << 20)

void api_random_token(const char *prefix, char *out, size_t len)
{
	unsigned char raw[32];
	char b64[64];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, len, "%s%s", prefix, b64);
	sodium_memzero(raw, sizeof(raw));
}

void api_sha256_hex(const char *s, char out[65])
{
	unsigned char md[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(md, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, md, sizeof(md));
}

int api_password_hash(const char *password, char out[128])
{
	return crypto_pwhash_str(out, password, strlen(password), PWHASH_OPS, PWHASH_MEM) ? ENOMEM
											  : 0;
}

bool api_password_verify(const char *hash, const char *password)
{
	return *hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
