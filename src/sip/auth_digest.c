/* Digest hashes (HA1, HA2, response) for MD5 and SHA-256 through OpenSSL EVP. */
#include <openssl/evp.h>

#include "core/mem.h"
#include "sip/auth.h"

enum { DIGEST_MAX_PARTS = 7 };

size_t sip_digest_hex_len(enum sip_digest_alg alg)
{
	return alg == SIP_DIGEST_SHA256 ? 64 : 32;
}

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* H(parts[0] ":" parts[1] ":" ...) as lowercase hex into out (65 bytes). */
static void digest_hex(enum sip_digest_alg alg, const struct str *parts, size_t n, char out[65])
{
	const EVP_MD *md = alg == SIP_DIGEST_SHA256 ? EVP_sha256() : EVP_md5();
	unsigned char md_out[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		mem_oom(sizeof(void *));
	/* These only fail on allocation or a missing provider: both are fatal here. */
	if (!EVP_DigestInit_ex(ctx, md, NULL))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (i)
			EVP_DigestUpdate(ctx, ":", 1);
		if (parts[i].len)
			EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
	}
	if (!EVP_DigestFinal_ex(ctx, md_out, &md_len))
		abort();
	EVP_MD_CTX_free(ctx);
	hex_encode(md_out, md_len, out);
}

void sip_digest_ha1(enum sip_digest_alg alg, struct str user, struct str realm, struct str password,
		    char out[65])
{
	const struct str parts[] = {user, realm, password};

	digest_hex(alg, parts, 3, out);
}

void sip_digest_response(enum sip_digest_alg alg, const char *ha1_hex,
			 const struct sip_digest_cred *cred, struct str method, char out[65])
{
	const struct str a2[] = {method, cred->uri};
	struct str parts[DIGEST_MAX_PARTS];
	char ha2[65];
	size_t n = 0;

	digest_hex(alg, a2, 2, ha2);
	parts[n++] = str_c(ha1_hex);
	parts[n++] = cred->nonce;
	if (!str_empty(cred->qop)) {
		parts[n++] = cred->nc;
		parts[n++] = cred->cnonce;
		parts[n++] = cred->qop;
	}
	parts[n++] = str_c(ha2);
	digest_hex(alg, parts, n, out);
}
