/* Header and method name tables: long names, compact forms (RFC 3261 7.3.3, 20) and lookups. */
#include "sip/msg_int.h"

struct hdr_name {
	const char *name;
	enum sip_hdr_id id;
};

static const struct hdr_name hdr_names[] = {
	{ "Via", SIP_HDR_VIA },
	{ "From", SIP_HDR_FROM },
	{ "To", SIP_HDR_TO },
	{ "Call-ID", SIP_HDR_CALL_ID },
	{ "CSeq", SIP_HDR_CSEQ },
	{ "Contact", SIP_HDR_CONTACT },
	{ "Max-Forwards", SIP_HDR_MAX_FORWARDS },
	{ "Content-Length", SIP_HDR_CONTENT_LENGTH },
	{ "Content-Type", SIP_HDR_CONTENT_TYPE },
	{ "Content-Encoding", SIP_HDR_CONTENT_ENCODING },
	{ "Expires", SIP_HDR_EXPIRES },
	{ "Authorization", SIP_HDR_AUTHORIZATION },
	{ "Proxy-Authorization", SIP_HDR_PROXY_AUTHORIZATION },
	{ "WWW-Authenticate", SIP_HDR_WWW_AUTHENTICATE },
	{ "Proxy-Authenticate", SIP_HDR_PROXY_AUTHENTICATE },
	{ "Route", SIP_HDR_ROUTE },
	{ "Record-Route", SIP_HDR_RECORD_ROUTE },
	{ "Require", SIP_HDR_REQUIRE },
	{ "Proxy-Require", SIP_HDR_PROXY_REQUIRE },
	{ "Supported", SIP_HDR_SUPPORTED },
	{ "Unsupported", SIP_HDR_UNSUPPORTED },
	{ "Allow", SIP_HDR_ALLOW },
	{ "User-Agent", SIP_HDR_USER_AGENT },
	{ "Server", SIP_HDR_SERVER },
	{ "Path", SIP_HDR_PATH },
	{ "Accept", SIP_HDR_ACCEPT },
	{ "Event", SIP_HDR_EVENT },
	{ "Subject", SIP_HDR_SUBJECT },
	{ "Min-Expires", SIP_HDR_MIN_EXPIRES },
	{ "Retry-After", SIP_HDR_RETRY_AFTER },
	{ "Date", SIP_HDR_DATE },
	{ "Timestamp", SIP_HDR_TIMESTAMP },
	{ "Refer-To", SIP_HDR_REFER_TO },
	{ "Referred-By", SIP_HDR_REFERRED_BY },
	{ "Replaces", SIP_HDR_REPLACES },
	{ "RSeq", SIP_HDR_RSEQ },
	{ "RAck", SIP_HDR_RACK },
	{ "Session-Expires", SIP_HDR_SESSION_EXPIRES },
	{ "Min-SE", SIP_HDR_MIN_SE },
	{ "P-Asserted-Identity", SIP_HDR_P_ASSERTED_IDENTITY },
	{ "Privacy", SIP_HDR_PRIVACY },
	{ "Allow-Events", SIP_HDR_ALLOW_EVENTS },
	{ "Accept-Encoding", SIP_HDR_ACCEPT_ENCODING },
	{ "Accept-Language", SIP_HDR_ACCEPT_LANGUAGE },
};

/* Compact forms; the ones without an id of their own still expand for named lookups. */
static const struct {
	char c;
	const char *name;
} compact[] = {
	{ 'i', "Call-ID" },	    { 'm', "Contact" },	       { 'e', "Content-Encoding" },
	{ 'l', "Content-Length" },  { 'c', "Content-Type" },   { 'f', "From" },
	{ 's', "Subject" },	    { 'k', "Supported" },      { 't', "To" },
	{ 'v', "Via" },		    { 'o', "Event" },	       { 'r', "Refer-To" },
	{ 'b', "Referred-By" },	    { 'u', "Allow-Events" },   { 'x', "Session-Expires" },
	{ 'a', "Accept-Contact" },  { 'j', "Reject-Contact" }, { 'd', "Request-Disposition" },
	{ 'y', "Identity" },	    { 'n', "Identity-Info" },
};

static const char *const method_names[] = {
	[SIP_UNKNOWN] = "UNKNOWN",	 [SIP_INVITE] = "INVITE",   [SIP_ACK] = "ACK",
	[SIP_BYE] = "BYE",		 [SIP_CANCEL] = "CANCEL",   [SIP_REGISTER] = "REGISTER",
	[SIP_OPTIONS] = "OPTIONS",	 [SIP_INFO] = "INFO",	    [SIP_PRACK] = "PRACK",
	[SIP_UPDATE] = "UPDATE",	 [SIP_SUBSCRIBE] = "SUBSCRIBE", [SIP_NOTIFY] = "NOTIFY",
	[SIP_REFER] = "REFER",		 [SIP_MESSAGE] = "MESSAGE", [SIP_PUBLISH] = "PUBLISH",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct str sip_hdr_canon(struct str name)
{
	if (name.len != 1)
		return name;
	char c = (char)(name.p[0] | 0x20);
	for (size_t i = 0; i < COUNT(compact); i++) {
		if (compact[i].c == c)
			return str_c(compact[i].name);
	}
	return name;
}

enum sip_hdr_id sip_hdr_id_from_name(struct str name)
{
	name = sip_hdr_canon(name);
	for (size_t i = 0; i < COUNT(hdr_names); i++) {
		const char *n = hdr_names[i].name;
		/* the length test is cheap and rejects nearly every row */
		if (strlen(n) == name.len && strncasecmp(n, name.p, name.len) == 0)
			return hdr_names[i].id;
	}
	return SIP_HDR_OTHER;
}

bool sip_hdr_is_list(enum sip_hdr_id id)
{
	switch (id) {
	case SIP_HDR_VIA: case SIP_HDR_CONTACT: case SIP_HDR_CONTENT_ENCODING: case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE: case SIP_HDR_REQUIRE: case SIP_HDR_PROXY_REQUIRE:
	case SIP_HDR_SUPPORTED: case SIP_HDR_UNSUPPORTED: case SIP_HDR_ALLOW: case SIP_HDR_PATH:
	case SIP_HDR_ACCEPT: case SIP_HDR_P_ASSERTED_IDENTITY: case SIP_HDR_ALLOW_EVENTS:
	case SIP_HDR_ACCEPT_ENCODING: case SIP_HDR_ACCEPT_LANGUAGE:
		return true;
	default:
		return false;
	}
}

enum sip_method sip_method_from_str(struct str name)
{
	for (size_t m = SIP_INVITE; m < COUNT(method_names); m++) {
		if (str_eq_cstr(name, method_names[m]))
			return (enum sip_method)m;
	}
	return SIP_UNKNOWN;
}

const char *sip_method_name(enum sip_method m)
{
	if ((size_t)m >= COUNT(method_names))
		return method_names[SIP_UNKNOWN];
	return method_names[m];
}
