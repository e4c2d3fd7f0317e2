/* SIP, SIPS and tel URI parsing (RFC 3261 19.1, 25.1; RFC 3966) and %XX unescaping. */
#include <arpa/inet.h>
#include <errno.h>

#include "sip/msg_int.h"
#include "sip/uri.h"

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int sip_uri_unescape(struct str in, char *out, size_t size, size_t *outlen)
{
	size_t n = 0;

	if (size == 0)
		return EOVERFLOW;
	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];
		if (c == '%') {
			int hi = i + 2 < in.len ? hex_val(in.p[i + 1]) : -1;
			int lo = hi >= 0 ? hex_val(in.p[i + 2]) : -1;
			if (lo < 0)
				return EBADMSG;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (n + 1 >= size)
			return EOVERFLOW;
		out[n++] = c;
	}
	out[n] = '\0';
	if (outlen)
		*outlen = n;
	return 0;
}

static bool ipv4_ok(struct str h)
{
	char tmp[16];
	struct in_addr a;

	return h.len < sizeof(tmp) && str_copy(h, tmp, sizeof(tmp)) && inet_pton(AF_INET, tmp, &a) == 1;
}

/* hostname = *( domainlabel "." ) toplabel [ "." ]; labels never start or end with '-'. */
static bool hostname_ok(struct str h)
{
	size_t label = 0;

	if (h.len == 0 || h.len > 255)
		return false;
	for (size_t i = 0; i < h.len; i++) {
		char c = h.p[i];
		if (c == '.') {
			if (label == 0 || h.p[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!sip_cc_is(c, SIP_CC_HOST) || (label == 0 && c == '-'))
			return false;
		label++;
	}
	return h.p[h.len - 1] != '-';
}

int sip_host_check(struct str host, bool ipv6)
{
	char tmp[64];
	struct in6_addr a6;

	if (ipv6) {
		if (host.len >= sizeof(tmp) || !str_copy(host, tmp, sizeof(tmp)))
			return EBADMSG;
		return inet_pton(AF_INET6, tmp, &a6) == 1 ? 0 : EBADMSG;
	}
	if (host.len && host.p[host.len - 1] >= '0' && host.p[host.len - 1] <= '9' &&
	    str_chr(host, '.') && sip_cc_span(host, SIP_CC_HOST, false)) {
		/* all-numeric dotted names must be real IPv4 addresses (toplabel starts with ALPHA) */
		bool numeric = true;
		for (size_t i = 0; i < host.len; i++)
			numeric &= (host.p[i] >= '0' && host.p[i] <= '9') || host.p[i] == '.';
		if (numeric)
			return ipv4_ok(host) ? 0 : EBADMSG;
	}
	return hostname_ok(host) ? 0 : EBADMSG;
}

/* host[:port] with IPv6 in brackets; s is the hostport slice. */
static int uri_hostport(struct str s, struct sip_uri *uri)
{
	struct str port = STR_NULL;
	uint32_t v;

	if (s.len && s.p[0] == '[') {
		const char *end = str_chr(s, ']');
		if (!end)
			return EBADMSG;
		uri->host = str_make(s.p + 1, (size_t)(end - s.p) - 1);
		uri->host_ipv6 = true;
		s = str_sub(s, (size_t)(end - s.p) + 1);
		if (s.len && s.p[0] != ':')
			return EBADMSG;
		port = s.len ? str_sub(s, 1) : STR_NULL;
	} else {
		const char *colon = str_chr(s, ':');
		uri->host = colon ? str_make(s.p, (size_t)(colon - s.p)) : s;
		port = colon ? str_sub(s, (size_t)(colon - s.p) + 1) : STR_NULL;
		if (colon && !port.p)
			port = str_make(colon + 1, 0);
	}
	if (sip_host_check(uri->host, uri->host_ipv6))
		return EBADMSG;
	if (port.p) {
		if (str_to_u32(port, &v) || v == 0 || v > 65535)
			return EBADMSG;
		uri->port = (uint16_t)v;
	}
	return 0;
}

static int uri_userinfo(struct str s, struct sip_uri *uri)
{
	const char *colon = str_chr(s, ':');

	uri->user = colon ? str_make(s.p, (size_t)(colon - s.p)) : s;
	if (colon)
		uri->password = str_make(colon + 1, s.len - uri->user.len - 1);
	if (uri->user.len == 0)
		return EBADMSG;
	if (!sip_cc_span(uri->user, SIP_CC_UNRES | SIP_CC_USER, true))
		return EBADMSG;
	return sip_cc_span(uri->password, SIP_CC_UNRES | SIP_CC_PASS, true) ? 0 : EBADMSG;
}

/* ;name[=value] URI params: paramchar = param-unreserved / unreserved / escaped. */
static bool uri_params_ok(struct str params)
{
	struct str rest = params, p, name;

	while (rest.p) {
		rest = str_split(rest, ';', &p);
		struct str value = str_split(p, '=', &name);
		if (name.len == 0 || !sip_cc_span(name, SIP_CC_UNRES | SIP_CC_PARAM, true))
			return false;
		if (value.p && (value.len == 0 ||
				!sip_cc_span(value, SIP_CC_UNRES | SIP_CC_PARAM, true)))
			return false;
	}
	return true;
}

static bool uri_headers_ok(struct str headers)
{
	if (headers.p && headers.len == 0)
		return false;
	return sip_cc_span(headers, SIP_CC_UNRES | SIP_CC_HNV | SIP_CC_USER, true);
}

static int uri_parse_sip(struct str rest, struct sip_uri *uri)
{
	const char *at = memrchr(rest.p, '@', rest.len);
	struct str hostpart = rest;

	if (at) {
		if (uri_userinfo(str_make(rest.p, (size_t)(at - rest.p)), uri))
			return EBADMSG;
		hostpart = str_sub(rest, (size_t)(at - rest.p) + 1);
	}
	const char *q = str_chr(hostpart, '?');
	if (q) {
		uri->headers = str_make(q + 1, hostpart.len - (size_t)(q + 1 - hostpart.p));
		hostpart.len = (size_t)(q - hostpart.p);
	}
	const char *semi = str_chr(hostpart, ';');
	if (semi) {
		uri->params = str_make(semi + 1, hostpart.len - (size_t)(semi + 1 - hostpart.p));
		hostpart.len = (size_t)(semi - hostpart.p);
		if (!uri_params_ok(uri->params))
			return EBADMSG;
	}
	if ((q && !uri_headers_ok(uri->headers)) || uri_hostport(hostpart, uri))
		return EBADMSG;
	return 0;
}

/* tel: global (+digits) or local number with visual separators, then ;params. */
static int uri_parse_tel(struct str rest, struct sip_uri *uri)
{
	const char *semi = str_chr(rest, ';');
	struct str num = semi ? str_make(rest.p, (size_t)(semi - rest.p)) : rest;
	bool digit = false;

	for (size_t i = 0; i < num.len; i++) {
		char c = num.p[i];
		if (i == 0 && c == '+')
			continue;
		if ((c >= '0' && c <= '9') || hex_val(c) >= 0 || c == '*' || c == '#')
			digit = true;
		else if (c != '-' && c != '.' && c != '(' && c != ')')
			return EBADMSG;
	}
	uri->user = num;
	if (semi) {
		uri->params = str_make(semi + 1, rest.len - num.len - 1);
		if (!uri_params_ok(uri->params))
			return EBADMSG;
	}
	return digit ? 0 : EBADMSG;
}

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static bool scheme_ok(struct str s)
{
	if (s.len == 0 || (char)(s.p[0] | 0x20) < 'a' || (char)(s.p[0] | 0x20) > 'z')
		return false;
	for (size_t i = 1; i < s.len; i++) {
		char c = s.p[i];
		if (c == '_' || (!sip_cc_is(c, SIP_CC_HOST) && c != '+'))
			return false;
	}
	return true;
}

int sip_uri_parse(struct str text, struct sip_uri *uri)
{
	memset(uri, 0, sizeof(*uri));
	uri->raw = text;
	const char *colon = str_chr(text, ':');
	if (!colon || colon == text.p || text.len > SIP_MAX_HDR_LINE)
		return EBADMSG;
	uri->scheme_name = str_make(text.p, (size_t)(colon - text.p));
	struct str rest = str_sub(text, uri->scheme_name.len + 1);
	if (!scheme_ok(uri->scheme_name))
		return EBADMSG;
	if (str_eq_case_cstr(uri->scheme_name, "sip"))
		uri->scheme = SIP_URI_SIP;
	else if (str_eq_case_cstr(uri->scheme_name, "sips"))
		uri->scheme = SIP_URI_SIPS;
	else if (str_eq_case_cstr(uri->scheme_name, "tel"))
		uri->scheme = SIP_URI_TEL;
	if (uri->scheme == SIP_URI_SIP || uri->scheme == SIP_URI_SIPS)
		return uri_parse_sip(rest, uri);
	if (uri->scheme == SIP_URI_TEL)
		return uri_parse_tel(rest, uri);
	/* absoluteURI: any printable, no whitespace; the server answers 416 */
	for (size_t i = 0; i < rest.len; i++) {
		unsigned char c = (unsigned char)rest.p[i];
		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"')
			return EBADMSG;
	}
	return rest.len ? 0 : EBADMSG;
}

/* Compares two %-escaped slices as their decoded bytes (RFC 3261 19.1.4). */
static bool esc_eq(struct str a, struct str b, bool caseless)
{
	size_t i = 0, j = 0;

	while (i < a.len && j < b.len) {
		int ca = (unsigned char)a.p[i], cb = (unsigned char)b.p[j];
		if (ca == '%' && i + 2 < a.len && hex_val(a.p[i + 1]) >= 0 && hex_val(a.p[i + 2]) >= 0) {
			ca = hex_val(a.p[i + 1]) << 4 | hex_val(a.p[i + 2]);
			i += 2;
		}
		if (cb == '%' && j + 2 < b.len && hex_val(b.p[j + 1]) >= 0 && hex_val(b.p[j + 2]) >= 0) {
			cb = hex_val(b.p[j + 1]) << 4 | hex_val(b.p[j + 2]);
			j += 2;
		}
		if (caseless && ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (caseless && cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return false;
		i++;
		j++;
	}
	return i == a.len && j == b.len;
}

/* Finds name in a '&'- or ';'-separated list; value set (empty when bare). */
static bool list_find(struct str list, char sep, struct str name, struct str *value)
{
	struct str rest = list, item, n;

	while (rest.p && list.len) {
		rest = str_split(rest, sep, &item);
		struct str v = str_split(item, '=', &n);
		if (esc_eq(n, name, true)) {
			*value = v;
			return true;
		}
	}
	return false;
}

static bool param_must_match(struct str name)
{
	static const char *const names[] = { "user", "ttl", "method", "maddr", "transport" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (str_eq_case_cstr(name, names[i]))
			return true;
	}
	return false;
}

/* Every param of a that is also in b (or must be) has an equal value. */
static bool params_cover(struct str a, struct str b, char sep, bool all)
{
	struct str rest = a, item, name, vb;

	while (rest.p && a.len) {
		struct str before = str_make(a.p, (size_t)(rest.p - a.p));
		rest = str_split(rest, sep, &item);
		struct str va = str_split(item, '=', &name);
		/* a repeated name was judged at its first occurrence, as list_find sees it */
		if (list_find(before, sep, name, &vb))
			continue;
		if (!list_find(b, sep, name, &vb)) {
			if (all || param_must_match(name))
				return false;
			continue;
		}
		if (!esc_eq(va, vb, true))
			return false;
	}
	return true;
}

static bool tel_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	size_t i = 0, j = 0;

	/* visual separators carry no meaning (RFC 3966 4) */
	for (;;) {
		while (i < a->user.len && memchr("-.()", a->user.p[i], 4))
			i++;
		while (j < b->user.len && memchr("-.()", b->user.p[j], 4))
			j++;
		if (i == a->user.len || j == b->user.len)
			break;
		if ((a->user.p[i] | 0x20) != (b->user.p[j] | 0x20))
			return false;
		i++;
		j++;
	}
	return i == a->user.len && j == b->user.len && params_cover(a->params, b->params, ';', true) &&
	       params_cover(b->params, a->params, ';', true);
}

bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->scheme != b->scheme)
		return false;
	if (a->scheme == SIP_URI_OTHER)
		return str_eq_case(a->scheme_name, b->scheme_name) &&
		       esc_eq(str_sub(a->raw, a->scheme_name.len), str_sub(b->raw, b->scheme_name.len), false);
	if (a->scheme == SIP_URI_TEL)
		return tel_eq(a, b);
	if (!esc_eq(a->user, b->user, false) || !esc_eq(a->password, b->password, false))
		return false;
	if (!str_eq_case(a->host, b->host) || a->port != b->port)
		return false;
	if (!params_cover(a->params, b->params, ';', false) ||
	    !params_cover(b->params, a->params, ';', false))
		return false;
	return params_cover(a->headers, b->headers, '&', true) &&
	       params_cover(b->headers, a->headers, '&', true);
}
