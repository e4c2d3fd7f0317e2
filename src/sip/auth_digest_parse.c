/* Parser for Authorization / Proxy-Authorization "Digest" credentials (RFC 7616 3.4). */
#include <errno.h>

#include "sip/auth.h"
#include "sip/msg.h"

enum { DIGEST_MAX_PARAMS = 64 }; /* more params than any client sends: hostile input */

struct digest_field {
	const char *name;
	size_t offset;
};

#define FIELD(n)                                                                                   \
	{                                                                                          \
#n, offsetof(struct sip_digest_cred, n)                                            \
	}
static const struct digest_field digest_fields[] = {
    FIELD(username),  FIELD(realm),  FIELD(nonce),  FIELD(uri), FIELD(response),
    FIELD(algorithm), FIELD(cnonce), FIELD(opaque), FIELD(qop), FIELD(nc),
};
#undef FIELD

enum { NFIELDS = sizeof(digest_fields) / sizeof(digest_fields[0]) };

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_hex(struct str s)
{
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static size_t skip_ws(struct str s, size_t i)
{
	while (i < s.len && is_ws(s.p[i]))
		i++;
	return i;
}

/* Quoted-string starting at s.p[i] == '"': the content (escapes kept) and the index after it. */
static int parse_quoted(struct str s, size_t *ip, struct str *val)
{
	size_t i = *ip + 1, start = i;

	for (; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c == '"') {
			*val = str_make(s.p + start, i - start);
			*ip = i + 1;
			return 0;
		}
		if (c == '\\') {
			if (++i >= s.len)
				return EBADMSG;
			c = (unsigned char)s.p[i];
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return EBADMSG;
	}
	return EBADMSG;
}

/* Unquoted value: up to whitespace or comma (lenient: clients put ':' in unquoted tokens). */
static int parse_bare(struct str s, size_t *ip, struct str *val)
{
	size_t i = *ip, start = i;

	while (i < s.len && !is_ws(s.p[i]) && s.p[i] != ',') {
		unsigned char c = (unsigned char)s.p[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return EBADMSG;
		i++;
	}
	if (i == start)
		return EBADMSG;
	*val = str_make(s.p + start, i - start);
	*ip = i;
	return 0;
}

static int store_param(struct sip_digest_cred *out, unsigned *seen, struct str name, struct str val)
{
	for (unsigned f = 0; f < NFIELDS; f++) {
		if (!str_eq_case_cstr(name, digest_fields[f].name))
			continue;
		if (*seen & (1u << f))
			return EBADMSG;
		*seen |= 1u << f;
		*(struct str *)((char *)out + digest_fields[f].offset) = val;
		return 0;
	}
	return 0; /* unknown parameters (userhash, auth-param extensions) are ignored */
}

/* One "name = value" at s.p[*ip]; leaves *ip after the value. */
static int parse_param(struct str s, size_t *ip, struct str *name, struct str *val)
{
	size_t i = *ip, start = i;

	while (i < s.len && is_tchar(s.p[i]))
		i++;
	if (i == start)
		return EBADMSG;
	*name = str_make(s.p + start, i - start);
	i = skip_ws(s, i);
	if (i >= s.len || s.p[i] != '=')
		return EBADMSG;
	i = skip_ws(s, i + 1);
	if (i >= s.len)
		return EBADMSG;
	*ip = i;
	return s.p[i] == '"' ? parse_quoted(s, ip, val) : parse_bare(s, ip, val);
}

static int parse_params(struct str s, size_t i, struct sip_digest_cred *out, unsigned *seen)
{
	unsigned n = 0;
	struct str name, val;
	int err;

	for (;;) {
		while ((i = skip_ws(s, i)) < s.len && s.p[i] == ',')
			i++; /* empty list elements are allowed (RFC 7230 7) */
		if (i >= s.len)
			return n ? 0 : EBADMSG;
		if (++n > DIGEST_MAX_PARAMS)
			return EBADMSG;
		err = parse_param(s, &i, &name, &val);
		if (!err)
			err = store_param(out, seen, name, val);
		if (err)
			return err;
		i = skip_ws(s, i);
		if (i < s.len && s.p[i] != ',')
			return EBADMSG;
	}
}

static int check_alg(struct sip_digest_cred *out)
{
	if (!out->algorithm.p || str_eq_case_cstr(out->algorithm, "MD5"))
		out->alg = SIP_DIGEST_MD5;
	else if (str_eq_case_cstr(out->algorithm, "SHA-256"))
		out->alg = SIP_DIGEST_SHA256;
	else
		return EBADMSG; /* -sess variants and SHA-512-256 are not offered */
	return 0;
}

static int check_cred(struct sip_digest_cred *out)
{
	if (!out->username.p || !out->realm.p || !out->nonce.p || !out->uri.p || !out->response.p)
		return EBADMSG;
	if (str_empty(out->username) || str_empty(out->nonce) || str_empty(out->uri))
		return EBADMSG;
	if (out->qop.p) {
		if (str_empty(out->qop) || !out->nc.p || !out->cnonce.p || str_empty(out->cnonce))
			return EBADMSG;
		if (out->nc.len != 8 || !is_hex(out->nc))
			return EBADMSG;
	}
	if (check_alg(out))
		return EBADMSG;
	if (out->response.len != sip_digest_hex_len(out->alg) || !is_hex(out->response))
		return EBADMSG;
	return 0;
}

/* "Digest" SP params, into out; the same grammar for credentials and challenges. */
static int parse_digest(struct str value, struct sip_digest_cred *out)
{
	unsigned seen = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!value.p)
		return EBADMSG;
	i = skip_ws(value, 0);
	if (value.len - i < 7 || strncasecmp(value.p + i, "Digest", 6) != 0 ||
	    !is_ws(value.p[i + 6]))
		return EBADMSG;
	return parse_params(value, i + 6, out, &seen);
}

int sip_digest_parse(struct str value, struct sip_digest_cred *out)
{
	int err = parse_digest(value, out);
	return err ? err : check_cred(out);
}

int sip_digest_challenge_parse(struct str value, struct sip_digest_cred *out)
{
	int err = parse_digest(value, out);

	if (err)
		return err;
	if (!out->realm.p || !out->nonce.p || str_empty(out->nonce))
		return EBADMSG;
	return check_alg(out);
}

int sip_auth_find_cred(const struct sip_msg *msg, bool proxy, struct str realm,
		       struct sip_digest_cred *out)
{
	enum sip_hdr_id id = proxy ? SIP_HDR_PROXY_AUTHORIZATION : SIP_HDR_AUTHORIZATION;
	struct sip_digest_cred cred;

	for (unsigned h = 0; h < msg->nhdrs && h < SIP_MAX_HEADERS; h++) {
		if (msg->hdrs[h].id != id)
			continue;
		int err = sip_digest_parse(msg->hdrs[h].value, &cred);
		/* A broken header still counts as "for this realm" when its realm was read. */
		if (!cred.realm.p || !str_eq(cred.realm, realm))
			continue;
		if (err)
			return EBADMSG;
		*out = cred;
		return 0;
	}
	return ENOENT;
}
