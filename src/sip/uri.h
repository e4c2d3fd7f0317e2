/* SIP/SIPS/TEL URIs (RFC 3261 19.1, RFC 3966), parsed as slices. */
#ifndef SIP_URI_H
#define SIP_URI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/str.h"

enum sip_uri_scheme { SIP_URI_OTHER = 0, SIP_URI_SIP, SIP_URI_SIPS, SIP_URI_TEL };

struct sip_uri {
	enum sip_uri_scheme scheme;
	struct str scheme_name;
	struct str user;     /* still %-escaped */
	struct str password;
	struct str host;     /* IPv6 without [] */
	bool host_ipv6;
	uint16_t port;       /* 0 when absent */
	struct str params;   /* from the first ';' up to '?' (without the leading ';') */
	struct str headers;  /* after '?' */
	struct str raw;
};

/* 0 or EBADMSG. Other schemes (absoluteURI) parse with scheme=SIP_URI_OTHER. */
int sip_uri_parse(struct str text, struct sip_uri *uri);
/* Unescapes %XX into out (NUL-terminated): 0, EBADMSG (bad escape), EOVERFLOW. */
int sip_uri_unescape(struct str in, char *out, size_t size, size_t *outlen);
/* RFC 3261 19.1.4 comparison (user case-sensitive, host caseless, params rules). */
bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b);

#endif
