/* Digest authentication as a client (RFC 2617/7616/8760): answering a trunk's challenges. */
#include <errno.h>
#include <stdio.h>

#include "core/rand.h"
#include "sip/auth.h"
#include "sip/msg.h"

/* "auth" among the offered qop values ("auth", "auth,auth-int"). */
static bool offers_auth(struct str qop)
{
	struct str rest = qop, v;

	while (rest.p && rest.len) {
		rest = str_split(rest, ',', &v);
		if (str_eq_case_cstr(str_trim(v), "auth"))
			return true;
	}
	return str_eq_case_cstr(str_trim(rest), "auth");
}

static int put_answer(const struct sip_digest_cred *ch, bool proxy, const char *user,
		      const char *password, const char *method, const char *uri, struct buf *out)
{
	char ha1[65], resp[65], cnonce[17];
	bool qop = ch->qop.p && offers_auth(ch->qop);
	struct sip_digest_cred c = *ch;
	int err;

	rand_hex(cnonce, 8);
	c.uri = str_c(uri);
	c.qop = qop ? STR("auth") : STR_NULL;
	c.nc = STR("00000001");
	c.cnonce = str_c(cnonce);
	sip_digest_ha1(c.alg, str_c(user), c.realm, str_c(password), ha1);
	sip_digest_response(c.alg, ha1, &c, str_c(method), resp);
	err = buf_printf(out,
			 "%s: Digest username=\"%s\", realm=\"%.*s\", nonce=\"%.*s\", uri=\"%s\", "
			 "response=\"%s\", algorithm=%s",
			 proxy ? "Proxy-Authorization" : "Authorization", user, STR_FMT(c.realm),
			 STR_FMT(c.nonce), uri, resp, c.alg == SIP_DIGEST_SHA256 ? "SHA-256" : "MD5");
	if (!err && qop)
		err = buf_printf(out, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
	if (!err && c.opaque.p)
		err = buf_printf(out, ", opaque=\"%.*s\"", STR_FMT(c.opaque));
	return err ? err : buf_puts(out, "\r\n");
}

int sip_auth_answer(const struct sip_msg *resp, const char *user, const char *password,
		    const char *method, const char *uri, struct buf *out)
{
	bool proxy = resp->status == 407;
	enum sip_hdr_id id = proxy ? SIP_HDR_PROXY_AUTHENTICATE : SIP_HDR_WWW_AUTHENTICATE;
	struct sip_digest_cred ch;

	if (strpbrk(user, "\"\\\r\n") || strpbrk(uri, "\"\r\n"))
		return EINVAL;
	for (const struct sip_hdr *h = sip_msg_hdr(resp, id); h; h = sip_msg_hdr_next(resp, h))
		if (sip_digest_challenge_parse(h->value, &ch) == 0)
			return put_answer(&ch, proxy, user, password, method, uri, out);
	return ENOENT;
}
