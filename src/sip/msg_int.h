/* Private helpers shared by the SIP message, header and URI parser files. */
#ifndef SIP_MSG_INT_H
#define SIP_MSG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"
#include "sip/msg.h"

/* Character classes of RFC 3261 25.1, one table lookup per byte. */
enum {
	SIP_CC_TOKEN = 1,    /* token */
	SIP_CC_UNRES = 2,    /* unreserved: alphanum mark */
	SIP_CC_USER = 4,     /* user-unreserved: & = + $ , ; ? / */
	SIP_CC_PASS = 8,     /* password extras: & = + $ , */
	SIP_CC_PARAM = 16,   /* param-unreserved: [ ] / : & + $ */
	SIP_CC_HNV = 32,     /* hnv-unreserved: [ ] / ? : + $ */
	SIP_CC_HOST = 64,    /* hostname: alphanum - . _ */
	SIP_CC_WS = 128,     /* SP HTAB CR LF */
};

extern const unsigned char sip_cc[256];

static inline bool sip_cc_is(char c, unsigned cls)
{
	return (sip_cc[(unsigned char)c] & cls) != 0;
}

/* True when every byte of s has one of the classes cls, or is a valid %XX escape if esc. */
bool sip_cc_span(struct str s, unsigned cls, bool esc);
bool sip_is_token(struct str s);

/* Quoted string starting at s.p[0] == '"': length including both quotes, or 0 if unterminated. */
size_t sip_quoted_len(struct str s);

/* Checks a ;param list (leading ';' optional): names tokens, values token/host/quoted. */
int sip_params_check(struct str params);

/* Header ids that are comma-separated lists (split into one sip_hdr per value). */
bool sip_hdr_is_list(enum sip_hdr_id id);
/* Canonical long name of a header name (compact forms expanded), or the name itself. */
struct str sip_hdr_canon(struct str name);

/* Next comma-separated element of a list value, skipping quotes and <...>. */
struct str sip_list_next(struct str *rest);

/* Host validation for URIs and Via sent-by: 0 or EBADMSG, *ipv6 set for [..] forms. */
int sip_host_check(struct str host, bool ipv6);

/* Parser state: the first error is kept while parsing continues to fill the essentials. */
struct sip_parse {
	struct sip_msg *msg;
	uint64_t seen; /* 1 << id of every header id met */
	uint64_t have; /* 1 << id of essentials whose value parsed */
	int err;
	const char *reason;
};

static inline void sip_parse_fail(struct sip_parse *ps, int err, const char *reason)
{
	if (!ps->err) {
		ps->err = err;
		ps->reason = reason;
	}
}

/* Stores one header field (split when a list), parsing the essentials; EOVERFLOW stops parsing. */
int sip_msg_store(struct sip_parse *ps, struct str name, struct str value);
/* After the header block: essentials present and consistent. */
void sip_msg_check(struct sip_parse *ps);
/* Via, From, To, Call-ID and CSeq all parsed: enough to answer with a 400. */
bool sip_msg_answerable(const struct sip_parse *ps);

#endif
