/* libFuzzer harness: Digest credentials parser, then the check path on whatever it accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sip/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every slice the parser returns must point inside the input. */
static void check_inside(struct str s, const char *p, size_t n)
{
	if (s.p && (s.p < p || s.p + s.len > p + n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_auth *auth;
	static struct sa src;
	struct sip_digest_cred c;
	char *copy;

	if (!auth) {
		log_set_level(LL_ERROR);
		if (sip_auth_new(&auth, NULL) || sa_set_cstr(&src, "192.0.2.1", 5060))
			abort();
	}
	if (size > 8192)
		return 0;
	copy = malloc(size ? size : 1); /* exact-size copy so ASan sees any overread */
	memcpy(copy, data, size);
	if (sip_digest_parse(str_make(copy, size), &c) == 0) {
		const struct str *f[] = {&c.username,  &c.realm,  &c.nonce,  &c.uri, &c.response,
					 &c.algorithm, &c.cnonce, &c.opaque, &c.qop, &c.nc};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			check_inside(*f[i], copy, size);
		if (c.response.len != sip_digest_hex_len(c.alg))
			abort();
		sip_auth_check(auth, &c, STR("REGISTER"), NULL, &src, 1000);
	}
	free(copy);
	return 0;
}
