/* Character classes, quoted strings, ;name=value parameter lists and comma-separated lists. */
#include <errno.h>

#include "sip/msg_int.h"

#define ALNUM (SIP_CC_TOKEN | SIP_CC_UNRES | SIP_CC_HOST)

/* GNU range designators keep the table readable; gcc and clang both accept them. */
const unsigned char sip_cc[256] = {
	['0' ... '9'] = ALNUM,
	['a' ... 'z'] = ALNUM,
	['A' ... 'Z'] = ALNUM,
	['-'] = ALNUM,
	['.'] = ALNUM,
	['_'] = ALNUM,
	['!'] = SIP_CC_TOKEN | SIP_CC_UNRES,
	['*'] = SIP_CC_TOKEN | SIP_CC_UNRES,
	['\''] = SIP_CC_TOKEN | SIP_CC_UNRES,
	['~'] = SIP_CC_TOKEN | SIP_CC_UNRES,
	['%'] = SIP_CC_TOKEN,
	['`'] = SIP_CC_TOKEN,
	['+'] = SIP_CC_TOKEN | SIP_CC_USER | SIP_CC_PASS | SIP_CC_PARAM | SIP_CC_HNV,
	['('] = SIP_CC_UNRES,
	[')'] = SIP_CC_UNRES,
	['&'] = SIP_CC_USER | SIP_CC_PASS | SIP_CC_PARAM,
	['='] = SIP_CC_USER | SIP_CC_PASS,
	['$'] = SIP_CC_USER | SIP_CC_PASS | SIP_CC_PARAM | SIP_CC_HNV,
	[','] = SIP_CC_USER | SIP_CC_PASS,
	[';'] = SIP_CC_USER,
	['?'] = SIP_CC_USER | SIP_CC_HNV,
	['/'] = SIP_CC_USER | SIP_CC_PARAM | SIP_CC_HNV,
	['['] = SIP_CC_PARAM | SIP_CC_HNV,
	[']'] = SIP_CC_PARAM | SIP_CC_HNV,
	[':'] = SIP_CC_PARAM | SIP_CC_HNV,
	[' '] = SIP_CC_WS,
	['\t'] = SIP_CC_WS,
	['\r'] = SIP_CC_WS,
	['\n'] = SIP_CC_WS,
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

bool sip_cc_span(struct str s, unsigned cls, bool esc)
{
	for (size_t i = 0; i < s.len; i++) {
		if (sip_cc_is(s.p[i], cls))
			continue;
		if (!esc || s.p[i] != '%' || i + 2 >= s.len || !is_hex(s.p[i + 1]) ||
		    !is_hex(s.p[i + 2]))
			return false;
		i += 2;
	}
	return true;
}

bool sip_is_token(struct str s)
{
	return s.len > 0 && sip_cc_span(s, SIP_CC_TOKEN, false);
}

size_t sip_quoted_len(struct str s)
{
	size_t i = 1;

	if (s.len == 0 || s.p[0] != '"')
		return 0;
	while (i < s.len) {
		char c = s.p[i];
		if (c == '"')
			return i + 1;
		if (c == '\\') {
			/* quoted-pair excludes CR and LF (RFC 3261 25.1) */
			if (i + 1 >= s.len || s.p[i + 1] == '\r' || s.p[i + 1] == '\n')
				return 0;
			i += 2;
			continue;
		}
		i++;
	}
	return 0;
}

/* Next ';'-separated element (quoted strings skipped); rest->p is NULL after the last one. */
static struct str param_next(struct str *rest)
{
	struct str s = *rest;
	size_t i = 0;

	while (i < s.len && s.p[i] != ';') {
		size_t q = s.p[i] == '"' ? sip_quoted_len(str_sub(s, i)) : 0;
		i += q ? q : 1;
	}
	if (i >= s.len) {
		*rest = STR_NULL;
		return str_trim(s);
	}
	*rest = str_make(s.p + i + 1, s.len - i - 1);
	return str_trim(str_make(s.p, i));
}

static void param_split(struct str p, struct str *name, struct str *value)
{
	const char *eq = str_chr(p, '=');

	if (!eq) {
		*name = p;
		*value = str_make(p.p + p.len, 0);
		return;
	}
	*name = str_trim(str_make(p.p, (size_t)(eq - p.p)));
	*value = str_trim(str_make(eq + 1, p.len - (size_t)(eq + 1 - p.p)));
}

static bool value_ok(struct str v)
{
	if (v.len && v.p[0] == '"')
		return sip_quoted_len(v) == v.len;
	/* token, or an IPv6 reference as in received= and maddr= */
	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];
		if (!sip_cc_is(c, SIP_CC_TOKEN) && c != ':' && c != '[' && c != ']')
			return false;
	}
	return v.len > 0;
}

int sip_params_check(struct str params)
{
	struct str rest = params, name, value;
	bool first = true;

	while (rest.p) {
		struct str p = param_next(&rest);
		if (first && p.len == 0) {
			first = false; /* the slice may start with its ';' */
			continue;
		}
		first = false;
		param_split(p, &name, &value);
		if (!sip_is_token(name))
			return EBADMSG;
		if (value.p != name.p + name.len && !value_ok(value))
			return EBADMSG;
	}
	return 0;
}

bool sip_param_find(struct str params, const char *name, struct str *value)
{
	struct str rest = params, n, v;
	size_t want = strlen(name);

	while (rest.p && rest.len) {
		struct str p = param_next(&rest);
		if (p.len < want)
			continue;
		param_split(p, &n, &v);
		if (n.len == want && strncasecmp(n.p, name, want) == 0) {
			if (value)
				*value = v;
			return true;
		}
	}
	return false;
}

struct str sip_list_next(struct str *rest)
{
	struct str s = *rest;
	size_t i = 0;

	while (i < s.len && s.p[i] != ',') {
		if (s.p[i] == '"') {
			size_t q = sip_quoted_len(str_sub(s, i));
			i += q ? q : s.len - i;
		} else if (s.p[i] == '<') {
			const char *gt = str_chr(str_sub(s, i), '>');
			i = gt ? (size_t)(gt - s.p) + 1 : s.len;
		} else {
			i++;
		}
	}
	if (i >= s.len) {
		*rest = STR_NULL;
		return str_trim(s);
	}
	*rest = str_make(s.p + i + 1, s.len - i - 1);
	return str_trim(str_make(s.p, i));
}
