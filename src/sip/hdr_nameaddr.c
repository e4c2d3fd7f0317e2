/* name-addr / addr-spec header values (From, To, Contact, Route, ...): display name, URI, params. */
#include <errno.h>

#include "sip/msg_int.h"

/* Index of the first '<' outside quoted strings, value.len if none, or -1 on a broken quote. */
static long find_laquot(struct str value)
{
	size_t i = 0;

	while (i < value.len) {
		if (value.p[i] == '<')
			return (long)i;
		if (value.p[i] == '"') {
			size_t q = sip_quoted_len(str_sub(value, i));
			if (q == 0)
				return -1;
			i += q;
			continue;
		}
		i++;
	}
	return (long)value.len;
}

/* display-name = *(token LWS) / quoted-string; stored without the quotes. */
static int display_parse(struct str d, struct sip_nameaddr *na)
{
	if (d.len && d.p[0] == '"') {
		if (sip_quoted_len(d) != d.len)
			return EBADMSG;
		na->display = str_make(d.p + 1, d.len - 2);
		return 0;
	}
	for (size_t i = 0; i < d.len; i++) {
		if (!sip_cc_is(d.p[i], SIP_CC_TOKEN) && d.p[i] != ' ' && d.p[i] != '\t')
			return EBADMSG;
	}
	na->display = d;
	return 0;
}

static int nameaddr_bracketed(struct str value, size_t lt, struct sip_nameaddr *na)
{
	if (display_parse(str_trim(str_make(value.p, lt)), na))
		return EBADMSG;
	struct str after = str_sub(value, lt + 1);
	const char *gt = str_chr(after, '>');
	if (!gt)
		return EBADMSG;
	na->uri_raw = str_make(after.p, (size_t)(gt - after.p));
	struct str rest = str_trim(str_sub(after, na->uri_raw.len + 1));
	if (rest.len && rest.p[0] != ';')
		return EBADMSG;
	na->params = rest;
	return 0;
}

int sip_nameaddr_parse(struct str value, struct sip_nameaddr *na)
{
	memset(na, 0, sizeof(*na));
	value = str_trim(value);
	na->raw = value;

	long lt = find_laquot(value);
	if (lt < 0 || value.len == 0)
		return EBADMSG;
	if ((size_t)lt < value.len) {
		if (nameaddr_bracketed(value, (size_t)lt, na))
			return EBADMSG;
	} else {
		/* addr-spec without <>: every ;param belongs to the header (RFC 3261 20) */
		const char *semi = str_chr(value, ';');
		na->uri_raw = semi ? str_trim(str_make(value.p, (size_t)(semi - value.p))) : value;
		na->params = semi ? str_sub(value, (size_t)(semi - value.p)) : STR_NULL;
		if (str_chr(na->uri_raw, '?') || str_chr(na->uri_raw, ','))
			return EBADMSG;
	}
	if (sip_uri_parse(na->uri_raw, &na->uri) || sip_params_check(na->params))
		return EBADMSG;
	na->has_tag = sip_param_find(na->params, "tag", &na->tag);
	if (na->has_tag && !sip_is_token(na->tag))
		return EBADMSG;
	return 0;
}
