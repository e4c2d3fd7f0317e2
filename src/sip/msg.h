/*
 * A parsed SIP message: zero-copy slices into one owned buffer.
 * The parser unfolds header continuation lines in place (CRLF WSP -> spaces),
 * so every slice is a single line of text.
 */
#ifndef SIP_MSG_H
#define SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"
#include "sip/uri.h"

/* Caps on what the network may send us (EOVERFLOW beyond them). */
enum {
	SIP_MAX_MSG = 65535,       /* whole message, UDP or one TCP frame */
	SIP_MAX_HEADERS = 128,     /* header fields (each comma value counts once) */
	SIP_MAX_HDR_LINE = 8192,   /* one header field after unfolding */
	SIP_MAX_VIA = 32,          /* Via values kept */
	SIP_MAX_CSEQ = 2147483647, /* RFC 3261 8.1.1.5: < 2^31 */
};

enum sip_method {
	SIP_UNKNOWN = 0, SIP_INVITE, SIP_ACK, SIP_BYE, SIP_CANCEL, SIP_REGISTER, SIP_OPTIONS,
	SIP_INFO, SIP_PRACK, SIP_UPDATE, SIP_SUBSCRIBE, SIP_NOTIFY, SIP_REFER, SIP_MESSAGE,
	SIP_PUBLISH,
};

/* Known headers; compact forms map to the same id (i,m,e,l,c,f,s,k,t,v,o,r,u,b,x,y...). */
enum sip_hdr_id {
	SIP_HDR_OTHER = 0, SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID, SIP_HDR_CSEQ,
	SIP_HDR_CONTACT, SIP_HDR_MAX_FORWARDS, SIP_HDR_CONTENT_LENGTH, SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CONTENT_ENCODING, SIP_HDR_EXPIRES, SIP_HDR_AUTHORIZATION,
	SIP_HDR_PROXY_AUTHORIZATION, SIP_HDR_WWW_AUTHENTICATE, SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_ROUTE, SIP_HDR_RECORD_ROUTE, SIP_HDR_REQUIRE, SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_SUPPORTED, SIP_HDR_UNSUPPORTED, SIP_HDR_ALLOW, SIP_HDR_USER_AGENT, SIP_HDR_SERVER,
	SIP_HDR_PATH, SIP_HDR_ACCEPT, SIP_HDR_EVENT, SIP_HDR_SUBJECT, SIP_HDR_MIN_EXPIRES,
	SIP_HDR_RETRY_AFTER, SIP_HDR_DATE, SIP_HDR_TIMESTAMP, SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY, SIP_HDR_REPLACES, SIP_HDR_RSEQ, SIP_HDR_RACK,
	SIP_HDR_SESSION_EXPIRES, SIP_HDR_MIN_SE, SIP_HDR_P_ASSERTED_IDENTITY, SIP_HDR_PRIVACY,
	SIP_HDR_ALLOW_EVENTS, SIP_HDR_ACCEPT_ENCODING, SIP_HDR_ACCEPT_LANGUAGE,
	SIP_HDR__COUNT
};

struct sip_hdr {
	enum sip_hdr_id id;
	struct str name;  /* as written (may be compact) */
	struct str value; /* trimmed, unfolded; one comma-separated value for list headers */
};

/* Generic ;name=value parameter list of a Via, name-addr or URI (slice, parsed on demand). */
struct sip_via {
	struct str transport; /* "UDP", "TCP", "TLS", "WS", "WSS" (uppercased by nobody: compare caseless) */
	struct str host;      /* without [] for IPv6 */
	uint16_t port;        /* 0 when absent */
	struct str branch;    /* value of ;branch= or empty */
	struct str received;  /* ;received= */
	bool rport;           /* ;rport present */
	struct str rport_val; /* ;rport=value, empty when bare */
	struct str params;    /* everything from the first ';' (for copying), trimmed */
	struct str raw;       /* the whole value as written */
};

struct sip_nameaddr {
	struct str display; /* without quotes; still escaped (\") */
	struct sip_uri uri;
	struct str uri_raw; /* the URI text inside <> (or bare addr-spec) */
	struct str tag;     /* ;tag= value or empty */
	struct str params;  /* header params after the URI, from the first ';' */
	struct str raw;
	bool has_tag;
};

struct sip_cseq {
	uint32_t num;
	enum sip_method method;
	struct str method_name;
};

struct sip_msg {
	char *buf; /* owned copy of the wire bytes (modified in place by unfolding) */
	size_t len;

	bool is_request;
	/* request line */
	enum sip_method method;
	struct str method_name;
	struct str ruri_raw;
	struct sip_uri ruri;
	/* status line */
	uint16_t status;
	struct str reason;
	struct str version; /* "SIP/2.0" expected; checked by the server, not the parser */

	/* Pre-parsed essentials (first occurrence; duplicates of single-valued ones are errors) */
	struct sip_nameaddr from, to;
	struct str call_id;
	struct sip_cseq cseq;
	struct str cseq_raw;   /* the CSeq value as written: echoed even when malformed */
	int max_forwards;      /* -1 when absent */
	int64_t expires;       /* -1 when absent */
	int64_t content_length; /* -1 when absent */
	struct str content_type;
	struct str body;

	/* The arrays come last: a compact copy (sip_msg_compact) ends after via[0]. */
	unsigned nhdrs, nvia;
	struct sip_via via[SIP_MAX_VIA];
	struct sip_hdr hdrs[SIP_MAX_HEADERS];
};

/*
 * Parses data (copied into msg->buf). On 0 the message is syntactically valid
 * and has From, To, Call-ID, CSeq and at least one Via.
 * On EBADMSG/EOVERFLOW, *reason (static string) says why for a "400 <reason>"
 * and *msgp is still set when enough was parsed to build a response (Via, From,
 * To, Call-ID and CSeq present) — otherwise NULL and the datagram is dropped.
 * stream=true: data is one frame from sip_msg_frame() (Content-Length required).
 */
int sip_msg_parse(struct sip_msg **msgp, const char *data, size_t len, bool stream,
		  const char **reason);
void sip_msg_free(struct sip_msg *msg);
/*
 * A small copy for a transaction that has answered and only waits to absorb retransmissions:
 * the start line, the essentials and the top Via, with the bytes they point into; nvia is at
 * most 1 and there are no headers to look up (nhdrs 0). About 1 KB instead of 10. Freed with
 * sip_msg_free.
 */
struct sip_msg *sip_msg_compact(const struct sip_msg *msg);

/*
 * Stream framing: finds the end of the first message in data.
 * 0 with *msglen set, EAGAIN (need more bytes), EBADMSG (unframeable: missing or
 * bad Content-Length), EOVERFLOW (headers or body beyond SIP_MAX_MSG).
 * *skip: leading CRLFs (keep-alives) to drop before the message; on EAGAIN too.
 */
int sip_msg_frame(const char *data, size_t len, size_t *skip, size_t *msglen);

/* Header access */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr_id id);
const struct sip_hdr *sip_msg_hdr_next(const struct sip_msg *msg, const struct sip_hdr *prev);
const struct sip_hdr *sip_msg_hdr_named(const struct sip_msg *msg, struct str name);
unsigned sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id);

enum sip_method sip_method_from_str(struct str name); /* case-sensitive, RFC 3261 */
const char *sip_method_name(enum sip_method m);
enum sip_hdr_id sip_hdr_id_from_name(struct str name); /* case-insensitive, compact forms */

/* Sub-parsers used on values (also fuzzed): 0 or EBADMSG */
int sip_via_parse(struct str value, struct sip_via *via);
int sip_nameaddr_parse(struct str value, struct sip_nameaddr *na);
int sip_cseq_parse(struct str value, struct sip_cseq *cseq);
/* Finds ;name[=value] in a params slice (case-insensitive name); true if present. */
bool sip_param_find(struct str params, const char *name, struct str *value);

#endif
